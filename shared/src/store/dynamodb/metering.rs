//! What the recipients' reads cost, for the benchmarks: a wrapper store that sends `published`
//! and `sharing_state` through a client of its own, which asks DynamoDB for consumed capacity and
//! counts it with the response bytes. The functions' store never asks and never counts.

use super::DynamoStore;
use crate::domain::{GroupId, ShareId, ShareRecord, SharingPolicy, SourceKey, UserId, UserPermission};
use crate::store::{IdempotencyRecord, ListCursor, PolicyReads, PublishedShare, SharePage, ShareReads, StoreResult};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::interceptors::{
    AfterDeserializationInterceptorContextRef, BeforeSerializationInterceptorContextMut,
};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use aws_sdk_dynamodb::operation::batch_get_item::{BatchGetItemInput, BatchGetItemOutput};
use aws_sdk_dynamodb::operation::get_item::{GetItemInput, GetItemOutput};
use aws_sdk_dynamodb::operation::query::{QueryInput, QueryOutput};
use aws_sdk_dynamodb::types::{ConsumedCapacity, ReturnConsumedCapacity};
use jiff::Timestamp;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A `DynamoStore` whose recipients' reads are metered; every other read is passed through uncounted.
#[derive(Debug, Clone)]
pub struct MeteredReads {
    store: DynamoStore,
    metered: DynamoStore,
    meter: Arc<ReadMeter>,
}

#[derive(Debug, Default)]
struct ReadMeter {
    milli_units: AtomicU64,
    response_bytes: AtomicU64,
}

impl MeteredReads {
    pub fn new(store: DynamoStore) -> Self {
        let meter = Arc::new(ReadMeter::default());
        let config = store.client().config().to_builder().interceptor(MeterReads(meter.clone())).build();
        let metered = DynamoStore::new(Client::from_conf(config), store.table());
        Self { store, metered, meter }
    }

    /// Read capacity the recipients' reads (`published`, `sharing_state`) reported, summed.
    pub fn consumed_read_units(&self) -> f64 {
        self.meter.milli_units.load(Ordering::Relaxed) as f64 / 1000.0
    }

    /// Bytes of the responses to the recipients' reads, summed.
    pub fn read_response_bytes(&self) -> u64 {
        self.meter.response_bytes.load(Ordering::Relaxed)
    }

    /// The store whose every read is metered (GetItem too), writes included: for a benchmark of a
    /// whole route.
    pub fn metering_store(&self) -> &DynamoStore {
        &self.metered
    }

    /// Zeroes both counters.
    pub fn reset(&self) {
        self.meter.milli_units.store(0, Ordering::Relaxed);
        self.meter.response_bytes.store(0, Ordering::Relaxed);
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
    ) -> StoreResult<SharePage> {
        self.store.owner_shares(group, owner, after, limit).await
    }

    async fn group_shares(&self, group: &GroupId, after: Option<&ListCursor>, limit: usize) -> StoreResult<SharePage> {
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

/// On the metered client: asks for the consumed capacity of each Query, BatchGetItem and GetItem, then adds it and the bytes of every response (each attempt) to the meter.
#[derive(Debug)]
struct MeterReads(Arc<ReadMeter>);

impl Intercept for MeterReads {
    fn name(&self) -> &'static str {
        "MeterReads"
    }

    fn modify_before_serialization(
        &self,
        context: &mut BeforeSerializationInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let input = context.input_mut();
        if let Some(query) = input.downcast_mut::<QueryInput>() {
            query.return_consumed_capacity = Some(ReturnConsumedCapacity::Total);
        } else if let Some(batch) = input.downcast_mut::<BatchGetItemInput>() {
            batch.return_consumed_capacity = Some(ReturnConsumedCapacity::Total);
        } else if let Some(get) = input.downcast_mut::<GetItemInput>() {
            get.return_consumed_capacity = Some(ReturnConsumedCapacity::Total);
        }
        Ok(())
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(bytes) = context.response().body().bytes() {
            self.0.response_bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        }
        let Ok(output) = context.output_or_error() else { return Ok(()) };
        let capacity: Vec<&ConsumedCapacity> = if let Some(query) = output.downcast_ref::<QueryOutput>() {
            query.consumed_capacity.iter().collect()
        } else if let Some(batch) = output.downcast_ref::<BatchGetItemOutput>() {
            batch.consumed_capacity().iter().collect()
        } else if let Some(get) = output.downcast_ref::<GetItemOutput>() {
            get.consumed_capacity.iter().collect()
        } else {
            Vec::new()
        };
        let units: f64 = capacity.into_iter().filter_map(ConsumedCapacity::capacity_units).sum();
        self.0.milli_units.fetch_add((units * 1000.0).round() as u64, Ordering::Relaxed);
        Ok(())
    }
}
