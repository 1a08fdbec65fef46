//! Handler time to publish 10,000 normalized events on the embedded store: parse, validate,
//! minimise, encode and commit, from the API Gateway event onwards; and to refuse a body within the
//! size limit made of empty events (counted, never read one by one).

mod support;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use share_core::ServiceConfig;
use share_core::store::MemoryStore;

fn publish(c: &mut Criterion) {
    let body = support::rota_body(10_000, "full");
    println!("request body: {} bytes", body.to_string().len());
    let event = support::api_gateway_event("POST /shares", "/shares", &[], Some(&body));
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let config = ServiceConfig::default();
    let mut group = c.benchmark_group("publish");
    group.sample_size(20);
    group.bench_function("10000 events, embedded store", |b| {
        b.iter_batched(
            || (MemoryStore::new(), event.clone().into_request()),
            |(store, request)| {
                let response = runtime.block_on(publish_share::handle(&store, &config, request));
                assert_eq!(response.status(), 201);
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

/// 1.6 million empty events in a body just under the 5,000,000-byte limit: before the count check
/// this answered 4.9 million errors (a response of hundreds of MB); now one, at `/events`.
fn refuse_oversized_event_list(c: &mut Criterion) {
    let events = vec![serde_json::json!({}); 1_630_000];
    let mut body = support::rota_body(0, "full");
    body["events"] = serde_json::Value::Array(events);
    println!("request body: {} bytes", body.to_string().len());
    let event = support::api_gateway_event("POST /shares", "/shares", &[], Some(&body));
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let (config, store) = (ServiceConfig::default(), MemoryStore::new());
    let refused = runtime.block_on(publish_share::handle(&store, &config, event.clone().into_request()));
    assert_eq!(refused.status(), 422);
    println!("response body: {} bytes", AsRef::<[u8]>::as_ref(refused.body()).len());
    let mut group = c.benchmark_group("publish");
    group.sample_size(10);
    group.bench_function("1,630,000 empty events refused", |b| {
        b.iter_batched(
            || event.clone().into_request(),
            |request| {
                let response = runtime.block_on(publish_share::handle(&store, &config, request));
                assert_eq!(response.status(), 422);
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, publish, refuse_oversized_event_list);
criterion_main!(benches);
