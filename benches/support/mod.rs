//! What the benchmarks publish and how they call the handlers: a support rota, and API Gateway
//! HTTP API (payload 2.0) events from an authenticated caller.

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
pub fn api_gateway_event(route_key: &str, path: &str, parameters: Value, body: Option<&Value>) -> String {
    let (method, _) = route_key.split_once(' ').expect("METHOD /path");
    json!({
        "version": "2.0", "routeKey": route_key, "rawPath": path, "rawQueryString": "",
        "headers": {"content-type": "application/json", "host": "share.example.com"},
        "pathParameters": parameters,
        "requestContext": {
            "accountId": "123456789012", "apiId": "api", "domainName": "share.example.com", "requestId": "bench",
            "routeKey": route_key, "stage": "$default", "time": "27/Nov/2026:15:00:00 +0000", "timeEpoch": 0,
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "bench"},
            "authorizer": {"jwt": {"claims": {"sub": "kim", "tid": "contoso", "email": "kim@example.com"}, "scopes": null}}
        },
        "body": body.map(Value::to_string),
        "isBase64Encoded": false
    })
    .to_string()
}
