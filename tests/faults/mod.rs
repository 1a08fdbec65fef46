//! Faults whose outcome the service cannot know (issue 16), on DynamoDB Local behind a fault proxy:
//! a store paused or a response lost at each write step of publish, PUT, rotate and DELETE; the
//! rotate-vs-revoke race; the runner killed mid-write. After each, what the client was told must be
//! what the table holds, and the table must hold only whole shares and marked leftovers.

mod audit;
mod rotate_revoke;
mod runner_kill;
mod write_steps;

use crate::support::fault_proxy::FaultProxy;
use crate::support::{Backend, Principal, TestApp, share_body};
use audit::TableAudit;
use hyper::StatusCode;
use serde_json::{Value, json};
use share_core::store::{DynamoStore, Patience};
use std::time::Duration;

/// The service's patience in the fault tests: far past what DynamoDB Local takes on a loaded two-core
/// machine (reads up to ~250 ms seen, seconds while it creates a table), so that only the armed fault,
/// held until the service has answered, makes it give up; short enough that a fault costs a case
/// seconds (the cases of an operation run at once).
const HASTY: Patience = Patience {
    attempt: Duration::from_secs(4),
    call: Duration::from_secs(5),
    settle: Duration::from_secs(2),
    sweep_after: Duration::from_secs(60),
};

/// For setting up and looking: never gives up on a loaded DynamoDB Local, and sweeps every leftover
/// (a fault test's leftovers are seconds old, and nothing else writes).
const PATIENT: Patience = Patience {
    attempt: Duration::from_secs(10),
    call: Duration::from_secs(20),
    settle: Duration::from_secs(3),
    sweep_after: Duration::ZERO,
};

/// How long after the proxy settles the table may take to show a whole state.
const SETTLING: Duration = Duration::from_secs(3);

/// A fresh table with two services over it: `hasty` through a fault proxy, `patient` direct.
struct Rig {
    proxy: FaultProxy,
    hasty: TestApp,
    patient: TestApp,
    store: DynamoStore,
    owner: Principal,
}

impl Rig {
    async fn new() -> Self {
        Self::with_patience(HASTY).await
    }

    async fn with_patience(patience: Patience) -> Self {
        let endpoint = std::env::var("DYNAMODB_ENDPOINT").expect("DYNAMODB_ENDPOINT (DynamoDB Local)");
        let table = format!("shares-faults-{}", uuid::Uuid::new_v4().simple());
        let store = DynamoStore::connect_with(&endpoint, table.as_str(), PATIENT).await;
        store.create_table_if_missing().await.expect("a table on DynamoDB Local");
        let proxy = FaultProxy::start(&endpoint).await;
        let proxied = DynamoStore::connect_with(&proxy.url, table.as_str(), patience).await;
        let hasty = TestApp::spawn(proxied, Backend::Dynamo(store.clone())).await;
        let patient = TestApp::over(store.clone()).await;
        let owner = patient.member("kim", "contoso");
        // DynamoDB Local answers the first requests to a new table slowly: not the faults' business.
        for _ in 0..10 {
            if hasty.get("/me/sharing", &owner).await.status == StatusCode::OK {
                break;
            }
        }
        Self { proxy, hasty, patient, store, owner }
    }

    /// Publishes (patiently) a share of several pieces tagged `tag`; returns its id.
    async fn published(&self, tag: &str, events: usize) -> String {
        let share = self.patient.publish(&self.owner, &multi_chunk_body(tag, events)).await;
        let id = share["id"].as_str().expect("id").to_owned();
        let audit = TableAudit::of(&self.store).await;
        assert!(audit.records[&id].pieces.len() >= 3, "the share takes several pieces: {:?}", audit.records[&id]);
        id
    }

    /// The audit once the table shows a whole state, or the last one after `SETTLING`.
    async fn settled_audit(&self) -> TableAudit {
        self.proxy.settled().await;
        let deadline = tokio::time::Instant::now() + SETTLING;
        loop {
            let audit = TableAudit::of(&self.store).await;
            if audit.findings.is_empty() || tokio::time::Instant::now() >= deadline {
                return audit;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// What a recipient's feed of `id` holds: `None` when it does not serve (404), else the one tag
    /// of its events and how many there are. A mixed snapshot or any other answer fails the test.
    async fn served(&self, id: &str) -> Option<(String, usize)> {
        let feed = self.patient.get(&format!("/s/{id}/calendar.ics"), &self.patient.anonymous()).await;
        if feed.status == StatusCode::NOT_FOUND {
            return None;
        }
        assert_eq!(feed.status, StatusCode::OK, "the feed of {id} serves: {}", feed.text());
        let text = feed.text();
        let titles: Vec<&str> = text.lines().filter_map(|line| line.strip_prefix("SUMMARY:")).collect();
        let tags: std::collections::BTreeSet<&str> = titles.iter().filter_map(|t| t.split('#').next()).collect();
        assert_eq!(tags.len(), 1, "one snapshot, not a mix: {tags:?}");
        Some((tags.into_iter().next().expect("one").to_owned(), titles.len()))
    }

    /// What the feed serves, checked against what the owner is shown of the share.
    async fn served_as_owner_sees(&self, id: &str) -> Option<(String, usize)> {
        let served = self.served(id).await;
        let owner_view = self.patient.get(&format!("/shares/{id}"), &self.owner).await;
        match &served {
            None => assert_eq!(owner_view.status, StatusCode::NOT_FOUND, "{id}: no feed, yet the owner sees it"),
            Some((tag, events)) => {
                assert_eq!(owner_view.status, StatusCode::OK, "{id}: the feed serves, the owner's GET does not");
                let share = owner_view.json();
                assert_eq!(share["title"], json!(tag), "{id}: the owner's GET and the feed agree");
                assert_eq!(share["eventCount"], json!(events), "{id}: the owner's GET and the feed agree");
            }
        }
        served
    }

    /// A later PUT sweeps the share's leftovers; a DELETE then leaves nothing under its key, nor under
    /// `also_gone` (ids it had before a rotation).
    async fn sweep_and_revoke(&self, id: &str, also_gone: &[&str]) {
        let put = self.patient.put(&format!("/shares/{id}"), &self.owner, &multi_chunk_body("swept", 5)).await;
        assert_eq!(put.status, StatusCode::OK, "a later PUT of {id}: {}", put.text());
        let audit = TableAudit::of(&self.store).await;
        let record = &audit.records[id];
        let whole: Vec<String> = std::iter::once("RECORD".to_owned()).chain(record.pieces.iter().cloned()).collect();
        let mut under = audit.items_under(id);
        under.sort_by_key(|sk| sk != "RECORD");
        assert_eq!(under, whole, "after a later PUT only the share itself is under {id} (leftovers swept)");
        let delete = self.patient.delete(&format!("/shares/{id}"), &self.owner).await;
        assert_eq!(delete.status, StatusCode::NO_CONTENT, "a later DELETE of {id}: {}", delete.text());
        let audit = TableAudit::of(&self.store).await;
        for gone in std::iter::once(&id).chain(also_gone) {
            assert_eq!(audit.items_under(gone), Vec::<String>::new(), "DELETE leaves nothing under {gone}");
            assert_eq!(self.served(gone).await, None, "{gone} serves after DELETE");
        }
    }
}

/// A publish body of `events` events whose snapshot takes three chunks or more, every title
/// `{tag}#{i}`. Descriptions are pseudo-random hex (they barely compress), the same for the same
/// tag, so runs write the same number of chunks.
fn multi_chunk_body(tag: &str, events: usize) -> Value {
    let mut body = share_body(tag, events);
    body["title"] = json!(tag);
    body["detail"] = json!("full");
    let mut seed = tag.bytes().fold(0x9e37_79b9_7f4a_7c15_u64, |seed, b| seed.rotate_left(5) ^ u64::from(b));
    for (i, event) in body["events"].as_array_mut().expect("events").iter_mut().enumerate() {
        event["title"] = json!(format!("{tag}#{i}"));
        event["description"] = json!(hex_noise(&mut seed, 4500));
    }
    body
}

/// `len` hex digits from a splitmix64 stream.
fn hex_noise(seed: &mut u64, len: usize) -> String {
    let mut text = String::with_capacity(len + 16);
    while text.len() < len {
        *seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = *seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        text.push_str(&format!("{:016x}", z ^ (z >> 31)));
    }
    text.truncate(len);
    text
}
