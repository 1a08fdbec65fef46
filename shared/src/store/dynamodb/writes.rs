//! The share writes: a snapshot's new pieces first (batches, no reader sees them yet); then one
//! transaction that switches the record (and its index items, forwarding marker, idempotency entry).
//! A transaction whose outcome is unknown (sent, no answer) is sent again with the same
//! ClientRequestToken until DynamoDB says what happened, or the store's patience runs out and the
//! write is reported `Indeterminate`.

use super::errors::{build_error, write_error};
use super::items::{self, n, s};
use super::{DynamoStore, Item, keys};
use crate::domain::{Generation, ShareId, ShareRecord, SnapshotPiece};
use crate::store::{
    IdempotencyRecord, IndexWrite, Precondition, ShareCommit, ShareWrites, StoreError, StoreResult, share_ttl,
};
use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::types::{Delete, DeleteRequest, Put, PutRequest, TransactWriteItem, Update, WriteRequest};
use futures_util::{StreamExt, TryStreamExt, stream};
use jiff::Timestamp;
use std::time::{Duration, Instant};

/// BatchWriteItem's limit of requests per call (25 pieces stay under its 16 MB).
const BATCH_WRITE_LIMIT: usize = 25;
/// Batch calls of one write in flight at once.
const CONCURRENT_BATCHES: usize = 4;
/// TransactWriteItems' limit of actions.
const TRANSACTION_LIMIT: usize = 100;
/// Attempts at a transaction that fails without having been applied (throttled, refused), as the SDK's
/// standard retries would make.
const DEFINITE_ATTEMPTS: u32 = 3;

impl DynamoStore {
    /// Sends a transaction until its outcome is known. The SDK's own retries are off for it, so every
    /// attempt's outcome is seen here: once one may have been applied, a later conflict may be that
    /// attempt's own doing, which `landed` (a strongly consistent read) tells apart.
    async fn settle<F, Fut>(&self, writes: Vec<TransactWriteItem>, landed: F) -> StoreResult<()>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = StoreResult<bool>>,
    {
        let token = uuid::Uuid::new_v4().to_string();
        let started = Instant::now();
        let mut maybe_applied: Option<String> = None;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let sent = self
                .client
                .transact_write_items()
                .set_transact_items(Some(writes.clone()))
                .client_request_token(&token)
                .customize()
                .config_override(aws_sdk_dynamodb::Config::builder().retry_config(RetryConfig::disabled()))
                .send()
                .await;
            let Err(error) = sent else { return Ok(()) };
            match (write_error("TransactWriteItems", error), &maybe_applied) {
                (StoreError::Conflict, None) => return Err(StoreError::Conflict),
                (StoreError::Conflict, Some(why)) => {
                    return match landed().await {
                        Ok(true) => Ok(()),
                        Ok(false) => Err(StoreError::Conflict),
                        Err(_) => Err(StoreError::Indeterminate(why.clone())),
                    };
                }
                (StoreError::Indeterminate(why), _) => maybe_applied = Some(why),
                (StoreError::Unavailable(why), None) if attempt >= DEFINITE_ATTEMPTS => {
                    return Err(StoreError::Unavailable(why));
                }
                (StoreError::Unavailable(_), _) => {}
                (other, _) => return Err(other),
            }
            if let Some(why) = &maybe_applied
                && started.elapsed() >= self.patience.settle
            {
                tracing::warn!(reason = %why, "a write's outcome is still unknown");
                return Err(StoreError::Indeterminate(why.clone()));
            }
            tokio::time::sleep(Duration::from_millis(25 << attempt.min(4))).await;
        }
    }

    /// The generation the record under `id` points at now, read strongly consistent.
    async fn current_generation(&self, id: &ShareId) -> StoreResult<Option<String>> {
        let item = self.get_item(keys::share(id), keys::RECORD_SK, Some("generation")).await?;
        Ok(item.and_then(|mut item| items::read_attribute(&mut item, "generation").ok()))
    }

    /// Deletes the record only if it still points at `generation`.
    fn delete_record(&self, id: &ShareId, generation: &Generation) -> StoreResult<TransactWriteItem> {
        let delete = Delete::builder()
            .table_name(self.table())
            .set_key(Some(keys::of(keys::share(id), keys::RECORD_SK)))
            .condition_expression("#generation = :generation")
            .expression_attribute_names("#generation", "generation")
            .expression_attribute_values(":generation", s(generation.as_str()))
            .build()
            .map_err(build_error)?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }

    fn delete_item(&self, key: Item) -> StoreResult<TransactWriteItem> {
        let delete = Delete::builder().table_name(self.table()).set_key(Some(key)).build().map_err(build_error)?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }

    /// Seals the pending pieces a commit lists: each must exist (a sweep or its TTL may have removed
    /// it, and then the commit fails whole), loses its mark and takes the share's TTL.
    fn seal_pieces(&self, record: &ShareRecord, pieces: &[SnapshotPiece]) -> StoreResult<Vec<TransactWriteItem>> {
        let ttl = share_ttl(record);
        pieces
            .iter()
            .map(|piece| {
                let update = Update::builder()
                    .table_name(self.table())
                    .set_key(Some(keys::of(keys::share(&record.id), keys::piece(piece))))
                    .condition_expression("attribute_exists(#pk)")
                    .expression_attribute_names("#pk", "pk")
                    .expression_attribute_names("#pending", items::PENDING)
                    .expression_attribute_names("#ttl", "ttl");
                let update = match ttl {
                    Some(ttl) => update
                        .update_expression("REMOVE #pending SET #ttl = :ttl")
                        .expression_attribute_values(":ttl", n(ttl)),
                    None => update.update_expression("REMOVE #pending, #ttl"),
                };
                Ok(TransactWriteItem::builder().update(update.build().map_err(build_error)?).build())
            })
            .collect()
    }

    fn put(&self, item: Item) -> StoreResult<TransactWriteItem> {
        let put = Put::builder().table_name(self.table()).set_item(Some(item)).build().map_err(build_error)?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Deletes source index items of the record's owner.
    fn delete_source_items(
        &self,
        record: &ShareRecord,
        items: &[(ShareId, u8)],
    ) -> StoreResult<Vec<TransactWriteItem>> {
        let owner = (&record.group, &record.owner.user_id);
        items
            .iter()
            .map(|(id, bucket)| self.delete_item(keys::of(keys::sources(owner.0, owner.1, *bucket), id.as_str())))
            .collect()
    }

    /// Puts an idempotency entry if its key is free: an entry past its time that the sweep has not
    /// removed yet no longer holds the key.
    fn idempotency_put(&self, entry: &IdempotencyRecord) -> StoreResult<Put> {
        Put::builder()
            .table_name(self.table())
            .set_item(Some(items::IdempotencyItem::of(entry)?))
            .condition_expression("attribute_not_exists(#pk) OR #ttl <= :now")
            .expression_attribute_names("#pk", "pk")
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":now", n(Timestamp::now().as_second()))
            .build()
            .map_err(build_error)
    }

    /// Deletes items of a share by sort key, in batches.
    async fn delete_keys(&self, id: &ShareId, sort_keys: Vec<String>) -> StoreResult<()> {
        let requests = sort_keys
            .into_iter()
            .map(|sk| {
                let delete = DeleteRequest::builder().set_key(Some(keys::of(keys::share(id), sk)));
                Ok(WriteRequest::builder().delete_request(delete.build().map_err(build_error)?).build())
            })
            .collect::<StoreResult<Vec<_>>>()?;
        self.batch_writes(requests).await
    }

    /// Sends write requests in batches, a few at once.
    async fn batch_writes(&self, requests: Vec<WriteRequest>) -> StoreResult<()> {
        let batches: Vec<Vec<WriteRequest>> = requests.chunks(BATCH_WRITE_LIMIT).map(<[_]>::to_vec).collect();
        stream::iter(batches)
            .map(|batch| self.batch_write(batch))
            .buffer_unordered(CONCURRENT_BATCHES)
            .try_collect::<Vec<()>>()
            .await?;
        Ok(())
    }

    /// The sort keys of every item under a share's key, read strongly consistent.
    async fn share_keys(&self, id: &ShareId) -> StoreResult<Vec<String>> {
        let query = self
            .partition_query(keys::share(id))
            .key_condition_expression("#pk = :pk")
            .projection_expression("sk")
            .consistent_read(true);
        let items = self.query_all(query).await?;
        items.into_iter().map(|mut item| items::read_attribute(&mut item, "sk")).collect()
    }
}

impl ShareWrites for DynamoStore {
    async fn put_pieces(
        &self,
        record: &ShareRecord,
        fresh: &[(SnapshotPiece, Vec<u8>)],
        pending: bool,
    ) -> StoreResult<()> {
        let now = Timestamp::now();
        let requests = fresh
            .iter()
            .map(|(piece, bytes)| {
                let put = PutRequest::builder().set_item(Some(items::piece(record, piece, bytes, now, pending)));
                Ok(WriteRequest::builder().put_request(put.build().map_err(build_error)?).build())
            })
            .collect::<StoreResult<Vec<_>>>()?;
        self.batch_writes(requests).await
    }

    async fn commit(&self, commit: ShareCommit) -> StoreResult<()> {
        let ShareCommit { record, precondition, superseded, seal, idempotency, sources } = commit;
        let rotation = superseded.as_ref().filter(|old| old.id != record.id);
        let mut record = record;
        if let Some(old) = rotation {
            record.rotated_from = Some(old.id.clone());
        }
        let item = items::record(&record)?;
        let put = Put::builder().table_name(self.table()).set_item(Some(item));
        let put = match &precondition {
            Precondition::Absent => {
                put.condition_expression("attribute_not_exists(#pk)").expression_attribute_names("#pk", "pk")
            }
            Precondition::Generation(generation) => put
                .condition_expression("#generation = :generation")
                .expression_attribute_names("#generation", "generation")
                .expression_attribute_values(":generation", s(generation.as_str())),
        };
        let mut writes = vec![TransactWriteItem::builder().put(put.build().map_err(build_error)?).build()];
        writes.extend(self.seal_pieces(&record, &seal)?);
        if let Some(old) = rotation {
            for piece in old.dropped_by(&record) {
                writes.push(self.delete_item(keys::of(keys::share(&old.id), keys::piece(&piece)))?);
            }
            // The old id forwards to the new one for a while, so a revoke racing this rotation follows
            // the share; the marker of the rotation before is retired.
            writes.push(self.delete_record(&old.id, &old.generation)?);
            writes.push(self.put(items::forwarding(&old.id, &record.id, Timestamp::now()))?);
            // The old record's condition makes its `rotated_from` current.
            if let Some(previous) = &old.rotated_from {
                writes.push(self.delete_item(keys::of(keys::share(previous), keys::FORWARD_SK))?);
            }
        }
        for (bucket, tags) in &sources.put {
            writes.push(self.put(items::source_bucket(&record, *bucket, tags))?);
        }
        writes.extend(self.delete_source_items(&record, &sources.delete)?);
        if let Some(entry) = &idempotency {
            writes.push(TransactWriteItem::builder().put(self.idempotency_put(entry)?).build());
        }
        let ours = record.generation.as_str();
        self.settle(writes, || async { Ok(self.current_generation(&record.id).await?.as_deref() == Some(ours)) }).await
    }

    async fn delete_pieces(&self, id: &ShareId, pieces: &[SnapshotPiece]) -> StoreResult<()> {
        self.delete_keys(id, pieces.iter().map(keys::piece).collect()).await
    }

    async fn delete_share(&self, record: &ShareRecord) -> StoreResult<()> {
        let sort_keys = self.share_keys(&record.id).await?;
        let mut writes = vec![self.delete_record(&record.id, &record.generation)?];
        writes.extend(self.delete_source_items(record, &IndexWrite::all_of(record))?);
        // The record's condition makes its `rotated_from` current.
        if let Some(previous) = &record.rotated_from {
            writes.push(self.delete_item(keys::of(keys::share(previous), keys::FORWARD_SK))?);
        }
        // Everything else under the share's key goes with the record, as far as one transaction
        // reaches: its pieces, leftovers of failed writes, a forwarding marker. The record's
        // condition keeps a concurrent commit's pieces safe: a commit that listed them also moved
        // the record on, and then nothing here applies.
        let mut rest: Vec<String> = sort_keys.into_iter().filter(|sk| sk != keys::RECORD_SK).collect();
        let room = TRANSACTION_LIMIT.saturating_sub(writes.len()).min(rest.len());
        for sk in rest.drain(..room) {
            writes.push(self.delete_item(keys::of(keys::share(&record.id), sk))?);
        }
        // A conflict is left to the caller, who follows the share wherever it went.
        self.settle(writes, || async { Ok(false) }).await?;
        // Past a transaction's reach (a snapshot of many pieces): with the record gone nothing can
        // commit under this id any more, so the rest goes in batches, as far as it can.
        if let Err(error) = self.delete_keys(&record.id, rest).await {
            tracing::warn!(share = %record.id.log_ref(), error = %error, "leftovers of a revoked share wait for their TTL");
        }
        Ok(())
    }

    async fn sweep_leftovers(&self, id: &ShareId, current: Option<&ShareRecord>) -> StoreResult<()> {
        let written_before = (Timestamp::now() - self.patience.sweep_after).as_second();
        let listed: std::collections::HashSet<String> =
            current.map(|record| record.pieces.iter().map(keys::piece).collect()).unwrap_or_default();
        let query = self
            .partition_query(keys::share(id))
            .key_condition_expression("#pk = :pk AND begins_with(#sk, :pieces)")
            .filter_expression("#written <= :before")
            .projection_expression("sk")
            .expression_attribute_names("#sk", "sk")
            .expression_attribute_names("#written", items::WRITTEN)
            .expression_attribute_values(":pieces", s(keys::CHUNK_SK_PREFIX))
            .expression_attribute_values(":before", n(written_before))
            .consistent_read(true);
        let mut leftovers = Vec::new();
        for mut item in self.query_all(query).await? {
            let sk: String = items::read_attribute(&mut item, "sk")?;
            if !listed.contains(&sk) {
                leftovers.push(sk);
            }
        }
        if !leftovers.is_empty() {
            tracing::info!(share = %id.log_ref(), pieces = leftovers.len(), "sweeping pieces no record lists");
        }
        self.delete_keys(id, leftovers).await
    }

    async fn remember(&self, entry: &IdempotencyRecord) -> StoreResult<()> {
        let put = self.idempotency_put(entry)?;
        let sent = self
            .client
            .put_item()
            .table_name(self.table())
            .set_item(Some(put.item))
            .set_condition_expression(put.condition_expression)
            .set_expression_attribute_names(put.expression_attribute_names)
            .set_expression_attribute_values(put.expression_attribute_values)
            .send()
            .await;
        sent.map(|_| ()).map_err(|e| write_error("PutItem", e))
    }
}
