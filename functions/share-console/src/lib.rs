//! The console (`/console`): the web app for publishers and admins, served as static files embedded
//! at build time, plus `/console/config.json`, which tells the app where the API and the sign-in are.
//! No store, no secret: every answer carries the console's isolation headers (COOP, a CSP that
//! requires Trusted Types and frames nowhere).

use lambda_http::http::{HeaderMap, Method, StatusCode, header};
use lambda_http::{Body, Request, RequestExt, Response};

pub const ROUTES: &[&str] = &["GET /console", "GET /console/{proxy+}"];
/// The runner's development sign-in (never the Lambda's): `local-api` answers it itself.
pub const DEV_SIGN_IN_PATH: &str = "/console/dev-sign-in";
const CONFIG_PATH: &str = "/console/config.json";

struct ConsoleFile {
    path: &'static str,
    content_type: &'static str,
    etag: &'static str,
    bytes: &'static [u8],
    gzipped: &'static [u8],
}

include!(concat!(env!("OUT_DIR"), "/files.rs"));

/// Where the app finds the API and the sign-in, read once at cold start.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsoleConfig {
    /// The API's origin; `None` when the API is the console's own origin (the local runner).
    pub api_origin: Option<String>,
    /// The origin of the recipients' links, when it is neither of the above (their QR codes).
    pub links_origin: Option<String>,
    /// The OpenID Connect issuer the app signs in with (authorization code with PKCE).
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    /// The scopes the app asks for: `openid` and the API's delegated scope.
    pub scope: String,
    /// Whether the app offers the runner's development sign-in instead of the issuer's.
    pub dev_sign_in: bool,
}

impl ConsoleConfig {
    /// From the function's environment: `CONSOLE_API_URL`, `CONSOLE_LINKS_URL`, `OIDC_ISSUER`,
    /// `OIDC_CLIENT_ID`, `OIDC_SCOPE`. In AWS the API's and the links' URLs come from the console
    /// API's stage variables instead (`apiUrl`, `linksUrl`: the template cannot put them into the
    /// environment without a cycle), see `respond`.
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|value| !value.trim().is_empty());
        Self {
            api_origin: var("CONSOLE_API_URL").and_then(|url| origin_of(&url)),
            links_origin: var("CONSOLE_LINKS_URL").and_then(|url| origin_of(&url)),
            issuer: var("OIDC_ISSUER").map(|issuer| issuer.trim_end_matches('/').to_owned()),
            client_id: var("OIDC_CLIENT_ID"),
            scope: var("OIDC_SCOPE").unwrap_or_else(|| "openid".to_owned()),
            dev_sign_in: false,
        }
    }

    /// Fills the API's and the links' origins from the request's stage variables where unset.
    fn with_stage_variables(&self, request: &Request) -> Self {
        let mut config = self.clone();
        if let Some(variables) = request.stage_variables_ref() {
            if config.api_origin.is_none() {
                config.api_origin = variables.first("apiUrl").and_then(origin_of);
            }
            if config.links_origin.is_none() {
                config.links_origin = variables.first("linksUrl").and_then(origin_of);
            }
        }
        config
    }

    fn document(&self) -> String {
        serde_json::json!({
            "apiBase": self.api_origin.as_deref().unwrap_or(""),
            "issuer": self.issuer,
            "clientId": self.client_id,
            "scope": self.scope,
            "devSignIn": self.dev_sign_in,
        })
        .to_string()
    }

    /// The console's Content-Security-Policy: scripts and styles of its own origin only, requests
    /// to the API and the issuer only, no frame, no form submission (the app handles every form),
    /// and no way to turn a string into markup or script (Trusted Types with no policy).
    pub fn content_security_policy(&self) -> String {
        let api = self.api_origin.as_deref().map(|origin| format!(" {origin}")).unwrap_or_default();
        let links = self.links_origin.as_deref().map(|origin| format!(" {origin}")).unwrap_or_default();
        let issuer = self.issuer.as_deref().and_then(origin_of).map(|origin| format!(" {origin}")).unwrap_or_default();
        format!(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'{api}{links}; \
             connect-src 'self'{api}{issuer}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; \
             require-trusted-types-for 'script'; trusted-types 'none'"
        )
    }
}

/// `scheme://host[:port]` of an `https://` URL (or `http://` on loopback), else `None`: nothing
/// else may reach the policy header.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let well_formed = !authority.is_empty()
        && authority.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    let allowed = match scheme {
        "https" => true,
        "http" => is_loopback_host(authority),
        _ => false,
    };
    (well_formed && allowed).then(|| format!("{scheme}://{}", authority.to_ascii_lowercase()))
}

/// Whether a `Host` value (with or without its port) names this machine: `localhost`, an address in
/// 127.0.0.0/8 or `[::1]`. Anything else may be a name an attacker points at us (DNS rebinding).
pub fn is_loopback_host(host: &str) -> bool {
    let name = match host.rsplit_once(':') {
        Some((name, port)) if !name.ends_with(':') && port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    let name = name.to_ascii_lowercase();
    name == "localhost" || name == "[::1]" || name.parse::<std::net::Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|param| param.replace(' ', "").eq_ignore_ascii_case("q=0"));
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

/// One of the console's files, its config document, or 404; always with the console's headers.
pub fn respond(request: &Request, config: &ConsoleConfig) -> Response<Body> {
    let config = config.with_stage_variables(request);
    let path = request.uri().path();
    let path = if path == "/console/" { "/console" } else { path };
    let readable = matches!(*request.method(), Method::GET | Method::HEAD);
    let head = *request.method() == Method::HEAD;
    let mut builder = Response::builder()
        .header("cross-origin-opener-policy", "same-origin")
        .header("cross-origin-resource-policy", "same-origin")
        .header(header::CONTENT_SECURITY_POLICY, config.content_security_policy())
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::REFERRER_POLICY, "no-referrer")
        .header(header::X_FRAME_OPTIONS, "DENY")
        .header("x-robots-tag", "noindex");
    if readable && path == CONFIG_PATH {
        let body = if head { Body::Empty } else { Body::Text(config.document()) };
        return builder
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::CACHE_CONTROL, "no-store")
            .body(body)
            .expect("valid response");
    }
    let Some(file) = FILES.iter().find(|file| file.path == path).filter(|_| readable) else {
        return builder
            .status(StatusCode::NOT_FOUND)
            .header(header::CACHE_CONTROL, "no-store")
            .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
            .body(Body::Text("Not found\n".into()))
            .expect("valid response");
    };
    // The names stay the same from one deploy to the next: revalidated every time, 304 when unchanged.
    builder = builder
        .header(header::CACHE_CONTROL, "no-cache")
        .header(header::ETAG, file.etag)
        .header(header::VARY, "Accept-Encoding");
    let unchanged = request
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|tag| tag.trim() == file.etag || tag.trim() == "*");
    if unchanged {
        return builder.status(StatusCode::NOT_MODIFIED).body(Body::Empty).expect("valid response");
    }
    let gzip = accepts_gzip(request.headers());
    builder = builder.status(StatusCode::OK).header(header::CONTENT_TYPE, file.content_type);
    if gzip {
        builder = builder.header(header::CONTENT_ENCODING, "gzip");
    }
    let body = match (head, gzip) {
        (true, _) => Body::Empty,
        (false, true) => Body::Binary(file.gzipped.to_vec()),
        (false, false) => Body::Binary(file.bytes.to_vec()),
    };
    builder.body(body).expect("valid response")
}

/// The function as Lambda runs it: the configuration read once, every request answered from memory.
pub async fn run_in_lambda() -> Result<(), lambda_http::Error> {
    let config = ConsoleConfig::from_env();
    let config = &config;
    lambda_http::run(lambda_http::service_fn(move |request: Request| async move {
        Ok::<_, std::convert::Infallible>(respond(&request, config))
    }))
    .await
}

/// The names the console's files are served under (the tests' and the size report's).
pub fn file_paths() -> impl Iterator<Item = &'static str> {
    FILES.iter().map(|file| file.path)
}

/// Every file's gzipped size in bytes: what a first visit downloads.
pub fn gzipped_total() -> usize {
    FILES.iter().map(|file| file.gzipped.len()).sum()
}

#[cfg(test)]
mod tests;
