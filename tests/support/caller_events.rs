//! API Gateway HTTP API (payload 2.0) events of an authenticated caller, from the recorded fixture
//! (Adele, an admin of her group by the `ShareAdmin` role), and what the handlers answer to them.

use lambda_http::{Body, Response};
use local_api::event::ApiGatewayEvent;
use serde_json::{Value, json};

pub fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/apigw/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture")).expect("fixture JSON")
}

/// The recorded POST re-aimed at `route_key` on `path`, without a body or an Idempotency-Key.
pub fn authenticated(route_key: &str, path: &str) -> ApiGatewayEvent {
    let mut event = ApiGatewayEvent::recorded(fixture("post_shares_jwt.json"))
        .route(route_key, path)
        .without_header("idempotency-key");
    event.json_mut()["body"] = Value::Null;
    event
}

/// An authenticated call of a route on one share (`{id}`) or user (`{userId}`).
pub fn on(route_key: &str, path: &str, parameter: (&str, &str)) -> ApiGatewayEvent {
    authenticated(route_key, path).path_parameters([parameter])
}

/// A recipient's request for `path` under `/s/`, as the recorded page request arrives.
pub fn recipient(route_key: &str, path: &str, id: &str) -> ApiGatewayEvent {
    ApiGatewayEvent::recorded(fixture("get_share_page.json")).route(route_key, path).path_parameters([("id", id)])
}

pub fn body_text(response: &Response<Body>) -> String {
    match response.body() {
        Body::Text(text) => text.clone(),
        Body::Binary(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        _ => String::new(),
    }
}

pub fn body_json(response: &Response<Body>) -> Value {
    serde_json::from_str(&body_text(response)).unwrap_or_else(|e| panic!("not JSON ({e}): {}", body_text(response)))
}

/// A full-detail publish body whose snapshot is several chunks: `events` events with descriptions
/// of pseudo-random words (`seed` varies them), which no compression shrinks much.
pub fn large_share_body(title: &str, events: usize, seed: u64) -> Value {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut word = move || -> String {
        (0..8)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                ALPHABET[(state % ALPHABET.len() as u64) as usize] as char
            })
            .collect()
    };
    let events: Vec<Value> = (0..events)
        .map(|i| {
            let day = 1 + i % 28;
            let description: Vec<String> = (0..110).map(|_| word()).collect();
            json!({
                "id": format!("large-{i}"),
                "title": format!("{title} {i}"),
                "start": format!("2026-12-{day:02}T09:00:00-05:00"),
                "end": format!("2026-12-{day:02}T10:00:00-05:00"),
                "description": description.join(" "),
            })
        })
        .collect();
    json!({
        "title": title, "visibility": "public", "detail": "full", "view": "month",
        "timeZone": "America/New_York", "range": {"start": "2026-12-01", "end": "2027-01-01"}, "events": events,
    })
}
