//! The store port: what the functions need from storage, split by capability so each function
//! asks only for what its IAM policy allows. Two adapters: `embedded` (in memory, or kept in a file:
//! the local runner's) and `dynamodb`. The same behaviour suite runs against all three stores.
//!
//! A share is a record plus the pieces of its snapshot (`snapshot`), each its own item. A write
//! stores the pieces it does not keep from the current snapshot under a new generation first (no
//! reader sees them yet); then one commit switches the record, which lists its pieces, so readers
//! see the old snapshot or the new one, never a mix.
//!
//! A write under a new id (publish, rotate) marks its pieces pending, with a TTL, and its commit
//! seals them; a rotation's commit also deletes the old id's pieces: nothing is left under an id
//! no record will ever name. A write under the share's own id (`PUT`, a live update) stores its
//! pieces sealed, so a change costs the pieces it changed, and removes the pieces its commit
//! dropped after the switch; what a failed or lost write leaves there (pieces no record lists)
//! the share's next sweep, its revoke or its TTL removes.

pub mod dynamodb;
pub mod embedded;
mod listing;
mod source_index;
mod warm_up;

use crate::domain::{
    Generation, GroupId, ShareId, ShareRecord, SharingPolicy, SnapshotPiece, SourceKey, UserId, UserPermission,
    WrongTries,
};
use crate::snapshot::EncodedPiece;
use jiff::{SignedDuration, Timestamp};
use std::future::Future;

pub use dynamodb::{DynamoStore, Patience};
pub use embedded::{EmbeddedKey, EmbeddedStore};
pub use listing::{LIST_PAGE_SIZE, ListCursor, ShareListPage};
pub use source_index::IndexWrite;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A precondition failed: someone else changed the share first, or the key already exists.
    #[error("conflicting write")]
    Conflict,
    /// Throttled, unreachable or timed out after the client's retries; nothing was changed.
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// A write was sent but its outcome could not be found out in time: it may or may not apply.
    #[error("outcome unknown: {0}")]
    Indeterminate(String),
    /// The store refused the request as malformed (a bug on our side, reported as 500).
    #[error("store rejected the request: {0}")]
    Rejected(String),
    /// The stored items do not form a whole share (should not happen; logged and reported as 500).
    #[error("stored share is inconsistent: {0}")]
    Inconsistent(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A share's record with the pieces of its current snapshot, in order.
#[derive(Debug, Clone)]
pub struct PublishedShare {
    pub record: ShareRecord,
    pub chunks: Vec<Vec<u8>>,
}

/// A snapshot as one write stores it: the pieces its record lists, and those the write stores anew
/// with their bytes.
#[derive(Debug, Clone, Default)]
pub struct SnapshotWrite {
    pub pieces: Vec<SnapshotPiece>,
    pub fresh: Vec<(SnapshotPiece, Vec<u8>)>,
}

impl SnapshotWrite {
    /// Lays `encoded` out under `generation`, keeping each piece of `kept` whose bytes it has.
    pub fn lay_out(encoded: Vec<EncodedPiece>, generation: &Generation, kept: &[SnapshotPiece]) -> Self {
        let kept: std::collections::HashMap<u64, &SnapshotPiece> =
            kept.iter().map(|piece| (piece.digest, piece)).collect();
        let mut write = Self::default();
        for (index, EncodedPiece { bytes, digest }) in encoded.into_iter().enumerate() {
            if let Some(piece) = kept.get(&digest) {
                write.pieces.push((*piece).clone());
                continue;
            }
            let index = u32::try_from(index).expect("a few hundred pieces");
            let piece = SnapshotPiece { generation: generation.clone(), index, digest };
            write.pieces.push(piece.clone());
            write.fresh.push((piece, bytes));
        }
        write
    }
}

/// Idempotency keys are scoped to the caller; the store sees only a digest of the scope and key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IdempotencyRecord {
    pub key_digest: String,
    pub body_digest: String,
    pub outcome: IdempotentOutcome,
    pub expires_at: Timestamp,
}

/// What the first request with a key did, for its retries.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum IdempotentOutcome {
    /// `POST /shares`: the share it created.
    Published(ShareId),
    /// `POST /me/changes`: its answer, as JSON (share ids and counts only).
    Changed(String),
}

pub const IDEMPOTENCY_KEEP: SignedDuration = SignedDuration::from_hours(24);

/// Expired shares stay (answering 410) this long before the store may forget them.
pub const EXPIRED_SHARE_KEEP: SignedDuration = SignedDuration::from_hours(24 * 7);

/// A pending piece's TTL: its attempt is long over by then.
pub const PENDING_KEEP: SignedDuration = SignedDuration::from_hours(1);

/// How long a rotated share's old id forwards to the new one: far longer than any request that
/// read the old record before the rotation (a revoke follows the share to its new id).
pub const FORWARD_KEEP: SignedDuration = SignedDuration::from_hours(24);

/// When a share's items may be swept by TTL, as epoch seconds (none for shares that never expire).
pub fn share_ttl(record: &ShareRecord) -> Option<i64> {
    record.options.expires_at.map(|at| (at + EXPIRED_SHARE_KEEP).as_second())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    /// No record may exist under the id (a new share, or the target of a rotation).
    Absent,
    /// The record must still point at this generation (a re-publish).
    Generation(Generation),
}

/// The record a commit supersedes: for a rotation (another id), deleted in the same transaction
/// with its pieces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Superseded {
    pub id: ShareId,
    pub generation: Generation,
    pub pieces: Vec<SnapshotPiece>,
    /// The superseded record's `rotated_from`: a rotation retires the forwarding marker it names.
    pub rotated_from: Option<ShareId>,
}

impl Superseded {
    pub fn of(record: &ShareRecord) -> Self {
        Self {
            id: record.id.clone(),
            generation: record.generation.clone(),
            pieces: record.pieces.clone(),
            rotated_from: record.rotated_from.clone(),
        }
    }

    /// The superseded pieces the new record no longer lists, under the superseded id (all of them
    /// for a rotation).
    pub fn dropped_by(&self, record: &ShareRecord) -> Vec<SnapshotPiece> {
        let listed: std::collections::HashSet<&SnapshotPiece> = match self.id == record.id {
            true => record.pieces.iter().collect(),
            false => Default::default(),
        };
        let mut dropped: Vec<SnapshotPiece> =
            self.pieces.iter().filter(|piece| !listed.contains(piece)).cloned().collect();
        dropped.sort();
        dropped.dedup();
        dropped
    }
}

#[derive(Debug, Clone)]
pub struct ShareCommit {
    pub record: ShareRecord,
    pub precondition: Precondition,
    pub superseded: Option<Superseded>,
    /// The pending pieces (of a write under a new id) the commit seals: each must still be stored.
    pub seal: Vec<SnapshotPiece>,
    pub idempotency: Option<IdempotencyRecord>,
    /// The owner's source index items, written and deleted with the switch.
    pub sources: IndexWrite,
}

impl ShareCommit {
    /// A new share: it switches in only if nothing holds its id yet.
    pub fn new_share(record: ShareRecord, sources: IndexWrite) -> Self {
        Self::of(record, Precondition::Absent, None, sources)
    }

    /// A new snapshot of `existing` under its own id: it switches in only if `existing` is still the
    /// stored generation.
    pub fn replacing(existing: &ShareRecord, record: ShareRecord, sources: IndexWrite) -> Self {
        let precondition = Precondition::Generation(existing.generation.clone());
        Self::of(record, precondition, Some(Superseded::of(existing)), sources)
    }

    /// `existing` moved to a new id (a rotate): it switches in only if nothing holds the new id yet.
    pub fn moving(existing: &ShareRecord, record: ShareRecord, sources: IndexWrite) -> Self {
        Self::of(record, Precondition::Absent, Some(Superseded::of(existing)), sources)
    }

    /// The commit seals these pending pieces.
    pub fn sealing(self, seal: Vec<SnapshotPiece>) -> Self {
        Self { seal, ..self }
    }

    /// The commit also records what an `Idempotency-Key` answered.
    pub fn with_idempotency(self, idempotency: Option<IdempotencyRecord>) -> Self {
        Self { idempotency, ..self }
    }

    fn of(
        record: ShareRecord,
        precondition: Precondition,
        superseded: Option<Superseded>,
        sources: IndexWrite,
    ) -> Self {
        Self { record, precondition, superseded, seal: Vec::new(), idempotency: None, sources }
    }
}

pub trait ShareReads: Send + Sync {
    /// The record alone (owner routes).
    fn share(&self, id: &ShareId) -> impl Future<Output = StoreResult<Option<ShareRecord>>> + Send;
    /// The record and its whole current snapshot (the recipients' page and feed).
    fn published(&self, id: &ShareId) -> impl Future<Output = StoreResult<Option<PublishedShare>>> + Send;
    /// A page of at most `limit` of the owner's shares in the group, newest first, after `after`.
    fn owner_shares(
        &self,
        group: &GroupId,
        owner: &UserId,
        after: Option<&ListCursor>,
        limit: usize,
    ) -> impl Future<Output = StoreResult<ShareListPage>> + Send;
    /// A page of at most `limit` of every share of the group, newest first, after `after`.
    fn group_shares(
        &self,
        group: &GroupId,
        after: Option<&ListCursor>,
        limit: usize,
    ) -> impl Future<Output = StoreResult<ShareListPage>> + Send;
    fn idempotency(&self, key_digest: &str) -> impl Future<Output = StoreResult<Option<IdempotencyRecord>>> + Send;
    /// The id a share rotated away from `id` now has, while the old id still forwards (strongly consistent).
    fn forwarded_to(&self, id: &ShareId) -> impl Future<Output = StoreResult<Option<ShareId>>> + Send;
    /// The owner's shares, not expired at `now`, whose source index holds a tag of any of `keys`
    /// (strongly consistent; reads only the keys' buckets). A tag is a candidate: the snapshot decides.
    fn shares_holding(
        &self,
        group: &GroupId,
        owner: &UserId,
        keys: &[SourceKey],
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<Vec<ShareId>>> + Send;
}

pub trait ShareWrites: Send + Sync {
    /// Stores pieces under `record`'s id before the commit that lists them: `pending` (with a short
    /// TTL, for the commit to seal) or with the share's TTL.
    fn put_pieces(
        &self,
        record: &ShareRecord,
        fresh: &[(SnapshotPiece, Vec<u8>)],
        pending: bool,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Atomically applies a commit; a rotation leaves the old id forwarding to the new one (and
    /// the new record's `rotated_from` naming it). The pieces the record lists must be stored: its
    /// own written by `put_pieces`, the others kept from the record it replaces. `Conflict` when a
    /// precondition fails, and then nothing changed; `Indeterminate` when the outcome could not be
    /// found out.
    fn commit(&self, commit: ShareCommit) -> impl Future<Output = StoreResult<()>> + Send;
    /// Removes pieces under the share's id that no record lists: those a commit dropped, or those
    /// of a write that never committed.
    fn delete_pieces(&self, id: &ShareId, pieces: &[SnapshotPiece]) -> impl Future<Output = StoreResult<()>> + Send;
    /// Deletes every item under the share's id (leftovers of failed writes too), its source index
    /// items and the forwarding marker that points at it, if the record is still at its generation
    /// (else `Conflict`).
    fn delete_share(&self, record: &ShareRecord) -> impl Future<Output = StoreResult<()>> + Send;
    /// Deletes the pieces under the share's id that `current` (the record as just committed) does
    /// not list and that no write still under way can be about to commit (written a while ago).
    fn sweep_leftovers(
        &self,
        id: &ShareId,
        current: Option<&ShareRecord>,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Keeps a request's outcome under its idempotency key; `Conflict` if the key is taken.
    fn remember(&self, entry: &IdempotencyRecord) -> impl Future<Output = StoreResult<()>> + Send;
}

pub trait PolicyReads: Send + Sync {
    /// The group's policy and one user's record in a single round trip.
    fn sharing_state(
        &self,
        group: &GroupId,
        user: &UserId,
    ) -> impl Future<Output = StoreResult<(Option<SharingPolicy>, Option<UserPermission>)>> + Send;
    fn users(&self, group: &GroupId) -> impl Future<Output = StoreResult<Vec<UserPermission>>> + Send;
    /// The stored records of these users of the group (a user without one is left out), in one
    /// round trip for up to 100 distinct users: the owners of a page of shares.
    fn permissions(
        &self,
        group: &GroupId,
        users: &[UserId],
    ) -> impl Future<Output = StoreResult<Vec<UserPermission>>> + Send;
}

pub trait PolicyWrites: Send + Sync {
    fn put_policy(&self, group: &GroupId, policy: &SharingPolicy) -> impl Future<Output = StoreResult<()>> + Send;
    fn put_user(&self, group: &GroupId, user: &UserPermission) -> impl Future<Output = StoreResult<()>> + Send;
}

/// The wrong passwords given for a share, counted apart from the share's items (under their own
/// partition, so IAM can confine the unlock function's writes to them), gone with their window.
pub trait LockoutCounts: Send + Sync {
    /// Counts one try: in the latest window if it is still open at `now` and counts any, else as the
    /// first of a new one. Conditional writes, so instances racing on one share count together.
    fn count_wrong_try(
        &self,
        id: &ShareId,
        now: Timestamp,
        window: SignedDuration,
    ) -> impl Future<Output = StoreResult<WrongTries>> + Send;
    /// Takes back one try counted in the window that started at `window_start` (a try that turned
    /// out right); nothing if that window is over. A window left counting none ends: the next wrong
    /// try opens one of its own, so a window runs from its first wrong try.
    fn refund_try(&self, id: &ShareId, window_start: Timestamp) -> impl Future<Output = StoreResult<()>> + Send;
    /// Counts one password check of the share in the window of the clock that started at
    /// `window_start` and lasts `window`; returns how many that window has counted, this one included.
    fn count_check(
        &self,
        id: &ShareId,
        window_start: Timestamp,
        window: SignedDuration,
    ) -> impl Future<Output = StoreResult<u32>> + Send;
}

/// Every capability: what the local runner and the tests hand to all handlers.
pub trait Store: ShareReads + ShareWrites + PolicyReads + PolicyWrites + LockoutCounts {}
impl<T: ShareReads + ShareWrites + PolicyReads + PolicyWrites + LockoutCounts> Store for T {}
