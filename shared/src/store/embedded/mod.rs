//! The embedded store: tables in process memory behind one lock, with the same semantics as the
//! DynamoDB adapter (atomic commits, preconditions, snapshot pieces written before the commit that
//! lists them, forwarding after a rotation, and expired items forgotten after their TTL). Kept in a file (`file`), every call
//! writes the rows it changed in one SQLite transaction before it returns, so what a call did is on
//! disk before anyone hears of it; `new` keeps nothing (the tests' and `--memory`'s store).

#[cfg(feature = "file-store")]
mod file;
mod rows;
mod table;
mod tables;

use super::*;
use crate::domain::SnapshotPiece;
pub use rows::FileError;
use rows::RowFile;
use std::fmt;
#[cfg(feature = "file-store")]
use std::path::Path;
use std::sync::{Arc, Mutex};
use tables::{Chunk, Forward, Locked, SWEEP_AFTER, SWEEP_EVERY, Tables};

#[cfg(feature = "file-store")]
pub use file::{SCHEMA_VERSION, backup, restore};

#[derive(Debug, Default, Clone)]
pub struct EmbeddedStore {
    tables: Arc<Mutex<Tables>>,
    /// Where the tables are kept; none for a store in memory only.
    file: Option<Arc<Mutex<dyn RowFile>>>,
    /// The crash tests' stop at a write step (`crash_at_write`).
    crash: Option<CrashAt>,
}

/// Where a store kept in a file stops the process, as `kill -9` would: at its `step`-th write to the
/// file, before that write's transaction commits or just after (before the call returns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CrashAt {
    pub step: u64,
    pub after_commit: bool,
}

/// Where an item of the embedded store lives: what tests match on to look at what is stored.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EmbeddedKey {
    /// A share's record, stored as its JSON.
    Record(ShareId),
    /// Piece `index` of a snapshot generation of a share.
    Chunk {
        share: ShareId,
        generation: Generation,
        index: u32,
    },
    /// The marker under a rotated share's old id.
    Forward(ShareId),
    /// A bucket of the owner's source index: the tags of one share.
    Sources {
        share: ShareId,
        bucket: u8,
    },
    Idempotency(String),
    Policy(GroupId),
    User(GroupId, UserId),
}

impl fmt::Display for EmbeddedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Record(id) => write!(f, "record {id}"),
            Self::Chunk { share, generation, index } => write!(f, "chunk {share} {generation} {index}"),
            Self::Forward(id) => write!(f, "forward {id}"),
            Self::Sources { share, bucket } => write!(f, "sources {share} {bucket}"),
            Self::Idempotency(key) => write!(f, "idempotency {key}"),
            Self::Policy(group) => write!(f, "policy {group}"),
            Self::User(group, user) => write!(f, "user {group} {user}"),
        }
    }
}

impl EmbeddedStore {
    /// A store in memory: nothing is kept after the process ends.
    pub fn new() -> Self {
        Self::default()
    }

    /// The store kept in the file at `path` (made, owner-only, if missing): every row it holds is
    /// read in, and every call's changes are written back before the call returns. A file another
    /// process holds open as a store is refused.
    #[cfg(feature = "file-store")]
    pub fn open(path: &Path) -> Result<Self, FileError> {
        let (file, rows) = file::StoreFile::open(path)?;
        let tables = Tables::load(rows)?;
        let file: Arc<Mutex<dyn RowFile>> = Arc::new(Mutex::new(file));
        Ok(Self { tables: Arc::new(Mutex::new(tables)), file: Some(file), crash: None })
    }

    /// The crash tests': the process stops at a write step, as if killed there.
    pub fn crash_at_write(self, crash: CrashAt) -> Self {
        Self { crash: Some(crash), ..self }
    }

    fn tables(&self) -> Locked<'_> {
        let mut tables = self.tables.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = Timestamp::now();
        if tables.swept_at.is_none_or(|swept| swept + SWEEP_EVERY <= now) {
            tables.sweep(now);
            tables.swept_at = Some(now);
        }
        Locked { tables, file: self.file.as_deref(), crash: self.crash }
    }

    /// The page of the records `listed` keeps, in list order after `after`.
    fn page_of(
        &self,
        listed: impl Fn(&ShareRecord) -> bool,
        after: Option<&ListCursor>,
        limit: usize,
    ) -> ShareListPage {
        let tables = self.tables();
        let records = tables.records.values().filter(|r| listed(r));
        let records = listing::newest_first(records.filter(|r| after.is_none_or(|a| a.precedes(r))).cloned().collect());
        ShareListPage::of(records.into_iter().take(limit + 1).collect(), limit)
    }

    /// What a whole store never holds: a record whose snapshot's pieces are not all there and sealed;
    /// once `settled` (every write returned), a sealed piece no record lists (a failed write under
    /// a share's own id leaves those for the next sweep: not `settled`).
    pub fn findings(&self, settled: bool) -> Vec<String> {
        let tables = self.tables();
        let mut findings = Vec::new();
        for (id, record) in tables.records.iter() {
            if record.pieces.is_empty() {
                findings.push(format!("share {id}: its record lists no pieces"));
            }
            for piece in &record.pieces {
                match tables.chunks.get(&(id.clone(), piece.generation.clone(), piece.index)) {
                    None => {
                        findings.push(format!("share {id}: piece {} of {} is missing", piece.index, piece.generation))
                    }
                    Some(chunk) if chunk.pending_until.is_some() => findings
                        .push(format!("share {id}: piece {} of {} is still pending", piece.index, piece.generation)),
                    Some(_) => {}
                }
            }
        }
        for ((id, generation, index), chunk) in tables.chunks.iter() {
            let listed = tables.records.get(id).is_some_and(|record| {
                record.pieces.iter().any(|piece| &piece.generation == generation && piece.index == *index)
            });
            if !listed && settled && chunk.pending_until.is_none() {
                findings.push(format!("share {id}: piece {index} of {generation} is listed by no record"));
            }
        }
        findings
    }

    /// Every stored item with its bytes (chunks as stored, compressed), for tests that prove what
    /// is kept and what is not.
    pub fn stored_items(&self) -> Vec<(EmbeddedKey, Vec<u8>)> {
        let tables = self.tables();
        let mut items = Vec::new();
        for (id, record) in tables.records.iter() {
            items.push((EmbeddedKey::Record(id.clone()), serde_json::to_vec(record).unwrap_or_default()));
        }
        for ((id, generation, index), chunk) in tables.chunks.iter() {
            let key = EmbeddedKey::Chunk { share: id.clone(), generation: generation.clone(), index: *index };
            items.push((key, chunk.bytes.clone()));
        }
        for (id, forward) in tables.forwards.iter() {
            items.push((EmbeddedKey::Forward(id.clone()), forward.to.as_str().as_bytes().to_vec()));
        }
        for ((_, _, bucket), shares) in tables.sources.iter() {
            for (share, entry) in shares {
                let key = EmbeddedKey::Sources { share: share.clone(), bucket: *bucket };
                items.push((key, entry.tags.concat()));
            }
        }
        for (key, entry) in tables.idempotency.iter() {
            items.push((EmbeddedKey::Idempotency(key.clone()), format!("{entry:?}").into_bytes()));
        }
        for (group, policy) in tables.policies.iter() {
            items.push((EmbeddedKey::Policy(group.clone()), format!("{policy:?}").into_bytes()));
        }
        for ((group, user_id), user) in tables.users.iter() {
            items.push((EmbeddedKey::User(group.clone(), user_id.clone()), format!("{user:?}").into_bytes()));
        }
        items
    }
}

impl ShareReads for EmbeddedStore {
    async fn share(&self, id: &ShareId) -> StoreResult<Option<ShareRecord>> {
        Ok(self.tables().records.get(id).cloned())
    }

    async fn published(&self, id: &ShareId) -> StoreResult<Option<PublishedShare>> {
        let tables = self.tables();
        let Some(record) = tables.records.get(id) else { return Ok(None) };
        let mut chunks = Vec::with_capacity(record.pieces.len());
        for piece in &record.pieces {
            let key = (id.clone(), piece.generation.clone(), piece.index);
            let missing = || StoreError::Inconsistent(format!("piece {} of {} missing", piece.index, piece.generation));
            chunks.push(tables.chunks.get(&key).ok_or_else(missing)?.bytes.clone());
        }
        Ok(Some(PublishedShare { record: record.clone(), chunks }))
    }

    async fn owner_shares(
        &self,
        group: &GroupId,
        owner: &UserId,
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<ShareListPage> {
        Ok(self.page_of(|r| &r.group == group && &r.owner.user_id == owner, after, limit))
    }

    async fn group_shares(
        &self,
        group: &GroupId,
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<ShareListPage> {
        Ok(self.page_of(|r| &r.group == group, after, limit))
    }

    async fn idempotency(&self, key_digest: &str) -> StoreResult<Option<IdempotencyRecord>> {
        let now = Timestamp::now();
        Ok(self.tables().idempotency.get(&key_digest.to_owned()).filter(|entry| entry.expires_at > now).cloned())
    }

    async fn forwarded_to(&self, id: &ShareId) -> StoreResult<Option<ShareId>> {
        let now = Timestamp::now();
        Ok(self.tables().forwards.get(id).filter(|forward| forward.until > now).map(|forward| forward.to.clone()))
    }

    async fn shares_holding(
        &self,
        group: &GroupId,
        owner: &UserId,
        keys: &[SourceKey],
        now: Timestamp,
    ) -> StoreResult<Vec<ShareId>> {
        let tables = self.tables();
        let mut holding = std::collections::BTreeSet::new();
        for key in keys {
            let Some(shares) = tables.sources.get(&(group.clone(), owner.clone(), key.bucket())) else { continue };
            let live = shares.iter().filter(|(_, entry)| entry.expires_at.is_none_or(|at| at > now));
            holding.extend(live.filter(|(_, entry)| entry.tags.contains(&key.tag())).map(|(id, _)| id.clone()));
        }
        Ok(holding.into_iter().collect())
    }
}

impl ShareWrites for EmbeddedStore {
    async fn put_pieces(
        &self,
        record: &ShareRecord,
        fresh: &[(SnapshotPiece, Vec<u8>)],
        pending: bool,
    ) -> StoreResult<()> {
        let mut tables = self.tables();
        let written = Timestamp::now();
        let pending_until = pending.then(|| written + PENDING_KEEP);
        for (piece, bytes) in fresh {
            let key = (record.id.clone(), piece.generation.clone(), piece.index);
            tables.chunks.insert(key, Chunk { bytes: bytes.clone(), written, pending_until });
        }
        Ok(())
    }

    async fn commit(&self, commit: ShareCommit) -> StoreResult<()> {
        let mut tables = self.tables();
        let record = &commit.record;
        let id = &record.id;
        let precondition_holds = match &commit.precondition {
            Precondition::Absent => !tables.records.contains_key(id),
            Precondition::Generation(expected) => tables.generation_of(id) == Some(expected),
        };
        let superseded_holds = commit
            .superseded
            .as_ref()
            .is_none_or(|old| old.id == *id || tables.generation_of(&old.id) == Some(&old.generation));
        let key_free = commit.idempotency.as_ref().is_none_or(|entry| tables.key_free(&entry.key_digest));
        let sealable = commit
            .seal
            .iter()
            .all(|piece| tables.chunks.contains_key(&(id.clone(), piece.generation.clone(), piece.index)));
        if !(precondition_holds && superseded_holds && key_free && sealable) {
            return Err(StoreError::Conflict);
        }
        for piece in &commit.seal {
            if let Some(chunk) = tables.chunks.get_mut(&(id.clone(), piece.generation.clone(), piece.index)) {
                chunk.pending_until = None;
            }
        }
        if let Some(old) = commit.superseded.as_ref().filter(|old| old.id != *id) {
            tables.remove_pieces(&old.id, &old.dropped_by(record));
            tables.records.remove(&old.id);
            if let Some(previous) = tables.rotated_from.remove(&old.id) {
                tables.forwards.remove(&previous);
            }
            let until = Timestamp::now() + FORWARD_KEEP;
            tables.forwards.insert(old.id.clone(), Forward { to: id.clone(), until });
            tables.rotated_from.insert(id.clone(), old.id.clone());
        }
        if let Some(entry) = commit.idempotency {
            tables.idempotency.insert(entry.key_digest.clone(), entry);
        }
        let mut record = commit.record;
        if let Some(old) = commit.superseded.filter(|old| old.id != record.id) {
            record.rotated_from = Some(old.id);
        }
        tables.write_sources(&record, commit.sources);
        tables.records.insert(record.id.clone(), record);
        Ok(())
    }

    async fn delete_pieces(&self, id: &ShareId, pieces: &[SnapshotPiece]) -> StoreResult<()> {
        self.tables().remove_pieces(id, pieces);
        Ok(())
    }

    async fn delete_share(&self, record: &ShareRecord) -> StoreResult<()> {
        let mut tables = self.tables();
        if tables.generation_of(&record.id) != Some(&record.generation) {
            return Err(StoreError::Conflict);
        }
        tables.remove_share(&record.id);
        Ok(())
    }

    async fn sweep_leftovers(&self, id: &ShareId, current: Option<&ShareRecord>) -> StoreResult<()> {
        let written_before = Timestamp::now() - SWEEP_AFTER;
        let listed = |generation: &Generation, index: u32| {
            current.is_some_and(|record| {
                record.pieces.iter().any(|piece| &piece.generation == generation && piece.index == index)
            })
        };
        self.tables().chunks.retain(|(share, generation, index), chunk| {
            share != id || chunk.written > written_before || listed(generation, *index)
        });
        Ok(())
    }

    async fn remember(&self, entry: &IdempotencyRecord) -> StoreResult<()> {
        self.remember_outcome(entry)
    }
}

impl EmbeddedStore {
    /// `ShareWrites::remember`, apart so the trait impl stays a list of one-liners.
    fn remember_outcome(&self, entry: &IdempotencyRecord) -> StoreResult<()> {
        let mut tables = self.tables();
        if !tables.key_free(&entry.key_digest) {
            return Err(StoreError::Conflict);
        }
        tables.idempotency.insert(entry.key_digest.clone(), entry.clone());
        Ok(())
    }
}

impl PolicyReads for EmbeddedStore {
    async fn sharing_state(
        &self,
        group: &GroupId,
        user: &UserId,
    ) -> StoreResult<(Option<SharingPolicy>, Option<UserPermission>)> {
        let tables = self.tables();
        let policy = tables.policies.get(group).cloned();
        let permission = tables.users.get(&(group.clone(), user.clone())).cloned();
        Ok((policy, permission))
    }

    async fn users(&self, group: &GroupId) -> StoreResult<Vec<UserPermission>> {
        let tables = self.tables();
        let mut users: Vec<UserPermission> =
            tables.users.iter().filter(|((g, _), _)| g == group).map(|(_, user)| user.clone()).collect();
        users.sort_by(|a, b| a.user_id.cmp(&b.user_id));
        Ok(users)
    }

    async fn permissions(&self, group: &GroupId, users: &[UserId]) -> StoreResult<Vec<UserPermission>> {
        let tables = self.tables();
        let users: std::collections::BTreeSet<&UserId> = users.iter().collect();
        Ok(users.into_iter().filter_map(|user| tables.users.get(&(group.clone(), user.clone())).cloned()).collect())
    }
}

impl PolicyWrites for EmbeddedStore {
    async fn put_policy(&self, group: &GroupId, policy: &SharingPolicy) -> StoreResult<()> {
        self.tables().policies.insert(group.clone(), policy.clone());
        Ok(())
    }

    async fn put_user(&self, group: &GroupId, user: &UserPermission) -> StoreResult<()> {
        self.tables().users.insert((group.clone(), user.user_id.clone()), user.clone());
        Ok(())
    }
}

impl LockoutCounts for EmbeddedStore {
    async fn count_wrong_try(&self, id: &ShareId, now: Timestamp, window: SignedDuration) -> StoreResult<WrongTries> {
        let mut tables = self.tables();
        let fresh = (WrongTries { window_start: now, count: 0 }, now + window);
        let entry = tables.lockouts.get_or_insert_with(id.clone(), || fresh);
        if entry.0.window_start + window <= now || entry.0.count == 0 {
            *entry = fresh;
        }
        entry.0.count += 1;
        Ok(entry.0)
    }

    async fn refund_try(&self, id: &ShareId, window_start: Timestamp) -> StoreResult<()> {
        if let Some((tries, _)) = self.tables().lockouts.get_mut(id).filter(|(t, _)| t.window_start == window_start) {
            tries.count = tries.count.saturating_sub(1);
        }
        Ok(())
    }

    async fn count_check(&self, id: &ShareId, window_start: Timestamp, window: SignedDuration) -> StoreResult<u32> {
        let mut tables = self.tables();
        let entry = tables.checks.get_or_insert_with(id.clone(), || (window_start, 0, window_start + window));
        if entry.0 != window_start {
            *entry = (window_start, 0, window_start + window);
        }
        entry.1 += 1;
        Ok(entry.1)
    }
}
