//! One GetItem per invocation: the share record named by the event's `id` path parameter, answered
//! as an HTTP API response. Everything as the SDK and the runtime's documentation set it up.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::AttributeValue;
use lambda_runtime::{Error, LambdaEvent, run, service_fn};
use serde_json::{Value, json};

async fn get_share(client: &Client, table: &str, event: LambdaEvent<Value>) -> Result<Value, Error> {
    let id = event.payload["pathParameters"]["id"].as_str().unwrap_or_default();
    let read = client
        .get_item()
        .table_name(table)
        .key("pk", AttributeValue::S(format!("SHARE#{id}")))
        .key("sk", AttributeValue::S("RECORD".into()))
        .send()
        .await?;
    let status = if read.item().is_some() { 200 } else { 404 };
    Ok(json!({"statusCode": status, "headers": {"content-type": "text/plain"}, "body": id}))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let client = Client::new(&config);
    let table = std::env::var("TABLE_NAME")?;
    run(service_fn(|event| get_share(&client, &table, event))).await
}
