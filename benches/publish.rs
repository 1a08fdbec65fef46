//! Handler time to publish 10,000 normalized events on the embedded store: parse, validate,
//! minimise, check the feed's size, encode and commit, from the API Gateway event onwards; to publish
//! the densest shares, whose feeds are rendered and gzipped to see if they can be sent (250 events
//! of 16 KiB, just under the line, and 281, refused); and to refuse a body within the size limit
//! made of empty events (counted, never read one by one).

mod support;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use share_core::ServiceConfig;
use share_core::store::MemoryStore;

fn publish(c: &mut Criterion) {
    let body = support::rota_body(10_000, "full");
    println!("request body: {} bytes", body.to_string().len());
    let event = support::api_gateway_event("POST /shares", "/shares", &[], Some(&body));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
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

/// The densest feed a body can carry (as tests/hostile/responses.rs builds it): `count` events (281
/// fill a 5,000,000-byte body) with 16 KiB descriptions and 500-character titles and locations of
/// text that hardly compresses: printable ASCII with `,` and `;` mixed in, three in ten two-byte letters.
pub fn dense_body(count: usize) -> Value {
    let mut state = 2u64;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut char = move || {
        if next() % 10 < 3 {
            let n = (next() % 592) as u32;
            char::from_u32(if n < 336 { 0x100 + n } else { 0x400 + n - 336 }).unwrap()
        } else {
            let n = (next() % 101) as u8;
            if n >= 93 {
                [',', ';'][usize::from(n % 2)]
            } else {
                char::from(b' ' + n + u8::from(n >= 2) + u8::from(n >= 59))
            }
        }
    };
    let mut events = Vec::with_capacity(count);
    for i in 0..count {
        let title: String = (0..500).map(|_| char()).collect();
        let location: String = (0..500).map(|_| char()).collect();
        let mut description = String::with_capacity(16 * 1024);
        loop {
            let c = char();
            if description.len() + c.len_utf8() > 16 * 1024 {
                break;
            }
            description.push(c);
        }
        events.push(json!({
            "title": title, "location": location, "description": description,
            "start": format!("2026-08-{:02}T{:02}:00:00Z", 1 + i % 28, i % 24),
            "end": format!("2026-08-{:02}T{:02}:30:00Z", 1 + i % 28, i % 24),
        }));
    }
    json!({"title": "Dense", "visibility": "public", "detail": "full", "view": "agenda",
           "timeZone": "UTC", "range": {"start": "2026-08-01", "end": "2026-09-01"}, "events": events})
}

fn publish_densest(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    let config = ServiceConfig::default();
    let mut group = c.benchmark_group("publish");
    group.sample_size(10);
    for (events, status) in [(250, 201), (281, 422)] {
        let body = dense_body(events);
        println!("request body: {} bytes", body.to_string().len());
        let event = support::api_gateway_event("POST /shares", "/shares", &[], Some(&body));
        let name = format!("densest share, {events} events of 16 KiB: {status}");
        group.bench_function(name, |b| {
            b.iter_batched(
                || (MemoryStore::new(), event.clone().into_request()),
                |(store, request)| {
                    let response = runtime.block_on(publish_share::handle(&store, &config, request));
                    assert_eq!(response.status(), status);
                },
                BatchSize::PerIteration,
            )
        });
    }
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
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
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

criterion_group!(benches, publish, publish_densest, refuse_oversized_event_list);
criterion_main!(benches);
