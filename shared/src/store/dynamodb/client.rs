//! The DynamoDB client every store is built on: retries, timeouts, and TLS.

use aws_sdk_dynamodb::config::BehaviorVersion;
use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::config::timeout::TimeoutConfig;
use std::time::Duration;

/// How long the store waits for DynamoDB. The defaults fit a request, with the store's finding out
/// after an unknown outcome, inside the functions' ten-second timeout; tests shorten them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Patience {
    /// One attempt of a call.
    pub attempt: Duration,
    /// A call with its retries (the SDK makes up to three attempts).
    pub call: Duration,
    /// After a write whose outcome is unknown, how long the store keeps finding out what happened.
    pub settle: Duration,
    /// How old a pending chunk must be before a later write sweeps it: older than any attempt that
    /// may still commit it (a commit that comes later fails whole, so this is courtesy, not safety).
    pub sweep_after: Duration,
}

impl Default for Patience {
    fn default() -> Self {
        Self {
            attempt: Duration::from_secs(2),
            call: Duration::from_secs(3),
            settle: Duration::from_secs(3),
            sweep_after: Duration::from_secs(60),
        }
    }
}

impl Patience {
    /// The defaults, with any of `STORE_ATTEMPT_TIMEOUT_MS`, `STORE_CALL_TIMEOUT_MS`,
    /// `STORE_SETTLE_MS` and `STORE_SWEEP_AFTER_MS` from the environment in their place.
    pub fn from_env() -> Self {
        let millis = |name: &str, default: Duration| {
            std::env::var(name).ok().and_then(|v| v.parse().ok()).map_or(default, Duration::from_millis)
        };
        let defaults = Self::default();
        Self {
            attempt: millis("STORE_ATTEMPT_TIMEOUT_MS", defaults.attempt),
            call: millis("STORE_CALL_TIMEOUT_MS", defaults.call),
            settle: millis("STORE_SETTLE_MS", defaults.settle),
            sweep_after: millis("STORE_SWEEP_AFTER_MS", defaults.sweep_after),
        }
    }
}

/// Retries and timeouts for every client: the SDK makes up to three attempts at throttled and
/// transient failures (reusing a transaction's ClientRequestToken, so a retried commit is not
/// applied twice), within the patience given.
///
/// TLS and credentials as every AWS client of ours has them (`crate::aws`).
pub(super) fn client_config(patience: &Patience) -> aws_sdk_dynamodb::config::Builder {
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(1).min(patience.attempt))
        .operation_attempt_timeout(patience.attempt)
        .operation_timeout(patience.call)
        .build();
    aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .http_client(crate::aws::https_client())
        .retry_config(RetryConfig::standard().with_max_attempts(3))
        .timeout_config(timeouts)
}
