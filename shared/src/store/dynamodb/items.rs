//! Items as the table holds them: values mapped with `serde_dynamo`, snapshot chunks as binary
//! attributes, and the read side that puts a share back together from its items.

use super::errors::unstorable;
use super::{Item, keys};
use crate::domain::{ShareId, ShareRecord, SnapshotPiece, SourceTag};
use crate::store::{
    FORWARD_KEEP, IdempotencyRecord, IdempotentOutcome, PENDING_KEEP, PublishedShare, StoreError, StoreResult,
    share_ttl,
};
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_dynamo::aws_sdk_dynamodb_1::{from_attribute_value, from_item, to_attribute_value, to_item};
use std::collections::HashMap;

/// When a piece was written (epoch seconds): a sweep leaves young pieces to the write under way.
pub const WRITTEN: &str = "written";
/// A piece's mark until the commit that lists it seals it (a write under a new id).
pub const PENDING: &str = "pending";
/// The record item: the share (with the list of its snapshot's pieces), the generation a commit's
/// condition checks, the keys of the indexes that list it (by owner, and by group), and its TTL.
pub fn record(record: &ShareRecord) -> StoreResult<Item> {
    let mut item = keys::of(keys::share(&record.id), keys::RECORD_SK);
    item.insert("share".into(), to_attribute_value(record).map_err(unstorable)?);
    item.insert("generation".into(), s(record.generation.as_str()));
    item.insert("gsi1pk".into(), s(keys::group(&record.group)));
    item.insert("gsi1sk".into(), s(keys::owner_share(&record.owner.user_id, record.created_at, &record.id)));
    item.insert("gsi2sk".into(), s(keys::group_share(record.created_at, &record.id)));
    if let Some(ttl) = share_ttl(record) {
        item.insert("ttl".into(), n(ttl));
    }
    Ok(item)
}

/// A piece of a share's snapshot, with when it was written and the share's TTL; or, `pending`, marked
/// with a TTL of its own, so that it goes if no commit ever seals it.
pub fn piece(record: &ShareRecord, piece: &SnapshotPiece, bytes: &[u8], now: Timestamp, pending: bool) -> Item {
    let mut item = keys::of(keys::share(&record.id), keys::piece(piece));
    item.insert("chunk".into(), AttributeValue::B(Blob::new(bytes)));
    item.insert(WRITTEN.into(), n(now.as_second()));
    let ttl = match pending {
        true => {
            item.insert(PENDING.into(), n(now.as_second()));
            Some((now + PENDING_KEEP).as_second())
        }
        false => share_ttl(record),
    };
    if let Some(ttl) = ttl {
        item.insert("ttl".into(), n(ttl));
    }
    item
}

/// The marker under a rotated share's old id: where it went, kept until its TTL or the revoke.
pub fn forwarding(from: &ShareId, to: &ShareId, now: Timestamp) -> Item {
    let mut item = keys::of(keys::share(from), keys::FORWARD_SK);
    item.insert("to".into(), s(to.as_str()));
    item.insert("ttl".into(), n((now + FORWARD_KEEP).as_second()));
    item
}

/// A share's tags in one bucket of its owner's source index, with the share's expiry (a lookup
/// passes over expired shares) and TTL.
pub fn source_bucket(record: &ShareRecord, bucket: u8, tags: &[SourceTag]) -> Item {
    let mut item = keys::of(keys::sources(&record.group, &record.owner.user_id, bucket), record.id.as_str());
    item.insert(SOURCE_TAGS.into(), AttributeValue::B(Blob::new(tags.concat())));
    if let Some(at) = record.options.expires_at {
        // Rounded up: a lookup never passes over a share that is still live.
        item.insert(SOURCE_EXPIRES.into(), n(at.as_second() + i64::from(at.subsec_nanosecond() > 0)));
    }
    if let Some(ttl) = share_ttl(record) {
        item.insert("ttl".into(), n(ttl));
    }
    item
}

pub const SOURCE_TAGS: &str = "tags";
pub const SOURCE_EXPIRES: &str = "expires";

/// The tags of a source index item.
pub fn source_tags(item: &Item) -> StoreResult<Vec<SourceTag>> {
    match item.get(SOURCE_TAGS) {
        Some(AttributeValue::B(blob)) if blob.as_ref().len() % 8 == 0 => {
            Ok(blob.as_ref().chunks_exact(8).map(|tag| tag.try_into().expect("8 bytes")).collect())
        }
        _ => Err(unreadable("source index item")),
    }
}

/// An idempotency entry: its expiry is the item's TTL, in epoch seconds.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdempotencyItem {
    pk: String,
    sk: String,
    body_digest: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    share_id: Option<ShareId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    answer: Option<String>,
    ttl: i64,
}

impl IdempotencyItem {
    pub fn of(entry: &IdempotencyRecord) -> StoreResult<Item> {
        let (share_id, answer) = match &entry.outcome {
            IdempotentOutcome::Published(id) => (Some(id.clone()), None),
            IdempotentOutcome::Changed(answer) => (None, Some(answer.clone())),
        };
        let item = Self {
            pk: keys::idempotency(&entry.key_digest),
            sk: keys::IDEMPOTENCY_SK.to_owned(),
            body_digest: entry.body_digest.clone(),
            share_id,
            answer,
            ttl: entry.expires_at.as_second(),
        };
        to_item(item).map_err(unstorable)
    }

    pub fn read(item: Item, key_digest: &str) -> StoreResult<IdempotencyRecord> {
        let item: Self = from_item(item).map_err(|_| unreadable("idempotency entry"))?;
        let expires_at = Timestamp::from_second(item.ttl).map_err(|_| unreadable("`ttl`"))?;
        let outcome = match (item.share_id, item.answer) {
            (Some(id), _) => IdempotentOutcome::Published(id),
            (None, Some(answer)) => IdempotentOutcome::Changed(answer),
            (None, None) => return Err(unreadable("idempotency entry")),
        };
        Ok(IdempotencyRecord { key_digest: key_digest.to_owned(), body_digest: item.body_digest, outcome, expires_at })
    }
}

pub enum Assembly {
    Absent,
    Whole(Box<PublishedShare>),
    /// The record lists a piece whose item was not read.
    Missing(SnapshotPiece),
}

/// The record and its snapshot's pieces in order, from every item under the share's key.
pub fn assemble(items: Vec<Item>) -> StoreResult<Assembly> {
    let mut record = None;
    let mut pieces: HashMap<String, Vec<u8>> = HashMap::new();
    for mut item in items {
        let sk: String = read_attribute(&mut item, "sk")?;
        if sk == keys::RECORD_SK {
            record = Some(read_attribute::<ShareRecord>(&mut item, "share")?);
        } else if sk.starts_with(keys::CHUNK_SK_PREFIX) {
            pieces.insert(sk, read_bytes(&mut item)?);
        }
    }
    let Some(record) = record else { return Ok(Assembly::Absent) };
    if record.pieces.is_empty() {
        return Err(StoreError::Inconsistent("a share stored by an earlier build: publish it again".into()));
    }
    let mut ordered = Vec::with_capacity(record.pieces.len());
    for piece in &record.pieces {
        match pieces.get(&keys::piece(piece)) {
            Some(bytes) => ordered.push(bytes.clone()),
            None => return Ok(Assembly::Missing(piece.clone())),
        }
    }
    Ok(Assembly::Whole(Box::new(PublishedShare { record, chunks: ordered })))
}

/// The share records of items read from an index, in the order read.
pub fn share_records(items: Vec<Item>) -> StoreResult<Vec<ShareRecord>> {
    items.into_iter().map(|mut item| read_attribute(&mut item, "share")).collect()
}

pub fn read_attribute<T: serde::de::DeserializeOwned>(item: &mut Item, name: &str) -> StoreResult<T> {
    let value = item.remove(name).ok_or_else(|| StoreError::Inconsistent(format!("item without `{name}`")))?;
    from_attribute_value(value).map_err(|_| unreadable(&format!("`{name}`")))
}

fn read_bytes(item: &mut Item) -> StoreResult<Vec<u8>> {
    match item.remove("chunk") {
        Some(AttributeValue::B(blob)) => Ok(blob.into_inner()),
        _ => Err(StoreError::Inconsistent("chunk item without bytes".into())),
    }
}

fn unreadable(what: &str) -> StoreError {
    StoreError::Inconsistent(format!("{what} cannot be read"))
}

pub fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

pub fn n(value: i64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}
