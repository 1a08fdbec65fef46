//! The secrets a deployed function reads once, at cold start, from Secrets Manager. The template hands
//! over each secret's ARN, never its value: an environment variable is readable by anyone allowed
//! `lambda:GetFunctionConfiguration`. Tests and the local runner give the value itself instead.

use crate::aws::{self, MissingEnvironment};
use crate::domain::SecretKey;
use aws_sdk_secretsmanager::config::BehaviorVersion;
use std::sync::OnceLock;
use std::time::Duration;

/// A secret a function may need, by the variables that name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretName {
    /// Source ids are keyed with it (publishing).
    SourceIdKey,
    /// Unlock cookies are signed and checked with it (viewing, unlocking).
    UnlockCookieKey,
    /// The header the CDN adds to every request it forwards (viewing, unlocking, with the CDN on).
    OriginVerify,
}

impl SecretName {
    /// The variable holding the secret's ARN (a deployed function's).
    pub fn arn_variable(self) -> &'static str {
        match self {
            Self::SourceIdKey => "SOURCE_ID_KEY_ARN",
            Self::UnlockCookieKey => "SHARE_COOKIE_KEY_ARN",
            Self::OriginVerify => "ORIGIN_SECRET_ARN",
        }
    }

    /// The variable holding the value itself (tests, the local runner).
    pub fn value_variable(self) -> &'static str {
        match self {
            Self::SourceIdKey => "SOURCE_ID_KEY",
            Self::UnlockCookieKey => "SHARE_COOKIE_KEY",
            Self::OriginVerify => "ORIGIN_SECRET",
        }
    }
}

/// Why a secret cannot be had.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("neither {arn} nor {value} is set")]
    Unset { arn: &'static str, value: &'static str },
    #[error("{variable}: {reason}")]
    Unusable { variable: &'static str, reason: String },
}

fn set(variable: &str) -> Option<String> {
    std::env::var(variable).ok().filter(|value| !value.is_empty())
}

fn key(variable: &'static str, text: &str) -> Result<SecretKey, SecretError> {
    SecretKey::new(text.as_bytes()).map_err(|reason| SecretError::Unusable { variable, reason })
}

/// The secret, read from Secrets Manager when its ARN is set, else from its value variable; `None`
/// when neither is set (an empty variable counts as unset).
pub async fn read_optional(name: SecretName) -> Result<Option<SecretKey>, SecretError> {
    let Some(arn) = set(name.arn_variable()) else { return from_value_variable(name) };
    let variable = name.arn_variable();
    let text = from_secrets_manager(&arn).await.map_err(|reason| SecretError::Unusable { variable, reason })?;
    key(variable, &text).map(Some)
}

/// The secret its value variable holds (tests, the local runner), if any.
pub fn from_value_variable(name: SecretName) -> Result<Option<SecretKey>, SecretError> {
    set(name.value_variable()).map(|text| key(name.value_variable(), &text)).transpose()
}

impl SecretError {
    pub fn unset(name: SecretName) -> Self {
        Self::Unset { arn: name.arn_variable(), value: name.value_variable() }
    }
}

/// One `GetSecretValue` of the secret's current version, with the execution role's credentials.
async fn from_secrets_manager(arn: &str) -> Result<String, String> {
    let client = match CLIENT.get() {
        Some(client) => client,
        None => {
            let client = client().map_err(|missing| missing.to_string())?;
            CLIENT.get_or_init(|| client)
        }
    };
    let secret = client.get_secret_value().secret_id(arn).send().await.map_err(|error| {
        // The cause chain names the failure (access denied, not found); never the value.
        let mut reason = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            reason = format!("{reason}: {cause}");
            source = cause.source();
        }
        reason
    })?;
    secret.secret_string.ok_or_else(|| "the secret holds no string".to_owned())
}

/// One client for the secrets a cold start reads side by side.
static CLIENT: OnceLock<aws_sdk_secretsmanager::Client> = OnceLock::new();

fn client() -> Result<aws_sdk_secretsmanager::Client, MissingEnvironment> {
    let (region, credentials) = aws::lambda_identity()?;
    let mut config = aws_sdk_secretsmanager::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .http_client(aws::https_client())
        .region(region)
        .credentials_provider(credentials)
        .timeout_config(
            aws_sdk_secretsmanager::config::timeout::TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(1))
                .operation_timeout(Duration::from_secs(4))
                .build(),
        );
    if let Some(endpoint) = aws::endpoint_override("AWS_ENDPOINT_URL_SECRETS_MANAGER") {
        config = config.endpoint_url(endpoint);
    }
    Ok(aws_sdk_secretsmanager::Client::from_conf(config.build()))
}
