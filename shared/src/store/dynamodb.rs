//! The DynamoDB adapter: one table, keys as `template.yaml` declares them, items mapped with
//! `serde_dynamo`. Every change that touches more than one item is one transaction; retries and
//! timeouts are the SDK's (standard mode), never loops of ours.

use super::*;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::config::interceptors::AfterDeserializationInterceptorContextRef;
use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::config::timeout::TimeoutConfig;
use aws_sdk_dynamodb::config::{ConfigBag, Credentials, Intercept, Region, RuntimeComponents};
use aws_sdk_dynamodb::error::{BoxError, BuildError, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, ConsumedCapacity, Delete, DeleteRequest, GlobalSecondaryIndex,
    KeySchemaElement, KeyType, KeysAndAttributes, Projection, ProjectionType, Put, ReturnConsumedCapacity,
    ScalarAttributeType, TableStatus, TimeToLiveSpecification, TimeToLiveStatus, TransactWriteItem, WriteRequest,
};
use serde_dynamo::aws_sdk_dynamodb_1::{from_attribute_value, to_attribute_value};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

type Item = HashMap<String, AttributeValue>;

const GSI1: &str = "gsi1";
const RECORD_SK: &str = "RECORD";
const POLICY_SK: &str = "POLICY";
const IDEMPOTENCY_SK: &str = "IDEMPOTENCY";
const USER_SK_PREFIX: &str = "USER#";
const CHUNK_SK_PREFIX: &str = "CHUNK#";
/// BatchWriteItem's limit of requests per call.
const BATCH_WRITE_LIMIT: usize = 25;
/// How often a batch call re-sends what DynamoDB left unprocessed before we call it throttled.
const UNPROCESSED_ROUNDS: u32 = 4;

/// The table's key design, in one place.
mod key {
    use super::*;

    pub fn share(id: &ShareId) -> String {
        format!("SHARE#{id}")
    }

    pub fn chunk(generation: &str, index: u32) -> String {
        format!("{CHUNK_SK_PREFIX}{generation}#{index:04}")
    }

    pub fn group(group: &GroupId) -> String {
        format!("GROUP#{group}")
    }

    pub fn user(user: &UserId) -> String {
        format!("{USER_SK_PREFIX}{user}")
    }

    pub fn owner_prefix(owner: &UserId) -> String {
        format!("OWNER#{owner}#")
    }

    /// Fixed-precision RFC 3339, so the index sorts an owner's shares by creation.
    pub fn owner_share(record: &ShareRecord) -> String {
        let created =
            jiff::fmt::temporal::DateTimePrinter::new().precision(Some(9)).timestamp_to_string(&record.created_at);
        format!("{}{created}#{}", owner_prefix(&record.owner.user_id), record.id)
    }

    pub fn idempotency(key_digest: &str) -> String {
        format!("IDEMPOTENCY#{key_digest}")
    }

    pub fn of(pk: String, sk: impl Into<String>) -> Item {
        HashMap::from([("pk".to_owned(), AttributeValue::S(pk)), ("sk".to_owned(), AttributeValue::S(sk.into()))])
    }
}

#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: Client,
    table: Arc<str>,
    reads: Arc<ReadAccounting>,
}

/// What the recipients' path reads, for the benchmarks.
#[derive(Debug, Default)]
struct ReadAccounting {
    milli_units: AtomicU64,
    response_bytes: AtomicU64,
}

impl ReadAccounting {
    fn add_units(&self, capacity: Option<&ConsumedCapacity>) {
        if let Some(units) = capacity.and_then(ConsumedCapacity::capacity_units) {
            self.milli_units.fetch_add((units * 1000.0).round() as u64, Ordering::Relaxed);
        }
    }
}

/// Counts the bytes of each response (every attempt) of the request it is attached to.
#[derive(Debug)]
struct CountResponseBytes(Arc<ReadAccounting>);

impl Intercept for CountResponseBytes {
    fn name(&self) -> &'static str {
        "CountResponseBytes"
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
        Ok(())
    }
}

/// Retries and timeouts for every client: the SDK makes up to three attempts at throttled and
/// transient failures (reusing a transaction's ClientRequestToken, so a retried commit is not
/// taken for a conflict), and gives up on an operation after eight seconds, inside the functions' ten.
fn loader() -> aws_config::ConfigLoader {
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(1))
        .operation_attempt_timeout(Duration::from_secs(3))
        .operation_timeout(Duration::from_secs(8))
        .build();
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .retry_config(RetryConfig::standard().with_max_attempts(3))
        .timeout_config(timeouts)
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self { client, table: Arc::from(table.into()), reads: Arc::default() }
    }

    /// The Lambda functions' store: region and credentials from the environment.
    pub async fn from_env(table: impl Into<String>) -> Self {
        let config = loader().load().await;
        Self::new(Client::new(&config), table)
    }

    /// A DynamoDB-compatible server at `endpoint_url` (DynamoDB Local), with dummy credentials.
    pub async fn connect(endpoint_url: &str, table: impl Into<String>) -> Self {
        let config = loader()
            .endpoint_url(endpoint_url)
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("local", "local", None, None, "local"))
            .load()
            .await;
        Self::new(Client::new(&config), table)
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// Read capacity the recipients' reads (`published`, `sharing_state`) reported, summed.
    pub fn consumed_read_units(&self) -> f64 {
        self.reads.milli_units.load(Ordering::Relaxed) as f64 / 1000.0
    }

    /// Bytes of the responses to the recipients' reads, summed.
    pub fn read_response_bytes(&self) -> u64 {
        self.reads.response_bytes.load(Ordering::Relaxed)
    }

    /// Zeroes both read counters.
    pub fn reset_consumed_read_units(&self) {
        self.reads.milli_units.store(0, Ordering::Relaxed);
        self.reads.response_bytes.store(0, Ordering::Relaxed);
    }

    /// Creates the table as `template.yaml` declares it (for local runs), then makes sure TTL is on.
    pub async fn create_table_if_missing(&self) -> StoreResult<()> {
        if self.table_status().await?.is_none() {
            let created = self
                .client
                .create_table()
                .table_name(self.table())
                .billing_mode(BillingMode::PayPerRequest)
                .set_attribute_definitions(Some(
                    ["pk", "sk", "gsi1pk", "gsi1sk"]
                        .into_iter()
                        .map(|name| {
                            AttributeDefinition::builder()
                                .attribute_name(name)
                                .attribute_type(ScalarAttributeType::S)
                                .build()
                        })
                        .collect::<Result<_, _>>()
                        .map_err(build_error)?,
                ))
                .set_key_schema(Some(key_schema("pk", "sk")?))
                .global_secondary_indexes(
                    GlobalSecondaryIndex::builder()
                        .index_name(GSI1)
                        .set_key_schema(Some(key_schema("gsi1pk", "gsi1sk")?))
                        .projection(
                            Projection::builder()
                                .projection_type(ProjectionType::Include)
                                .non_key_attributes("share")
                                .build(),
                        )
                        .build()
                        .map_err(build_error)?,
                )
                .send()
                .await;
            match created {
                Ok(_) => {}
                // Someone else created it meanwhile.
                Err(err) if err.code() == Some("ResourceInUseException") => {}
                Err(err) => return Err(store_error("CreateTable", err)),
            }
        }
        self.wait_until_active().await?;
        self.enable_ttl().await
    }

    async fn table_status(&self) -> StoreResult<Option<TableStatus>> {
        match self.client.describe_table().table_name(self.table()).send().await {
            Ok(described) => {
                Ok(Some(described.table().and_then(|t| t.table_status().cloned()).unwrap_or(TableStatus::Creating)))
            }
            Err(err) if err.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()) => Ok(None),
            Err(err) => Err(store_error("DescribeTable", err)),
        }
    }

    async fn wait_until_active(&self) -> StoreResult<()> {
        // The SDK's waiter polls every 20 s at least; a new on-demand table is usually ready in a few.
        for _ in 0..120 {
            if self.table_status().await? == Some(TableStatus::Active) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        Err(StoreError::Unavailable("table did not become active within a minute".into()))
    }

    async fn enable_ttl(&self) -> StoreResult<()> {
        let described = self.client.describe_time_to_live().table_name(self.table()).send().await;
        let status = described.map_err(|e| store_error("DescribeTimeToLive", e))?;
        let status = status.time_to_live_description().and_then(|d| d.time_to_live_status());
        if matches!(status, Some(TimeToLiveStatus::Enabled | TimeToLiveStatus::Enabling)) {
            return Ok(());
        }
        let spec =
            TimeToLiveSpecification::builder().attribute_name("ttl").enabled(true).build().map_err(build_error)?;
        match self.client.update_time_to_live().table_name(self.table()).time_to_live_specification(spec).send().await {
            Ok(_) => Ok(()),
            Err(err) if err.message().is_some_and(|m| m.contains("already enabled")) => Ok(()),
            Err(err) => Err(store_error("UpdateTimeToLive", err)),
        }
    }

    /// Every item under a share's key: its record and the chunks of any generation.
    async fn share_items(&self, id: &ShareId, consistent: bool) -> StoreResult<Vec<Item>> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let page = self
                .client
                .query()
                .table_name(self.table())
                .key_condition_expression("#pk = :pk")
                .expression_attribute_names("#pk", "pk")
                .expression_attribute_values(":pk", s(key::share(id)))
                .consistent_read(consistent)
                .return_consumed_capacity(ReturnConsumedCapacity::Total)
                .set_exclusive_start_key(start)
                .customize()
                .interceptor(CountResponseBytes(self.reads.clone()))
                .send()
                .await
                .map_err(|e| store_error("Query", e))?;
            self.reads.add_units(page.consumed_capacity());
            items.extend(page.items.unwrap_or_default());
            start = page.last_evaluated_key;
            if start.is_none() {
                return Ok(items);
            }
        }
    }

    /// Every item of a query, following its pages.
    async fn query_all(
        &self,
        query: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
    ) -> StoreResult<Vec<Item>> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let page =
                query.clone().set_exclusive_start_key(start).send().await.map_err(|e| store_error("Query", e))?;
            items.extend(page.items.unwrap_or_default());
            start = page.last_evaluated_key;
            if start.is_none() {
                return Ok(items);
            }
        }
    }

    async fn get_item(&self, pk: String, sk: &str, projection: Option<&str>) -> StoreResult<Option<Item>> {
        let mut request =
            self.client.get_item().table_name(self.table()).set_key(Some(key::of(pk, sk))).consistent_read(true);
        if let Some(attribute) = projection {
            request = request.projection_expression("#attribute").expression_attribute_names("#attribute", attribute);
        }
        let output = request.send().await.map_err(|e| store_error("GetItem", e))?;
        Ok(output.item)
    }

    async fn put_item(&self, item: Item) -> StoreResult<()> {
        self.client
            .put_item()
            .table_name(self.table())
            .set_item(Some(item))
            .send()
            .await
            .map_err(|e| store_error("PutItem", e))?;
        Ok(())
    }

    async fn transact(&self, items: Vec<TransactWriteItem>) -> StoreResult<()> {
        self.client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
            .map_err(|e| store_error("TransactWriteItems", e))?;
        Ok(())
    }

    fn delete_item(&self, pk: String, sk: String) -> StoreResult<Delete> {
        Delete::builder().table_name(self.table()).set_key(Some(key::of(pk, sk))).build().map_err(build_error)
    }

    /// Deletes the record only if it still points at `generation`.
    fn delete_record(&self, id: &ShareId, generation: &str) -> StoreResult<TransactWriteItem> {
        let delete = Delete::builder()
            .table_name(self.table())
            .set_key(Some(key::of(key::share(id), RECORD_SK)))
            .condition_expression("#generation = :generation")
            .expression_attribute_names("#generation", "generation")
            .expression_attribute_values(":generation", s(generation))
            .build()
            .map_err(build_error)?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }

    fn gsi1_query(&self, group: &GroupId) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder {
        self.client
            .query()
            .table_name(self.table())
            .index_name(GSI1)
            .expression_attribute_names("#gpk", "gsi1pk")
            .expression_attribute_values(":gpk", s(key::group(group)))
    }

    /// One BatchWriteItem, re-sending what DynamoDB leaves unprocessed (its answer to throttling).
    async fn batch_write(&self, mut requests: Vec<WriteRequest>) -> StoreResult<()> {
        for round in 0..UNPROCESSED_ROUNDS {
            if round > 0 {
                tokio::time::sleep(unprocessed_backoff(round)).await;
            }
            let output = self
                .client
                .batch_write_item()
                .request_items(self.table(), requests)
                .send()
                .await
                .map_err(|e| store_error("BatchWriteItem", e))?;
            requests = output.unprocessed_items.and_then(|mut left| left.remove(self.table())).unwrap_or_default();
            if requests.is_empty() {
                return Ok(());
            }
        }
        Err(StoreError::Unavailable("BatchWriteItem: items left unprocessed (throttled)".into()))
    }

    /// Deletes chunks `1..chunk_count` of a generation (chunk 0 lives in the record).
    fn delete_chunk_items(
        &self,
        id: &ShareId,
        generation: &str,
        chunk_count: u32,
    ) -> StoreResult<Vec<TransactWriteItem>> {
        (1..chunk_count)
            .map(|index| {
                let delete = self.delete_item(key::share(id), key::chunk(generation, index))?;
                Ok(TransactWriteItem::builder().delete(delete).build())
            })
            .collect()
    }
}

impl ShareReads for DynamoStore {
    async fn share(&self, id: &ShareId) -> StoreResult<Option<ShareRecord>> {
        // Strongly consistent: an owner who just changed a share reads it back.
        let item = self.get_item(key::share(id), RECORD_SK, Some("share")).await?;
        item.map(|mut item| read_attribute(&mut item, "share")).transpose()
    }

    async fn published(&self, id: &ShareId) -> StoreResult<Option<PublishedShare>> {
        // An eventually consistent read can see a record beside chunks that a re-publish has
        // already replaced; a strongly consistent one cannot.
        let assembly = match assemble(self.share_items(id, false).await?)? {
            Assembly::Missing(_) => assemble(self.share_items(id, true).await?)?,
            read => read,
        };
        match assembly {
            Assembly::Absent => Ok(None),
            Assembly::Whole(published) => Ok(Some(*published)),
            Assembly::Missing(index) => Err(StoreError::Inconsistent(format!("chunk {index} missing"))),
        }
    }

    async fn owner_shares(&self, group: &GroupId, owner: &UserId) -> StoreResult<Vec<ShareRecord>> {
        let query = self
            .gsi1_query(group)
            .key_condition_expression("#gpk = :gpk AND begins_with(#gsk, :owner)")
            .expression_attribute_names("#gsk", "gsi1sk")
            .expression_attribute_values(":owner", s(key::owner_prefix(owner)));
        records_newest_first(self.query_all(query).await?)
    }

    async fn group_shares(&self, group: &GroupId) -> StoreResult<Vec<ShareRecord>> {
        let query = self.gsi1_query(group).key_condition_expression("#gpk = :gpk");
        records_newest_first(self.query_all(query).await?)
    }

    async fn idempotency(&self, key_digest: &str) -> StoreResult<Option<IdempotencyRecord>> {
        let Some(mut item) = self.get_item(key::idempotency(key_digest), IDEMPOTENCY_SK, None).await? else {
            return Ok(None);
        };
        let expires_at = read_ttl(&item)?;
        // The TTL sweep is lazy; an entry past its time is gone as far as callers are concerned.
        if expires_at <= Timestamp::now() {
            return Ok(None);
        }
        Ok(Some(IdempotencyRecord {
            key_digest: key_digest.to_owned(),
            body_digest: read_attribute(&mut item, "bodyDigest")?,
            share_id: read_attribute(&mut item, "shareId")?,
            expires_at,
        }))
    }
}

impl ShareWrites for DynamoStore {
    async fn put_chunk(&self, record: &ShareRecord, index: u32, bytes: &[u8]) -> StoreResult<()> {
        let mut item = key::of(key::share(&record.id), key::chunk(&record.generation, index));
        item.insert("chunk".into(), AttributeValue::B(Blob::new(bytes)));
        if let Some(ttl) = share_ttl(record) {
            item.insert("ttl".into(), n(ttl));
        }
        self.put_item(item).await
    }

    async fn commit(&self, commit: ShareCommit) -> StoreResult<()> {
        let ShareCommit { record, first_chunk, precondition, superseded, idempotency } = commit;
        let put = Put::builder().table_name(self.table()).set_item(Some(record_item(&record, first_chunk)?));
        let put = match &precondition {
            Precondition::Absent => {
                put.condition_expression("attribute_not_exists(#pk)").expression_attribute_names("#pk", "pk")
            }
            Precondition::Generation(generation) => put
                .condition_expression("#generation = :generation")
                .expression_attribute_names("#generation", "generation")
                .expression_attribute_values(":generation", s(generation)),
        };
        let mut items = vec![TransactWriteItem::builder().put(put.build().map_err(build_error)?).build()];
        if let Some(old) = &superseded {
            items.extend(self.delete_chunk_items(&old.id, &old.generation, old.chunk_count)?);
            if old.id != record.id {
                items.push(self.delete_record(&old.id, &old.generation)?);
            }
        }
        if let Some(entry) = &idempotency {
            let mut item = key::of(key::idempotency(&entry.key_digest), IDEMPOTENCY_SK);
            item.insert("bodyDigest".into(), s(&entry.body_digest));
            item.insert("shareId".into(), s(entry.share_id.as_str()));
            item.insert("ttl".into(), n(entry.expires_at.as_second()));
            // An entry past its time that the sweep has not removed yet no longer holds the key.
            let put = Put::builder()
                .table_name(self.table())
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(#pk) OR #ttl <= :now")
                .expression_attribute_names("#pk", "pk")
                .expression_attribute_names("#ttl", "ttl")
                .expression_attribute_values(":now", n(Timestamp::now().as_second()))
                .build()
                .map_err(build_error)?;
            items.push(TransactWriteItem::builder().put(put).build());
        }
        self.transact(items).await
    }

    async fn delete_chunks(&self, id: &ShareId, generation: &str, chunk_count: u32) -> StoreResult<()> {
        let requests = (1..chunk_count)
            .map(|index| {
                let delete = DeleteRequest::builder()
                    .set_key(Some(key::of(key::share(id), key::chunk(generation, index))))
                    .build();
                Ok(WriteRequest::builder().delete_request(delete.map_err(build_error)?).build())
            })
            .collect::<StoreResult<Vec<_>>>()?;
        for batch in requests.chunks(BATCH_WRITE_LIMIT) {
            self.batch_write(batch.to_vec()).await?;
        }
        Ok(())
    }

    async fn delete_share(&self, record: &ShareRecord) -> StoreResult<()> {
        let mut items = vec![self.delete_record(&record.id, &record.generation)?];
        items.extend(self.delete_chunk_items(&record.id, &record.generation, record.chunk_count)?);
        self.transact(items).await
    }
}

impl PolicyReads for DynamoStore {
    async fn group_policy(&self, group: &GroupId) -> StoreResult<Option<SharingPolicy>> {
        let item = self.get_item(key::group(group), POLICY_SK, Some("policy")).await?;
        item.map(|mut item| read_attribute(&mut item, "policy")).transpose()
    }

    async fn sharing_state(
        &self,
        group: &GroupId,
        user: &UserId,
    ) -> StoreResult<(Option<SharingPolicy>, Option<UserPermission>)> {
        let mut keys = vec![key::of(key::group(group), POLICY_SK), key::of(key::group(group), key::user(user))];
        let (mut policy, mut permission) = (None, None);
        for round in 0..UNPROCESSED_ROUNDS {
            if round > 0 {
                tokio::time::sleep(unprocessed_backoff(round)).await;
            }
            let request = KeysAndAttributes::builder()
                .set_keys(Some(keys))
                .consistent_read(false)
                .build()
                .map_err(build_error)?;
            let output = self
                .client
                .batch_get_item()
                .request_items(self.table(), request)
                .return_consumed_capacity(ReturnConsumedCapacity::Total)
                .customize()
                .interceptor(CountResponseBytes(self.reads.clone()))
                .send()
                .await
                .map_err(|e| store_error("BatchGetItem", e))?;
            for capacity in output.consumed_capacity() {
                self.reads.add_units(Some(capacity));
            }
            for mut item in output.responses.and_then(|mut found| found.remove(self.table())).unwrap_or_default() {
                match read_attribute::<String>(&mut item, "sk")?.as_str() {
                    POLICY_SK => policy = Some(read_attribute(&mut item, "policy")?),
                    _ => permission = Some(read_attribute(&mut item, "user")?),
                }
            }
            keys = output
                .unprocessed_keys
                .and_then(|mut left| left.remove(self.table()))
                .map(|k| k.keys)
                .unwrap_or_default();
            if keys.is_empty() {
                return Ok((policy, permission));
            }
        }
        Err(StoreError::Unavailable("BatchGetItem: keys left unprocessed (throttled)".into()))
    }

    async fn users(&self, group: &GroupId) -> StoreResult<Vec<UserPermission>> {
        let query = self
            .client
            .query()
            .table_name(self.table())
            .key_condition_expression("#pk = :pk AND begins_with(#sk, :user)")
            .expression_attribute_names("#pk", "pk")
            .expression_attribute_names("#sk", "sk")
            .expression_attribute_values(":pk", s(key::group(group)))
            .expression_attribute_values(":user", s(USER_SK_PREFIX))
            .consistent_read(true);
        let items = self.query_all(query).await?;
        items.into_iter().map(|mut item| read_attribute(&mut item, "user")).collect()
    }
}

impl PolicyWrites for DynamoStore {
    async fn put_policy(&self, group: &GroupId, policy: &SharingPolicy) -> StoreResult<()> {
        let mut item = key::of(key::group(group), POLICY_SK);
        item.insert("policy".into(), to_attribute_value(policy).map_err(unstorable)?);
        self.put_item(item).await
    }

    async fn put_user(&self, group: &GroupId, user: &UserPermission) -> StoreResult<()> {
        let mut item = key::of(key::group(group), key::user(&user.user_id));
        item.insert("user".into(), to_attribute_value(user).map_err(unstorable)?);
        self.put_item(item).await
    }
}

fn record_item(record: &ShareRecord, first_chunk: Vec<u8>) -> StoreResult<Item> {
    let mut item = key::of(key::share(&record.id), RECORD_SK);
    item.insert("share".into(), to_attribute_value(record).map_err(unstorable)?);
    item.insert("chunk".into(), AttributeValue::B(Blob::new(first_chunk)));
    item.insert("generation".into(), s(&record.generation));
    item.insert("gsi1pk".into(), s(key::group(&record.group)));
    item.insert("gsi1sk".into(), s(key::owner_share(record)));
    if let Some(ttl) = share_ttl(record) {
        item.insert("ttl".into(), n(ttl));
    }
    Ok(item)
}

enum Assembly {
    Absent,
    Whole(Box<PublishedShare>),
    /// The record's generation lacks this chunk.
    Missing(u32),
}

/// The record and its generation's chunks in order, from every item under the share's key.
fn assemble(items: Vec<Item>) -> StoreResult<Assembly> {
    let mut record = None;
    let mut chunks: HashMap<String, BTreeMap<u32, Vec<u8>>> = HashMap::new();
    for mut item in items {
        let sk: String = read_attribute(&mut item, "sk")?;
        if sk == RECORD_SK {
            let share: ShareRecord = read_attribute(&mut item, "share")?;
            record = Some((share, read_bytes(&mut item)?));
        } else if let Some((generation, index)) =
            sk.strip_prefix(CHUNK_SK_PREFIX).and_then(|rest| rest.rsplit_once('#'))
        {
            let index =
                index.parse().map_err(|_| StoreError::Inconsistent("chunk item with a malformed key".into()))?;
            chunks.entry(generation.to_owned()).or_default().insert(index, read_bytes(&mut item)?);
        }
    }
    let Some((record, first_chunk)) = record else { return Ok(Assembly::Absent) };
    let mut generation = chunks.remove(&record.generation).unwrap_or_default();
    let mut ordered = vec![first_chunk];
    for index in 1..record.chunk_count {
        match generation.remove(&index) {
            Some(chunk) => ordered.push(chunk),
            None => return Ok(Assembly::Missing(index)),
        }
    }
    Ok(Assembly::Whole(Box::new(PublishedShare { record, chunks: ordered })))
}

fn records_newest_first(items: Vec<Item>) -> StoreResult<Vec<ShareRecord>> {
    let mut records = items
        .into_iter()
        .map(|mut item| read_attribute::<ShareRecord>(&mut item, "share"))
        .collect::<StoreResult<Vec<_>>>()?;
    records.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| a.id.cmp(&b.id)));
    Ok(records)
}

fn read_attribute<T: serde::de::DeserializeOwned>(item: &mut Item, name: &str) -> StoreResult<T> {
    let value = item.remove(name).ok_or_else(|| StoreError::Inconsistent(format!("item without `{name}`")))?;
    from_attribute_value(value).map_err(|_| StoreError::Inconsistent(format!("`{name}` cannot be read")))
}

fn read_bytes(item: &mut Item) -> StoreResult<Vec<u8>> {
    match item.remove("chunk") {
        Some(AttributeValue::B(blob)) => Ok(blob.into_inner()),
        _ => Err(StoreError::Inconsistent("chunk item without bytes".into())),
    }
}

fn read_ttl(item: &Item) -> StoreResult<Timestamp> {
    let seconds = match item.get("ttl") {
        Some(AttributeValue::N(seconds)) => seconds.parse().ok(),
        _ => None,
    };
    seconds
        .and_then(|s| Timestamp::from_second(s).ok())
        .ok_or_else(|| StoreError::Inconsistent("item without a valid `ttl`".into()))
}

fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

fn n(value: i64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

fn key_schema(hash: &str, range: &str) -> StoreResult<Vec<KeySchemaElement>> {
    [(hash, KeyType::Hash), (range, KeyType::Range)]
        .into_iter()
        .map(|(name, key_type)| {
            KeySchemaElement::builder().attribute_name(name).key_type(key_type).build().map_err(build_error)
        })
        .collect()
}

fn unprocessed_backoff(round: u32) -> Duration {
    Duration::from_millis(50 << round)
}

fn build_error(err: BuildError) -> StoreError {
    StoreError::Rejected(format!("request could not be built: {err}"))
}

fn unstorable(_: serde_dynamo::Error) -> StoreError {
    StoreError::Rejected("value cannot be stored as an item".into())
}

/// The one place SDK errors become store errors. The text names the operation and DynamoDB's
/// error code; only a rejection (our bug) carries DynamoDB's message, which describes the request's
/// shape, never the stored bytes.
fn store_error<E>(operation: &'static str, err: SdkError<E, HttpResponse>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let service = match &err {
        SdkError::ServiceError(service) => service,
        SdkError::TimeoutError(_) => return StoreError::Unavailable(format!("{operation}: timed out")),
        SdkError::DispatchFailure(failure) => {
            let why = match failure.as_connector_error() {
                Some(e) if e.is_timeout() => "timed out connecting",
                Some(e) if e.is_io() => "could not connect",
                _ => "request not delivered",
            };
            return StoreError::Unavailable(format!("{operation}: {why}"));
        }
        SdkError::ResponseError(_) => return StoreError::Unavailable(format!("{operation}: unreadable response")),
        SdkError::ConstructionFailure(_) => {
            return StoreError::Rejected(format!("{operation}: request could not be built"));
        }
        _ => return StoreError::Unavailable(format!("{operation}: request failed")),
    };
    let code = service.err().code().unwrap_or("UnknownError");
    let status = service.raw().status();
    // A cancelled transaction says why per item.
    let cancelled =
        (service.err() as &dyn std::any::Any).downcast_ref::<TransactWriteItemsError>().and_then(|e| match e {
            TransactWriteItemsError::TransactionCanceledException(cancelled) => Some(cancelled.cancellation_reasons()),
            _ => None,
        });
    let reasons: Vec<&str> =
        cancelled.unwrap_or_default().iter().filter_map(|r| r.code()).filter(|r| *r != "None").collect();
    let any_reason = |wanted: &[&str]| reasons.iter().any(|r| wanted.contains(r));
    if matches!(code, "ConditionalCheckFailedException" | "TransactionConflictException")
        || any_reason(&["ConditionalCheckFailed", "TransactionConflict"])
    {
        return StoreError::Conflict;
    }
    if matches!(code, "ProvisionedThroughputExceededException" | "ThrottlingException" | "RequestLimitExceeded")
        || any_reason(&["ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"])
    {
        return StoreError::Unavailable(format!("{operation}: throttled ({code})"));
    }
    if status.is_server_error() {
        return StoreError::Unavailable(format!("{operation}: {code} (HTTP {})", status.as_u16()));
    }
    if !reasons.is_empty() {
        return StoreError::Rejected(format!("{operation}: transaction cancelled ({})", reasons.join(", ")));
    }
    let message: String = service.err().message().unwrap_or_default().chars().take(200).collect();
    StoreError::Rejected(format!("{operation}: {code} (HTTP {}): {message}", status.as_u16()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::error::{ConnectorError, ErrorMetadata};
    use aws_sdk_dynamodb::operation::query::QueryError;
    use aws_sdk_dynamodb::types::CancellationReason;
    use aws_sdk_dynamodb::types::error::TransactionCanceledException;
    use aws_smithy_types::body::SdkBody;

    fn response(status: u16) -> HttpResponse {
        HttpResponse::new(status.try_into().unwrap(), SdkBody::empty())
    }

    fn query_failure(code: &str, status: u16) -> StoreError {
        let err = QueryError::generic(ErrorMetadata::builder().code(code).message("why").build());
        store_error("Query", SdkError::service_error(err, response(status)))
    }

    fn cancelled(reasons: &[&str]) -> StoreError {
        let reasons = reasons.iter().map(|code| CancellationReason::builder().code(*code).build()).collect();
        let err = TransactionCanceledException::builder()
            .set_cancellation_reasons(Some(reasons))
            .meta(ErrorMetadata::builder().code("TransactionCanceledException").build())
            .build();
        let err = TransactWriteItemsError::TransactionCanceledException(err);
        store_error("TransactWriteItems", SdkError::service_error(err, response(400)))
    }

    #[test]
    fn failed_conditions_are_conflicts() {
        assert!(matches!(cancelled(&["None", "ConditionalCheckFailed", "None"]), StoreError::Conflict));
        assert!(matches!(cancelled(&["TransactionConflict"]), StoreError::Conflict));
        assert!(matches!(query_failure("ConditionalCheckFailedException", 400), StoreError::Conflict));
    }

    #[test]
    fn throttling_and_outages_are_unavailable() {
        for code in ["ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"] {
            assert!(matches!(query_failure(code, 400), StoreError::Unavailable(_)), "{code}");
        }
        assert!(matches!(query_failure("InternalServerError", 500), StoreError::Unavailable(_)));
        assert!(matches!(query_failure("ServiceUnavailable", 503), StoreError::Unavailable(_)));
        assert!(matches!(cancelled(&["None", "ThrottlingError"]), StoreError::Unavailable(_)));
        let refused = SdkError::<QueryError, HttpResponse>::dispatch_failure(ConnectorError::io("refused".into()));
        assert!(matches!(store_error("Query", refused), StoreError::Unavailable(_)));
        let slow = SdkError::<QueryError, HttpResponse>::timeout_error("slow");
        assert!(matches!(store_error("Query", slow), StoreError::Unavailable(_)));
    }

    #[test]
    fn malformed_requests_are_rejected() {
        assert!(matches!(query_failure("ValidationException", 400), StoreError::Rejected(_)));
        assert!(matches!(query_failure("ResourceNotFoundException", 400), StoreError::Rejected(_)));
        assert!(matches!(cancelled(&["ValidationError"]), StoreError::Rejected(_)));
    }

    #[test]
    fn chunk_keys_sort_by_index() {
        assert_eq!(key::chunk("abc", 7), "CHUNK#abc#0007");
        assert!(key::chunk("abc", 9) < key::chunk("abc", 10));
    }
}
