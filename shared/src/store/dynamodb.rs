//! DynamoDB adapter (being written).

#[derive(Debug, Clone)]
pub struct DynamoStore;
