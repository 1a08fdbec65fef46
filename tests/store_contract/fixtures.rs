//! What the contract tests build and look at: share records and snapshots as a publish prepares
//! them, the publish sequence, and each store's items under a share's id.

use crate::support::dynamo_local;
use aws_sdk_dynamodb::types::AttributeValue;
use jiff::{SignedDuration, Timestamp, civil::date};
use share_core::domain::{
    DateRange, DefaultView, DetailLevel, EventTime, Generation, GroupId, Owner, ShareId, ShareOptions, ShareRecord,
    ShareTimeZone, SharedEvent, ShowAs, SnapshotPiece, UserId,
};
use share_core::snapshot;
use share_core::store::{
    DynamoStore, EmbeddedKey, EmbeddedStore, IdempotencyRecord, IdempotentOutcome, LIST_PAGE_SIZE, Precondition,
    ShareCommit, SnapshotWrite, Store, StoreResult, Superseded,
};
use std::future::Future;

/// What each store holds under a share's id, named as the DynamoDB layout names it
/// (`RECORD`, `CHUNK#{generation}#{index:04}`, `MOVED`), sorted: lets one test look for orphans in both.
pub trait StoredItems {
    fn items_of(&self, id: &ShareId) -> impl Future<Output = Vec<String>>;
}

impl StoredItems for EmbeddedStore {
    async fn items_of(&self, id: &ShareId) -> Vec<String> {
        let mut names: Vec<String> = self
            .stored_items()
            .into_iter()
            .filter_map(|(key, _)| match key {
                EmbeddedKey::Record(share) if &share == id => Some("RECORD".to_owned()),
                EmbeddedKey::Chunk { share, generation, index } if &share == id => {
                    Some(format!("CHUNK#{generation}#{index:04}"))
                }
                EmbeddedKey::Forward(share) if &share == id => Some("MOVED".to_owned()),
                _ => None,
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

/// Every share of an owner in a group, in list order: the whole list must fit one page.
pub async fn owner_list<S: Store>(store: &S, group: &GroupId, owner: &UserId) -> Vec<ShareRecord> {
    let page = store.owner_shares(group, owner, None, LIST_PAGE_SIZE).await.unwrap();
    assert!(page.next.is_none(), "the list should fit one page");
    page.records
}

/// Every share of a group, in list order: the whole list must fit one page.
pub async fn group_list<S: Store>(store: &S, group: &GroupId) -> Vec<ShareRecord> {
    let page = store.group_shares(group, None, LIST_PAGE_SIZE).await.unwrap();
    assert!(page.next.is_none(), "the list should fit one page");
    page.records
}

pub fn at(rfc3339: &str) -> Timestamp {
    rfc3339.parse().unwrap()
}

pub fn record(group: &str, owner: &str, created_at: Timestamp) -> ShareRecord {
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
            rolling: None,
            open_on: None,
            expires_at: None,
            embed_origins: Vec::new(),
            locale: None,
        },
        event_count: 0,
        left_out: Default::default(),
        created_at,
        updated_at: created_at,
        generation: Generation::generate(),
        pieces: Vec::new(),
        source_buckets: 0,
        rotated_from: None,
        follows: Vec::new(),
        sealed: false,
        lock: None,
    }
}

pub fn random_hex(len: usize) -> String {
    let mut hex = String::with_capacity(len + 32);
    while hex.len() < len {
        hex.push_str(&uuid::Uuid::new_v4().simple().to_string());
    }
    hex.truncate(len);
    hex
}

pub fn events(count: usize, title: impl Fn(usize) -> String) -> Vec<SharedEvent> {
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
            source: None,
        })
        .collect()
}

/// Incompressible titles: enough of them to need pieces cut by size, more than two.
pub fn multi_chunk_events() -> Vec<SharedEvent> {
    events(4000, |_| random_hex(480))
}

/// The record of a new snapshot of `events` (every piece new), as a publish prepares it, and the
/// pieces' bytes in order.
pub fn snapshot_of(mut record: ShareRecord, events: &[SharedEvent]) -> (ShareRecord, Vec<Vec<u8>>) {
    let write = SnapshotWrite::lay_out(snapshot::encode(events), &record.generation, &[]);
    record.event_count = events.len() as u32;
    record.pieces = write.pieces;
    (record, write.fresh.into_iter().map(|(_, bytes)| bytes).collect())
}

/// A new generation of an existing share, as a re-publish prepares it.
pub fn next_generation(record: &ShareRecord, events: &[SharedEvent]) -> (ShareRecord, Vec<Vec<u8>>) {
    let mut next = record.clone();
    next.generation = Generation::generate();
    next.updated_at = record.updated_at + SignedDuration::from_secs(60);
    next.options.title = format!("{} (updated)", record.options.title);
    snapshot_of(next, events)
}

pub fn superseding(record: &ShareRecord) -> Option<Superseded> {
    Some(Superseded::of(record))
}

pub fn commit_of(record: &ShareRecord, precondition: Precondition) -> ShareCommit {
    ShareCommit {
        record: record.clone(),
        precondition,
        superseded: None,
        seal: Vec::new(),
        idempotency: None,
        sources: Default::default(),
    }
}

/// Stores the record's pieces (`chunks`, in the record's order), pending if the commit seals them.
pub async fn put_chunks<S: Store>(store: &S, record: &ShareRecord, chunks: &[Vec<u8>]) {
    store.put_pieces(record, &fresh_of(record, chunks), false).await.unwrap();
}

pub fn fresh_of(record: &ShareRecord, chunks: &[Vec<u8>]) -> Vec<(SnapshotPiece, Vec<u8>)> {
    record.pieces.iter().cloned().zip(chunks.iter().cloned()).collect()
}

/// Removes every piece the record lists.
pub async fn delete_pieces_of<S: Store>(store: &S, record: &ShareRecord) {
    store.delete_pieces(&record.id, &record.pieces).await.unwrap();
}

/// Writes the pieces, commits, then removes the pieces the commit dropped: the publish sequence.
pub async fn publish<S: Store>(store: &S, commit: ShareCommit, chunks: &[Vec<u8>]) -> StoreResult<()> {
    put_chunks(store, &commit.record, chunks).await;
    let dropped = commit.superseded.as_ref().map(|old| (old.id.clone(), old.dropped_by(&commit.record)));
    store.commit(commit).await?;
    if let Some((id, dropped)) = dropped {
        store.delete_pieces(&id, &dropped).await?;
    }
    Ok(())
}

pub async fn publish_new<S: Store>(
    store: &S,
    record: ShareRecord,
    events: &[SharedEvent],
) -> (ShareRecord, Vec<Vec<u8>>) {
    let (record, chunks) = snapshot_of(record, events);
    publish(store, commit_of(&record, Precondition::Absent), &chunks).await.unwrap();
    (record, chunks)
}

pub async fn assert_serves<S: Store>(store: &S, record: &ShareRecord, chunks: &[Vec<u8>]) {
    let published = store.published(&record.id).await.unwrap().expect("the share is published");
    assert_eq!(&published.record, record);
    assert!(published.chunks == chunks, "chunks differ from what was committed");
    assert_eq!(store.share(&record.id).await.unwrap().as_ref(), Some(record));
}

pub async fn assert_gone<S: Store + StoredItems>(store: &S, id: &ShareId) {
    assert!(store.published(id).await.unwrap().is_none());
    assert!(store.share(id).await.unwrap().is_none());
    assert_eq!(store.items_of(id).await, Vec::<String>::new(), "items left behind");
}

pub fn item_names(record: &ShareRecord) -> Vec<String> {
    let mut names: Vec<String> =
        record.pieces.iter().map(|piece| format!("CHUNK#{}#{:04}", piece.generation, piece.index)).collect();
    names.push("RECORD".into());
    names.sort();
    names.dedup();
    names
}

pub fn idempotency_entry(key: &str, share_id: &ShareId, expires_at: Timestamp) -> IdempotencyRecord {
    IdempotencyRecord {
        key_digest: key.to_owned(),
        body_digest: format!("body-of-{key}"),
        outcome: IdempotentOutcome::Published(share_id.clone()),
        expires_at,
    }
}

/// The idempotency window as a whole second (DynamoDB keeps the expiry as its TTL, in seconds).
pub fn a_day_from_now() -> Timestamp {
    Timestamp::from_second(Timestamp::now().as_second() + 24 * 3600).unwrap()
}
