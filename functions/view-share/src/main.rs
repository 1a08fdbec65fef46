use lambda_http::{Error, run, service_fn};
use share_core::ServiceConfig;
use share_core::store::DynamoStore;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let config = ServiceConfig::from_env();
    let store = DynamoStore::from_env(&config.table_name).await?;
    tokio::join!(store.warm_up(), view_share::rehearse());
    let cache = view_share::ViewCache::new();
    run(service_fn(|request| async { Ok::<_, Error>(view_share::handle(&store, &cache, request).await) })).await
}
