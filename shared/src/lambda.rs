//! The one way a function runs in Lambda: logs as the environment says, the config with the secrets
//! the function reads at init (beside the store's connection and the function's own rehearsal), one
//! store per execution environment, then the invocations. Each function's `main`
//! is only a call of this, so the tests can run exactly what is deployed.

use crate::secrets::{self, SecretError, SecretName};
use crate::store::DynamoStore;
use crate::{ServiceConfig, logging};
use lambda_http::{Body, Request, Response};

/// `rehearsal` runs beside the store's warm-up during init; `handler` answers each request. The store
/// and the config live as long as the execution environment, so the handler borrows them for ever.
pub async fn run_in_lambda<Handler, Answer>(
    secrets: &[SecretName],
    rehearsal: impl Future<Output = ()>,
    handler: Handler,
) -> Result<(), lambda_http::Error>
where
    Handler: Fn(&'static DynamoStore, &'static ServiceConfig, Request) -> Answer,
    Answer: Future<Output = Response<Body>> + Send,
{
    logging::init_for_lambda();
    let config = ServiceConfig::from_env();
    let store = DynamoStore::from_env(&config.table_name).await?;
    let (config, (), ()) = tokio::join!(with_secrets(config, secrets), store.warm_up(), rehearsal);
    let config = config.inspect_err(|error| tracing::error!(%error, "the function cannot start"))?;
    let store: &'static DynamoStore = Box::leak(Box::new(store));
    let config: &'static ServiceConfig = Box::leak(Box::new(config));
    let answer = |request| {
        let answer = handler(store, config, request);
        async move { Ok::<_, lambda_http::Error>(answer.await) }
    };
    lambda_http::run(lambda_http::service_fn(answer)).await
}

/// The config with each of `names` read as a deployed function reads it: its keys from Secrets
/// Manager (never a development key), and the CDN's origin secret where the CDN is on.
async fn with_secrets(mut config: ServiceConfig, names: &[SecretName]) -> Result<ServiceConfig, SecretError> {
    let read = futures_util::future::try_join_all(names.iter().map(|name| secrets::read_optional(*name))).await?;
    for (name, secret) in names.iter().zip(read) {
        let required = || secret.clone().ok_or_else(|| SecretError::unset(*name));
        match name {
            SecretName::SourceIdKey => config.source_id_secret = required()?.into(),
            SecretName::UnlockCookieKey => config.unlock_cookie_key = required()?.into(),
            SecretName::OriginVerify => config.origin_secret = secret,
        }
    }
    Ok(config)
}
