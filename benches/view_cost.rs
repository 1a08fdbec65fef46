//! What one recipient view costs on DynamoDB (DynamoDB Local at `DYNAMODB_ENDPOINT`): read
//! capacity units and response bytes of every read of a page view and a feed fetch, for a
//! 250-event and a 10,000-event share, and the peak RSS of a fresh process serving the big one.
//!
//! `DYNAMODB_ENDPOINT=http://127.0.0.1:8000 cargo bench --bench view_cost`

#[allow(dead_code, reason = "each benchmark reads the part of the meter it reports")]
#[path = "support/metering.rs"]
mod metering;
#[allow(dead_code, reason = "the publishing helpers are the other benchmarks'")]
mod support;

use metering::MeteredReads;

use serde_json::Value;
use share_core::ServiceConfig;
use share_core::store::DynamoStore;
use std::process::Command;
use view_share::ViewCache;

fn event(route_key: &str, path: &str, parameters: &[(&str, &str)], body: Option<&Value>) -> lambda_http::Request {
    support::api_gateway_event(route_key, path, parameters, body).into_request()
}

fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// In a fresh process: serve the page (agenda and month) and the feed of one share, report peak RSS.
async fn serve_views(endpoint: &str, table: &str, id: &str) {
    let store = DynamoStore::connect(endpoint, table).await;
    let before = peak_rss_kib();
    for (route, path, query) in
        [("GET /s/{id}", format!("/s/{id}"), "agenda"), ("GET /s/{id}", format!("/s/{id}"), "month")]
    {
        let mut request = event(route, &path, &[("id", id)], None);
        *request.uri_mut() = format!("https://share.example.com{path}?view={query}").parse().unwrap();
        let request = lambda_http::RequestExt::with_query_string_parameters(
            request,
            [("view".to_owned(), query.to_owned())].into_iter().collect::<std::collections::HashMap<_, _>>(),
        );
        assert_eq!(view_share::handle(&store, &ViewCache::new(), request).await.status(), 200);
    }
    let feed = view_share::handle(
        &store,
        &ViewCache::new(),
        event("GET /s/{id}/calendar.ics", &format!("/s/{id}/calendar.ics"), &[("id", id)], None),
    )
    .await;
    assert_eq!(feed.status(), 200);
    println!("{before} {}", peak_rss_kib());
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(position) = args.iter().position(|a| a == "--serve-views") {
        serve_views(&args[position + 1], &args[position + 2], &args[position + 3]).await;
        return;
    }
    let Ok(endpoint) = std::env::var("DYNAMODB_ENDPOINT") else {
        eprintln!("view_cost: set DYNAMODB_ENDPOINT to a DynamoDB Local (scripts/dynamodb-local.sh start)");
        return;
    };
    let table = format!("bench-{}", uuid::Uuid::new_v4().simple());
    let store = DynamoStore::connect(&endpoint, table.as_str()).await;
    store.create_table_if_missing().await.unwrap();
    let metered = MeteredReads::new(store.clone());
    let config = ServiceConfig::default();
    println!("{:>7} {:>10} {:>14} {:>10} {:>12}", "events", "view", "read units", "4KB reads", "bytes read");
    for size in [250, 10_000] {
        let created = publish_share::handle(
            &store,
            &config,
            event("POST /shares", "/shares", &[], Some(&support::rota_body(size, "limited"))),
        )
        .await;
        assert_eq!(created.status(), 201);
        let share: Value = match created.body() {
            lambda_http::Body::Binary(bytes) => serde_json::from_slice(bytes).unwrap(),
            lambda_http::Body::Text(text) => serde_json::from_str(text).unwrap(),
            _ => unreachable!(),
        };
        let id = share["id"].as_str().unwrap().to_owned();
        for (name, route, path) in [
            ("page", "GET /s/{id}", format!("/s/{id}")),
            ("feed", "GET /s/{id}/calendar.ics", format!("/s/{id}/calendar.ics")),
        ] {
            metered.reset();
            let response =
                view_share::handle(&metered, &ViewCache::new(), event(route, &path, &[("id", &*id)], None)).await;
            assert_eq!(response.status(), 200);
            let units = metered.consumed_read_units();
            // Eventually consistent reads cost half a unit per 4 KB read.
            println!(
                "{size:>7} {name:>10} {units:>14.1} {:>10} {:>12}",
                (units * 2.0).round(),
                metered.read_response_bytes()
            );
        }
        if size == 10_000 {
            let output = Command::new(std::env::current_exe().unwrap())
                .args(["--serve-views", &endpoint, &table, &id])
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&output.stdout);
            let numbers: Vec<u64> = text.split_whitespace().filter_map(|n| n.parse().ok()).collect();
            if let [before, after] = numbers[..] {
                println!(
                    "peak RSS of a fresh process serving the 10,000-event share (page twice, feed): {:.1} MiB (at start {:.1} MiB)",
                    after as f64 / 1024.0,
                    before as f64 / 1024.0
                );
            } else {
                println!("peak RSS child failed: {text} {}", String::from_utf8_lossy(&output.stderr));
            }
        }
    }
}
