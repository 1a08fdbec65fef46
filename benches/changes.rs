//! What a live update costs on DynamoDB (DynamoDB Local at `DYNAMODB_ENDPOINT`): `POST /me/changes`
//! for an owner with 50 shares of 250 Graph events, 3 of which hold the changed event, then for an
//! event no share holds: handler time (median, p95) and read units per call, with what each read
//! costs; and the largest source index item of a 10,000-event share.
//!
//! Then a change for a calendar 50 shares of 250 events follow (a new event joins each), beside the
//! same change without `calendar`.
//!
//! Then the bounded fan-out: one change of an event that 30 shares of 10,000 events hold, sent with
//! an `Idempotency-Key` round after round until the answer has no `more`: per round its time, this
//! process's CPU and the write units, and the write units of each share rewritten.
//!
//! `DYNAMODB_ENDPOINT=http://127.0.0.1:8000 cargo bench --bench changes` (`CHANGES_BENCH=following`
//! for the following case alone)

// Beside the shared helpers rather than among them: only this benchmark uses these.
#[path = "support/item_sizes.rs"]
mod item_sizes;
#[allow(dead_code, reason = "each benchmark reads the part of the meter it reports")]
#[path = "support/metering.rs"]
mod metering;
#[allow(dead_code, reason = "the other helpers are the other benchmarks'")]
mod support;

use metering::MeteredReads;

// The bounded fan-out and following cases, in files of their own.
#[path = "support/fan_out.rs"]
mod fan_out;
#[path = "support/following.rs"]
mod following;

use item_sizes::{share_item_sizes, source_index_items};
use local_api::event::ApiGatewayEvent;
use metering::operation_log::{LoggedOperation, OperationLog};
use serde_json::{Value, json};
use share_core::ServiceConfig;
use share_core::domain::{GroupId, ShareId, SharingMode, SharingPolicy, UserId, UserPermission};
use share_core::sources::SourceFormat;
use share_core::store::{DynamoStore, PolicyReads, PolicyWrites, ShareReads};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

const SHARES: usize = 50;
const EVENTS_PER_SHARE: usize = 250;
/// The shares that hold the changed event (of `SHARES`).
const HOLDING: [usize; 3] = [4, 21, 38];
const WARM_UP_CALLS: usize = 5;
const MEASURED_CALLS: usize = 30;
const BIG_SHARE_EVENTS: usize = 10_000;
/// Entra ID ids: the tenant (`tid`, the group) and the user's object id (`sub` as configured).
const TENANT: &str = "3f9c1e7a-52d4-4b8e-9a61-0c2d7e84b5f3";
const OWNER: &str = "a8d0b6e2-17c9-4f35-8e4a-6b2f91c03d7e";
const OWNER_EMAIL: &str = "dana.whitfield@contoso.example";
const TARGET_HOLDING: Target = Target { millis: 50.0, read_units: 25.0 };
const TARGET_NOT_HELD: Target = Target { millis: 10.0, read_units: 5.0 };
/// DynamoDB's item size limit.
const ITEM_LIMIT_BYTES: usize = 400 * 1024;

struct Target {
    millis: f64,
    /// For the holding case: besides what the rewritten shares' reads need.
    read_units: f64,
}

/// An HTTP API event for `route_key` from the Entra ID user `OWNER` of tenant `TENANT`.
fn owner_event(route_key: &str, path: &str, body: &Value) -> lambda_http::Request {
    ApiGatewayEvent::new(route_key, path)
        .header("content-type", "application/json")
        .header("host", "share.example.com")
        .claims([("sub", OWNER), ("tid", TENANT), ("email", OWNER_EMAIL), ("scp", "Shares.ReadWrite")])
        .json_body(body)
        .into_request()
}

/// A Graph event id as Exchange makes them (about 150 characters), distinct for each `n`.
fn graph_id(n: u64) -> String {
    format!(
        "AAMkAGVmMDEzMTM4LTZmYWUtNDdkNC1hMDZiLTU1OGY5OTZhYmY4OABGAAAAAAAiQ8W967B7TKBjgx9rVEURBwAiIsqMbYjsT5e-T7KzowPTAAAAAAENAAAiIsqMbYjsT5e-T7KzowPTAA{n:08X}AAA="
    )
}

/// A Graph `event` as `/me/calendarView` returns it (UTC times), in December 2026.
fn graph_event(id: &str, subject: &str, n: usize) -> Value {
    let (day, hour) = (1 + n % 28, 8 + n % 9);
    json!({
        "@odata.etag": "W/\"IiLKjG2I7E+Xv0+ys6MD0wAEd5/kNQ==\"",
        "id": id,
        "subject": subject,
        "bodyPreview": "Weekly sync on the support queue.",
        "body": {"contentType": "html", "content": "<html><body><p>Weekly sync on the support queue.</p></body></html>"},
        "start": {"dateTime": format!("2026-12-{day:02}T{hour:02}:00:00.0000000"), "timeZone": "UTC"},
        "end": {"dateTime": format!("2026-12-{day:02}T{hour:02}:45:00.0000000"), "timeZone": "UTC"},
        "isAllDay": false,
        "isCancelled": false,
        "showAs": "busy",
        "sensitivity": "normal",
        "location": {"displayName": format!("Conf Room {}", n % 12), "locationType": "default"},
        "organizer": {"emailAddress": {"name": "Dana Whitfield", "address": OWNER_EMAIL}},
        "attendees": [{"type": "required", "status": {"response": "accepted", "time": "2026-11-20T10:00:00Z"},
                       "emailAddress": {"name": "Irvin Sayers", "address": "irvin@contoso.example"}}],
    })
}

/// X: the event 3 shares hold.
fn changed_id() -> String {
    graph_id(0xC0FFEE)
}

/// An event of the owner's that no share holds.
fn unheld_id() -> String {
    graph_id(0xBADC0DE)
}

/// The owner's shares: each holds its own events, and those in `HOLDING` hold the changed one too.
fn share_body(share: usize) -> Value {
    let mut events: Vec<Value> = (0..EVENTS_PER_SHARE - 1)
        .map(|i| {
            let n = share * EVENTS_PER_SHARE + i;
            graph_event(&graph_id(n as u64), &format!("Support sync {}", n % 41), i)
        })
        .collect();
    let last = match HOLDING.contains(&share) {
        true => graph_event(&changed_id(), "Quarterly review", EVENTS_PER_SHARE - 1),
        false => {
            let n = share * EVENTS_PER_SHARE + EVENTS_PER_SHARE - 1;
            graph_event(&graph_id(n as u64), "Support sync", EVENTS_PER_SHARE - 1)
        }
    };
    events.push(last);
    json!({
        "title": format!("Team calendar {share}"), "visibility": "public", "detail": "limited", "view": "month",
        "timeZone": "America/New_York", "range": {"start": "2026-12-01", "end": "2027-01-01"},
        "format": "msgraph", "events": events,
    })
}

fn json_of(response: &lambda_http::Response<lambda_http::Body>) -> Value {
    match response.body() {
        lambda_http::Body::Binary(bytes) => serde_json::from_slice(bytes).unwrap(),
        lambda_http::Body::Text(text) => serde_json::from_str(text).unwrap(),
        lambda_http::Body::Empty => Value::Null,
        _ => unreachable!(),
    }
}

async fn publish(store: &DynamoStore, config: &ServiceConfig, body: &Value) -> ShareId {
    let created = publish_share::handle(store, config, owner_event("POST /shares", "/shares", body)).await;
    assert_eq!(created.status(), 201, "{}", json_of(&created));
    ShareId::parse(json_of(&created)["id"].as_str().unwrap()).unwrap()
}

/// What the calls of one case measured.
struct CallFigures {
    millis: Vec<f64>,
    read_units: Vec<f64>,
    /// The operations of every measured call.
    operations: Vec<LoggedOperation>,
    /// This process's CPU time in the measured calls (the handler, the SDK; not DynamoDB Local).
    cpu_millis: f64,
}

impl CallFigures {
    fn median_millis(&self) -> f64 {
        percentile(&self.millis, 0.5)
    }

    fn p95_millis(&self) -> f64 {
        percentile(&self.millis, 0.95)
    }

    fn cpu_millis_per_call(&self) -> f64 {
        self.cpu_millis / self.millis.len() as f64
    }

    fn max_read_units(&self) -> f64 {
        self.read_units.iter().copied().fold(0.0, f64::max)
    }

    /// Per call, for each operation: how many were sent, their capacity units, their time summed
    /// (operations sent at once overlap, so the times add up to more than the call's).
    fn per_operation(&self) -> BTreeMap<&str, (f64, f64, f64)> {
        let calls = self.millis.len() as f64;
        let mut totals: BTreeMap<&str, (f64, f64, f64)> = BTreeMap::new();
        for operation in &self.operations {
            let entry = totals.entry(&operation.name).or_default();
            entry.0 += 1.0 / calls;
            entry.1 += operation.units / calls;
            entry.2 += operation.millis / calls;
        }
        totals
    }
}

/// The nearest-rank percentile.
fn percentile(values: &[f64], p: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The store a measured call runs on: every read metered, every operation logged.
struct MeasuredStore {
    metered: MeteredReads,
    logged: DynamoStore,
    log: Arc<OperationLog>,
}

/// Calls `POST /me/changes` with the bodies `body(i)`: the warm-up calls, then the measured ones,
/// each checked to have updated `expected_updates` shares.
async fn measure_calls(
    store: &MeasuredStore,
    config: &ServiceConfig,
    body: impl Fn(usize) -> Value,
    expected_updates: usize,
) -> CallFigures {
    let mut figures =
        CallFigures { millis: Vec::new(), read_units: Vec::new(), operations: Vec::new(), cpu_millis: 0.0 };
    for call in 0..WARM_UP_CALLS + MEASURED_CALLS {
        let request = owner_event("POST /me/changes", "/me/changes", &body(call));
        store.metered.reset();
        store.log.take();
        let (started, cpu_before) = (Instant::now(), process_cpu_millis());
        let response = publish_share::handle(&store.logged, config, request).await;
        let elapsed: Duration = started.elapsed();
        let cpu = process_cpu_millis() - cpu_before;
        let units = store.metered.consumed_read_units();
        let answer = json_of(&response);
        assert_eq!(response.status(), 200, "{answer}");
        assert_eq!(answer["sharesUpdated"].as_array().unwrap().len(), expected_updates, "{answer}");
        if call >= WARM_UP_CALLS {
            figures.millis.push(elapsed.as_secs_f64() * 1000.0);
            figures.read_units.push(units);
            figures.operations.extend(store.log.take());
            figures.cpu_millis += cpu;
        }
    }
    figures
}

/// User and system CPU time of this process so far, all threads (Linux counts it in 10 ms ticks,
/// which the sum over many calls evens out).
fn process_cpu_millis() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let after_name = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // utime and stime, fields 14 and 15 of proc(5), in USER_HZ (100 a second) ticks.
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    ticks as f64 * 10.0
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").unwrap().split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

/// Read units of one read, on the metered store.
async fn units_of<F: Future>(metered: &MeteredReads, read: F) -> (f64, F::Output) {
    metered.reset();
    let output = read.await;
    (metered.consumed_read_units(), output)
}

/// What each read of a call costs, read one by one on the metered store after the calls.
struct ReadCosts {
    standing: f64,
    lookup_held: f64,
    lookup_unheld: f64,
    /// Each holding share read whole, as a rewrite reads it: units and pieces.
    rewrites: Vec<(f64, usize)>,
}

impl ReadCosts {
    async fn measure(
        metered: &MeteredReads,
        config: &ServiceConfig,
        group: &GroupId,
        owner: &UserId,
        holding: &[ShareId],
    ) -> Self {
        let metering = metered.metering_store();
        let keys = config.source_id_secret.keys_for(group, owner, SourceFormat::MsGraph.as_str());
        let now = jiff::Timestamp::now();
        let (standing, _) = units_of(metered, metering.sharing_state(group, owner)).await;
        let (lookup_held, found) =
            units_of(metered, metering.shares_holding(group, owner, &[keys.key_of(&changed_id())], now)).await;
        assert_eq!(found.unwrap(), holding, "the index names exactly the shares that hold X");
        let (lookup_unheld, found) =
            units_of(metered, metering.shares_holding(group, owner, &[keys.key_of(&unheld_id())], now)).await;
        assert!(found.unwrap().is_empty());
        let mut rewrites = Vec::new();
        for id in holding {
            let (units, published) = units_of(metered, metering.published(id)).await;
            let published = published.unwrap().expect("a share that holds X");
            rewrites.push((units, published.chunks.len()));
        }
        Self { standing, lookup_held, lookup_unheld, rewrites }
    }

    fn rewrites_total(&self) -> f64 {
        self.rewrites.iter().map(|(units, _)| units).sum()
    }

    /// The figures, with the sizes of what the reads read.
    async fn print(&self, store: &DynamoStore, holding: &[ShareId]) {
        println!();
        println!("read units of each read:");
        println!("  caller's sharing state (policy + permission): {:.1}", self.standing);
        println!("  source index, X's bucket (all {SHARES} shares' items): {:.1}", self.lookup_held);
        println!("  source index, the unheld event's bucket: {:.1}", self.lookup_unheld);
        for ((units, chunks), id) in self.rewrites.iter().zip(holding) {
            println!("  share {} read whole (its record and {chunks} piece(s)): {units:.1}", id.log_ref());
        }
        println!("  the 3 rewrites' reads together: {:.1}", self.rewrites_total());
        let mut buckets: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for (bucket, _, bytes) in source_index_items(store).await {
            let entry = buckets.entry(bucket).or_default();
            entry.0 += 1;
            entry.1 += bytes;
        }
        let (items, bytes) = buckets.values().max_by_key(|(_, bytes)| *bytes).unwrap();
        println!(
            "  (the owner's index: {} buckets, the largest {items} items in {bytes} bytes; a lookup reads a bucket whole)",
            buckets.len()
        );
        let items: Vec<String> = share_item_sizes(store, &holding[0])
            .await
            .into_iter()
            .map(|(sort_key, bytes)| format!("{} {bytes} bytes", sort_key.split('#').next().unwrap()))
            .collect();
        println!("  (the items of a share holding X: {})", items.join(", "));
    }
}

fn print_calls(holding: &CallFigures, unheld: &CallFigures) {
    println!();
    println!(
        "{:<34} {:>10} {:>10} {:>10} {:>12} {:>10}",
        "POST /me/changes, one event", "median ms", "p95 ms", "CPU ms", "RCU median", "RCU max"
    );
    for (name, calls) in [("(a) held by 3 shares (rewrites)", holding), ("(b) held by none", unheld)] {
        println!(
            "{name:<34} {:>10.1} {:>10.1} {:>10.1} {:>12.1} {:>10.1}",
            calls.median_millis(),
            calls.p95_millis(),
            calls.cpu_millis_per_call(),
            percentile(&calls.read_units, 0.5),
            calls.max_read_units()
        );
    }
    println!(
        "({MEASURED_CALLS} calls each after {WARM_UP_CALLS} warm-up calls; CPU: this process's, mean per call; RCU as DynamoDB Local reports them; load average {})",
        load_average()
    );
}

fn print_operations(holding: &CallFigures, unheld: &CallFigures) {
    println!();
    println!("per call, by operation (RCU for reads, WCU for writes; times of concurrent operations overlap):");
    println!("  {:<4} {:<20} {:>6} {:>8} {:>12}", "case", "operation", "sent", "units", "ms summed");
    for (name, calls) in [("(a)", holding), ("(b)", unheld)] {
        for (operation, (sent, units, millis)) in calls.per_operation() {
            println!("  {name:<4} {operation:<20} {sent:>6.1} {units:>8.1} {millis:>12.1}");
        }
    }
}

/// Time is judged on the p95, read units on the most a call took.
fn print_targets(holding: &CallFigures, unheld: &CallFigures, rewrites_total: f64) {
    let a_units = holding.max_read_units();
    let b_units = unheld.max_read_units();
    println!();
    println!("targets:");
    for (name, calls, target) in [("(a)", holding, &TARGET_HOLDING), ("(b)", unheld, &TARGET_NOT_HELD)] {
        println!(
            "  {name} time: median {:.1} ms, p95 {:.1} ms vs ≤ {} ms: {}",
            calls.median_millis(),
            calls.p95_millis(),
            target.millis,
            verdict(calls.p95_millis(), target.millis)
        );
    }
    println!(
        "  (a) reads: {a_units:.1} RCU = {:.1} + {rewrites_total:.1} for the rewrites vs ≤ {} + {rewrites_total:.1}: {}",
        a_units - rewrites_total,
        TARGET_HOLDING.read_units,
        verdict(a_units, TARGET_HOLDING.read_units + rewrites_total)
    );
    println!(
        "  (b) reads: {b_units:.1} RCU vs ≤ {}: {}",
        TARGET_NOT_HELD.read_units,
        verdict(b_units, TARGET_NOT_HELD.read_units)
    );
}

fn verdict(measured: f64, target: f64) -> String {
    match measured <= target {
        true => "met".into(),
        false => format!("MISSED by {:.1} ({:.0} %)", measured - target, (measured / target - 1.0) * 100.0),
    }
}

#[tokio::main]
async fn main() {
    let Ok(endpoint) = std::env::var("DYNAMODB_ENDPOINT") else {
        eprintln!("changes: set DYNAMODB_ENDPOINT to a DynamoDB Local (scripts/dynamodb-local.sh start)");
        return;
    };
    let table = format!("bench-{}", uuid::Uuid::new_v4().simple());
    let store = DynamoStore::connect(&endpoint, table.as_str()).await;
    store.create_table_if_missing().await.unwrap();
    let metered = MeteredReads::new(store.clone());
    let (logged, log) = OperationLog::over(metered.metering_store());
    let measured = MeasuredStore { metered, logged, log };
    let config = ServiceConfig::default();
    let (group, owner) = (GroupId::parse(TENANT).unwrap(), UserId::parse(OWNER).unwrap());
    // A tenant that lets selected users share, this owner among them: the caller's standing is two
    // items, as in most deployments.
    let policy = SharingPolicy { sharing: SharingMode::Selected, ..SharingPolicy::default() };
    store.put_policy(&group, &policy).await.unwrap();
    let permission =
        UserPermission { user_id: owner.clone(), email: Some(OWNER_EMAIL.into()), can_share: true, admin: false };
    store.put_user(&group, &permission).await.unwrap();

    // `CHANGES_BENCH=following`: the following case alone.
    if std::env::var("CHANGES_BENCH").as_deref() == Ok("following") {
        following::measure(&store, &measured, &config).await;
        return;
    }
    let mut holding = Vec::new();
    for share in 0..SHARES {
        let id = publish(&store, &config, &share_body(share)).await;
        if HOLDING.contains(&share) {
            holding.push(id);
        }
    }
    holding.sort();
    println!("{SHARES} shares of {EVENTS_PER_SHARE} Graph events (detail limited); {} hold event X", HOLDING.len());

    // (a) X's title alternates, so every call rewrites the 3 shares that hold it.
    let change_x = |call: usize| {
        let subject = ["Quarterly review (moved)", "Quarterly review"][call % 2];
        json!({"format": "msgraph", "changed": [graph_event(&changed_id(), subject, EVENTS_PER_SHARE - 1)]})
    };
    let holding_calls = measure_calls(&measured, &config, change_x, HOLDING.len()).await;
    // (b) an event no share holds.
    let change_unheld = |_| json!({"format": "msgraph", "changed": [graph_event(&unheld_id(), "Dentist", 3)]});
    let unheld_calls = measure_calls(&measured, &config, change_unheld, 0).await;

    let reads = ReadCosts::measure(&measured.metered, &config, &group, &owner, &holding).await;
    print_calls(&holding_calls, &unheld_calls);
    reads.print(&store, &holding).await;
    print_operations(&holding_calls, &unheld_calls);
    print_targets(&holding_calls, &unheld_calls, reads.rewrites_total());

    let big = publish(&store, &config, &support::rota_body(BIG_SHARE_EVENTS, "limited")).await;
    let big_share = big.to_string();
    let (items, largest) = source_index_items(&store)
        .await
        .into_iter()
        .filter(|(_, share, _)| *share == big_share)
        .fold((0, 0), |(count, largest), (_, _, bytes)| (count + 1, largest.max(bytes)));
    println!();
    println!(
        "source index of a {BIG_SHARE_EVENTS}-event share: {items} items, the largest {largest} bytes ({:.2} % of DynamoDB's 400 KB item limit)",
        largest as f64 * 100.0 / ITEM_LIMIT_BYTES as f64
    );

    following::measure(&store, &measured, &config).await;
    fan_out::measure(&store, &measured, &config).await;
}
