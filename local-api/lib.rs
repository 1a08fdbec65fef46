//! The local runner: every route of the four Lambda functions on one port, playing API Gateway's
//! part: it matches routes, verifies bearer tokens (HS256 with a local secret, or an OpenID Connect
//! issuer's, `oidc`) into the JWT authorizer's claims, answers CORS preflight, and hands the handlers
//! real HTTP API (payload 2.0) events, so the code under test is the code that runs in Lambda.

pub mod event;
pub mod oidc;
pub mod routes;

use bytes::Bytes;
use event::ApiGatewayEvent;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Method, StatusCode, header};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use lambda_http::request::LambdaRequest;
use routes::{Function, MatchedRoute, find_route, is_route_path};
use serde_json::{Value, json};
use share_core::ServiceConfig;
use share_core::domain::{Authority, SourceIdSecret, UnlockCookieKey};
use share_core::http::{ApiError, MAX_BODY_BYTES};
use share_core::store::Store;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// The built-in signing secret; only good on loopback (see `LocalApi::check_address`).
pub const DEFAULT_SECRET: &str = "local-api-development-secret-do-not-deploy";
/// The `iss` and `aud` of the runner's tokens; a token without both is refused.
pub const TOKEN_ISSUER: &str = "local-api";
/// API Gateway's limit on the request line and headers of an HTTP API request; over it, 431.
pub const MAX_HEAD_BYTES: usize = 10_240;
/// What a connection reads before the runner sees a request at all (hyper answers a bare 431 beyond
/// it): large enough that any oversized head a client plausibly sends gets the runner's problem+json.
const READ_BUFFER_BYTES: usize = 8 * 1024 * 1024;
const MAX_HEADER_LINES: usize = 4_096;

pub struct LocalApi<S> {
    store: S,
    config: ServiceConfig,
    secret: String,
    allowed_origins: Vec<String>,
    view_cache: view_share::ViewCache,
    lockout: share_core::domain::LockoutRule,
    /// What `/healthz` says the store is: `memory`, `file`, `dynamodb`.
    store_kind: &'static str,
    /// Tokens from an OpenID Connect issuer instead of the local secret's.
    oidc: Option<Arc<oidc::OidcVerifier>>,
    /// What the console (`/console`) is told; its development sign-in is offered per request.
    console: share_console::ConsoleConfig,
    /// Whether the listener is on a loopback address (set by `serve`): the development sign-in
    /// needs it.
    on_loopback: bool,
}

type HttpResponse = hyper::Response<Full<Bytes>>;

impl<S: Store + 'static> LocalApi<S> {
    pub fn new(store: S, config: ServiceConfig, secret: String, allowed_origins: Vec<String>) -> Self {
        let lockout = share_core::domain::LockoutRule::default();
        let view_cache = view_share::ViewCache::new();
        let console = share_console::ConsoleConfig { scope: "openid".to_owned(), ..Default::default() };
        let (store_kind, oidc, on_loopback) = ("embedded", None, false);
        Self { store, config, secret, allowed_origins, view_cache, lockout, store_kind, oidc, console, on_loopback }
    }

    /// The console's sign-in: the issuer's (with `--oidc-client-id`), else the development sign-in.
    pub fn with_console(self, console: share_console::ConsoleConfig) -> Self {
        Self { console, ..self }
    }

    /// Accepts the issuer's tokens (and no longer the local secret's).
    pub fn with_oidc(self, verifier: oidc::OidcVerifier) -> Self {
        Self { oidc: Some(Arc::new(verifier)), ..self }
    }

    /// Names the store for `/healthz`.
    pub fn with_store_kind(self, store_kind: &'static str) -> Self {
        Self { store_kind, ..self }
    }

    /// The unlock route's lockout with another window or count (the tests' short windows).
    pub fn with_lockout(self, lockout: share_core::domain::LockoutRule) -> Self {
        Self { lockout, ..self }
    }

    /// The built-in token secret would let anyone on the network mint tokens, and the public
    /// development keys forge unlock cookies and link source ids: loopback only, all three.
    pub fn check_address(&self, addr: &SocketAddr) -> Result<(), String> {
        if addr.ip().is_loopback() {
            return Ok(());
        }
        if self.secret == DEFAULT_SECRET && self.oidc.is_none() {
            return Err(format!("refusing to listen on {addr} with the built-in token secret: set LOCAL_API_SECRET"));
        }
        let development = [
            ("SHARE_COOKIE_KEY", self.config.unlock_cookie_key == UnlockCookieKey::development()),
            ("SOURCE_ID_KEY", self.config.source_id_secret == SourceIdSecret::development()),
        ];
        let unset: Vec<&str> = development.iter().filter(|(_, public)| *public).map(|(name, _)| *name).collect();
        if !unset.is_empty() {
            return Err(format!(
                "refusing to listen on {addr} with the public development keys: set {}",
                unset.join(" and ")
            ));
        }
        Ok(())
    }

    pub async fn serve(self, listener: TcpListener) -> std::io::Result<()> {
        let on_loopback = listener.local_addr()?.ip().is_loopback();
        let api = Arc::new(Self { on_loopback, ..self });
        loop {
            let (stream, _) = listener.accept().await?;
            let api = Arc::clone(&api);
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request| {
                    let api = Arc::clone(&api);
                    async move { Ok::<_, std::convert::Infallible>(api.handle(request).await) }
                });
                let io = hyper_util::rt::TokioIo::new(stream);
                let mut http = hyper::server::conn::http1::Builder::new();
                http.max_buf_size(READ_BUFFER_BYTES).max_headers(MAX_HEADER_LINES);
                if let Err(error) = http.serve_connection(io, service).await {
                    tracing::debug!(%error, "connection ended");
                }
            });
        }
    }

    /// 200 when the store answers a read, 503 when it does not; either way, which store it is.
    async fn health(&self) -> HttpResponse {
        let nobody = share_core::domain::ShareId::parse(&"0".repeat(32)).expect("a well-formed id");
        let (status, state) = match self.store.share(&nobody).await {
            Ok(_) => (StatusCode::OK, "ok"),
            Err(error) => {
                tracing::error!(%error, "the store does not answer");
                (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
            }
        };
        let body = serde_json::json!({"status": state, "store": self.store_kind}).to_string();
        plain(status, "application/json", body)
    }

    pub async fn handle(&self, request: hyper::Request<Incoming>) -> HttpResponse {
        let (parts, body) = request.into_parts();
        if head_bytes(&parts) > MAX_HEAD_BYTES {
            return problem(ApiError::HeadersTooLarge);
        }
        let path = parts.uri.path().to_owned();
        if path == "/healthz" && parts.method == Method::GET {
            return self.health().await;
        }
        if path == share_console::DEV_SIGN_IN_PATH {
            return self.dev_sign_in(&parts, body).await;
        }
        let origin = parts.headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()).map(str::to_owned);
        let cors_origin = origin.filter(|o| self.allowed_origins.iter().any(|allowed| allowed == o || allowed == "*"));
        let is_json_route = !path.starts_with("/s/");
        if parts.method == Method::OPTIONS && is_json_route && is_route_path(&path) {
            return self.preflight(cors_origin.as_deref());
        }
        let mut response = self.dispatch(parts, body, &path).await;
        if let (Some(origin), true) = (cors_origin, is_json_route) {
            let headers = response.headers_mut();
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.parse().expect("was a header"));
            headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, "Location, ETag".parse().expect("valid"));
            headers.append(header::VARY, "Origin".parse().expect("valid"));
        }
        response
    }

    async fn dispatch(&self, parts: hyper::http::request::Parts, body: Incoming, path: &str) -> HttpResponse {
        let Some(MatchedRoute { function, route_key, parameters }) = find_route(&parts.method, path) else {
            return problem(ApiError::NotFound);
        };
        let claims = if function.is_public() {
            None
        } else {
            match self.verify_bearer(&parts.headers).await {
                Some(claims) => Some(claims),
                None => return problem(ApiError::Unauthorized),
            }
        };
        let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(_) => return problem(ApiError::PayloadTooLarge),
        };
        let event = api_gateway_event(&parts, route_key, &parameters, claims, &body);
        let request: lambda_http::Request = match serde_json::from_value::<LambdaRequest>(event.into_json()) {
            Ok(request) => request.into(),
            Err(error) => {
                tracing::error!(%error, "could not build the API Gateway event");
                return problem(ApiError::Internal);
            }
        };
        let response = match function {
            Function::PublishShare => publish_share::handle(&self.store, &self.config, request).await,
            Function::ViewShare => view_share::handle_at(&self.store, &self.view_cache, &self.config, request).await,
            Function::ShareSettings => share_settings::handle(&self.store, &self.config, request).await,
            Function::UnlockShare => unlock_share::handle(&self.store, &self.config, self.lockout, request).await,
            Function::PageAssets => page_assets::respond(&request),
            Function::Console => {
                let console = share_console::ConsoleConfig {
                    dev_sign_in: self.dev_sign_in_allowed(&parts.headers),
                    ..self.console.clone()
                };
                share_console::respond(&request, &console)
            }
        };
        into_hyper(response)
    }

    /// The development sign-in is the runner's alone: never with a real issuer, only while bound to
    /// loopback, and only for a `Host` that names this machine (a page on another name that
    /// resolves here, DNS rebinding, gets 404). Nor through a reverse proxy on this machine, which
    /// may well send a loopback `Host` on behalf of anyone, nor for a page of another origin.
    fn dev_sign_in_allowed(&self, headers: &hyper::HeaderMap) -> bool {
        let text = |name: header::HeaderName| headers.get(name).and_then(|value| value.to_str().ok());
        let host = text(header::HOST);
        let proxied = ["forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip"]
            .iter()
            .any(|name| headers.contains_key(*name));
        let other_origin = text(header::ORIGIN).is_some_and(|origin| {
            origin.strip_prefix("http://").is_none_or(|host| !share_console::is_loopback_host(host))
        });
        self.oidc.is_none()
            && self.on_loopback
            && host.is_some_and(share_console::is_loopback_host)
            && !proxied
            && !other_origin
    }

    /// `POST /console/dev-sign-in` with `{"user", "email", "group", "admin"}` → `{"token"}`, a token
    /// as `local-api token` prints. JSON only, so another site's page cannot send it without a
    /// preflight, which it does not get.
    async fn dev_sign_in(&self, parts: &hyper::http::request::Parts, body: Incoming) -> HttpResponse {
        let json = parts.headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).is_some_and(|value| {
            value.split(';').next().is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
        });
        if !self.dev_sign_in_allowed(&parts.headers) || parts.method != Method::POST {
            return problem(ApiError::NotFound);
        }
        if !json {
            return bad_request("the development sign-in takes application/json");
        }
        let Ok(body) = Limited::new(body, 4096).collect().await.map(|collected| collected.to_bytes()) else {
            return problem(ApiError::PayloadTooLarge);
        };
        let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(&body) else {
            return bad_request("the development sign-in takes a JSON object");
        };
        let text = |name: &str| fields.get(name).and_then(Value::as_str).map(str::trim).filter(|text| !text.is_empty());
        let (Some(user), Some(group)) = (text("user"), text("group")) else {
            return bad_request("a user id and a group are needed");
        };
        let admin = fields.get("admin").and_then(Value::as_bool).unwrap_or(false);
        let token = issue_token(&self.secret, user, text("email"), group, admin, Some(&self.config.required_scope));
        let mut response = plain(StatusCode::OK, "application/json", json!({"token": token}).to_string());
        response.headers_mut().insert(header::CACHE_CONTROL, "no-store".parse().expect("valid"));
        response
    }

    fn preflight(&self, origin: Option<&str>) -> HttpResponse {
        let mut builder = hyper::Response::builder().status(StatusCode::NO_CONTENT);
        if let Some(origin) = origin {
            builder = builder
                .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin)
                .header(header::ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, PUT, PATCH, DELETE, OPTIONS")
                .header(header::ACCESS_CONTROL_ALLOW_HEADERS, "Authorization, Content-Type, Idempotency-Key")
                .header(header::ACCESS_CONTROL_MAX_AGE, "600")
                .header(header::VARY, "Origin");
        }
        builder.body(Full::default()).expect("valid response")
    }

    async fn verify_bearer(&self, headers: &hyper::HeaderMap) -> Option<HashMap<String, String>> {
        let token = headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ")?.trim();
        match &self.oidc {
            Some(issuer) => as_authorizer_passes(issuer.verify(token).await?, &self.config.claims.roles),
            None => verify_token(&self.secret, &self.config.claims.roles, token),
        }
    }
}

/// The request line and headers as API Gateway counts them against `MAX_HEAD_BYTES`.
fn head_bytes(parts: &hyper::http::request::Parts) -> usize {
    let line = parts.method.as_str().len() + parts.uri.to_string().len();
    line + parts.headers.iter().map(|(name, value)| name.as_str().len() + value.len()).sum::<usize>()
}

/// Mints a token this runner accepts, valid for 12 hours, granting `scope` (none: no `scp` claim).
pub fn issue_token(
    secret: &str,
    user: &str,
    email: Option<&str>,
    group: &str,
    admin: bool,
    scope: Option<&str>,
) -> String {
    let now = jiff::Timestamp::now().as_second();
    let mut claims = json!({"sub": user, "tid": group, "iss": TOKEN_ISSUER, "aud": TOKEN_ISSUER, "iat": now,
                            "nbf": now, "exp": now + 12 * 3600});
    if let Some(email) = email {
        claims["email"] = json!(email);
    }
    if admin {
        claims["roles"] = json!(["ShareAdmin"]);
    }
    if let Some(scope) = scope.filter(|scope| !scope.is_empty()) {
        claims["scp"] = json!(scope);
    }
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(secret.as_bytes()))
        .expect("HS256 signing does not fail")
}

/// The claims as API Gateway's JWT authorizer passes them: strings, arrays flattened to `[a b]`.
/// Like the authorizer, it needs `iss`, `aud` and `exp`, and refuses a token not valid yet (`nbf`,
/// or `iat` in the future). It also refuses role values with white space: no real issuer sends
/// them, and the flattened form could not keep them apart.
pub fn verify_token(secret: &str, roles_claim: &str, token: &str) -> Option<HashMap<String, String>> {
    const LEEWAY_SECONDS: i64 = 60;
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[TOKEN_ISSUER]);
    validation.set_audience(&[TOKEN_ISSUER]);
    validation.set_required_spec_claims(&["exp", "iss", "aud"]);
    validation.validate_nbf = true;
    validation.leeway = LEEWAY_SECONDS.unsigned_abs();
    let data = jsonwebtoken::decode::<serde_json::Map<String, Value>>(
        token,
        &DecodingKey::from_secret(secret.as_bytes()),
        &validation,
    )
    .ok()?;
    let now = jiff::Timestamp::now().as_second();
    if data.claims.get("iat").is_some_and(|iat| iat.as_i64().is_none_or(|iat| iat > now + LEEWAY_SECONDS)) {
        return None;
    }
    as_authorizer_passes(data.claims, roles_claim)
}

/// Verified claims as API Gateway's JWT authorizer hands them over: strings, arrays flattened to
/// `[a b]`; a roles claim whose values hold white space is refused (flattened, they could not be told
/// apart).
fn as_authorizer_passes(claims: serde_json::Map<String, Value>, roles_claim: &str) -> Option<HashMap<String, String>> {
    let not_one_word = |role: &Value| role.as_str().is_none_or(|role| role.chars().any(char::is_whitespace));
    let roles_ambiguous = match claims.get(roles_claim) {
        None => false,
        Some(Value::Array(roles)) => roles.iter().any(not_one_word),
        Some(role) => not_one_word(role),
    };
    if roles_ambiguous {
        return None;
    }
    let flatten = |value: Value| match value {
        Value::String(s) => s,
        Value::Array(items) => {
            let items: Vec<String> =
                items.into_iter().map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned)).collect();
            format!("[{}]", items.join(" "))
        }
        other => other.to_string(),
    };
    Some(claims.into_iter().map(|(k, v)| (k, flatten(v))).collect())
}

/// The event API Gateway would send for this request: its headers as they came, but malformed
/// forwarding headers (the runner speaks plain HTTP, so `x-forwarded-proto` is `http` unless a proxy
/// said otherwise).
fn api_gateway_event(
    parts: &hyper::http::request::Parts,
    route_key: &str,
    parameters: &[(String, String)],
    claims: Option<HashMap<String, String>>,
    body: &Bytes,
) -> ApiGatewayEvent {
    let mut event = ApiGatewayEvent::new(route_key, parts.uri.path())
        .query(parts.uri.query().unwrap_or(""))
        .path_parameters(parameters.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .body(body);
    let mut forwarding_seen = Vec::new();
    for (name, value) in &parts.headers {
        let (name, value) = (name.as_str(), String::from_utf8_lossy(value.as_bytes()));
        // API Gateway sets these itself: the runner passes on one well-formed value of each, or none.
        let well_formed = match name {
            "host" | "x-forwarded-host" => Authority::parse(&value).is_some(),
            "x-forwarded-proto" => matches!(&*value, "http" | "https"),
            _ => {
                event = event.header(name, &value);
                continue;
            }
        };
        if well_formed && !forwarding_seen.contains(&name) {
            forwarding_seen.push(name);
            event = event.header(name, &value);
        }
    }
    if !forwarding_seen.contains(&"x-forwarded-proto") {
        event = event.header("x-forwarded-proto", "http");
    }
    match claims {
        Some(claims) => event.claims(claims.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
        None => event,
    }
}

fn into_hyper(response: lambda_http::Response<lambda_http::Body>) -> HttpResponse {
    let (parts, body) = response.into_parts();
    let bytes = match body {
        lambda_http::Body::Text(text) => Bytes::from(text),
        lambda_http::Body::Binary(bytes) => Bytes::from(bytes),
        _ => Bytes::new(),
    };
    hyper::Response::from_parts(parts, Full::new(bytes))
}

fn problem(error: ApiError) -> HttpResponse {
    into_hyper(error.into_response())
}

fn bad_request(detail: &str) -> HttpResponse {
    problem(ApiError::BadRequest { detail: detail.to_owned(), pointer: None })
}

fn plain(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> HttpResponse {
    hyper::Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .body(Full::new(body.into()))
        .expect("valid response")
}
