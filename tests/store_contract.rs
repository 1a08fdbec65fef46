//! The store contract: one behaviour suite, run against the embedded store and DynamoDB Local.
//! Each test is written once, generic over the store, and instantiated for both by `contract!`.

use crate::support::dynamo_local;
use aws_sdk_dynamodb::types::AttributeValue;
use jiff::{SignedDuration, Timestamp, civil::date};
use share_core::domain::{
    DateRange, DefaultView, DetailLevel, EventTime, GroupId, Owner, ShareId, ShareOptions, ShareRecord, ShareTimeZone,
    SharedEvent, SharingMode, SharingPolicy, ShowAs, UserId, UserPermission,
};
use share_core::snapshot;
use share_core::store::{
    DynamoStore, IdempotencyRecord, MemoryStore, Precondition, ShareCommit, Store, StoreError, StoreResult, Superseded,
};
use std::future::Future;

macro_rules! contract {
    ($($test:ident),+ $(,)?) => {
        mod memory {
            $(
                #[tokio::test]
                async fn $test() {
                    super::$test(share_core::store::MemoryStore::new()).await;
                }
            )+
        }

        mod dynamodb {
            $(
                #[tokio::test]
                async fn $test() {
                    super::$test(crate::support::dynamo_local::fresh_store().await).await;
                }
            )+
        }
    };
}

contract!(
    commit_then_read_back,
    absent_precondition_keeps_the_first,
    republish_replaces_and_deletes_old_chunks,
    stale_generation_conflicts_and_changes_nothing,
    uncommitted_chunks_stay_invisible_until_deleted,
    rotation_removes_the_old_id,
    rotation_of_a_changed_share_conflicts,
    delete_share_removes_every_item,
    idempotency_entry_commits_with_the_share,
    expired_idempotency_key_is_free_again,
    policy_and_users,
    owner_and_group_share_scoping,
    expired_share_is_still_served_to_answer_gone,
    ten_thousand_events_round_trip,
    missing_chunk_is_inconsistent,
);

/// What each store holds under a share's id, named as the DynamoDB layout names it
/// (`RECORD`, `CHUNK#{generation}#{index:04}`), sorted: lets one test look for orphans in both.
trait StoredItems {
    fn items_of(&self, id: &ShareId) -> impl Future<Output = Vec<String>>;
}

impl StoredItems for MemoryStore {
    async fn items_of(&self, id: &ShareId) -> Vec<String> {
        let mut names: Vec<String> = self
            .stored_items()
            .into_iter()
            .filter_map(|(label, _)| {
                let parts: Vec<&str> = label.split(' ').collect();
                match parts.as_slice() {
                    ["record", share] if *share == id.as_str() => Some("RECORD".to_owned()),
                    ["chunk", share, generation, index] if *share == id.as_str() => {
                        Some(format!("CHUNK#{generation}#{:04}", index.parse::<u32>().unwrap()))
                    }
                    _ => None,
                }
            })
            .collect();
        names.sort();
        names
    }
}

impl StoredItems for DynamoStore {
    async fn items_of(&self, id: &ShareId) -> Vec<String> {
        let pk = AttributeValue::S(format!("SHARE#{id}"));
        let mut names: Vec<String> = dynamo_local::scan_all(self)
            .await
            .into_iter()
            .filter(|item| item.get("pk") == Some(&pk))
            .map(|item| item["sk"].as_s().unwrap().clone())
            .collect();
        names.sort();
        names
    }
}

// ---------------------------------------------------------------------------------------------
// Fixtures

fn at(rfc3339: &str) -> Timestamp {
    rfc3339.parse().unwrap()
}

fn record(group: &str, owner: &str, created_at: Timestamp) -> ShareRecord {
    ShareRecord {
        id: ShareId::generate(),
        group: GroupId::parse(group).unwrap(),
        owner: Owner { user_id: UserId::parse(owner).unwrap(), email: Some(format!("{owner}@example.com")) },
        options: ShareOptions {
            title: format!("Rota of {owner}"),
            detail: DetailLevel::Limited,
            view: DefaultView::Month,
            time_zone: ShareTimeZone::parse("America/New_York").unwrap(),
            range: DateRange::new(date(2026, 12, 1), date(2027, 1, 1)).unwrap(),
            expires_at: None,
        },
        event_count: 0,
        left_out: Default::default(),
        created_at,
        updated_at: created_at,
        generation: snapshot::new_generation(),
        chunk_count: 1,
    }
}

fn random_hex(len: usize) -> String {
    let mut hex = String::with_capacity(len + 32);
    while hex.len() < len {
        hex.push_str(&uuid::Uuid::new_v4().simple().to_string());
    }
    hex.truncate(len);
    hex
}

fn events(count: usize, title: impl Fn(usize) -> String) -> Vec<SharedEvent> {
    let start = at("2026-12-01T09:00:00Z");
    (0..count)
        .map(|i| SharedEvent {
            uid: format!("uid-{i}"),
            start: EventTime::At(start + SignedDuration::from_mins(30 * i as i64)),
            end: EventTime::At(start + SignedDuration::from_mins(30 * i as i64 + 25)),
            show_as: ShowAs::Busy,
            title: Some(title(i)),
            location: Some("Desk 4".into()),
            description: None,
            resource: Some("Tier 1".into()),
            status: None,
            color: None,
        })
        .collect()
}

/// Incompressible titles: enough of them to need more than two chunks.
fn multi_chunk_events() -> Vec<SharedEvent> {
    events(4000, |_| random_hex(480))
}

/// The record of a new snapshot of `events`, as a publish prepares it.
fn snapshot_of(mut record: ShareRecord, events: &[SharedEvent]) -> (ShareRecord, Vec<Vec<u8>>) {
    let chunks = snapshot::encode(events);
    record.event_count = events.len() as u32;
    record.chunk_count = chunks.len() as u32;
    (record, chunks)
}

/// A new generation of an existing share, as a re-publish prepares it.
fn next_generation(record: &ShareRecord, events: &[SharedEvent]) -> (ShareRecord, Vec<Vec<u8>>) {
    let mut next = record.clone();
    next.generation = snapshot::new_generation();
    next.updated_at = record.updated_at + SignedDuration::from_secs(60);
    next.options.title = format!("{} (updated)", record.options.title);
    snapshot_of(next, events)
}

fn superseding(record: &ShareRecord) -> Option<Superseded> {
    Some(Superseded { id: record.id.clone(), generation: record.generation.clone(), chunk_count: record.chunk_count })
}

fn commit_of(record: &ShareRecord, chunks: &[Vec<u8>], precondition: Precondition) -> ShareCommit {
    ShareCommit {
        record: record.clone(),
        first_chunk: chunks[0].clone(),
        precondition,
        superseded: None,
        idempotency: None,
    }
}

async fn put_chunks<S: Store>(store: &S, record: &ShareRecord, chunks: &[Vec<u8>]) {
    for (index, chunk) in chunks.iter().enumerate().skip(1) {
        store.put_chunk(record, index as u32, chunk).await.unwrap();
    }
}

/// Writes the extra chunks, then commits: the publish sequence.
async fn publish<S: Store>(store: &S, commit: ShareCommit, chunks: &[Vec<u8>]) -> StoreResult<()> {
    put_chunks(store, &commit.record, chunks).await;
    store.commit(commit).await
}

async fn publish_new<S: Store>(store: &S, record: ShareRecord, events: &[SharedEvent]) -> (ShareRecord, Vec<Vec<u8>>) {
    let (record, chunks) = snapshot_of(record, events);
    publish(store, commit_of(&record, &chunks, Precondition::Absent), &chunks).await.unwrap();
    (record, chunks)
}

async fn assert_serves<S: Store>(store: &S, record: &ShareRecord, chunks: &[Vec<u8>]) {
    let published = store.published(&record.id).await.unwrap().expect("the share is published");
    assert_eq!(&published.record, record);
    assert!(published.chunks == chunks, "chunks differ from what was committed");
    assert_eq!(store.share(&record.id).await.unwrap().as_ref(), Some(record));
}

async fn assert_gone<S: Store + StoredItems>(store: &S, id: &ShareId) {
    assert!(store.published(id).await.unwrap().is_none());
    assert!(store.share(id).await.unwrap().is_none());
    assert_eq!(store.items_of(id).await, Vec::<String>::new(), "items left behind");
}

fn item_names(record: &ShareRecord) -> Vec<String> {
    let mut names: Vec<String> =
        (1..record.chunk_count).map(|index| format!("CHUNK#{}#{index:04}", record.generation)).collect();
    names.push("RECORD".into());
    names.sort();
    names
}

fn idempotency_entry(key: &str, share_id: &ShareId, expires_at: Timestamp) -> IdempotencyRecord {
    IdempotencyRecord {
        key_digest: key.to_owned(),
        body_digest: format!("body-of-{key}"),
        share_id: share_id.clone(),
        expires_at,
    }
}

/// The idempotency window as a whole second (DynamoDB keeps the expiry as its TTL, in seconds).
fn a_day_from_now() -> Timestamp {
    Timestamp::from_second(Timestamp::now().as_second() + 24 * 3600).unwrap()
}

// ---------------------------------------------------------------------------------------------
// The contract

async fn commit_then_read_back<S: Store + StoredItems>(store: S) {
    let events = multi_chunk_events();
    let (record, chunks) = publish_new(&store, record("g1", "alice", Timestamp::now()), &events).await;
    assert!(chunks.len() > 2, "the fixture should need more than two chunks, got {}", chunks.len());

    assert_serves(&store, &record, &chunks).await;
    let published = store.published(&record.id).await.unwrap().unwrap();
    assert_eq!(snapshot::decode(&published.chunks).unwrap(), events);
    assert_eq!(store.items_of(&record.id).await, item_names(&record));

    let unknown = ShareId::generate();
    assert!(store.published(&unknown).await.unwrap().is_none());
    assert!(store.share(&unknown).await.unwrap().is_none());
}

async fn absent_precondition_keeps_the_first<S: Store + StoredItems>(store: S) {
    let (first, first_chunks) =
        publish_new(&store, record("g1", "alice", Timestamp::now()), &events(3, |i| format!("first {i}"))).await;

    let mut intruder = record("g1", "mallory", Timestamp::now());
    intruder.id = first.id.clone();
    let (intruder, chunks) = snapshot_of(intruder, &events(1, |_| "second".into()));
    let result = store.commit(commit_of(&intruder, &chunks, Precondition::Absent)).await;

    assert!(matches!(result, Err(StoreError::Conflict)), "{result:?}");
    assert_serves(&store, &first, &first_chunks).await;
}

async fn republish_replaces_and_deletes_old_chunks<S: Store + StoredItems>(store: S) {
    let (old, _) = publish_new(&store, record("g1", "alice", Timestamp::now()), &multi_chunk_events()).await;
    let new_events = events(2, |i| format!("replacement {i}"));
    let (new, new_chunks) = next_generation(&old, &new_events);
    let commit = ShareCommit {
        superseded: superseding(&old),
        ..commit_of(&new, &new_chunks, Precondition::Generation(old.generation.clone()))
    };
    publish(&store, commit, &new_chunks).await.unwrap();

    assert_serves(&store, &new, &new_chunks).await;
    let published = store.published(&new.id).await.unwrap().unwrap();
    assert_eq!(snapshot::decode(&published.chunks).unwrap(), new_events);
    assert_eq!(store.items_of(&new.id).await, item_names(&new), "old chunks must not be left behind");
    let listed = store.owner_shares(&new.group, &new.owner.user_id).await.unwrap();
    assert_eq!(listed, vec![new]);
}

async fn stale_generation_conflicts_and_changes_nothing<S: Store + StoredItems>(store: S) {
    let (current, current_chunks) =
        publish_new(&store, record("g1", "alice", Timestamp::now()), &multi_chunk_events()).await;
    let before = store.items_of(&current.id).await;

    let (late, late_chunks) = next_generation(&current, &multi_chunk_events());
    let commit = ShareCommit {
        superseded: Some(Superseded { generation: "stale".into(), ..superseding(&current).unwrap() }),
        ..commit_of(&late, &late_chunks, Precondition::Generation("stale".into()))
    };
    let result = publish(&store, commit, &late_chunks).await;

    assert!(matches!(result, Err(StoreError::Conflict)), "{result:?}");
    assert_serves(&store, &current, &current_chunks).await;
    // The loser cleans up the chunks it wrote; then the store is as it was.
    store.delete_chunks(&late.id, &late.generation, late.chunk_count).await.unwrap();
    assert_eq!(store.items_of(&current.id).await, before);
}

async fn uncommitted_chunks_stay_invisible_until_deleted<S: Store + StoredItems>(store: S) {
    let (current, current_chunks) =
        publish_new(&store, record("g1", "alice", Timestamp::now()), &events(5, |i| format!("e{i}"))).await;
    let (pending, pending_chunks) = next_generation(&current, &multi_chunk_events());
    put_chunks(&store, &pending, &pending_chunks).await;

    assert_serves(&store, &current, &current_chunks).await;
    assert_eq!(
        store.items_of(&current.id).await.len(),
        pending_chunks.len(),
        "record + the pending generation's chunks"
    );

    store.delete_chunks(&pending.id, &pending.generation, pending.chunk_count).await.unwrap();
    assert_eq!(store.items_of(&current.id).await, item_names(&current));
}

async fn rotation_removes_the_old_id<S: Store + StoredItems>(store: S) {
    let events = multi_chunk_events();
    let (old, _) = publish_new(&store, record("g1", "alice", Timestamp::now()), &events).await;

    let mut rotated = old.clone();
    rotated.id = ShareId::generate();
    let (rotated, chunks) = next_generation(&rotated, &events);
    let commit = ShareCommit { superseded: superseding(&old), ..commit_of(&rotated, &chunks, Precondition::Absent) };
    publish(&store, commit, &chunks).await.unwrap();

    assert_gone(&store, &old.id).await;
    assert_serves(&store, &rotated, &chunks).await;
    assert_eq!(store.items_of(&rotated.id).await, item_names(&rotated));
    assert_eq!(store.group_shares(&old.group).await.unwrap(), vec![rotated]);
}

async fn rotation_of_a_changed_share_conflicts<S: Store + StoredItems>(store: S) {
    let (old, old_chunks) =
        publish_new(&store, record("g1", "alice", Timestamp::now()), &events(3, |i| format!("e{i}"))).await;

    let mut rotated = old.clone();
    rotated.id = ShareId::generate();
    let (rotated, chunks) = next_generation(&rotated, &events(3, |i| format!("e{i}")));
    let stale = Superseded { generation: "stale".into(), ..superseding(&old).unwrap() };
    let commit = ShareCommit { superseded: Some(stale), ..commit_of(&rotated, &chunks, Precondition::Absent) };
    let result = store.commit(commit).await;

    assert!(matches!(result, Err(StoreError::Conflict)), "{result:?}");
    assert_serves(&store, &old, &old_chunks).await;
    assert_gone(&store, &rotated.id).await;
}

async fn delete_share_removes_every_item<S: Store + StoredItems>(store: S) {
    let (doomed, _) = publish_new(&store, record("g1", "alice", Timestamp::now()), &multi_chunk_events()).await;
    let (kept, kept_chunks) =
        publish_new(&store, record("g1", "alice", Timestamp::now()), &events(1, |_| "kept".into())).await;

    let mut stale = doomed.clone();
    stale.generation = "stale".into();
    let result = store.delete_share(&stale).await;
    assert!(matches!(result, Err(StoreError::Conflict)), "{result:?}");
    assert_eq!(store.items_of(&doomed.id).await, item_names(&doomed));

    store.delete_share(&doomed).await.unwrap();
    assert_gone(&store, &doomed.id).await;
    assert_serves(&store, &kept, &kept_chunks).await;
    assert_eq!(store.group_shares(&doomed.group).await.unwrap(), vec![kept]);
}

async fn idempotency_entry_commits_with_the_share<S: Store + StoredItems>(store: S) {
    let (first, chunks) = snapshot_of(record("g1", "alice", Timestamp::now()), &events(2, |i| format!("e{i}")));
    let entry = idempotency_entry("key-1", &first.id, a_day_from_now());
    let commit = ShareCommit { idempotency: Some(entry.clone()), ..commit_of(&first, &chunks, Precondition::Absent) };
    store.commit(commit).await.unwrap();

    assert_eq!(store.idempotency("key-1").await.unwrap(), Some(entry.clone()));
    assert!(store.idempotency("key-2").await.unwrap().is_none());

    let (second, chunks) = snapshot_of(record("g1", "alice", Timestamp::now()), &events(2, |i| format!("e{i}")));
    let reused = idempotency_entry("key-1", &second.id, a_day_from_now());
    let commit = ShareCommit { idempotency: Some(reused), ..commit_of(&second, &chunks, Precondition::Absent) };
    let result = store.commit(commit).await;

    assert!(matches!(result, Err(StoreError::Conflict)), "{result:?}");
    assert_gone(&store, &second.id).await;
    assert_eq!(store.idempotency("key-1").await.unwrap(), Some(entry));
}

async fn expired_idempotency_key_is_free_again<S: Store + StoredItems>(store: S) {
    let (first, chunks) = snapshot_of(record("g1", "alice", Timestamp::now()), &events(1, |_| "first".into()));
    let past = Timestamp::from_second(Timestamp::now().as_second() - 60).unwrap();
    let expired = idempotency_entry("key-1", &first.id, past);
    let commit = ShareCommit { idempotency: Some(expired), ..commit_of(&first, &chunks, Precondition::Absent) };
    store.commit(commit).await.unwrap();
    assert!(store.idempotency("key-1").await.unwrap().is_none(), "an expired entry no longer answers");

    let (second, chunks) = snapshot_of(record("g1", "alice", Timestamp::now()), &events(1, |_| "second".into()));
    let fresh = idempotency_entry("key-1", &second.id, a_day_from_now());
    let commit = ShareCommit { idempotency: Some(fresh.clone()), ..commit_of(&second, &chunks, Precondition::Absent) };
    store.commit(commit).await.unwrap();
    assert_eq!(store.idempotency("key-1").await.unwrap(), Some(fresh));
}

async fn policy_and_users<S: Store + StoredItems>(store: S) {
    let g1 = GroupId::parse("g1").unwrap();
    let g2 = GroupId::parse("g2").unwrap();
    let alice = UserId::parse("alice").unwrap();
    let user = |id: &str, can_share: bool, admin: bool| UserPermission {
        user_id: UserId::parse(id).unwrap(),
        email: (id != "carol").then(|| format!("{id}@example.com")),
        can_share,
        admin,
    };

    assert_eq!(store.sharing_state(&g1, &alice).await.unwrap(), (None, None));
    assert!(store.group_policy(&g1).await.unwrap().is_none());
    assert!(store.users(&g1).await.unwrap().is_empty());

    let policy = SharingPolicy::new(SharingMode::Selected, Some(30), vec![DetailLevel::Availability]).unwrap();
    store.put_policy(&g1, &policy).await.unwrap();
    store.put_user(&g1, &user("bob", true, false)).await.unwrap();
    store.put_user(&g1, &user("alice", false, true)).await.unwrap();
    store.put_user(&g1, &user("carol", true, false)).await.unwrap();
    store.put_user(&g2, &user("alice", true, true)).await.unwrap();

    assert_eq!(store.group_policy(&g1).await.unwrap(), Some(policy.clone()));
    assert_eq!(
        store.sharing_state(&g1, &alice).await.unwrap(),
        (Some(policy.clone()), Some(user("alice", false, true)))
    );
    assert_eq!(store.sharing_state(&g2, &alice).await.unwrap(), (None, Some(user("alice", true, true))));
    let dave = UserId::parse("dave").unwrap();
    assert_eq!(store.sharing_state(&g1, &dave).await.unwrap(), (Some(policy), None));
    assert_eq!(
        store.users(&g1).await.unwrap(),
        vec![user("alice", false, true), user("bob", true, false), user("carol", true, false)],
        "the group's users, by id"
    );
    assert_eq!(store.users(&g2).await.unwrap(), vec![user("alice", true, true)]);

    // Writes replace.
    store.put_user(&g1, &user("bob", false, true)).await.unwrap();
    store.put_policy(&g1, &SharingPolicy::default()).await.unwrap();
    let bob = UserId::parse("bob").unwrap();
    assert_eq!(
        store.sharing_state(&g1, &bob).await.unwrap(),
        (Some(SharingPolicy::default()), Some(user("bob", false, true)))
    );
    assert_eq!(store.users(&g1).await.unwrap().len(), 3);
}

async fn owner_and_group_share_scoping<S: Store + StoredItems>(store: S) {
    let day = |d: u8| at(&format!("2026-11-0{d}T09:00:00Z"));
    let few = events(1, |_| "e".into());
    let (alice_old, _) = publish_new(&store, record("g1", "alice", day(1)), &few).await;
    let (alice_new_a, _) = publish_new(&store, record("g1", "alice", day(3)), &few).await;
    let (alice_new_b, _) = publish_new(&store, record("g1", "alice", day(3)), &few).await;
    let (bob, _) = publish_new(&store, record("g1", "bob", day(2)), &few).await;
    let (alice_elsewhere, _) = publish_new(&store, record("g2", "alice", day(4)), &few).await;
    // An owner id that shares a prefix with another owner's.
    let (alicia, _) = publish_new(&store, record("g1", "alice2", day(5)), &few).await;

    let g1 = GroupId::parse("g1").unwrap();
    let g2 = GroupId::parse("g2").unwrap();
    let alice = UserId::parse("alice").unwrap();
    let (tie_first, tie_second) =
        if alice_new_a.id < alice_new_b.id { (&alice_new_a, &alice_new_b) } else { (&alice_new_b, &alice_new_a) };

    assert_eq!(
        store.owner_shares(&g1, &alice).await.unwrap(),
        vec![tie_first.clone(), tie_second.clone(), alice_old.clone()],
        "newest first, ties by id"
    );
    assert_eq!(store.owner_shares(&g2, &alice).await.unwrap(), vec![alice_elsewhere.clone()]);
    assert!(store.owner_shares(&g2, &bob.owner.user_id).await.unwrap().is_empty());
    assert_eq!(
        store.group_shares(&g1).await.unwrap(),
        vec![alicia, tie_first.clone(), tie_second.clone(), bob, alice_old],
        "every share of the group, newest first"
    );
    assert_eq!(store.group_shares(&g2).await.unwrap(), vec![alice_elsewhere]);
    assert!(store.group_shares(&GroupId::parse("g3").unwrap()).await.unwrap().is_empty());
}

async fn expired_share_is_still_served_to_answer_gone<S: Store + StoredItems>(store: S) {
    let mut expired = record("g1", "alice", Timestamp::now() - SignedDuration::from_hours(48));
    expired.options.expires_at = Some(Timestamp::now() - SignedDuration::from_hours(1));
    let (expired, chunks) = publish_new(&store, expired, &events(2, |i| format!("e{i}"))).await;

    assert_serves(&store, &expired, &chunks).await;
    assert!(expired.is_expired(Timestamp::now()));
}

async fn ten_thousand_events_round_trip<S: Store + StoredItems>(store: S) {
    let events = events(10_000, |i| format!("On call: person {i}"));
    let json_bytes = serde_json::to_vec(&events).unwrap().len();
    assert!(json_bytes > 400 * 1024, "the fixture should exceed an item's 400 KB as JSON, is {json_bytes}");
    let (record, chunks) = publish_new(&store, record("g1", "alice", Timestamp::now()), &events).await;

    let published = store.published(&record.id).await.unwrap().unwrap();
    assert_eq!(published.record, record);
    assert_eq!(snapshot::decode(&published.chunks).unwrap(), events);
    assert_eq!(published.chunks.len(), chunks.len());
}

async fn missing_chunk_is_inconsistent<S: Store + StoredItems>(store: S) {
    let (share, _) = publish_new(&store, record("g1", "alice", Timestamp::now()), &multi_chunk_events()).await;
    // Only a bug (or a hand-edited table) removes a committed generation's chunks.
    store.delete_chunks(&share.id, &share.generation, share.chunk_count).await.unwrap();

    let result = store.published(&share.id).await;
    assert!(matches!(result, Err(StoreError::Inconsistent(_))), "{result:?}");
    assert_eq!(store.share(&share.id).await.unwrap(), Some(share));
}

/// What only the DynamoDB adapter promises: the item layout `template.yaml` declares, read-capacity
/// accounting, and `Unavailable` (503) when the server is away.
mod dynamodb_layout {
    use super::*;
    use share_core::store::{PolicyReads, PolicyWrites, ShareReads, ShareWrites, share_ttl};
    use std::collections::HashMap;

    fn s(item: &HashMap<String, AttributeValue>, name: &str) -> String {
        item.get(name).and_then(|v| v.as_s().ok()).unwrap_or_else(|| panic!("no string `{name}`")).clone()
    }

    fn n(item: &HashMap<String, AttributeValue>, name: &str) -> i64 {
        item.get(name).and_then(|v| v.as_n().ok()).unwrap_or_else(|| panic!("no number `{name}`")).parse().unwrap()
    }

    #[tokio::test]
    async fn items_follow_the_table_design() {
        let store = dynamo_local::fresh_store().await;
        let mut expiring = record("g1", "alice", at("2026-11-02T09:00:00.5Z"));
        expiring.options.expires_at = Some(at("2027-01-31T00:00:00Z"));
        let (share, chunks) = snapshot_of(expiring, &multi_chunk_events());
        let entry = idempotency_entry("digest", &share.id, a_day_from_now());
        let commit =
            ShareCommit { idempotency: Some(entry.clone()), ..commit_of(&share, &chunks, Precondition::Absent) };
        publish(&store, commit, &chunks).await.unwrap();
        let group = GroupId::parse("g1").unwrap();
        store.put_policy(&group, &SharingPolicy::default()).await.unwrap();
        let user =
            UserPermission { user_id: UserId::parse("alice").unwrap(), email: None, can_share: true, admin: false };
        store.put_user(&group, &user).await.unwrap();

        let items = dynamo_local::scan_all(&store).await;
        let by_key: HashMap<(String, String), &HashMap<String, AttributeValue>> =
            items.iter().map(|item| ((s(item, "pk"), s(item, "sk")), item)).collect();
        let ttl = share_ttl(&share).unwrap();

        let record_item = by_key[&(format!("SHARE#{}", share.id), "RECORD".to_owned())];
        assert_eq!(s(record_item, "generation"), share.generation);
        assert_eq!(s(record_item, "gsi1pk"), "GROUP#g1");
        assert_eq!(s(record_item, "gsi1sk"), format!("OWNER#alice#2026-11-02T09:00:00.500000000Z#{}", share.id));
        assert_eq!(n(record_item, "ttl"), ttl);
        assert!(record_item["share"].is_m() && record_item["chunk"].is_b());
        for index in 1..share.chunk_count {
            let chunk = by_key[&(format!("SHARE#{}", share.id), format!("CHUNK#{}#{index:04}", share.generation))];
            assert_eq!(n(chunk, "ttl"), ttl);
            assert_eq!(chunk["chunk"].as_b().unwrap().as_ref(), chunks[index as usize].as_slice());
        }
        let idempotency = by_key[&("IDEMPOTENCY#digest".to_owned(), "IDEMPOTENCY".to_owned())];
        assert_eq!(s(idempotency, "bodyDigest"), entry.body_digest);
        assert_eq!(s(idempotency, "shareId"), share.id.as_str());
        assert_eq!(n(idempotency, "ttl"), entry.expires_at.as_second());
        assert!(by_key[&("GROUP#g1".to_owned(), "POLICY".to_owned())]["policy"].is_m());
        assert!(by_key[&("GROUP#g1".to_owned(), "USER#alice".to_owned())]["user"].is_m());
        assert_eq!(items.len(), 3 + share.chunk_count as usize);

        let ttl_spec = store.client().describe_time_to_live().table_name(store.table()).send().await.unwrap();
        assert_eq!(ttl_spec.time_to_live_description().and_then(|d| d.attribute_name()), Some("ttl"));
    }

    #[tokio::test]
    async fn view_reads_report_capacity_and_bytes() {
        let store = dynamo_local::fresh_store().await;
        let (share, _) = publish_new(&store, record("g1", "alice", Timestamp::now()), &multi_chunk_events()).await;
        store.put_policy(&share.group, &SharingPolicy::default()).await.unwrap();
        store.reset_consumed_read_units();

        store.published(&share.id).await.unwrap().unwrap();
        let published_units = store.consumed_read_units();
        // Eventually consistent: half a unit per 4 KB of the ~1 MB read.
        assert!(published_units > 100.0, "{published_units}");
        assert!(store.read_response_bytes() > 1_000_000, "{}", store.read_response_bytes());

        store.sharing_state(&share.group, &share.owner.user_id).await.unwrap();
        assert!(store.consumed_read_units() > published_units);

        // Owner routes are not counted.
        store.reset_consumed_read_units();
        store.share(&share.id).await.unwrap().unwrap();
        store.group_shares(&share.group).await.unwrap();
        assert_eq!((store.consumed_read_units(), store.read_response_bytes()), (0.0, 0));
    }

    #[tokio::test]
    async fn unreachable_server_is_unavailable() {
        // Nothing listens on port 9 (discard) of the loopback interface.
        let store = DynamoStore::connect("http://127.0.0.1:9", "shares").await;
        let result = store.share(&ShareId::generate()).await;
        assert!(matches!(result, Err(StoreError::Unavailable(_))), "{result:?}");
        let (record, chunks) = snapshot_of(record("g1", "alice", Timestamp::now()), &[]);
        let result = store.commit(commit_of(&record, &chunks, Precondition::Absent)).await;
        assert!(matches!(result, Err(StoreError::Unavailable(_))), "{result:?}");
    }

    #[tokio::test]
    async fn missing_table_is_rejected() {
        let store = dynamo_local::fresh_store().await;
        let elsewhere = DynamoStore::new(store.client().clone(), "no-such-table");
        let result = elsewhere.share(&ShareId::generate()).await;
        assert!(matches!(result, Err(StoreError::Rejected(_))), "{result:?}");
        let result = elsewhere.delete_chunks(&ShareId::generate(), "gen", 3).await;
        assert!(matches!(result, Err(StoreError::Rejected(_))), "{result:?}");
    }
}
