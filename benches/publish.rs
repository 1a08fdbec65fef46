//! Handler time to publish 10,000 normalized events on the embedded store: parse, validate,
//! minimise, encode and commit, from the API Gateway event onwards.

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

criterion_group!(benches, publish);
criterion_main!(benches);
