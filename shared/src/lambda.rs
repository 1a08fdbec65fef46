//! The one way a function runs in Lambda: logs as the environment says, the config with the secrets
//! the function may not start without, one store per execution environment with its connection opened
//! (and the function's own rehearsal run) during init, then the invocations. Each function's `main`
//! is only a call of this, so the tests can run exactly what is deployed.

use crate::config::{self, SecretError};
use crate::store::DynamoStore;
use crate::{ServiceConfig, logging};
use lambda_http::{Body, Request, Response};

/// A secret a deployed function refuses to start without: never the public development one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequiredSecret {
    /// `SOURCE_ID_KEY`: publishing keys source ids with it.
    SourceIdKey,
    /// `SHARE_COOKIE_KEY`: viewing and unlocking check and sign unlock cookies with it.
    UnlockCookieKey,
}

/// `rehearsal` runs beside the store's warm-up during init; `handler` answers each request. The store
/// and the config live as long as the execution environment, so the handler borrows them for ever.
pub async fn run_in_lambda<Handler, Answer>(
    secrets: &[RequiredSecret],
    rehearsal: impl Future<Output = ()>,
    handler: Handler,
) -> Result<(), lambda_http::Error>
where
    Handler: Fn(&'static DynamoStore, &'static ServiceConfig, Request) -> Answer,
    Answer: Future<Output = Response<Body>> + Send,
{
    logging::init_for_lambda();
    let config = config_requiring(secrets).inspect_err(|error| tracing::error!(%error, "the function cannot start"))?;
    let store = DynamoStore::from_env(&config.table_name).await?;
    tokio::join!(store.warm_up(), rehearsal);
    let store: &'static DynamoStore = Box::leak(Box::new(store));
    let config: &'static ServiceConfig = Box::leak(Box::new(config));
    let answer = |request| {
        let answer = handler(store, config, request);
        async move { Ok::<_, lambda_http::Error>(answer.await) }
    };
    lambda_http::run(lambda_http::service_fn(answer)).await
}

fn config_requiring(secrets: &[RequiredSecret]) -> Result<ServiceConfig, SecretError> {
    let mut config = ServiceConfig::from_env();
    for secret in secrets {
        match secret {
            RequiredSecret::SourceIdKey => config.source_id_secret = config::source_id_secret_from_env()?,
            RequiredSecret::UnlockCookieKey => config.unlock_cookie_key = config::unlock_cookie_key_from_env()?,
        }
    }
    Ok(config)
}
