//! What only the DynamoDB adapter promises: the item layout `template.yaml` declares, read-capacity
//! accounting, and `Unavailable` (503) when the server is away.

use super::fixtures::*;
#[allow(dead_code, reason = "the benchmarks read more of the meter than this test")]
#[path = "../../benches/support/metering.rs"]
mod metering;
use crate::support::dynamo_local;
use aws_sdk_dynamodb::types::AttributeValue;
use jiff::Timestamp;
use metering::MeteredReads;
use share_core::domain::{GroupId, ShareId, SharingPolicy, UserId, UserPermission};
use share_core::store::{
    DynamoStore, LIST_PAGE_SIZE, PolicyReads, PolicyWrites, Precondition, ShareCommit, ShareReads, ShareWrites,
    StoreError, share_ttl,
};
use std::collections::HashMap;

fn s(item: &HashMap<String, AttributeValue>, name: &str) -> String {
    item.get(name).and_then(|v| v.as_s().ok()).unwrap_or_else(|| panic!("no string `{name}`")).clone()
}

fn n(item: &HashMap<String, AttributeValue>, name: &str) -> i64 {
    item.get(name).and_then(|v| v.as_n().ok()).unwrap_or_else(|| panic!("no number `{name}`")).parse().unwrap()
}

#[tokio::test]
async fn items_follow_the_table_design() {
    let store = dynamo_local::fresh_store().await;
    let mut expiring = record("g1", "alice", at("2026-11-02T09:00:00.5Z"));
    expiring.options.expires_at = Some(at("2027-01-31T00:00:00Z"));
    let (share, chunks) = snapshot_of(expiring, &multi_chunk_events());
    let entry = idempotency_entry("digest", &share.id, a_day_from_now());
    let commit = ShareCommit { idempotency: Some(entry.clone()), ..commit_of(&share, Precondition::Absent) };
    publish(&store, commit, &chunks).await.unwrap();
    let group = GroupId::parse("g1").unwrap();
    store.put_policy(&group, &SharingPolicy::default()).await.unwrap();
    let user = UserPermission { user_id: UserId::parse("alice").unwrap(), email: None, can_share: true, admin: false };
    store.put_user(&group, &user).await.unwrap();

    let items = dynamo_local::scan_all(&store).await;
    let by_key: HashMap<(String, String), &HashMap<String, AttributeValue>> =
        items.iter().map(|item| ((s(item, "pk"), s(item, "sk")), item)).collect();
    let ttl = share_ttl(&share).unwrap();

    let record_item = by_key[&(format!("SHARE#{}", share.id), "RECORD".to_owned())];
    assert_eq!(s(record_item, "generation"), share.generation.as_str());
    assert_eq!(s(record_item, "gsi1pk"), "GROUP#g1");
    assert_eq!(s(record_item, "gsi1sk"), format!("OWNER#alice#2026-11-02T09:00:00.500000000Z#{}", share.id));
    assert_eq!(s(record_item, "gsi2sk"), format!("2026-11-02T09:00:00.500000000Z#{}", share.id));
    assert_eq!(n(record_item, "ttl"), ttl);
    assert!(record_item["share"].is_m() && !record_item.contains_key("chunk"));
    for (piece, bytes) in share.pieces.iter().zip(&chunks) {
        let key = format!("CHUNK#{}#{:04}", piece.generation, piece.index);
        let item = by_key[&(format!("SHARE#{}", share.id), key)];
        assert_eq!(n(item, "ttl"), ttl);
        assert!(n(item, "written") > 0);
        assert_eq!(item["chunk"].as_b().unwrap().as_ref(), bytes.as_slice());
    }
    let idempotency = by_key[&("IDEMPOTENCY#digest".to_owned(), "IDEMPOTENCY".to_owned())];
    assert_eq!(s(idempotency, "bodyDigest"), entry.body_digest);
    assert_eq!(s(idempotency, "shareId"), share.id.as_str());
    assert_eq!(n(idempotency, "ttl"), entry.expires_at.as_second());
    assert!(by_key[&("GROUP#g1".to_owned(), "POLICY".to_owned())]["policy"].is_m());
    assert!(by_key[&("GROUP#g1".to_owned(), "USER#alice".to_owned())]["user"].is_m());
    assert_eq!(items.len(), 4 + share.pieces.len());

    let ttl_spec = store.client().describe_time_to_live().table_name(store.table()).send().await.unwrap();
    assert_eq!(ttl_spec.time_to_live_description().and_then(|d| d.attribute_name()), Some("ttl"));
}

#[tokio::test]
async fn view_reads_report_capacity_and_bytes() {
    let store = dynamo_local::fresh_store().await;
    let (share, _) = publish_new(&store, record("g1", "alice", Timestamp::now()), &multi_chunk_events()).await;
    store.put_policy(&share.group, &SharingPolicy::default()).await.unwrap();
    let metered = MeteredReads::new(store.clone());

    metered.published(&share.id).await.unwrap().unwrap();
    let published_units = metered.consumed_read_units();
    // Eventually consistent: half a unit per 4 KB of the ~1 MB read.
    assert!(published_units > 100.0, "{published_units}");
    assert!(metered.read_response_bytes() > 1_000_000, "{}", metered.read_response_bytes());

    metered.sharing_state(&share.group, &share.owner.user_id).await.unwrap();
    assert!(metered.consumed_read_units() > published_units);

    // Owner routes are not counted.
    metered.reset();
    metered.share(&share.id).await.unwrap().unwrap();
    metered.group_shares(&share.group, None, LIST_PAGE_SIZE).await.unwrap();
    assert_eq!((metered.consumed_read_units(), metered.read_response_bytes()), (0.0, 0));
}

#[tokio::test]
async fn unreachable_server_is_unavailable() {
    // Nothing listens on port 9 (discard) of the loopback interface.
    let store = DynamoStore::connect("http://127.0.0.1:9", "shares").await;
    let result = store.share(&ShareId::generate()).await;
    assert!(matches!(result, Err(StoreError::Unavailable(_))), "{result:?}");
    let (record, _) = snapshot_of(record("g1", "alice", Timestamp::now()), &[]);
    let result = store.commit(commit_of(&record, Precondition::Absent)).await;
    assert!(matches!(result, Err(StoreError::Unavailable(_))), "{result:?}");
}

#[tokio::test]
async fn missing_table_is_rejected() {
    let store = dynamo_local::fresh_store().await;
    let elsewhere = DynamoStore::new(store.client().clone(), "no-such-table");
    let result = elsewhere.share(&ShareId::generate()).await;
    assert!(matches!(result, Err(StoreError::Rejected(_))), "{result:?}");
    let (share, _) = snapshot_of(record("g1", "alice", Timestamp::now()), &[]);
    let result = elsewhere.delete_pieces(&share.id, &share.pieces).await;
    assert!(matches!(result, Err(StoreError::Rejected(_))), "{result:?}");
}

/// The indexes the local table is created with are the ones `template.yaml` deploys.
#[tokio::test]
async fn indexes_match_the_template() {
    let path = format!("{}/template.yaml", env!("CARGO_MANIFEST_DIR"));
    let template: serde_norway::Value = serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let declared = template["Resources"]["SharesTable"]["Properties"]["GlobalSecondaryIndexes"].as_sequence().unwrap();
    let mut from_template: Vec<(String, Vec<String>, Vec<String>)> = declared
        .iter()
        .map(|index| {
            let keys = index["KeySchema"].as_sequence().unwrap().iter();
            let projected = index["Projection"]["NonKeyAttributes"].as_sequence().unwrap().iter();
            (
                index["IndexName"].as_str().unwrap().to_owned(),
                keys.map(|key| key["AttributeName"].as_str().unwrap().to_owned()).collect(),
                projected.map(|name| name.as_str().unwrap().to_owned()).collect(),
            )
        })
        .collect();

    let store = dynamo_local::fresh_store().await;
    let described = store.client().describe_table().table_name(store.table()).send().await.unwrap();
    let mut provisioned: Vec<(String, Vec<String>, Vec<String>)> = described
        .table()
        .unwrap()
        .global_secondary_indexes()
        .iter()
        .map(|index| {
            let projection = index.projection().unwrap();
            (
                index.index_name().unwrap().to_owned(),
                index.key_schema().iter().map(|key| key.attribute_name().to_owned()).collect(),
                projection.non_key_attributes().to_vec(),
            )
        })
        .collect();
    from_template.sort();
    provisioned.sort();
    assert_eq!(provisioned, from_template);
    assert_eq!(provisioned.len(), 2, "by owner and by group");
}
