//! Hostile headers and paths: forwarding headers that once panicked inside `lambda_http`, reflected
//! hosts, HEAD, an oversized header, a trailing slash on a recipients' link.

use crate::per_store;
use crate::support::{TestApp, share_body};
use hyper::{Method, StatusCode};

/// A share `url` is `https://` on a well-formed host, or `http://` on the loopback runner itself.
fn assert_safe_link(url: &str, base: &str) {
    let (scheme, rest) = url.split_once("://").unwrap_or_else(|| panic!("not absolute: {url}"));
    let host = rest.split('/').next().unwrap();
    match scheme {
        "https" => {}
        "http" => assert!(
            base.ends_with(host) || host == "localhost" || host.starts_with("127.0.0.1"),
            "http:// only on loopback: {url}"
        ),
        other => panic!("scheme {other} in {url}"),
    }
    assert!(
        host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')),
        "host {host:?} in {url}"
    );
    assert!(!url.contains("javascript") && !url.contains('<') && !url.contains(' '), "{url}");
}

const MALFORMED: [(&str, &str); 12] = [
    ("host", "bad host"),
    ("host", "[::1"),
    ("host", "exa%mple.com"),
    ("host", "example.com:99999"),
    ("host", "javascript:alert(1)"),
    ("x-forwarded-proto", "1nvalid"),
    ("x-forwarded-proto", "javascript"),
    ("x-forwarded-proto", "https://evil.example"),
    ("x-forwarded-proto", ""),
    ("x-forwarded-host", "javascript:alert(document.domain)//"),
    ("x-forwarded-host", "evil.example"),
    ("x-forwarded-host", "<svg onload=alert(1)>"),
];

async fn malformed_forwarding_headers_never_break_a_request(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let id = app.publish(&kim, &share_body("Hosts", 1)).await["id"].as_str().unwrap().to_owned();
    for (name, value) in MALFORMED {
        let headers = [(name, value)];
        let listed = app.send(Method::GET, "/shares", &kim, None, &headers).await;
        assert_eq!(listed.status, StatusCode::OK, "{name}: {value}: {}", listed.text());
        let shares = listed.json()["shares"].as_array().unwrap().clone();
        for share in &shares {
            assert_safe_link(share["url"].as_str().unwrap(), &app.base);
            assert_safe_link(share["icsUrl"].as_str().unwrap(), &app.base);
        }
        let page = app.send(Method::GET, &format!("/s/{id}"), &app.anonymous(), None, &headers).await;
        assert_eq!(page.status, StatusCode::OK, "{name}: {value}");
        let published = app.send(Method::POST, "/shares", &kim, Some(&share_body("More", 1)), &headers).await;
        assert_eq!(published.status, StatusCode::CREATED, "{name}: {value}: {}", published.text());
        assert_safe_link(published.json()["url"].as_str().unwrap(), &app.base);
    }
    let evil = [("x-forwarded-host", "evil.example")];
    let listed = app.send(Method::GET, "/shares", &kim, None, &evil).await.json();
    assert!(!listed.to_string().contains("evil.example"), "X-Forwarded-Host is never reflected: {listed}");
}

async fn head_answers_as_get_without_a_body(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let id = app.publish(&kim, &share_body("Head", 2)).await["id"].as_str().unwrap().to_owned();
    for path in [format!("/s/{id}"), format!("/s/{id}/calendar.ics")] {
        let get = app.get(&path, &app.anonymous()).await;
        let head = app.send(Method::HEAD, &path, &app.anonymous(), None, &[]).await;
        assert_eq!(head.status, StatusCode::OK, "{path}");
        assert!(head.body.is_empty());
        for name in ["content-type", "etag", "cache-control", "content-security-policy"] {
            assert_eq!(head.header(name), get.header(name), "{path}: {name}");
        }
    }
    let unknown = app.send(Method::HEAD, "/s/00000000000000000000000000000000", &app.anonymous(), None, &[]).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.body.is_empty());
}

async fn a_trailing_slash_on_a_link_gets_the_html_404_page(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let id = app.publish(&kim, &share_body("Slash", 1)).await["id"].as_str().unwrap().to_owned();
    for path in [format!("/s/{id}/"), format!("/s/{id}/calendar.ics/"), format!("/s/{id}/other/%3Cb%3E")] {
        let response = app.get(&path, &app.anonymous()).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(response.header("content-type"), Some("text/html; charset=utf-8"), "{path}");
        assert!(!response.text().contains(&id), "no echo of the id");
    }
}

per_store!(app:
    malformed_forwarding_headers_never_break_a_request,
    head_answers_as_get_without_a_body,
    a_trailing_slash_on_a_link_gets_the_html_404_page,
);

/// No store is involved: the runner refuses the request before any handler runs.
#[tokio::test]
async fn an_oversized_header_gets_431_as_problem_json() {
    let app = TestApp::over(share_core::store::EmbeddedStore::new()).await;
    let kim = app.member("kim", "contoso");
    let big = "a".repeat(1_000_000);
    for (path, who) in [("/shares", &kim), ("/s/00000000000000000000000000000000", &app.anonymous())] {
        let response = app.send(Method::GET, path, who, None, &[("x-padding", &big)]).await;
        assert_eq!(response.status, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, "{path}");
        assert_eq!(response.header("content-type"), Some("application/problem+json"), "{path}");
        assert_eq!(response.json()["status"], 431);
    }
    assert_eq!(app.get("/shares", &kim).await.status, StatusCode::OK, "the runner still answers");
}
