//! What the benchmarks publish and how they call the handlers: a support rota, the least
//! compressible text, API Gateway HTTP API (payload 2.0) events from an authenticated caller, and the
//! publish handler timed on a fresh embedded store.

use criterion::measurement::WallTime;
use criterion::{BatchSize, BenchmarkGroup};
use local_api::event::ApiGatewayEvent;
use serde_json::{Value, json};
use share_core::ServiceConfig;
use share_core::store::EmbeddedStore;

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

/// Pseudo-random numbers (splitmix64), so every run builds the same inputs.
pub fn splitmix(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed;
    move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// At most `bytes` of the text that compresses least, as tests/hostile/responses.rs builds it:
/// printable ASCII with `,` and `;` mixed in, three in ten two-byte letters (Latin Extended, Cyrillic).
pub fn dense_text(next: &mut impl FnMut() -> u64, bytes: usize) -> String {
    let mut text = String::with_capacity(bytes);
    loop {
        let c = if next() % 10 < 3 {
            let n = (next() % 592) as u32;
            char::from_u32(if n < 336 { 0x100 + n } else { 0x400 + n - 336 }).unwrap()
        } else {
            let n = (next() % 101) as u8;
            if n >= 93 {
                [',', ';'][usize::from(n % 2)]
            } else {
                char::from(b' ' + n + u8::from(n >= 2) + u8::from(n >= 59))
            }
        };
        if text.len() + c.len_utf8() > bytes {
            return text;
        }
        text.push(c);
    }
}

/// Times the publish handler with `body` on a fresh embedded store each time, which must answer `status`.
pub fn bench_publish(group: &mut BenchmarkGroup<'_, WallTime>, name: &str, body: &Value, status: u16) {
    println!("{name}: request body {} bytes", body.to_string().len());
    let event = api_gateway_event("POST /shares", "/shares", &[], Some(body));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    let config = ServiceConfig::default();
    group.bench_function(name, |b| {
        b.iter_batched(
            || (EmbeddedStore::new(), event.clone().into_request()),
            |(store, request)| {
                let response = runtime.block_on(publish_share::handle(&store, &config, request));
                assert_eq!(response.status(), status);
            },
            BatchSize::PerIteration,
        )
    });
}
