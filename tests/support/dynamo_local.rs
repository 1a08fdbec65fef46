//! DynamoDB Local for the tests: the server `scripts/test.sh` starts, a fresh table per test.

use aws_sdk_dynamodb::types::AttributeValue;
use share_core::store::DynamoStore;
use std::collections::HashMap;

/// A store on its own new table, so tests never see each other's items.
pub async fn fresh_store() -> DynamoStore {
    let Ok(endpoint) = std::env::var("DYNAMODB_ENDPOINT") else {
        panic!("DYNAMODB_ENDPOINT is not set: run scripts/test.sh, which starts DynamoDB Local");
    };
    let table = format!("shares-test-{}", uuid::Uuid::new_v4().simple());
    let store = DynamoStore::connect(&endpoint, table).await;
    if let Err(err) = store.create_table_if_missing().await {
        panic!("cannot create a table on DynamoDB Local at {endpoint}: {err}");
    }
    store
}

/// Every item of the store's table, read strongly consistent.
pub async fn scan_all(store: &DynamoStore) -> Vec<HashMap<String, AttributeValue>> {
    let mut items = Vec::new();
    let mut start = None;
    loop {
        let page = store
            .client()
            .scan()
            .table_name(store.table())
            .consistent_read(true)
            .set_exclusive_start_key(start)
            .send()
            .await
            .expect("scanning the test table");
        items.extend(page.items.unwrap_or_default());
        start = page.last_evaluated_key;
        if start.is_none() {
            return items;
        }
    }
}
