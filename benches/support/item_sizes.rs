//! What a benchmark's table holds, sized as DynamoDB sizes items (for its 400 KB item limit and its
//! capacity units): the source index items and a share's items.

use aws_sdk_dynamodb::types::AttributeValue;
use share_core::domain::ShareId;
use share_core::store::DynamoStore;
use std::collections::HashMap;

/// DynamoDB's size of an item: each attribute's name plus its value (numbers approximately).
pub fn item_bytes(item: &HashMap<String, AttributeValue>) -> usize {
    item.iter().map(|(name, value)| name.len() + value_bytes(value)).sum()
}

fn value_bytes(value: &AttributeValue) -> usize {
    match value {
        AttributeValue::S(text) => text.len(),
        AttributeValue::N(number) => number.trim_start_matches('-').len().div_ceil(2) + 1,
        AttributeValue::B(blob) => blob.as_ref().len(),
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::L(values) => 3 + values.iter().map(|v| 1 + value_bytes(v)).sum::<usize>(),
        AttributeValue::M(map) => 3 + map.iter().map(|(k, v)| 1 + k.len() + value_bytes(v)).sum::<usize>(),
        other => panic!("an attribute type the service does not store: {other:?}"),
    }
}

/// The sort key and size of each item in share `id`'s partition (its record, its chunks).
pub async fn share_item_sizes(store: &DynamoStore, id: &ShareId) -> Vec<(String, usize)> {
    let page = store
        .client()
        .query()
        .table_name(store.table())
        .key_condition_expression("pk = :share")
        .expression_attribute_values(":share", AttributeValue::S(format!("SHARE#{id}")))
        .send()
        .await
        .unwrap();
    assert!(page.last_evaluated_key.is_none(), "a 250-event share is one page");
    let sort_key = |item: &HashMap<String, AttributeValue>| item["sk"].as_s().unwrap().clone();
    page.items().iter().map(|item| (sort_key(item), item_bytes(item))).collect()
}

/// Every source index item in the table (pk beginning with `SOURCES#`): its bucket's partition key,
/// its share and its size.
pub async fn source_index_items(store: &DynamoStore) -> Vec<(String, String, usize)> {
    let mut items = Vec::new();
    let mut start = None;
    loop {
        let page = store
            .client()
            .scan()
            .table_name(store.table())
            .filter_expression("begins_with(pk, :sources)")
            .expression_attribute_values(":sources", AttributeValue::S("SOURCES#".into()))
            .set_exclusive_start_key(start)
            .send()
            .await
            .unwrap();
        for item in page.items() {
            let key = |name: &str| item[name].as_s().unwrap().clone();
            items.push((key("pk"), key("sk"), item_bytes(item)));
        }
        start = page.last_evaluated_key;
        if start.is_none() {
            return items;
        }
    }
}
