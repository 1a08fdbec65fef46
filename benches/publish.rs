//! Handler time to publish 10,000 normalized events on the embedded store: parse, validate,
//! minimise, encode and commit, from the API Gateway event onwards.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use serde_json::json;
use share_core::ServiceConfig;
use share_core::store::MemoryStore;

fn publish_event(events: usize) -> String {
    let events: Vec<_> = (0..events)
        .map(|i| {
            json!({
                "id": format!("AAMkAGI2TG93AAA{i:06}"),
                "title": format!("On call: engineer {}", i % 37),
                "start": format!("2026-12-{:02}T{:02}:00:00-05:00", 1 + i % 28, 8 + i % 9),
                "end": format!("2026-12-{:02}T{:02}:30:00-05:00", 1 + i % 28, 8 + i % 9),
                "location": format!("Desk {}", i % 12),
                "description": "Pager rotation; escalate to the duty manager after 15 minutes.",
                "showAs": "busy",
                "color": "#1e88e5",
                "resource": format!("Tier {}", 1 + i % 3),
                "status": "Confirmed",
            })
        })
        .collect();
    let body = json!({
        "title": "Support rota", "visibility": "public", "detail": "full", "view": "month",
        "timeZone": "America/New_York", "range": {"start": "2026-12-01", "end": "2027-01-01"}, "events": events,
    });
    json!({
        "version": "2.0",
        "routeKey": "POST /shares",
        "rawPath": "/shares",
        "rawQueryString": "",
        "headers": {"content-type": "application/json", "host": "api.example.com"},
        "requestContext": {
            "accountId": "123456789012", "apiId": "api", "domainName": "api.example.com", "requestId": "bench",
            "routeKey": "POST /shares", "stage": "$default", "time": "27/Nov/2026:15:00:00 +0000", "timeEpoch": 0,
            "http": {"method": "POST", "path": "/shares", "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "bench"},
            "authorizer": {"jwt": {"claims": {"sub": "kim", "tid": "contoso", "email": "kim@example.com"}, "scopes": null}}
        },
        "body": body.to_string(),
        "isBase64Encoded": false
    })
    .to_string()
}

fn publish(c: &mut Criterion) {
    let event = publish_event(10_000);
    println!(
        "request body: {} bytes",
        serde_json::from_str::<serde_json::Value>(&event).unwrap()["body"].as_str().unwrap().len()
    );
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let config = ServiceConfig::default();
    let mut group = c.benchmark_group("publish");
    group.sample_size(20);
    group.bench_function("10000 events, embedded store", |b| {
        b.iter_batched(
            || (MemoryStore::new(), lambda_http::request::from_str(&event).unwrap()),
            |(store, request)| {
                let response = runtime.block_on(publish_share::handle(&store, &config, request));
                assert_eq!(response.status(), 201);
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, publish);
criterion_main!(benches);
