//! An SDK interceptor that records which IAM actions, on which resource, every DynamoDB call of a
//! store needs: the least-privilege test hands each function's handler a store that records, and
//! compares what it saw with the function's policy in `template.yaml`.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::interceptors::BeforeSerializationInterceptorContextMut;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use aws_sdk_dynamodb::operation::batch_write_item::BatchWriteItemInput;
use aws_sdk_dynamodb::operation::delete_item::DeleteItemInput;
use aws_sdk_dynamodb::operation::put_item::PutItemInput;
use aws_sdk_dynamodb::operation::query::QueryInput;
use aws_sdk_dynamodb::operation::scan::ScanInput;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsInput;
use aws_sdk_dynamodb::operation::update_item::UpdateItemInput;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_smithy_runtime_api::client::interceptors::context::Input;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use share_core::store::DynamoStore;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// An IAM action (`dynamodb:…`) and the resource it acts on: `table`, or `index/NAME`.
pub type Grant = (String, String);

#[derive(Debug, Default)]
pub struct OperationRecorder {
    grants: Mutex<BTreeSet<Grant>>,
    /// The partition key of every item a write touched (what `dynamodb:LeadingKeys` conditions see).
    written_partitions: Mutex<BTreeSet<String>>,
    operations: Mutex<BTreeSet<String>>,
    fail_conditional_puts: AtomicBool,
}

impl OperationRecorder {
    /// A store on the same table as `store` whose client reports every call to a new recorder.
    pub fn over(store: &DynamoStore) -> (DynamoStore, Arc<Self>) {
        let recorder = Arc::new(Self::default());
        let config = store.client().config().to_builder().interceptor(Recording(recorder.clone())).build();
        (DynamoStore::new(Client::from_conf(config), store.table()), recorder)
    }

    /// The IAM actions the recorded calls need, each with its resource.
    pub fn grants(&self) -> BTreeSet<Grant> {
        self.grants.lock().unwrap().clone()
    }

    /// The partition keys of every item written, updated or deleted.
    pub fn written_partitions(&self) -> BTreeSet<String> {
        self.written_partitions.lock().unwrap().clone()
    }

    /// The operations sent, by SDK name (`TransactWriteItems`, …).
    pub fn operations(&self) -> BTreeSet<String> {
        self.operations.lock().unwrap().clone()
    }

    /// While set, every conditional Put in a transaction also requires its item to be absent, so a
    /// replace fails at commit as if another writer had won the race: the failure DynamoDB itself
    /// reports, after the chunks of the new snapshot were written.
    pub fn fail_conditional_puts(&self, fail: bool) {
        self.fail_conditional_puts.store(fail, Ordering::SeqCst);
    }
}

fn table(action: &str) -> Grant {
    (format!("dynamodb:{action}"), "table".to_owned())
}

/// What IAM authorises for a call, per the Service Authorization Reference: most operations are
/// their own action; `TransactWriteItems` is not an action at all, it needs the action of each item
/// it carries (Put -> PutItem, Delete -> DeleteItem, Update -> UpdateItem, ConditionCheck ->
/// ConditionCheckItem); a Query or Scan of an index acts on the index's ARN.
fn grants_of(operation: &str, input: &Input) -> Vec<Grant> {
    if let Some(transaction) = input.downcast_ref::<TransactWriteItemsInput>() {
        return transaction
            .transact_items()
            .iter()
            .flat_map(|item| {
                [
                    item.put().map(|_| "PutItem"),
                    item.delete().map(|_| "DeleteItem"),
                    item.update().map(|_| "UpdateItem"),
                    item.condition_check().map(|_| "ConditionCheckItem"),
                ]
            })
            .flatten()
            .map(table)
            .collect();
    }
    let index = input
        .downcast_ref::<QueryInput>()
        .and_then(|query| query.index_name())
        .or_else(|| input.downcast_ref::<ScanInput>().and_then(|scan| scan.index_name()));
    match (operation, index) {
        ("TransactGetItems", _) => vec![table("GetItem")],
        (_, Some(index)) => vec![(format!("dynamodb:{operation}"), format!("index/{index}"))],
        (_, None) => vec![table(operation)],
    }
}

/// The partition keys of the items a write request touches.
fn written_partitions(input: &Input) -> Vec<String> {
    type Key<'a> = Option<&'a std::collections::HashMap<String, AttributeValue>>;
    let pk = |key: Key<'_>| match key.and_then(|key| key.get("pk")) {
        Some(AttributeValue::S(pk)) => Some(pk.clone()),
        _ => None,
    };
    if let Some(transaction) = input.downcast_ref::<TransactWriteItemsInput>() {
        return transaction
            .transact_items()
            .iter()
            .filter_map(|item| {
                pk(item.put().map(|put| put.item()))
                    .or_else(|| pk(item.delete().map(|delete| delete.key())))
                    .or_else(|| pk(item.update().map(|update| update.key())))
            })
            .collect();
    }
    if let Some(batch) = input.downcast_ref::<BatchWriteItemInput>() {
        let requests = batch.request_items().map(|items| items.values().flatten().collect::<Vec<_>>());
        return requests
            .unwrap_or_default()
            .into_iter()
            .filter_map(|request| {
                pk(request.put_request().map(|put| put.item()))
                    .or_else(|| pk(request.delete_request().map(|d| d.key())))
            })
            .collect();
    }
    let single = [
        input.downcast_ref::<PutItemInput>().and_then(|put| pk(put.item())),
        input.downcast_ref::<UpdateItemInput>().and_then(|update| pk(update.key())),
        input.downcast_ref::<DeleteItemInput>().and_then(|delete| pk(delete.key())),
    ];
    single.into_iter().flatten().collect()
}

#[derive(Debug)]
struct Recording(Arc<OperationRecorder>);

impl Intercept for Recording {
    fn name(&self) -> &'static str {
        "RecordOperations"
    }

    // Once per operation (not per attempt), before the input is serialised.
    fn modify_before_serialization(
        &self,
        context: &mut BeforeSerializationInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = cfg.load::<Metadata>().expect("every operation names itself").name().to_owned();
        let grants = grants_of(&operation, context.input());
        self.0.grants.lock().unwrap().extend(grants);
        self.0.written_partitions.lock().unwrap().extend(written_partitions(context.input()));
        self.0.operations.lock().unwrap().insert(operation);
        if self.0.fail_conditional_puts.load(Ordering::SeqCst)
            && let Some(transaction) = context.input_mut().downcast_mut::<TransactWriteItemsInput>()
        {
            let puts = transaction.transact_items.iter_mut().flatten().filter_map(|item| item.put.as_mut());
            for put in puts.filter(|put| put.condition_expression.is_some()) {
                let condition = put.condition_expression.take().unwrap_or_default();
                put.condition_expression = Some(format!("({condition}) AND attribute_not_exists(#recorder_pk)"));
                put.expression_attribute_names.get_or_insert_default().insert("#recorder_pk".into(), "pk".into());
            }
        }
        Ok(())
    }
}
