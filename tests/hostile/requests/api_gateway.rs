//! The same hostile claims and headers as API Gateway hands them to the handlers in AWS, where no
//! local runner stands in front: the handlers check the scope, read roles whole and build links
//! only from trusted origins themselves.

use crate::per_store;
use crate::support::{Backend, TestApp, share_body};
use lambda_http::{Body, Response};
use local_api::event::ApiGatewayEvent;
use serde_json::{Value, json};
use share_core::ServiceConfig;
use share_core::store::Store;

/// The recorded POST /shares of Adele (scope `Shares.ReadWrite`, roles `[ShareAdmin]`).
fn recorded_post() -> ApiGatewayEvent {
    let path = format!("{}/tests/fixtures/apigw/post_shares_jwt.json", env!("CARGO_MANIFEST_DIR"));
    let event: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    ApiGatewayEvent::recorded(event).json_body(&share_body("Recorded", 1)).without_header("idempotency-key")
}

fn with_claim(mut event: ApiGatewayEvent, name: &str, value: Option<&str>) -> ApiGatewayEvent {
    let claims = event.json_mut()["requestContext"]["authorizer"]["jwt"]["claims"].as_object_mut().unwrap();
    match value {
        Some(value) => claims.insert(name.to_owned(), json!(value)),
        None => claims.remove(name),
    };
    event
}

fn json_of(response: &Response<Body>) -> Value {
    match response.body() {
        Body::Text(text) => serde_json::from_str(text).unwrap(),
        Body::Binary(bytes) => serde_json::from_slice(bytes).unwrap(),
        _ => Value::Null,
    }
}

async fn handlers_check_scope_roles_and_link_origins(app: TestApp) {
    match &app.backend {
        Backend::Memory(store) => on(store).await,
        Backend::Dynamo(store) => on(store).await,
    }
}

async fn on<S: Store>(store: &S) {
    let config = ServiceConfig::default();
    let publish = |event: ApiGatewayEvent| publish_share::handle(store, &config, event.into_request());
    for scope in [None, Some("User.Read"), Some("shares.readwrite")] {
        let refused = publish(with_claim(recorded_post(), "scp", scope)).await;
        assert_eq!(refused.status(), 403, "{scope:?}");
        assert_eq!(refused.headers()["content-type"], "application/problem+json");
    }

    let settings = |roles: &str| {
        let event = with_claim(recorded_post(), "roles", Some(roles)).route("GET /settings", "/settings");
        share_settings::handle(store, &config, event.into_request())
    };
    for roles in ["[Viewer,ShareAdmin]", "Viewer,ShareAdmin", "[ShareAdmin,]"] {
        assert_eq!(settings(roles).await.status(), 403, "{roles}");
    }
    assert_eq!(settings("[Reader ShareAdmin]").await.status(), 200);

    let forged = recorded_post()
        .without_header("x-forwarded-proto")
        .header("x-forwarded-proto", "http")
        .header("x-forwarded-host", "javascript:alert(1)//")
        .stage_variable("publicBaseUrl", "javascript://evil.example");
    let created = publish(forged).await;
    assert_eq!(created.status(), 201);
    let url = json_of(&created)["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with("https://abc123defg.execute-api.eu-west-1.amazonaws.com/s/"), "{url}");

    let on_cdn = recorded_post().stage_variable("publicBaseUrl", "https://d111111abcdef8.cloudfront.net/");
    let url = json_of(&publish(on_cdn).await)["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with("https://d111111abcdef8.cloudfront.net/s/"), "{url}");
}

per_store!(app: handlers_check_scope_roles_and_link_origins);
