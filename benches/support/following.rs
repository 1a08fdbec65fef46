//! The following case of the changes bench: a change for a calendar that `FOLLOWERS` shares of
//! `EVENTS_PER_SHARE` events follow (a new event joins each, round after round under one key),
//! beside the same change without `calendar` (nothing joins; the index is asked for the event alone).

use super::fan_out::keyed_owner_event;
use super::{EVENTS_PER_SHARE, MeasuredStore, graph_event, graph_id, json_of, load_average, publish, share_body};
use serde_json::{Value, json};
use share_core::ServiceConfig;
use share_core::store::DynamoStore;
use std::time::Instant;

const FOLLOWERS: usize = 50;
const CALENDAR: &str = "AAMkAGVmMDEzMTM4LTZmYWUtNDdkNC1hMDZiLTU1OGY5OTZhYmY4OAAuAAAAAAAiQ8W967B7TKBjgx9rVEURAQAiIsqMbYjsT5e-T7KzowPTAAAAAAEGAAA=";
const CALLS: usize = 3;

/// One call, round after round under one key: its time, read units and rounds, and the shares and
/// events it added to.
async fn call(measured: &MeasuredStore, config: &ServiceConfig, body: &Value) -> (f64, f64, usize, usize, u64) {
    let key = uuid::Uuid::new_v4().to_string();
    let (mut millis, mut read_units, mut rounds, mut shares) = (0.0, 0.0, 0, 0);
    loop {
        measured.log.take();
        let started = Instant::now();
        let response = publish_share::handle(
            &measured.logged,
            config,
            keyed_owner_event("POST /me/changes", "/me/changes", body, &key),
        )
        .await;
        millis += started.elapsed().as_secs_f64() * 1000.0;
        read_units += measured.log.take().iter().filter(|o| o.is_read()).map(|o| o.units).sum::<f64>();
        let answer = json_of(&response);
        assert_eq!(response.status(), 200, "{answer}");
        rounds += 1;
        shares += answer["sharesUpdated"].as_array().unwrap().len();
        let added = answer["addedMatched"].as_u64().unwrap();
        if answer["more"] != json!(true) {
            return (millis, read_units, rounds, shares, added);
        }
    }
}

pub async fn measure(store: &DynamoStore, measured: &MeasuredStore, config: &ServiceConfig) {
    for share in 0..FOLLOWERS {
        let mut body = share_body(1000 + share);
        body["follow"] = json!({"calendars": [CALENDAR]});
        publish(store, config, &body).await;
    }
    println!();
    println!(
        "following: a new event of a calendar {FOLLOWERS} shares of {EVENTS_PER_SHARE} events follow, {CALLS} calls, each round after round under one key (load average {}):",
        load_average()
    );
    println!("  {:<18} {:>7} {:>9} {:>9} {:>8} {:>7}", "call", "rounds", "ms", "RCU", "shares", "added");
    for call_index in 0..CALLS {
        let event = graph_event(&graph_id(0xF0110 + call_index as u64), "Booked tomorrow", 7);
        let with_calendar = json!({"format": "msgraph", "calendar": CALENDAR, "changed": [event.clone()]});
        let (millis, units, rounds, shares, added) = call(measured, config, &with_calendar).await;
        assert_eq!((shares, added), (FOLLOWERS, 1));
        println!("  {:<18} {rounds:>7} {millis:>9.0} {units:>9.1} {shares:>8} {added:>7}", "with calendar");
        let without =
            json!({"format": "msgraph", "changed": [graph_event(&graph_id(0xF0200 + call_index as u64), "Booked", 7)]});
        let (millis, units, rounds, shares, added) = call(measured, config, &without).await;
        assert_eq!((shares, added), (0, 0));
        println!("  {:<18} {rounds:>7} {millis:>9.0} {units:>9.1} {shares:>8} {added:>7}", "without calendar");
    }
}
