use lambda_http::{Error, run, service_fn};
use share_core::ServiceConfig;
use share_core::store::DynamoStore;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let config = ServiceConfig::from_env();
    let store = DynamoStore::from_env(&config.table_name).await?;
    store.warm_up().await;
    run(service_fn(|request| async { Ok::<_, Error>(publish_share::handle(&store, &config, request).await) })).await
}
