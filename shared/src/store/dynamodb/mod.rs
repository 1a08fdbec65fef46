//! The DynamoDB adapter: one table, keys as `template.yaml` declares them, items mapped with
//! `serde_dynamo`. Every change that touches more than one item is one transaction; retries and
//! timeouts are the SDK's (standard mode), never loops of ours, except re-sending what a batch
//! call leaves unprocessed.

mod client;
mod errors;
mod items;
mod keys;
mod lockout;
mod provision;
mod writes;

use super::{
    IdempotencyRecord, ListCursor, PolicyReads, PolicyWrites, PublishedShare, ShareListPage, ShareReads, StoreError,
    StoreResult,
};
use crate::domain::{GroupId, ShareId, ShareRecord, SharingPolicy, SourceKey, SourceTag, UserId, UserPermission};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::{Credentials, Region};
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, WriteRequest};
pub use client::Patience;
use client::client_config;
use errors::{build_error, store_error, unstorable, write_error};
use items::{Assembly, IdempotencyItem, read_attribute, s};
use jiff::Timestamp;
use serde_dynamo::aws_sdk_dynamodb_1::to_attribute_value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

type Item = HashMap<String, AttributeValue>;

/// How often a batch call re-sends what DynamoDB left unprocessed before we call it throttled.
const UNPROCESSED_ROUNDS: u32 = 4;

#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: Client,
    table: Arc<str>,
    patience: Patience,
}

pub use crate::aws::MissingEnvironment;

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self { client, table: Arc::from(table.into()), patience: Patience::default() }
    }

    fn with_patience(config: aws_sdk_dynamodb::config::Builder, table: impl Into<String>, patience: Patience) -> Self {
        Self { patience, ..Self::new(Client::from_conf(config.build()), table) }
    }

    /// The Lambda functions' store: region and the execution role's credentials from the environment.
    pub async fn from_env(table: impl Into<String>) -> Result<Self, MissingEnvironment> {
        let (region, credentials) = crate::aws::lambda_identity()?;
        let patience = Patience::from_env();
        let mut config = client_config(&patience).region(region).credentials_provider(credentials);
        // DynamoDB Local under `sam local`, or a test's.
        if let Some(endpoint) = crate::aws::endpoint_override("AWS_ENDPOINT_URL_DYNAMODB") {
            config = config.endpoint_url(endpoint);
        }
        Ok(Self::with_patience(config, table, patience))
    }

    /// A DynamoDB-compatible server at `endpoint_url` (DynamoDB Local), with dummy credentials and
    /// the patience the environment sets (`Patience::from_env`).
    pub async fn connect(endpoint_url: &str, table: impl Into<String>) -> Self {
        Self::connect_with(endpoint_url, table, Patience::from_env()).await
    }

    pub async fn connect_with(endpoint_url: &str, table: impl Into<String>, patience: Patience) -> Self {
        let config = client_config(&patience)
            .endpoint_url(endpoint_url)
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("local", "local", None, None, "local"));
        Self::with_patience(config, table, patience)
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// Every item under a share's key: its record and the chunks of any generation.
    async fn share_items(&self, id: &ShareId, consistent: bool) -> StoreResult<Vec<Item>> {
        let query = self.partition_query(keys::share(id)).key_condition_expression("#pk = :pk");
        self.query_all(query.consistent_read(consistent)).await
    }

    /// A query of the items under partition key `pk`; the caller adds the key condition.
    fn partition_query(&self, pk: String) -> QueryFluentBuilder {
        self.client
            .query()
            .table_name(self.table())
            .expression_attribute_names("#pk", "pk")
            .expression_attribute_values(":pk", s(pk))
    }

    /// Every item of a query, following its pages.
    async fn query_all(&self, query: QueryFluentBuilder) -> StoreResult<Vec<Item>> {
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

    /// Sends a batch call, then re-sends what DynamoDB left unprocessed (its answer to throttling)
    /// with a growing pause; returns the items the rounds read.
    async fn until_processed<R, F, Fut>(&self, operation: &str, mut requests: Vec<R>, send: F) -> StoreResult<Vec<Item>>
    where
        F: Fn(Vec<R>) -> Fut,
        Fut: Future<Output = StoreResult<(Vec<Item>, Vec<R>)>>,
    {
        let mut read = Vec::new();
        for round in 0..UNPROCESSED_ROUNDS {
            if round > 0 {
                tokio::time::sleep(Duration::from_millis(50 << round)).await;
            }
            let (items, unprocessed) = send(requests).await?;
            read.extend(items);
            if unprocessed.is_empty() {
                return Ok(read);
            }
            requests = unprocessed;
        }
        Err(StoreError::Unavailable(format!("{operation}: requests left unprocessed (throttled)")))
    }

    async fn batch_write(&self, requests: Vec<WriteRequest>) -> StoreResult<()> {
        self.until_processed("BatchWriteItem", requests, |requests| async move {
            let sent = self.client.batch_write_item().request_items(self.table(), requests).send().await;
            let output = sent.map_err(|e| store_error("BatchWriteItem", e))?;
            Ok((Vec::new(), self.of_table(output.unprocessed_items).unwrap_or_default()))
        })
        .await?;
        Ok(())
    }

    /// Eventually consistent reads of the items under `keys`, in one round trip unless throttled.
    async fn batch_get(&self, keys: Vec<Item>) -> StoreResult<Vec<Item>> {
        self.until_processed("BatchGetItem", keys, |keys| async move {
            let request = KeysAndAttributes::builder()
                .set_keys(Some(keys))
                .consistent_read(false)
                .build()
                .map_err(build_error)?;
            let sent = self.client.batch_get_item().request_items(self.table(), request).send().await;
            let output = sent.map_err(|e| store_error("BatchGetItem", e))?;
            let unprocessed = self.of_table(output.unprocessed_keys).map(|left| left.keys);
            Ok((self.of_table(output.responses).unwrap_or_default(), unprocessed.unwrap_or_default()))
        })
        .await
    }

    /// This table's part of a batch call's answer (batch calls answer per table).
    fn of_table<T>(&self, per_table: Option<HashMap<String, T>>) -> Option<T> {
        per_table.and_then(|mut per_table| per_table.remove(self.table()))
    }

    async fn get_item(&self, pk: String, sk: &str, projection: Option<&str>) -> StoreResult<Option<Item>> {
        let mut request =
            self.client.get_item().table_name(self.table()).set_key(Some(keys::of(pk, sk))).consistent_read(true);
        if let Some(attribute) = projection {
            request = request.projection_expression("#attribute").expression_attribute_names("#attribute", attribute);
        }
        let output = request.send().await.map_err(|e| store_error("GetItem", e))?;
        Ok(output.item)
    }

    /// An unconditional put is idempotent: after an attempt whose outcome is unknown, sending it again
    /// until one lands makes the outcome known (within the store's patience).
    async fn put_item(&self, item: Item) -> StoreResult<()> {
        let started = std::time::Instant::now();
        loop {
            let sent = self.client.put_item().table_name(self.table()).set_item(Some(item.clone())).send().await;
            match sent.map_err(|e| write_error("PutItem", e)) {
                Ok(_) => return Ok(()),
                Err(StoreError::Indeterminate(_)) if started.elapsed() < self.patience.settle => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// A query of one of the share indexes, newest first, within the group's partition; the caller
    /// adds the sort-key condition.
    fn share_index_query(&self, index: &str, group: &GroupId) -> QueryFluentBuilder {
        self.client
            .query()
            .table_name(self.table())
            .index_name(index)
            .scan_index_forward(false)
            .expression_attribute_names("#gpk", "gsi1pk")
            .expression_attribute_values(":gpk", s(keys::group(group)))
    }

    /// A page of share records: reads until one record past the page (or the end) is in hand, so
    /// `next` is set only when more follow.
    async fn share_page(
        &self,
        query: QueryFluentBuilder,
        mut start: Option<Item>,
        limit: usize,
    ) -> StoreResult<ShareListPage> {
        let mut items = Vec::new();
        loop {
            let wanted = i32::try_from(limit + 1 - items.len()).unwrap_or(i32::MAX);
            let page = query
                .clone()
                .limit(wanted)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| store_error("Query", e))?;
            items.extend(page.items.unwrap_or_default());
            start = page.last_evaluated_key;
            if start.is_none() || items.len() > limit {
                return Ok(ShareListPage::of(items::share_records(items)?, limit));
            }
        }
    }
}

impl ShareReads for DynamoStore {
    async fn share(&self, id: &ShareId) -> StoreResult<Option<ShareRecord>> {
        // Strongly consistent: an owner who just changed a share reads it back.
        let item = self.get_item(keys::share(id), keys::RECORD_SK, Some("share")).await?;
        item.map(|mut item| read_attribute(&mut item, "share")).transpose()
    }

    async fn published(&self, id: &ShareId) -> StoreResult<Option<PublishedShare>> {
        // An eventually consistent read can see a record beside chunks that a re-publish has
        // already replaced; a strongly consistent one cannot.
        let assembly = match items::assemble(self.share_items(id, false).await?)? {
            Assembly::Missing(_) => items::assemble(self.share_items(id, true).await?)?,
            read => read,
        };
        match assembly {
            Assembly::Absent => Ok(None),
            Assembly::Whole(published) => Ok(Some(*published)),
            Assembly::Missing(piece) => {
                Err(StoreError::Inconsistent(format!("piece {} of {} missing", piece.index, piece.generation)))
            }
        }
    }

    async fn owner_shares(
        &self,
        group: &GroupId,
        owner: &UserId,
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<ShareListPage> {
        let query = self
            .share_index_query(keys::GSI1, group)
            .key_condition_expression("#gpk = :gpk AND begins_with(#gsk, :owner)")
            .expression_attribute_names("#gsk", "gsi1sk")
            .expression_attribute_values(":owner", s(keys::owner_prefix(owner)));
        // The start key is built from the caller's own group and owner: a cursor only moves within them.
        let start = after.map(|cursor| {
            let mut key = keys::of(keys::share(cursor.id()), keys::RECORD_SK);
            key.insert("gsi1pk".into(), s(keys::group(group)));
            key.insert("gsi1sk".into(), s(keys::owner_share(owner, cursor.created_at(), cursor.id())));
            key
        });
        self.share_page(query, start, limit).await
    }

    async fn group_shares(
        &self,
        group: &GroupId,
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<ShareListPage> {
        let query = self.share_index_query(keys::GSI2, group).key_condition_expression("#gpk = :gpk");
        let start = after.map(|cursor| {
            let mut key = keys::of(keys::share(cursor.id()), keys::RECORD_SK);
            key.insert("gsi1pk".into(), s(keys::group(group)));
            key.insert("gsi2sk".into(), s(keys::group_share(cursor.created_at(), cursor.id())));
            key
        });
        self.share_page(query, start, limit).await
    }

    async fn forwarded_to(&self, id: &ShareId) -> StoreResult<Option<ShareId>> {
        let Some(mut item) = self.get_item(keys::share(id), keys::FORWARD_SK, None).await? else { return Ok(None) };
        let expires: i64 = read_attribute(&mut item, "ttl")?;
        // The TTL sweep is lazy; a marker past its time forwards nowhere.
        if expires <= Timestamp::now().as_second() {
            return Ok(None);
        }
        read_attribute(&mut item, "to").map(Some)
    }

    async fn shares_holding(
        &self,
        group: &GroupId,
        owner: &UserId,
        keys: &[SourceKey],
        now: Timestamp,
    ) -> StoreResult<Vec<ShareId>> {
        let mut wanted: BTreeMap<u8, BTreeSet<SourceTag>> = BTreeMap::new();
        for key in keys {
            wanted.entry(key.bucket()).or_default().insert(key.tag());
        }
        let buckets = wanted.iter().map(|(bucket, tags)| async move {
            let query = self
                .partition_query(keys::sources(group, owner, *bucket))
                .key_condition_expression("#pk = :pk")
                .projection_expression("sk, #tags, #expires")
                .expression_attribute_names("#tags", items::SOURCE_TAGS)
                .expression_attribute_names("#expires", items::SOURCE_EXPIRES)
                .consistent_read(true);
            let mut holding = Vec::new();
            for mut item in self.query_all(query).await? {
                let expires: Option<i64> = read_attribute(&mut item, items::SOURCE_EXPIRES).ok();
                let live = expires.is_none_or(|at| at > now.as_second());
                if live && items::source_tags(&item)?.iter().any(|tag| tags.contains(tag)) {
                    holding.push(read_attribute::<ShareId>(&mut item, "sk")?);
                }
            }
            Ok::<_, StoreError>(holding)
        });
        let found = futures_util::future::try_join_all(buckets).await?;
        Ok(found.into_iter().flatten().collect::<BTreeSet<_>>().into_iter().collect())
    }

    async fn idempotency(&self, key_digest: &str) -> StoreResult<Option<IdempotencyRecord>> {
        let Some(item) = self.get_item(keys::idempotency(key_digest), keys::IDEMPOTENCY_SK, None).await? else {
            return Ok(None);
        };
        let entry = IdempotencyItem::read(item, key_digest)?;
        // The TTL sweep is lazy; an entry past its time is gone as far as callers are concerned.
        Ok((entry.expires_at > Timestamp::now()).then_some(entry))
    }
}

impl PolicyReads for DynamoStore {
    async fn sharing_state(
        &self,
        group: &GroupId,
        user: &UserId,
    ) -> StoreResult<(Option<SharingPolicy>, Option<UserPermission>)> {
        let wanted =
            vec![keys::of(keys::group(group), keys::POLICY_SK), keys::of(keys::group(group), keys::user(user))];
        let (mut policy, mut permission) = (None, None);
        for mut item in self.batch_get(wanted).await? {
            match read_attribute::<String>(&mut item, "sk")?.as_str() {
                keys::POLICY_SK => policy = Some(read_attribute(&mut item, "policy")?),
                _ => permission = Some(read_attribute(&mut item, "user")?),
            }
        }
        Ok((policy, permission))
    }

    async fn users(&self, group: &GroupId) -> StoreResult<Vec<UserPermission>> {
        let query = self
            .partition_query(keys::group(group))
            .key_condition_expression("#pk = :pk AND begins_with(#sk, :user)")
            .expression_attribute_names("#sk", "sk")
            .expression_attribute_values(":user", s(keys::USER_SK_PREFIX))
            .consistent_read(true);
        let items = self.query_all(query).await?;
        items.into_iter().map(|mut item| read_attribute(&mut item, "user")).collect()
    }

    async fn permissions(&self, group: &GroupId, users: &[UserId]) -> StoreResult<Vec<UserPermission>> {
        /// BatchGetItem's limit of keys per call.
        const BATCH_GET_LIMIT: usize = 100;
        // BatchGetItem refuses duplicate keys.
        let distinct: std::collections::BTreeSet<&UserId> = users.iter().collect();
        let wanted: Vec<Item> =
            distinct.into_iter().map(|user| keys::of(keys::group(group), keys::user(user))).collect();
        let mut permissions = Vec::with_capacity(wanted.len());
        for batch in wanted.chunks(BATCH_GET_LIMIT) {
            for mut item in self.batch_get(batch.to_vec()).await? {
                permissions.push(read_attribute(&mut item, "user")?);
            }
        }
        Ok(permissions)
    }
}

impl PolicyWrites for DynamoStore {
    async fn put_policy(&self, group: &GroupId, policy: &SharingPolicy) -> StoreResult<()> {
        let mut item = keys::of(keys::group(group), keys::POLICY_SK);
        item.insert("policy".into(), to_attribute_value(policy).map_err(unstorable)?);
        self.put_item(item).await
    }

    async fn put_user(&self, group: &GroupId, user: &UserPermission) -> StoreResult<()> {
        let mut item = keys::of(keys::group(group), keys::user(&user.user_id));
        item.insert("user".into(), to_attribute_value(user).map_err(unstorable)?);
        self.put_item(item).await
    }
}
