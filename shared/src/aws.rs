//! What every AWS client of a function shares: TLS (rustls on ring, trusting AWS's roots) and the
//! region and credentials Lambda hands over in the environment. No `aws-config`: its provider chain
//! (profiles, SSO, STS, IMDS) would only add size and start-up work.

use aws_sdk_dynamodb::config::{Credentials, Region, SharedHttpClient};
use aws_smithy_http_client::Connector;
use aws_smithy_http_client::tls::{Provider, TlsContext, TrustStore, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::HttpConnectorSettings;
use std::time::Duration;

/// What the functions read from the environment Lambda gives them.
#[derive(Debug, thiserror::Error)]
#[error("{0} is not set: the functions read the region and credentials from the environment Lambda gives them")]
pub struct MissingEnvironment(pub &'static str);

/// The region and the execution role's credentials, from Lambda's environment.
pub fn lambda_identity() -> Result<(Region, Credentials), MissingEnvironment> {
    let var = |name: &'static str| std::env::var(name).map_err(|_| MissingEnvironment(name));
    let credentials = Credentials::new(
        var("AWS_ACCESS_KEY_ID")?,
        var("AWS_SECRET_ACCESS_KEY")?,
        std::env::var("AWS_SESSION_TOKEN").ok(),
        None,
        "lambda-environment",
    );
    Ok((Region::new(var("AWS_REGION")?), credentials))
}

/// The endpoint the SDK's own variables name for `service` (an emulator under `sam local`, or a
/// test's), else none: the service's public endpoint.
pub fn endpoint_override(service_variable: &str) -> Option<String> {
    std::env::var(service_variable).or_else(|_| std::env::var("AWS_ENDPOINT_URL")).ok()
}

/// HTTPS on rustls and ring, trusting AWS's roots.
pub fn https_client() -> SharedHttpClient {
    aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .tls_context(tls_context())
        .build_https()
}

/// The connector `https_client` hands an SDK client, for a call made without one (the secrets'):
/// the same hyper client, TLS and roots, so the binary links them once.
pub fn https_connector(connect_timeout: Duration) -> Connector {
    Connector::builder()
        .connector_settings(HttpConnectorSettings::builder().connect_timeout(connect_timeout).build())
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .tls_context(tls_context())
        .build()
}

fn tls_context() -> TlsContext {
    TlsContext::builder().with_trust_store(trust_store()).build().expect("a valid TLS context")
}

/// The roots AWS's service endpoints chain to: Amazon Trust Services' four, and the Starfield root
/// that cross-signs them (copied from Debian's ca-certificates). Trusting these alone, instead of
/// reading and parsing the system's 140-odd roots, takes several milliseconds off every cold start
/// (docs/benchmarks.md). `SSL_CERT_FILE` or `SSL_CERT_DIR` in the environment bring the system's
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
