//! The bounded fan-out case of the changes bench: one change of an event that `BIG_SHARES` shares of
//! `BIG_SHARE_EVENTS` events hold, sent round after round under one `Idempotency-Key` until the
//! answer has no `more`.

use super::{
    BIG_SHARE_EVENTS, MeasuredStore, OWNER, OWNER_EMAIL, TENANT, json_of, load_average, process_cpu_millis, publish,
    support,
};
use local_api::event::ApiGatewayEvent;
use serde_json::{Value, json};
use share_core::ServiceConfig;
use share_core::store::DynamoStore;
use std::collections::BTreeMap;
use std::time::Instant;

/// The fan-out case: this many shares of `BIG_SHARE_EVENTS` events, all holding the changed event.
const BIG_SHARES: usize = 30;
/// Calls of the fan-out case (each of every round it takes).
const FAN_OUT_CALLS: usize = 2;

/// `owner_event` with an `Idempotency-Key`.
pub(super) fn keyed_owner_event(route_key: &str, path: &str, body: &Value, key: &str) -> lambda_http::Request {
    ApiGatewayEvent::new(route_key, path)
        .header("content-type", "application/json")
        .header("host", "share.example.com")
        .header("idempotency-key", key)
        .claims([("sub", OWNER), ("tid", TENANT), ("email", OWNER_EMAIL), ("scp", "Shares.ReadWrite")])
        .json_body(body)
        .into_request()
}

/// One round of a fan-out call.
struct FanOutRound {
    millis: f64,
    cpu_millis: f64,
    write_units: f64,
    read_units: f64,
    shares: usize,
}

/// `BIG_SHARES` shares of `BIG_SHARE_EVENTS` events hold one event; each call changes its title and
/// goes round after round under one key until no `more`.
pub async fn measure(store: &DynamoStore, measured: &MeasuredStore, config: &ServiceConfig) {
    for _ in 0..BIG_SHARES {
        publish(store, config, &support::rota_body(BIG_SHARE_EVENTS, "limited")).await;
    }
    let mut rounds = Vec::new();
    let mut by_operation: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for call in 0..FAN_OUT_CALLS {
        let key = uuid::Uuid::new_v4().to_string();
        let title = ["On call: engineer 5 (swapped)", "On call: engineer 5"][call % 2];
        let body = json!({"changed": [{
            "id": "AAMkAGI2TG93AAA000005", "title": title,
            "start": "2026-12-06T13:00:00-05:00", "end": "2026-12-06T13:30:00-05:00",
            "location": "Desk 5", "showAs": "busy", "color": "#1e88e5", "resource": "Tier 3", "status": "Confirmed",
        }]});
        loop {
            let request = keyed_owner_event("POST /me/changes", "/me/changes", &body, &key);
            measured.log.take();
            let (started, cpu_before) = (Instant::now(), process_cpu_millis());
            let response = publish_share::handle(&measured.logged, config, request).await;
            let millis = started.elapsed().as_secs_f64() * 1000.0;
            let cpu_millis = process_cpu_millis() - cpu_before;
            let operations = measured.log.take();
            let answer = json_of(&response);
            assert_eq!(response.status(), 200, "{answer}");
            let units = |read: bool| operations.iter().filter(|o| o.is_read() == read).map(|o| o.units).sum();
            for operation in &operations {
                let entry = by_operation.entry(operation.name.clone()).or_default();
                entry.0 += 1.0;
                entry.1 += operation.units;
            }
            rounds.push(FanOutRound {
                millis,
                cpu_millis,
                write_units: units(false),
                read_units: units(true),
                shares: answer["sharesUpdated"].as_array().unwrap().len(),
            });
            if answer["more"] != json!(true) {
                break;
            }
        }
    }
    println!();
    println!(
        "fan-out: one change of an event {BIG_SHARES} shares of {BIG_SHARE_EVENTS} events hold, {FAN_OUT_CALLS} calls, round after round under one key (load average {}):",
        load_average()
    );
    println!(
        "  {:>5} {:>7} {:>9} {:>9} {:>9} {:>9} {:>12}",
        "round", "shares", "ms", "CPU ms", "RCU", "WCU", "WCU/share"
    );
    for (index, round) in rounds.iter().enumerate() {
        println!(
            "  {:>5} {:>7} {:>9.0} {:>9.0} {:>9.1} {:>9.1} {:>12.1}",
            index + 1,
            round.shares,
            round.millis,
            round.cpu_millis,
            round.read_units,
            round.write_units,
            round.write_units / round.shares.max(1) as f64
        );
    }
    let shares: usize = rounds.iter().map(|round| round.shares).sum();
    let write_units: f64 = rounds.iter().map(|round| round.write_units).sum();
    let most_cpu = rounds.iter().map(|round| round.cpu_millis).fold(0.0, f64::max);
    println!(
        "  {} rounds, {shares} share rewrites, {:.1} write units per share rewritten (one event changed), the most CPU in a round {most_cpu:.0} ms (target ≤ 1,500 ms)",
        rounds.len(),
        write_units / shares.max(1) as f64
    );
    println!("  per share rewritten, by operation (sent, units):");
    for (name, (sent, units)) in by_operation {
        println!("    {name:<20} {:>8.2} {:>9.1}", sent / shares.max(1) as f64, units / shares.max(1) as f64);
    }
}
