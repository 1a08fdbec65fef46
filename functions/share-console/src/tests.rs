use super::*;
use lambda_http::http::{Method, Request, StatusCode, header};
use std::io::Read;

fn request(method: Method, path: &str, headers: &[(&str, &str)]) -> lambda_http::Request {
    let mut builder = Request::builder().method(method).uri(format!("https://console.example.com{path}"));
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Body::Empty).unwrap()
}

fn get(path: &str, headers: &[(&str, &str)]) -> Response<Body> {
    respond(&request(Method::GET, path, headers), &aws_config())
}

fn aws_config() -> ConsoleConfig {
    ConsoleConfig {
        api_origin: Some("https://api.example.com".into()),
        links_origin: Some("https://share.example.com".into()),
        issuer: Some("https://login.example.com/tenant/v2.0".into()),
        client_id: Some("console-client".into()),
        scope: "openid api://shares/Shares.ReadWrite".into(),
        dev_sign_in: false,
    }
}

fn bytes(body: &Body) -> &[u8] {
    match body {
        Body::Binary(bytes) => bytes,
        Body::Text(text) => text.as_bytes(),
        _ => &[],
    }
}

fn assert_console_headers(response: &Response<Body>) {
    let headers = response.headers();
    assert_eq!(headers["cross-origin-opener-policy"], "same-origin");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
    let policy = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' https://api.example.com https://share.example.com",
        "connect-src 'self' https://api.example.com https://login.example.com",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "require-trusted-types-for 'script'",
        "trusted-types 'none'",
    ] {
        assert!(policy.split("; ").any(|found| found == directive), "{directive} in {policy}");
    }
    assert!(!policy.contains("unsafe"), "{policy}");
}

#[test]
fn every_file_is_served_with_its_type_gzipped_when_accepted_and_revalidated() {
    for (path, content_type, start) in [
        ("/console", "text/html; charset=utf-8", &b"<!doctype html>"[..]),
        ("/console/", "text/html; charset=utf-8", b"<!doctype html>"),
        ("/console/console.js", "text/javascript; charset=utf-8", b"// The console"),
        ("/console/console.css", "text/css; charset=utf-8", b"/* The console"),
        ("/console/icon.svg", "image/svg+xml", b"<svg"),
    ] {
        let plain = get(path, &[]);
        assert_eq!(plain.status(), StatusCode::OK, "{path}");
        assert_console_headers(&plain);
        assert_eq!(plain.headers()[header::CONTENT_TYPE], content_type);
        assert_eq!(plain.headers()[header::CACHE_CONTROL], "no-cache");
        assert!(bytes(plain.body()).starts_with(start), "{path}");

        let gzipped = get(path, &[("accept-encoding", "br, gzip")]);
        assert_eq!(gzipped.headers()[header::CONTENT_ENCODING], "gzip");
        let mut inflated = Vec::new();
        flate2::read::GzDecoder::new(bytes(gzipped.body())).read_to_end(&mut inflated).unwrap();
        assert_eq!(inflated, bytes(plain.body()));
        assert!(get(path, &[("accept-encoding", "gzip;q=0")]).headers().get(header::CONTENT_ENCODING).is_none());

        let etag = plain.headers()[header::ETAG].to_str().unwrap().to_owned();
        let unchanged = get(path, &[("if-none-match", &etag)]);
        assert_eq!((unchanged.status(), bytes(unchanged.body()).len()), (StatusCode::NOT_MODIFIED, 0));
        assert_console_headers(&unchanged);
        let head = respond(&request(Method::HEAD, path, &[]), &aws_config());
        assert_eq!((head.status(), bytes(head.body()).len()), (StatusCode::OK, 0));
    }
}

#[test]
fn the_page_loads_only_its_own_files_and_every_module_it_imports_is_served() {
    let page = String::from_utf8(bytes(get("/console", &[]).body()).to_vec()).unwrap();
    assert!(!page.contains("<script>") && !page.contains("style="), "no inline script or style");
    for path in file_paths().filter(|path| path.ends_with(".js")) {
        let script = String::from_utf8(bytes(get(path, &[]).body()).to_vec()).unwrap();
        for import in script.lines().filter_map(|line| line.split(" from './").nth(1)) {
            let module = import.trim_end_matches([';', '\'']);
            assert_eq!(get(&format!("/console/{module}"), &[]).status(), StatusCode::OK, "{path} imports {module}");
        }
        assert!(!script.contains("innerHTML") && !script.contains("localStorage"), "{path}");
    }
}

#[test]
fn unknown_names_and_other_methods_are_404_with_the_same_headers() {
    for path in ["/console/nothing.js", "/console/index.html", "/console/dev-sign-in", "/consoles", "/s/abc"] {
        let missing = get(path, &[]);
        assert_eq!(missing.status(), StatusCode::NOT_FOUND, "{path}");
        assert_console_headers(&missing);
        assert_eq!(missing.headers()[header::CACHE_CONTROL], "no-store");
    }
    let posted = respond(&request(Method::POST, "/console/console.js", &[]), &aws_config());
    assert_eq!(posted.status(), StatusCode::NOT_FOUND);
}

#[test]
fn the_config_document_says_where_the_api_and_the_sign_in_are() {
    let answer = get("/console/config.json", &[]);
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(answer.headers()[header::CACHE_CONTROL], "no-store");
    assert_console_headers(&answer);
    let config: serde_json::Value = serde_json::from_slice(bytes(answer.body())).unwrap();
    assert_eq!(
        config,
        serde_json::json!({"apiBase": "https://api.example.com", "issuer": "https://login.example.com/tenant/v2.0",
                           "clientId": "console-client", "scope": "openid api://shares/Shares.ReadWrite",
                           "devSignIn": false})
    );
}

#[test]
fn the_local_runner_config_keeps_everything_on_the_console_origin() {
    let local = ConsoleConfig { scope: "openid".into(), dev_sign_in: true, ..ConsoleConfig::default() };
    let answer = respond(&request(Method::GET, "/console/config.json", &[]), &local);
    let config: serde_json::Value = serde_json::from_slice(bytes(answer.body())).unwrap();
    assert_eq!((config["apiBase"].as_str(), config["devSignIn"].as_bool()), (Some(""), Some(true)));
    let policy = answer.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned();
    assert!(policy.contains("img-src 'self'; connect-src 'self'; "), "{policy}");
}

#[test]
fn stage_variables_fill_the_api_and_links_origins_in_aws() {
    let event = serde_json::json!({
        "version": "2.0", "routeKey": "GET /console/{proxy+}", "rawPath": "/console/config.json", "rawQueryString": "",
        "headers": {"host": "console.example.com"},
        "requestContext": {"http": {"method": "GET", "path": "/console/config.json", "protocol": "HTTP/1.1",
                                    "sourceIp": "192.0.2.1", "userAgent": "test"},
                           "domainName": "console.example.com", "stage": "$default", "requestId": "id",
                           "routeKey": "GET /console/{proxy+}", "accountId": "1", "apiId": "c",
                           "time": "07/Dec/2026:18:00:00 +0000", "timeEpoch": 0},
        "stageVariables": {"apiUrl": "https://api.example.com/", "linksUrl": "https://share.example.com"},
        "isBase64Encoded": false
    });
    let request = lambda_http::request::from_str(&event.to_string()).unwrap();
    let config = ConsoleConfig { issuer: Some("https://login.example.com/t/v2.0".into()), ..ConsoleConfig::default() };
    let answer = respond(&request, &config);
    let document: serde_json::Value = serde_json::from_slice(bytes(answer.body())).unwrap();
    assert_eq!(document["apiBase"], "https://api.example.com");
    let policy = answer.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(policy.contains("img-src 'self' https://api.example.com https://share.example.com;"), "{policy}");
}

#[test]
fn only_well_formed_origins_reach_the_policy() {
    assert_eq!(origin_of("https://Login.Example.com/tenant/v2.0").as_deref(), Some("https://login.example.com"));
    assert_eq!(origin_of("http://127.0.0.1:9000/issuer").as_deref(), Some("http://127.0.0.1:9000"));
    for refused in
        ["http://login.example.com", "https://a.example.com; script-src *", "javascript:x", "https://", "ftp://x"]
    {
        assert_eq!(origin_of(refused), None, "{refused}");
    }
}

#[test]
fn loopback_hosts_are_names_of_this_machine_only() {
    for host in ["localhost", "localhost:3000", "127.0.0.1", "127.0.0.1:8080", "127.1.2.3:1", "[::1]", "[::1]:3000"] {
        assert!(is_loopback_host(host), "{host}");
    }
    for host in ["evil.example", "localhost.evil.example", "10.0.0.1:3000", "[::2]:80", "127.0.0.1.nip.io", ""] {
        assert!(!is_loopback_host(host), "{host}");
    }
}

#[test]
fn the_app_stays_small() {
    assert!(gzipped_total() < 100 * 1024, "{} bytes gzipped", gzipped_total());
}
