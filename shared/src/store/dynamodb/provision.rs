//! Creating the table as `template.yaml` declares it, for the local runner, the tests and the
//! benchmarks; the functions never provision (CloudFormation does).

use super::errors::{build_error, store_error};
use super::{DynamoStore, keys};
use crate::store::{StoreError, StoreResult};
use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType, TableStatus, TimeToLiveSpecification, TimeToLiveStatus,
};
use std::time::Duration;

impl DynamoStore {
    /// Creates the table (for local runs), then makes sure TTL is on.
    pub async fn create_table_if_missing(&self) -> StoreResult<()> {
        if self.table_status().await?.is_none() {
            let created = self
                .client
                .create_table()
                .table_name(self.table())
                .billing_mode(BillingMode::PayPerRequest)
                .set_attribute_definitions(Some(
                    ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2sk"]
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
                .global_secondary_indexes(share_index(keys::GSI1, "gsi1sk")?)
                .global_secondary_indexes(share_index(keys::GSI2, "gsi2sk")?)
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
}

/// An index over the group's share records, holding the record as its only attribute.
fn share_index(name: &str, sort_key: &str) -> StoreResult<GlobalSecondaryIndex> {
    GlobalSecondaryIndex::builder()
        .index_name(name)
        .set_key_schema(Some(key_schema("gsi1pk", sort_key)?))
        .projection(Projection::builder().projection_type(ProjectionType::Include).non_key_attributes("share").build())
        .build()
        .map_err(build_error)
}

fn key_schema(hash: &str, range: &str) -> StoreResult<Vec<KeySchemaElement>> {
    [(hash, KeyType::Hash), (range, KeyType::Range)]
        .into_iter()
        .map(|(name, key_type)| {
            KeySchemaElement::builder().attribute_name(name).key_type(key_type).build().map_err(build_error)
        })
        .collect()
}
