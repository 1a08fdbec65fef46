//! Handler time to publish 10,000 normalized events on the embedded store: parse, validate,
//! minimise, check the feed's size, encode and commit, from the API Gateway event onwards; to publish
//! the densest shares, whose feeds are rendered and gzipped to see if they can be sent (250 events
//! of 16 KiB, just under the line, and 281, refused); and to refuse a body within the size limit
//! made of empty events (counted, never read one by one); and to seal the 10,000 events (`share-seal`).

mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use share_core::seal::{SealingSecrets, seal_body};

fn publish(c: &mut Criterion) {
    let mut group = c.benchmark_group("publish");
    group.sample_size(20);
    support::bench_publish(&mut group, "10000 events, embedded store", &support::rota_body(10_000, "full"), 201);
    group.finish();
}

/// The densest feed a body can carry (as tests/hostile/responses.rs builds it): `count` events (281
/// fill a 5,000,000-byte body) with 16 KiB descriptions and 500-character titles and locations of
/// the least compressible text.
pub fn dense_body(count: usize) -> Value {
    let mut next = support::splitmix(2);
    let events: Vec<Value> = (0..count)
        .map(|i| {
            json!({
                "title": support::dense_text(&mut next, 500), "location": support::dense_text(&mut next, 500),
                "description": support::dense_text(&mut next, 16 * 1024),
                "start": format!("2026-08-{:02}T{:02}:00:00Z", 1 + i % 28, i % 24),
                "end": format!("2026-08-{:02}T{:02}:30:00Z", 1 + i % 28, i % 24),
            })
        })
        .collect();
    json!({"title": "Dense", "visibility": "public", "detail": "full", "view": "agenda",
           "timeZone": "UTC", "range": {"start": "2026-08-01", "end": "2026-09-01"}, "events": events})
}

fn publish_densest(c: &mut Criterion) {
    let mut group = c.benchmark_group("publish");
    group.sample_size(10);
    for (events, status) in [(250, 201), (281, 422)] {
        let name = format!("densest share, {events} events of 16 KiB: {status}");
        support::bench_publish(&mut group, &name, &dense_body(events), status);
    }
    group.finish();
}

/// 1.6 million empty events in a body just under the 5,000,000-byte limit: before the count check
/// this answered 4.9 million errors (a response of hundreds of MB); now one, at `/events`.
fn refuse_oversized_event_list(c: &mut Criterion) {
    let mut body = support::rota_body(0, "full");
    body["events"] = Value::Array(vec![json!({}); 1_630_000]);
    let mut group = c.benchmark_group("publish");
    group.sample_size(10);
    support::bench_publish(&mut group, "1,630,000 empty events refused", &body, 422);
    group.finish();
}

/// `share-seal` on the 10,000-event body: read, minimise at `full` and seal (the budget: 200 ms).
fn seal_ten_thousand(c: &mut Criterion) {
    let body = serde_json::to_vec(&support::rota_body(10_000, "full")).unwrap();
    let mut group = c.benchmark_group("seal");
    group.sample_size(20);
    let secrets = SealingSecrets { key: [7; 32], nonce: [9; 12], uid_secret: [3; 32] };
    group.bench_function("10000 events, share-seal", |b| {
        b.iter(|| seal_body(&body, None, jiff::Timestamp::now(), &secrets).expect("sealed"))
    });
    group.finish();
}

criterion_group!(benches, publish, publish_densest, refuse_oversized_event_list, seal_ten_thousand);
criterion_main!(benches);
