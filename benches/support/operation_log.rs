//! What each DynamoDB operation of a store costs: the benchmarks' one SDK interceptor, which asks for
//! the consumed capacity of every read and write and logs it with the operation's time and response
//! bytes, so that a benchmark can say which operations a handler call's time and units are made of.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::interceptors::{
    BeforeSerializationInterceptorContextMut, BeforeSerializationInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use aws_sdk_dynamodb::operation::batch_get_item::{BatchGetItemInput, BatchGetItemOutput};
use aws_sdk_dynamodb::operation::batch_write_item::{BatchWriteItemInput, BatchWriteItemOutput};
use aws_sdk_dynamodb::operation::delete_item::{DeleteItemInput, DeleteItemOutput};
use aws_sdk_dynamodb::operation::get_item::{GetItemInput, GetItemOutput};
use aws_sdk_dynamodb::operation::put_item::{PutItemInput, PutItemOutput};
use aws_sdk_dynamodb::operation::query::{QueryInput, QueryOutput};
use aws_sdk_dynamodb::operation::transact_write_items::{TransactWriteItemsInput, TransactWriteItemsOutput};
use aws_sdk_dynamodb::types::{ConsumedCapacity, ReturnConsumedCapacity};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use share_core::store::DynamoStore;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// One DynamoDB operation: how long it took (retries and all) and the capacity DynamoDB reported
/// (read units for reads, write units for writes).
#[derive(Debug, Clone)]
pub struct LoggedOperation {
    pub name: String,
    pub millis: f64,
    pub units: f64,
    pub response_bytes: u64,
}

impl LoggedOperation {
    pub fn is_read(&self) -> bool {
        matches!(self.name.as_str(), "GetItem" | "Query" | "BatchGetItem" | "Scan")
    }
}

/// Every operation a store's client sends, with its time and capacity: what one handler call's
/// figures are made of.
#[derive(Debug, Default)]
pub struct OperationLog {
    /// When each operation in flight started, by the address of its config bag: the SDK keeps one
    /// bag per operation, in place, from before execution to after it.
    started: Mutex<HashMap<usize, Instant>>,
    operations: Mutex<Vec<LoggedOperation>>,
}

impl OperationLog {
    /// A store on the same client configuration as `store` (its interceptors kept) that also logs.
    pub fn over(store: &DynamoStore) -> (DynamoStore, Arc<Self>) {
        let log = Arc::new(Self::default());
        let config = store.client().config().to_builder().interceptor(Logging(log.clone())).build();
        (DynamoStore::new(Client::from_conf(config), store.table()), log)
    }

    pub fn take(&self) -> Vec<LoggedOperation> {
        std::mem::take(&mut self.operations.lock().unwrap())
    }

    /// The read units of the reads logged since the last `take`, summed (writes report write units).
    pub fn read_units(&self) -> f64 {
        let operations = self.operations.lock().unwrap();
        operations.iter().filter(|operation| operation.is_read()).map(|operation| operation.units).sum()
    }

    /// The response bytes of the operations logged since the last `take`, summed.
    pub fn response_bytes(&self) -> u64 {
        self.operations.lock().unwrap().iter().map(|operation| operation.response_bytes).sum()
    }
}

#[derive(Debug)]
struct Logging(Arc<OperationLog>);

fn bag_address(cfg: &ConfigBag) -> usize {
    std::ptr::from_ref(cfg) as usize
}

impl Intercept for Logging {
    fn name(&self) -> &'static str {
        "LogOperations"
    }

    fn read_before_execution(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.started.lock().unwrap().insert(bag_address(cfg), Instant::now());
        Ok(())
    }

    fn modify_before_serialization(
        &self,
        context: &mut BeforeSerializationInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let total = Some(ReturnConsumedCapacity::Total);
        let input = context.input_mut();
        if let Some(query) = input.downcast_mut::<QueryInput>() {
            query.return_consumed_capacity = total;
        } else if let Some(batch) = input.downcast_mut::<BatchGetItemInput>() {
            batch.return_consumed_capacity = total;
        } else if let Some(get) = input.downcast_mut::<GetItemInput>() {
            get.return_consumed_capacity = total;
        } else if let Some(transaction) = input.downcast_mut::<TransactWriteItemsInput>() {
            transaction.return_consumed_capacity = total;
        } else if let Some(batch) = input.downcast_mut::<BatchWriteItemInput>() {
            batch.return_consumed_capacity = total;
        } else if let Some(put) = input.downcast_mut::<PutItemInput>() {
            put.return_consumed_capacity = total;
        } else if let Some(delete) = input.downcast_mut::<DeleteItemInput>() {
            delete.return_consumed_capacity = total;
        }
        Ok(())
    }

    fn read_after_execution(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(started) = self.0.started.lock().unwrap().remove(&bag_address(cfg)) else { return Ok(()) };
        let millis = started.elapsed().as_secs_f64() * 1000.0;
        let name = cfg.load::<Metadata>().map_or("?", Metadata::name).to_owned();
        let capacity: Vec<&ConsumedCapacity> = match context.output_or_error() {
            Some(Ok(output)) => {
                if let Some(query) = output.downcast_ref::<QueryOutput>() {
                    query.consumed_capacity.iter().collect()
                } else if let Some(batch) = output.downcast_ref::<BatchGetItemOutput>() {
                    batch.consumed_capacity().iter().collect()
                } else if let Some(get) = output.downcast_ref::<GetItemOutput>() {
                    get.consumed_capacity.iter().collect()
                } else if let Some(transaction) = output.downcast_ref::<TransactWriteItemsOutput>() {
                    transaction.consumed_capacity().iter().collect()
                } else if let Some(batch) = output.downcast_ref::<BatchWriteItemOutput>() {
                    batch.consumed_capacity().iter().collect()
                } else if let Some(put) = output.downcast_ref::<PutItemOutput>() {
                    put.consumed_capacity.iter().collect()
                } else if let Some(delete) = output.downcast_ref::<DeleteItemOutput>() {
                    delete.consumed_capacity.iter().collect()
                } else {
                    Vec::new()
                }
            }
            _ => Vec::new(),
        };
        let units = capacity.into_iter().filter_map(ConsumedCapacity::capacity_units).sum();
        let response_bytes = context.response().and_then(|response| response.body().bytes()).map_or(0, <[u8]>::len);
        let response_bytes = response_bytes as u64;
        self.0.operations.lock().unwrap().push(LoggedOperation { name, millis, units, response_bytes });
        Ok(())
    }
}
