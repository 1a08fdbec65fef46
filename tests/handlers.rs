//! The functions' handlers called as Lambda calls them: with API Gateway HTTP API (payload 2.0)
//! events, from fixtures recorded in API Gateway's shape, on every store. Also proves that no
//! event content or email reaches the logs.

use crate::support::{Backend, TestApp, share_body};
use lambda_http::{Body, Request, Response};
use local_api::event::ApiGatewayEvent;
use serde_json::{Value, json};
use share_core::ServiceConfig;
use share_core::domain::PublicOrigin;
use share_core::store::Store;
use std::sync::{Arc, Mutex, OnceLock};
use view_share::ViewCache;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/apigw/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture")).expect("fixture JSON")
}

/// The recorded POST of an authenticated caller (Adele, an admin of her group).
fn post_share(body: &Value) -> ApiGatewayEvent {
    ApiGatewayEvent::recorded(fixture("post_shares_jwt.json")).json_body(body)
}

/// The POST fixture re-aimed at another route of the same authenticated caller, without a body.
fn authenticated(route_key: &str, path: &str) -> ApiGatewayEvent {
    let mut event = ApiGatewayEvent::recorded(fixture("post_shares_jwt.json")).route(route_key, path);
    event.json_mut()["body"] = Value::Null;
    event
}

fn view_event(id: &str, route_key: &str) -> Request {
    let path = if route_key.ends_with(".ics") { format!("/s/{id}/calendar.ics") } else { format!("/s/{id}") };
    ApiGatewayEvent::recorded(fixture("get_share_page.json"))
        .route(route_key, &path)
        .path_parameters([("id", id)])
        .into_request()
}

fn body_json(response: &Response<Body>) -> Value {
    match response.body() {
        Body::Text(text) => serde_json::from_str(text).expect("JSON"),
        Body::Binary(bytes) => serde_json::from_slice(bytes).expect("JSON"),
        Body::Empty => Value::Null,
        _ => panic!("unexpected body"),
    }
}

fn body_text(response: &Response<Body>) -> String {
    match response.body() {
        Body::Text(text) => text.clone(),
        Body::Binary(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        _ => String::new(),
    }
}

async fn publish_view_revoke<S: Store>(store: &S, marked: &Value) -> String {
    let config = ServiceConfig::default();
    let created = publish_share::handle(store, &config, post_share(marked).into_request()).await;
    assert_eq!(created.status(), 201, "{}", body_text(&created));
    let share = body_json(&created);
    let id = share["id"].as_str().unwrap().to_owned();
    assert!(share["url"].as_str().unwrap().starts_with("https://abc123defg.execute-api.eu-west-1.amazonaws.com/s/"));
    assert_eq!(share["owner"]["userId"], "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ");
    assert_eq!(share["owner"]["email"], "AdeleV@contoso.onmicrosoft.com");

    let page = view_share::handle(store, &ViewCache::new(), view_event(&id, "GET /s/{id}")).await;
    assert_eq!(page.status(), 200);
    // Without a configured origin the subscribe links name the feed where the share's `url` points.
    let webcal = format!("href=\"webcal://abc123defg.execute-api.eu-west-1.amazonaws.com/s/{id}/calendar.ics\"");
    assert!(body_text(&page).contains(&webcal), "{}", body_text(&page));
    let cdn = PublicOrigin::parse("https://calendar.contoso.com").unwrap();
    let config = ServiceConfig { public_base_url: Some(cdn), ..ServiceConfig::default() };
    let page = view_share::handle_at(store, &ViewCache::new(), &config, view_event(&id, "GET /s/{id}")).await;
    assert!(body_text(&page).contains(&format!("href=\"webcal://calendar.contoso.com/s/{id}/calendar.ics\"")));
    let feed = view_share::handle(store, &ViewCache::new(), view_event(&id, "GET /s/{id}/calendar.ics")).await;
    assert_eq!(feed.status(), 200);

    // The fixture's token carries roles "[ShareAdmin]" as API Gateway flattens arrays.
    let audit =
        share_settings::handle(store, &config, authenticated("GET /admin/shares", "/admin/shares").into_request())
            .await;
    assert_eq!(audit.status(), 200, "{}", body_text(&audit));
    assert_eq!(body_json(&audit)["shares"].as_array().unwrap().len(), 1);

    let delete = authenticated("DELETE /shares/{id}", &format!("/shares/{id}")).path_parameters([("id", id.as_str())]);
    assert_eq!(publish_share::handle(store, &config, delete.into_request()).await.status(), 204);
    assert_eq!(view_share::handle(store, &ViewCache::new(), view_event(&id, "GET /s/{id}")).await.status(), 404);
    id
}

async fn handlers_serve_api_gateway_events(app: TestApp) {
    match &app.backend {
        Backend::Memory(store) => handlers_on(store).await,
        Backend::Dynamo(store) => handlers_on(store).await,
    }
}

async fn handlers_on<S: Store>(store: &S) {
    publish_view_revoke(store, &share_body("Rota", 3)).await;
    let config = ServiceConfig::default();

    // API Gateway base64-encodes some bodies; the handler reads them the same.
    let encoded = ApiGatewayEvent::recorded(fixture("post_shares_jwt.json"))
        .base64_body(share_body("Encoded", 1).to_string().as_bytes())
        .without_header("idempotency-key");
    assert_eq!(publish_share::handle(store, &config, encoded.into_request()).await.status(), 201);

    let mut no_group = post_share(&share_body("x", 1));
    no_group.json_mut()["requestContext"]["authorizer"]["jwt"]["claims"].as_object_mut().unwrap().remove("tid");
    let refused = publish_share::handle(store, &config, no_group.into_request()).await;
    assert_eq!(refused.status(), 401);
    assert_eq!(refused.headers()["content-type"], "application/problem+json");

    let unknown =
        view_share::handle(store, &ViewCache::new(), view_event("<img src=x onerror=alert(1)>", "GET /s/{id}")).await;
    assert_eq!(unknown.status(), 404);
    assert!(!body_text(&unknown).contains("<img"));
}

/// Captures what the service logs, at debug level (production runs at info).
#[derive(Clone, Default)]
pub(crate) struct CapturedLogs(pub(crate) Arc<Mutex<Vec<u8>>>);

/// Everything this test binary logs, from the first call on: one global subscriber. A scoped one
/// (`with_subscriber`) missed lines now and then, because tracing caches each call site's interest
/// for the whole process, and a call site first reached on another test's thread, where no
/// subscriber listens, could stay switched off. Capturing every test's logs is the stronger check:
/// no test's event text may reach them either.
pub(crate) fn captured_logs() -> &'static CapturedLogs {
    static LOGS: OnceLock<CapturedLogs> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = CapturedLogs::default();
        let subscriber =
            tracing_subscriber::fmt().json().with_max_level(tracing::Level::DEBUG).with_writer(logs.clone()).finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only global subscriber of the test binary");
        logs
    })
}

impl CapturedLogs {
    /// Everything logged so far.
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for CapturedLogs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for CapturedLogs {
    type Writer = Self;
    fn make_writer(&'a self) -> Self {
        self.clone()
    }
}

async fn no_event_text_reaches_the_logs(app: TestApp) {
    let logs = captured_logs();
    let mut marked = share_body("Quarterly", 2);
    marked["title"] = json!("Zanzibar share title");
    marked["detail"] = json!("full");
    marked["events"][0]["title"] = json!("Okapi title marker");
    marked["events"][0]["location"] = json!("Quokka location marker");
    marked["events"][0]["description"] = json!("Narwhal description marker");
    let id = match &app.backend {
        Backend::Memory(store) => publish_view_revoke(store, &marked).await,
        Backend::Dynamo(store) => publish_view_revoke(store, &marked).await,
    };
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let log_ref = share_core::domain::ShareId::parse(&id).unwrap().log_ref();
    assert!(text.contains(&log_ref), "the logs say what happened to which share: {text}");
    assert!(!text.contains(&id), "the share id opens the share: logs carry only its digest");
    assert!(text.contains(r#""route":"GET /s/{id}""#) && text.contains("elapsed_ms"), "one line per request");
    for secret in ["Zanzibar", "Okapi", "Quokka", "Narwhal", "AdeleV", "Adele Vance", "Quarterly"] {
        assert!(!text.contains(secret), "{secret} reached the logs:\n{text}");
    }
}

crate::per_store!(app: handlers_serve_api_gateway_events, no_event_text_reaches_the_logs);

/// An invocation answers before Lambda's deadline, which the handler reads from the invocation's
/// context: a change the store never answers is a 504 (it may yet apply), not the gateway's error
/// after Lambda ends the function.
#[tokio::test]
async fn a_write_the_store_never_answers_is_504_before_the_deadline() {
    use lambda_http::RequestExt;
    use std::time::{Duration, SystemTime, UNIX_EPOCH};
    let store = crate::support::instrumented_store::InstrumentedStore::new(share_core::store::EmbeddedStore::new());
    store.hang_writes(true);
    let deadline = SystemTime::now() + Duration::from_millis(1500);
    let mut context = lambda_http::Context::default();
    context.deadline = deadline.duration_since(UNIX_EPOCH).unwrap().as_millis() as u64;
    let request = post_share(&share_body("never", 2)).into_request().with_lambda_context(context);

    let response = publish_share::handle(&store, &ServiceConfig::default(), request).await;
    assert!(SystemTime::now() < deadline, "answered after the deadline");
    assert_eq!(response.status(), 504, "{}", body_text(&response));
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    assert!(body_json(&response)["detail"].as_str().unwrap().contains("may or may not have been applied"));
}
