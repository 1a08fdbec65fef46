//! A store wrapper for tests that need to see or break what the service asks of a store.

use share_core::domain::{
    GroupId, ShareId, ShareRecord, SharingPolicy, SnapshotPiece, SourceKey, UserId, UserPermission,
};
use share_core::store::*;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Test-only: passes everything through to `inner`, counting writes, the two ways a share is read
/// and the reads of policy and user records, except that the armed k-th write fails as a throttled
/// or unreachable store would (nothing of that write happens), that writes may be made to hang,
/// as those of a store that never answers would, and that a source-index lookup may answer stale ids.
#[derive(Clone)]
pub struct InstrumentedStore<S> {
    inner: S,
    writes: Arc<AtomicUsize>,
    fail_at: Arc<AtomicUsize>,
    record_reads: Arc<AtomicUsize>,
    whole_reads: Arc<AtomicUsize>,
    policy_reads: Arc<AtomicUsize>,
    hanging: Arc<AtomicBool>,
    stale_holding: Arc<Mutex<Option<Vec<ShareId>>>>,
}

impl<S> InstrumentedStore<S> {
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            writes: Arc::default(),
            fail_at: Arc::new(AtomicUsize::new(usize::MAX)),
            record_reads: Arc::default(),
            whole_reads: Arc::default(),
            policy_reads: Arc::default(),
            hanging: Arc::default(),
            stale_holding: Arc::default(),
        }
    }

    /// Fails the k-th write from now on (1-based); `usize::MAX` fails none.
    pub fn arm(&self, k: usize) {
        self.writes.store(0, Ordering::SeqCst);
        self.fail_at.store(k, Ordering::SeqCst);
    }

    pub fn writes(&self) -> usize {
        self.writes.load(Ordering::SeqCst)
    }

    /// Reads of a share since the last call: (record alone, record with its chunks).
    pub fn take_share_reads(&self) -> (usize, usize) {
        (self.record_reads.swap(0, Ordering::SeqCst), self.whole_reads.swap(0, Ordering::SeqCst))
    }

    /// Reads of policy and user records (each one call of the port) since the last call.
    pub fn take_policy_reads(&self) -> usize {
        self.policy_reads.swap(0, Ordering::SeqCst)
    }

    /// The next source-index lookup answers `ids`, as one read just before those shares moved would.
    pub fn answer_next_lookup_with(&self, ids: Vec<ShareId>) {
        *self.stale_holding.lock().expect("not poisoned") = Some(ids);
    }

    /// While set, every write waits for an answer that never comes.
    pub fn hang_writes(&self, hang: bool) {
        self.hanging.store(hang, Ordering::SeqCst);
    }

    async fn write(&self) -> StoreResult<()> {
        if self.hanging.load(Ordering::SeqCst) {
            std::future::pending::<()>().await;
        }
        let n = self.writes.fetch_add(1, Ordering::SeqCst) + 1;
        if n == self.fail_at.load(Ordering::SeqCst) {
            Err(StoreError::Unavailable("injected fault".into()))
        } else {
            Ok(())
        }
    }
}

impl<S: ShareReads> ShareReads for InstrumentedStore<S> {
    async fn share(&self, id: &ShareId) -> StoreResult<Option<ShareRecord>> {
        self.record_reads.fetch_add(1, Ordering::SeqCst);
        self.inner.share(id).await
    }
    async fn published(&self, id: &ShareId) -> StoreResult<Option<PublishedShare>> {
        self.whole_reads.fetch_add(1, Ordering::SeqCst);
        self.inner.published(id).await
    }
    async fn owner_shares(
        &self,
        group: &GroupId,
        owner: &UserId,
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<ShareListPage> {
        self.inner.owner_shares(group, owner, after, limit).await
    }
    async fn group_shares(
        &self,
        group: &GroupId,
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<ShareListPage> {
        self.inner.group_shares(group, after, limit).await
    }
    async fn idempotency(&self, key_digest: &str) -> StoreResult<Option<IdempotencyRecord>> {
        self.inner.idempotency(key_digest).await
    }
    async fn forwarded_to(&self, id: &ShareId) -> StoreResult<Option<ShareId>> {
        self.inner.forwarded_to(id).await
    }
    async fn shares_holding(
        &self,
        group: &GroupId,
        owner: &UserId,
        keys: &[SourceKey],
        now: jiff::Timestamp,
    ) -> StoreResult<Vec<ShareId>> {
        if let Some(stale) = self.stale_holding.lock().expect("not poisoned").take() {
            return Ok(stale);
        }
        self.inner.shares_holding(group, owner, keys, now).await
    }
}

impl<S: ShareWrites> ShareWrites for InstrumentedStore<S> {
    async fn put_pieces(
        &self,
        record: &ShareRecord,
        fresh: &[(SnapshotPiece, Vec<u8>)],
        pending: bool,
    ) -> StoreResult<()> {
        self.write().await?;
        self.inner.put_pieces(record, fresh, pending).await
    }
    async fn commit(&self, commit: ShareCommit) -> StoreResult<()> {
        self.write().await?;
        self.inner.commit(commit).await
    }
    async fn delete_pieces(&self, id: &ShareId, pieces: &[SnapshotPiece]) -> StoreResult<()> {
        self.write().await?;
        self.inner.delete_pieces(id, pieces).await
    }
    async fn delete_share(&self, record: &ShareRecord) -> StoreResult<()> {
        self.write().await?;
        self.inner.delete_share(record).await
    }
    /// Not counted: a best-effort clean-up after a write that already succeeded.
    async fn sweep_leftovers(&self, id: &ShareId, current: Option<&ShareRecord>) -> StoreResult<()> {
        self.inner.sweep_leftovers(id, current).await
    }
    async fn remember(&self, entry: &IdempotencyRecord) -> StoreResult<()> {
        self.write().await?;
        self.inner.remember(entry).await
    }
}

impl<S: PolicyReads> PolicyReads for InstrumentedStore<S> {
    async fn sharing_state(
        &self,
        group: &GroupId,
        user: &UserId,
    ) -> StoreResult<(Option<SharingPolicy>, Option<UserPermission>)> {
        self.policy_reads.fetch_add(1, Ordering::SeqCst);
        self.inner.sharing_state(group, user).await
    }
    async fn users(&self, group: &GroupId) -> StoreResult<Vec<UserPermission>> {
        self.policy_reads.fetch_add(1, Ordering::SeqCst);
        self.inner.users(group).await
    }
    async fn permissions(&self, group: &GroupId, users: &[UserId]) -> StoreResult<Vec<UserPermission>> {
        self.policy_reads.fetch_add(1, Ordering::SeqCst);
        self.inner.permissions(group, users).await
    }
}

impl<S: PolicyWrites> PolicyWrites for InstrumentedStore<S> {
    async fn put_policy(&self, group: &GroupId, policy: &SharingPolicy) -> StoreResult<()> {
        self.write().await?;
        self.inner.put_policy(group, policy).await
    }
    async fn put_user(&self, group: &GroupId, user: &UserPermission) -> StoreResult<()> {
        self.write().await?;
        self.inner.put_user(group, user).await
    }
}

impl<S: LockoutCounts> LockoutCounts for InstrumentedStore<S> {
    async fn count_wrong_try(
        &self,
        id: &ShareId,
        now: jiff::Timestamp,
        window: jiff::SignedDuration,
    ) -> StoreResult<share_core::domain::WrongTries> {
        self.write().await?;
        self.inner.count_wrong_try(id, now, window).await
    }
    async fn refund_try(&self, id: &ShareId, window_start: jiff::Timestamp) -> StoreResult<()> {
        self.write().await?;
        self.inner.refund_try(id, window_start).await
    }
    async fn count_check(
        &self,
        id: &ShareId,
        window_start: jiff::Timestamp,
        window: jiff::SignedDuration,
    ) -> StoreResult<u32> {
        self.write().await?;
        self.inner.count_check(id, window_start, window).await
    }
}
