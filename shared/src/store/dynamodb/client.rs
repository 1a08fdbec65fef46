//! The DynamoDB client every store is built on: retries, timeouts, and TLS.

use aws_sdk_dynamodb::config::BehaviorVersion;
use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::config::timeout::TimeoutConfig;
use aws_smithy_http_client::tls::{Provider, TlsContext, TrustStore, rustls_provider::CryptoMode};
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
/// The client is built without `aws-config`: Lambda hands the region and the role's credentials over
/// in the environment, so its provider chain (profiles, SSO, STS, IMDS) would only add size and
/// start-up work. TLS is rustls on ring, the one stack every function links.
pub(super) fn client_config(patience: &Patience) -> aws_sdk_dynamodb::config::Builder {
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(1).min(patience.attempt))
        .operation_attempt_timeout(patience.attempt)
        .operation_timeout(patience.call)
        .build();
    let tls = TlsContext::builder().with_trust_store(trust_store()).build().expect("a valid TLS context");
    let https = aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .tls_context(tls)
        .build_https();
    aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .http_client(https)
        .retry_config(RetryConfig::standard().with_max_attempts(3))
        .timeout_config(timeouts)
}

/// The roots AWS's service endpoints chain to: Amazon Trust Services' four, and the Starfield root
/// that cross-signs them (copied from Debian's ca-certificates). Trusting these alone, instead of
/// reading and parsing the system's 140-odd roots, takes several milliseconds off every cold start
/// (README: Benchmarks). `SSL_CERT_FILE` or `SSL_CERT_DIR` in the environment bring the system's
/// roots back, for a network that inspects TLS with its own.
const AWS_ROOT_CERTIFICATES: &[u8] = include_bytes!("aws-root-certificates.pem");

fn trust_store() -> TrustStore {
    if std::env::var_os("SSL_CERT_FILE").is_some() || std::env::var_os("SSL_CERT_DIR").is_some() {
        TrustStore::default()
    } else {
        TrustStore::empty().with_pem_certificate(AWS_ROOT_CERTIFICATES)
    }
}

#[cfg(test)]
mod tests {
    use super::AWS_ROOT_CERTIFICATES;
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;

    /// The client adds each bundled root as rustls does (`RootCertStore::add`), on the first
    /// connection: every one must parse as a trust anchor, or that connection would panic.
    #[test]
    fn every_bundled_root_is_a_trust_anchor() {
        let roots: Vec<CertificateDer> =
            CertificateDer::pem_slice_iter(AWS_ROOT_CERTIFICATES).collect::<Result<_, _>>().expect("PEM");
        assert_eq!(roots.len(), 5, "Amazon Root CA 1 to 4 and Starfield Services Root CA G2");
        for root in &roots {
            webpki::anchor_from_trusted_cert(root).expect("a trust anchor");
        }
    }
}
