//! Opening the DynamoDB connection during a function's init, where Lambda gives the full CPU, so
//! the first request does not pay for DNS, TCP and TLS at 128 MB.

use super::DynamoStore;
use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::config::timeout::TimeoutConfig;
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// A key outside every prefix of the table's key design, so the read never finds an item.
const WARM_UP_KEY: &str = "WARM-UP";

/// Long enough for a cold TLS handshake, short enough that an unreachable DynamoDB costs the
/// init phase little: the request path connects and retries on its own.
const WARM_UP_TIMEOUT: Duration = Duration::from_secs(2);

impl DynamoStore {
    /// Opens the client's pooled connections with the reads every function makes (GetItem, Query
    /// and BatchGetItem, which every function's policy allows), of a key that never exists, side by
    /// side: the first request then finds both the connection and each operation's code warm.
    /// Never fails: a failure is logged and left to the request path, which retries as it would have.
    pub async fn warm_up(&self) {
        let started = Instant::now();
        // Only the operation timeout: the SDK keeps one connection pool per connect and read
        // timeout, so the warm-up must leave those as the client has them to warm the requests' pool.
        let once = || {
            aws_sdk_dynamodb::config::Builder::default()
                .retry_config(RetryConfig::disabled())
                .timeout_config(TimeoutConfig::builder().operation_timeout(WARM_UP_TIMEOUT).build())
        };
        let key = || {
            HashMap::from([
                ("pk".to_owned(), AttributeValue::S(WARM_UP_KEY.into())),
                ("sk".to_owned(), AttributeValue::S(WARM_UP_KEY.into())),
            ])
        };
        let client = self.client();
        let get = client
            .get_item()
            .table_name(self.table())
            .set_key(Some(key()))
            .projection_expression("pk")
            .customize()
            .config_override(once())
            .send();
        let query = client
            .query()
            .table_name(self.table())
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", AttributeValue::S(WARM_UP_KEY.into()))
            .customize()
            .config_override(once())
            .send();
        let keys = KeysAndAttributes::builder().keys(key()).projection_expression("pk").build();
        let batch = match keys {
            Ok(keys) => Some(
                client.batch_get_item().request_items(self.table(), keys).customize().config_override(once()).send(),
            ),
            Err(_) => None,
        };
        let (get, query, batch) = tokio::join!(get, query, async {
            match batch {
                Some(batch) => batch.await.map(|_| ()).map_err(|e| DisplayErrorContext(e).to_string()),
                None => Ok(()),
            }
        });
        let elapsed_ms = started.elapsed().as_millis() as u64;
        let failure = [
            get.map(|_| ()).map_err(|e| DisplayErrorContext(e).to_string()),
            query.map(|_| ()).map_err(|e| DisplayErrorContext(e).to_string()),
            batch,
        ]
        .into_iter()
        .find_map(Result::err);
        match failure {
            None => tracing::info!(elapsed_ms, "DynamoDB connection opened during init"),
            Some(error) => tracing::warn!(elapsed_ms, error, "DynamoDB warm-up failed; requests will connect"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    /// A DynamoDB that takes connections and never answers holds init up for the warm-up's
    /// timeout, not for the client's attempts and retries.
    #[tokio::test]
    async fn an_unanswering_dynamodb_holds_init_up_for_the_timeout_only() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let silent = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((connection, _)) = listener.accept().await {
                held.push(connection);
            }
        });
        let store = DynamoStore::connect(&endpoint, "shares").await;
        let started = Instant::now();
        store.warm_up().await;
        let elapsed = started.elapsed();
        silent.abort();
        assert!(elapsed >= WARM_UP_TIMEOUT && elapsed < Duration::from_secs(3), "{elapsed:?}");
    }
}
