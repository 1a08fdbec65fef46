//! Handler time to publish a Graph event whose HTML body is one of the sanitiser's worst cases, as
//! big as a publish body allows (5,000,000 bytes with the JSON around it): deep nesting, many
//! attributes, many entities, long unclosed tags, comments and attribute values (issue 10,
//! item 1). Each must stay well under a second; an ordinary invitation is measured alongside.

#[allow(dead_code, reason = "the rota body and the dense text are the other benchmarks'")]
mod support;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use share_core::ServiceConfig;
use share_core::store::EmbeddedStore;
use std::time::Duration;

/// The contract's request limit.
const MAX_REQUEST_BYTES: usize = 5_000_000;

fn graph_publish(content: &str) -> Value {
    graph_publish_each(&[content])
}

/// One event for each body.
fn graph_publish_each(contents: &[&str]) -> Value {
    let events: Vec<Value> = contents
        .iter()
        .enumerate()
        .map(|(i, content)| {
            json!({
                "id": format!("AAMkAGI1hostile{i}"), "subject": "Rota planning",
                "start": {"dateTime": "2026-12-03T14:00:00.0000000", "timeZone": "UTC"},
                "end": {"dateTime": "2026-12-03T15:00:00.0000000", "timeZone": "UTC"},
                "body": {"contentType": "html", "content": content},
            })
        })
        .collect();
    json!({"title": "Rota", "visibility": "public", "detail": "full", "timeZone": "America/New_York",
           "format": "msgraph", "events": events})
}

/// `unit` repeated, then `tail`, as much as fits in a publish body once in JSON.
fn filling(head: &str, unit: &str, tail: &str) -> String {
    let wrapper = serde_json::to_string(&graph_publish("")).unwrap().len();
    let json_len = |text: &str| serde_json::to_string(text).unwrap().len() - 2;
    let room = MAX_REQUEST_BYTES - wrapper - json_len(head) - json_len(tail);
    format!("{head}{}{tail}", unit.repeat(room / json_len(unit)))
}

fn numbered(head: &str, unit: impl Fn(usize) -> String, tail: &str) -> String {
    let wrapper = serde_json::to_string(&graph_publish("")).unwrap().len();
    let room = MAX_REQUEST_BYTES - wrapper - head.len() - tail.len();
    let mut content = String::from(head);
    for i in 0.. {
        let next = unit(i);
        if content.len() + next.len() > room {
            break;
        }
        content.push_str(&next);
    }
    content + tail
}

fn worst_cases() -> Vec<(&'static str, Value)> {
    let one = |content: String| graph_publish(&content);
    // As many bodies as fit, each just long enough to give the parser all the reduce pass lets
    // through, of markup that shows nothing (so it is not refused unparsed).
    let quiet = " <x> </x>".repeat(15_000);
    let spread = graph_publish_each(&vec![quiet.as_str(); 36]);
    let cases = vec![
        ("deep <div>", filling("", "<div>", "")),
        ("deep <ul><li>", filling("", "<ul><li>", "")),
        ("deep <table><tr><td>", filling("", "<table><tr><td>", "")),
        ("deep <b><i> (adoption agency)", filling("", "<b><i>", "")),
        ("<b> with distinct attributes", numbered("", |i| format!("<b a{i}>"), "")),
        ("<p><b></p>x (reopened formatting)", filling("", "<p><b></p>x", "")),
        ("<a href><div> (misnested links)", filling("", "<a href=https://x.test/><div>y", "")),
        ("many attributes on one tag", numbered("<p", |i| format!(" a{i}"), ">Agenda</p>")),
        ("many entities", filling("", "&amp;", "")),
        ("many numeric entities", filling("", "&#x41;", "")),
        ("long unclosed tag", filling("Agenda<p", "x", "")),
        ("long unclosed attribute value", filling("Agenda<p title='", "x", "")),
        ("long unclosed comment", filling("Agenda<!--", "<div>", "")),
        ("stray end tags under 200 <span>", filling(&"<span>".repeat(200), "</x>", "")),
        ("ordinary Teams invitation (12 KB)", include_str!("../tests/fixtures/invitations/teams.html").to_owned()),
    ];
    let mut cases: Vec<(&'static str, Value)> = cases.into_iter().map(|(name, content)| (name, one(content))).collect();
    cases.push(("' <x> </x>' in 36 bodies of 135 KB", spread));
    cases
}

fn sanitize(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    let config = ServiceConfig::default();
    let mut group = c.benchmark_group("publish a hostile Graph body");
    group.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    for (name, body) in worst_cases() {
        let size = serde_json::to_vec(&body).unwrap().len();
        assert!(size <= MAX_REQUEST_BYTES, "{name}: {size} bytes");
        let event = support::api_gateway_event("POST /shares", "/shares", &[], Some(&body));
        let status = runtime
            .block_on(publish_share::handle(&EmbeddedStore::new(), &config, event.clone().into_request()))
            .status();
        println!("{name}: request {size} bytes, answered {status}");
        group.bench_function(name, |b| {
            b.iter_batched(
                || (EmbeddedStore::new(), event.clone().into_request()),
                |(store, request)| {
                    let response = runtime.block_on(publish_share::handle(&store, &config, request));
                    assert!(matches!(response.status().as_u16(), 201 | 422), "{name}: {}", response.status());
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, sanitize);
criterion_main!(benches);
