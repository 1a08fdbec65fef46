//! The embedded store's tables: the rows each kind of item is kept as, the TTL sweep, and the lock
//! a call holds them by, which writes what the call changed to the file when it is done.

use super::CrashAt;
use super::rows::{FileError, Row, RowFile};
use super::table::Table;
use crate::domain::{
    Generation, GroupId, ShareId, ShareRecord, SharingPolicy, SnapshotPiece, SourceTag, UserId, UserPermission,
    WrongTries,
};
use crate::store::{IdempotencyRecord, IndexWrite, share_ttl};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};
use std::sync::{Mutex, MutexGuard};

/// How old a piece no record lists must be before a later write of its share sweeps it.
pub(super) const SWEEP_AFTER: SignedDuration = SignedDuration::from_secs(60);

/// A piece of a share's snapshot; one pending goes at `pending_until` unless a commit seals it.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Chunk {
    #[serde(with = "serde_bytes")]
    pub(super) bytes: Vec<u8>,
    pub(super) written: Timestamp,
    #[serde(default)]
    pub(super) pending_until: Option<Timestamp>,
}

/// A rotated share's old id: where it went, until when.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Forward {
    pub(super) to: ShareId,
    pub(super) until: Timestamp,
}

/// A share's tags in one bucket of its owner's source index, with the share's expiry.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct IndexEntry {
    pub(super) tags: Vec<SourceTag>,
    pub(super) expires_at: Option<Timestamp>,
}

/// The owner's index buckets: (group, owner, bucket) → share → its tags there.
pub(super) type SourceBuckets = Table<(GroupId, UserId, u8), BTreeMap<ShareId, IndexEntry>>;

#[derive(Debug, Default)]
pub(super) struct Tables {
    pub(super) records: Table<ShareId, ShareRecord>,
    pub(super) chunks: Table<(ShareId, Generation, u32), Chunk>,
    pub(super) forwards: Table<ShareId, Forward>,
    /// A rotated share's id → the id it was rotated from (whose forward points at it).
    pub(super) rotated_from: Table<ShareId, ShareId>,
    pub(super) idempotency: Table<String, IdempotencyRecord>,
    pub(super) sources: SourceBuckets,
    pub(super) policies: Table<GroupId, SharingPolicy>,
    pub(super) users: Table<(GroupId, UserId), UserPermission>,
    /// A share's wrong unlock tries, until their window ends (the TTL).
    pub(super) lockouts: Table<ShareId, (WrongTries, Timestamp)>,
    /// A share's password checks in one window of the clock: its start, its count, its end.
    pub(super) checks: Table<ShareId, (Timestamp, u32, Timestamp)>,
    /// When the TTL sweep last ran: it reads every table, so not on every call.
    pub(super) swept_at: Option<Timestamp>,
}

/// How often the TTL sweep runs: a sweep reads every row, and a call must cost what its input does,
/// not what the store holds. DynamoDB's own TTL takes up to days; readers check expiry themselves.
pub(super) const SWEEP_EVERY: SignedDuration = SignedDuration::from_secs(1);

/// Every table by the name its rows carry in the file, for the two things done to all of them.
macro_rules! each_table {
    ($tables:expr, $apply:ident) => {{
        $apply!($tables.records, "records");
        $apply!($tables.chunks, "chunks");
        $apply!($tables.forwards, "forwards");
        $apply!($tables.rotated_from, "rotated_from");
        $apply!($tables.idempotency, "idempotency");
        $apply!($tables.sources, "sources");
        $apply!($tables.policies, "policies");
        $apply!($tables.users, "users");
        $apply!($tables.lockouts, "lockouts");
        $apply!($tables.checks, "checks");
    }};
}

impl Tables {
    /// Forgets what DynamoDB's TTL sweep would have deleted by now.
    pub(super) fn sweep(&mut self, now: Timestamp) {
        let now = now.as_second();
        let expired: Vec<ShareRecord> =
            self.records.values().filter(|record| share_ttl(record).is_some_and(|ttl| ttl <= now)).cloned().collect();
        for record in expired {
            self.remove_share(&record.id);
        }
        self.idempotency.retain(|_, entry| entry.expires_at.as_second() > now);
        self.chunks.retain(|_, chunk| chunk.pending_until.is_none_or(|until| until.as_second() > now));
        self.forwards.retain(|_, forward| forward.until.as_second() > now);
        self.lockouts.retain(|_, (_, until)| until.as_second() > now);
        self.checks.retain(|_, (_, _, until)| until.as_second() > now);
    }

    /// The record, every chunk under the id, and the forward that points at it.
    pub(super) fn remove_share(&mut self, id: &ShareId) {
        if let Some(record) = self.records.get(id) {
            let (group, owner) = (record.group.clone(), record.owner.user_id.clone());
            for (_, bucket) in IndexWrite::all_of(record) {
                if let Some(shares) = self.sources.get_mut(&(group.clone(), owner.clone(), bucket)) {
                    shares.remove(id);
                }
            }
        }
        self.records.remove(id);
        self.chunks.retain(|(share, _, _), _| share != id);
        self.forwards.remove(id);
        if let Some(from) = self.rotated_from.remove(id) {
            self.forwards.remove(&from);
        }
    }

    pub(super) fn remove_pieces(&mut self, id: &ShareId, pieces: &[SnapshotPiece]) {
        for piece in pieces {
            self.chunks.remove(&(id.clone(), piece.generation.clone(), piece.index));
        }
    }

    pub(super) fn write_sources(&mut self, record: &ShareRecord, write: IndexWrite) {
        let owner = |bucket| (record.group.clone(), record.owner.user_id.clone(), bucket);
        for (share, bucket) in write.delete {
            if let Some(shares) = self.sources.get_mut(&owner(bucket)) {
                shares.remove(&share);
            }
        }
        for (bucket, tags) in write.put {
            let entry = IndexEntry { tags, expires_at: record.options.expires_at };
            self.sources.get_or_insert_with(owner(bucket), BTreeMap::new).insert(record.id.clone(), entry);
        }
        self.sources.retain(|_, shares| !shares.is_empty());
    }

    /// Whether no live answer is kept under the key (one past its expiry is as good as gone, as
    /// DynamoDB's conditions read an item its TTL has not swept yet).
    pub(super) fn key_free(&self, key_digest: &str) -> bool {
        let now = Timestamp::now();
        self.idempotency.get(&key_digest.to_owned()).is_none_or(|entry| entry.expires_at <= now)
    }

    pub(super) fn generation_of(&self, id: &ShareId) -> Option<&Generation> {
        self.records.get(id).map(|record| &record.generation)
    }

    /// The rows every call changed since the last, as the file keeps them: (table, key, value or
    /// `None` for a row removed).
    pub(super) fn take_changed(&mut self) -> Result<Vec<Row>, FileError> {
        let mut rows = Vec::new();
        macro_rules! collect {
            ($table:expr, $name:literal) => {
                for (key, value) in $table.take_changed() {
                    rows.push(Row::of($name, &key, value)?);
                }
            };
        }
        each_table!(self, collect);
        Ok(rows)
    }

    pub(super) fn forget_changes(&mut self) {
        macro_rules! forget {
            ($table:expr, $name:literal) => {
                $table.forget_changes()
            };
        }
        each_table!(self, forget);
    }

    /// The tables as the file holds them.
    #[cfg_attr(not(feature = "file-store"), allow(dead_code, reason = "only a store kept in a file is read back"))]
    pub(super) fn load(rows: Vec<Row>) -> Result<Self, FileError> {
        let mut tables = Self::default();
        for row in rows {
            macro_rules! load {
                ($table:expr, $name:literal) => {
                    if row.table == $name {
                        let (key, value) = row.decode()?;
                        $table.load(key, value);
                        continue;
                    }
                };
            }
            each_table!(tables, load);
            return Err(FileError::Unreadable(format!("a row of an unknown table {:?}", row.table)));
        }
        Ok(tables)
    }
}

/// The tables, locked for one call; when the call is done with them, the rows it changed are written
/// to the file in one transaction (or forgotten, in memory only).
pub(super) struct Locked<'a> {
    pub(super) tables: MutexGuard<'a, Tables>,
    pub(super) file: Option<&'a Mutex<dyn RowFile>>,
    pub(super) crash: Option<CrashAt>,
}

impl Deref for Locked<'_> {
    type Target = Tables;
    fn deref(&self) -> &Tables {
        &self.tables
    }
}

impl DerefMut for Locked<'_> {
    fn deref_mut(&mut self) -> &mut Tables {
        &mut self.tables
    }
}

impl Drop for Locked<'_> {
    fn drop(&mut self) {
        let Some(file) = self.file else { return self.tables.forget_changes() };
        let crash = self.crash;
        let written = self.tables.take_changed().and_then(|rows| {
            if rows.is_empty() {
                return Ok(());
            }
            let mut file = file.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let step = file.writes() + 1;
            let crash_here = |after_commit| {
                if crash == Some(CrashAt { step, after_commit }) {
                    std::process::abort();
                }
            };
            crash_here(false);
            file.write(&rows)?;
            crash_here(true);
            Ok(())
        });
        // The tables in memory hold what the file does not: serving on would answer for writes that
        // are not kept. Stop; the next start reads the file, which holds every call that returned.
        if let Err(error) = written {
            tracing::error!(%error, "the store's file could not be written: stopping");
            std::process::abort();
        }
    }
}

/// The upgrade of a file of version 1, whose snapshots were one deflated stream cut into chunks
/// (chunk 0 inside the record's row): each share's events re-encoded into pieces its record lists,
/// every old chunk row deleted (uncommitted leftovers too).
#[cfg(feature = "file-store")]
pub(super) fn pieces_from_chunks(rows: Vec<Row>) -> Result<Vec<Row>, FileError> {
    use crate::snapshot;
    use crate::store::SnapshotWrite;

    #[derive(Deserialize)]
    struct RecordV1 {
        record: ShareRecord,
        #[serde(with = "serde_bytes")]
        first_chunk: Vec<u8>,
    }
    #[derive(Deserialize)]
    struct CountedV1 {
        record: ChunkCountV1,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct ChunkCountV1 {
        chunk_count: u32,
    }
    #[derive(Deserialize)]
    struct ChunkV1 {
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
    }

    let mut chunks: BTreeMap<(ShareId, Generation, u32), Vec<u8>> = BTreeMap::new();
    let mut records = Vec::new();
    let mut changes = Vec::new();
    for row in &rows {
        match row.table.as_str() {
            "chunks" => {
                let (key, chunk): ((ShareId, Generation, u32), ChunkV1) = row.decode()?;
                changes.push(Row::of::<_, ()>("chunks", &key, None)?);
                chunks.insert(key, chunk.bytes);
            }
            "records" => {
                let (id, stored): (ShareId, RecordV1) = row.decode()?;
                let (_, counted): (ShareId, CountedV1) = row.decode()?;
                records.push((id, stored, counted.record.chunk_count));
            }
            _ => {}
        }
    }
    let written = Timestamp::now();
    for (id, RecordV1 { mut record, first_chunk }, chunk_count) in records {
        let mut stream = vec![first_chunk];
        for index in 1..chunk_count {
            let chunk = chunks.remove(&(id.clone(), record.generation.clone(), index));
            stream.push(chunk.ok_or_else(|| FileError::Unreadable(format!("share {id}: chunk {index} missing")))?);
        }
        let events = snapshot::decode_one_stream(&stream).map_err(|error| FileError::Unreadable(error.to_string()))?;
        let write = SnapshotWrite::lay_out(snapshot::encode(&events), &record.generation, &[]);
        record.pieces = write.pieces;
        for (piece, bytes) in write.fresh {
            let key = (id.clone(), piece.generation, piece.index);
            changes.push(Row::of("chunks", &key, Some(&Chunk { bytes, written, pending_until: None }))?);
        }
        changes.push(Row::of("records", &id, Some(&record))?);
    }
    Ok(changes)
}
