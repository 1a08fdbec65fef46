//! What the recipients' reads cost, for the benchmarks: a wrapper store that sends `published`,
//! `sharing_state` and `shares_holding` through a client of its own, whose operations are logged
//! (`OperationLog`) with their consumed capacity and response bytes. The functions' store never asks
//! and never counts.

#[path = "operation_log.rs"]
pub mod operation_log;

use jiff::Timestamp;
use operation_log::OperationLog;
use share_core::domain::{GroupId, ShareId, ShareRecord, SharingPolicy, SourceKey, UserId, UserPermission};
use share_core::store::{
    DynamoStore, IdempotencyRecord, ListCursor, PolicyReads, PublishedShare, ShareListPage, ShareReads, StoreResult,
};
use std::sync::Arc;

/// A `DynamoStore` whose recipients' reads are metered; every other read is passed through uncounted.
#[derive(Debug, Clone)]
pub struct MeteredReads {
    store: DynamoStore,
    metered: DynamoStore,
    log: Arc<OperationLog>,
}

impl MeteredReads {
    pub fn new(store: DynamoStore) -> Self {
        let (metered, log) = OperationLog::over(&store);
        Self { store, metered, log }
    }

    /// Read capacity the recipients' reads (`published`, `sharing_state`) reported, summed.
    pub fn consumed_read_units(&self) -> f64 {
        self.log.read_units()
    }

    /// Bytes of the responses to the recipients' reads, summed.
    pub fn read_response_bytes(&self) -> u64 {
        self.log.response_bytes()
    }

    pub fn metering_store(&self) -> &DynamoStore {
        &self.metered
    }

    pub fn reset(&self) {
        self.log.take();
    }
}

impl ShareReads for MeteredReads {
    async fn share(&self, id: &ShareId) -> StoreResult<Option<ShareRecord>> {
        self.store.share(id).await
    }

    async fn published(&self, id: &ShareId) -> StoreResult<Option<PublishedShare>> {
        self.metered.published(id).await
    }

    async fn owner_shares(
        &self,
        group: &GroupId,
        owner: &UserId,
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<ShareListPage> {
        self.store.owner_shares(group, owner, after, limit).await
    }

    async fn group_shares(
        &self,
        group: &GroupId,
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<ShareListPage> {
        self.store.group_shares(group, after, limit).await
    }

    async fn forwarded_to(&self, id: &ShareId) -> StoreResult<Option<ShareId>> {
        self.store.forwarded_to(id).await
    }
    async fn idempotency(&self, key_digest: &str) -> StoreResult<Option<IdempotencyRecord>> {
        self.store.idempotency(key_digest).await
    }

    async fn shares_holding(
        &self,
        group: &GroupId,
        owner: &UserId,
        keys: &[SourceKey],
        now: Timestamp,
    ) -> StoreResult<Vec<ShareId>> {
        self.metered.shares_holding(group, owner, keys, now).await
    }
}

impl PolicyReads for MeteredReads {
    async fn sharing_state(
        &self,
        group: &GroupId,
        user: &UserId,
    ) -> StoreResult<(Option<SharingPolicy>, Option<UserPermission>)> {
        self.metered.sharing_state(group, user).await
    }

    async fn users(&self, group: &GroupId) -> StoreResult<Vec<UserPermission>> {
        self.store.users(group).await
    }

    async fn permissions(&self, group: &GroupId, users: &[UserId]) -> StoreResult<Vec<UserPermission>> {
        self.store.permissions(group, users).await
    }
}
