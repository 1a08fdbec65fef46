//! What the benchmarks publish and how they call the handlers: a support rota, and API Gateway
//! HTTP API (payload 2.0) events from an authenticated caller.

use local_api::event::ApiGatewayEvent;
use serde_json::{Value, json};

/// `count` events of a rota in December 2026 (New York), with a description when `detail` is "full".
pub fn rota_body(count: usize, detail: &str) -> Value {
    let events: Vec<Value> = (0..count)
        .map(|i| {
            let mut event = json!({
                "id": format!("AAMkAGI2TG93AAA{i:06}"),
                "title": format!("On call: engineer {}", i % 37),
                "start": format!("2026-12-{:02}T{:02}:00:00-05:00", 1 + i % 28, 8 + i % 9),
                "end": format!("2026-12-{:02}T{:02}:30:00-05:00", 1 + i % 28, 8 + i % 9),
                "location": format!("Desk {}", i % 12),
                "showAs": "busy",
                "color": "#1e88e5",
                "resource": format!("Tier {}", 1 + i % 3),
                "status": "Confirmed",
            });
            if detail == "full" {
                event["description"] = json!("Pager rotation; escalate to the duty manager after 15 minutes.");
            }
            event
        })
        .collect();
    json!({
        "title": "Support rota", "visibility": "public", "detail": detail, "view": "month",
        "timeZone": "America/New_York", "range": {"start": "2026-12-01", "end": "2027-01-01"}, "events": events,
    })
}

/// An HTTP API event for `route_key`, from user `kim` of group `contoso`.
pub fn api_gateway_event(
    route_key: &str,
    path: &str,
    parameters: &[(&str, &str)],
    body: Option<&Value>,
) -> ApiGatewayEvent {
    let event = ApiGatewayEvent::new(route_key, path)
        .path_parameters(parameters.iter().copied())
        .header("content-type", "application/json")
        .header("host", "share.example.com")
        .claims([("sub", "kim"), ("tid", "contoso"), ("email", "kim@example.com"), ("scp", "Shares.ReadWrite")]);
    match body {
        Some(body) => event.json_body(body),
        None => event,
    }
}
