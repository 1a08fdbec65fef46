//! Real sign-in for the runner: bearer tokens checked as API Gateway's JWT authorizer checks them,
//! against an OpenID Connect issuer's keys (found through its discovery document). RS256 and ES256
//! only (no `none`, no HS*); the key comes from the issuer's key set by `kid`, never from the token
//! (`jwk`, `jku` are ignored); `iss`, `aud`, `exp` and `nbf` are checked. A token with an unknown
//! `kid` makes it fetch the key set again, at most once a refetch interval (a minute).

use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, JwkSet, KeyAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// How long a key set stands before an unknown `kid` may fetch it again.
pub const REFETCH_INTERVAL: Duration = Duration::from_secs(60);
/// A discovery document or key set is small; a larger answer is not one.
const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

type HttpsClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, Empty<bytes::Bytes>>;

pub struct OidcVerifier {
    issuer: String,
    audience: String,
    jwks_uri: String,
    client: HttpsClient,
    refetch_interval: Duration,
    keys: Mutex<KeySet>,
}

struct KeySet {
    by_kid: HashMap<String, (Algorithm, DecodingKey)>,
    fetched_at: Instant,
}

/// Whether `url` is `https://`, or `http://` on a loopback host (a test's issuer).
fn allowed(url: &str) -> bool {
    if url.starts_with("https://") {
        return true;
    }
    let Some(rest) = url.strip_prefix("http://") else { return false };
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    let host = host.rsplit_once(':').filter(|(_, port)| port.parse::<u16>().is_ok()).map_or(host, |(host, _)| host);
    matches!(host, "localhost" | "[::1]") || host.parse::<std::net::Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

impl OidcVerifier {
    /// The issuer's discovery document and key set, fetched now.
    pub async fn discover(issuer: &str, audience: &str, refetch_interval: Duration) -> Result<Self, String> {
        let issuer = issuer.trim_end_matches('/').to_owned();
        if !allowed(&issuer) {
            return Err(format!("the issuer {issuer} must be https:// (http:// only on loopback)"));
        }
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_native_roots()
            .map_err(|error| format!("no TLS roots: {error}"))?
            .https_or_http()
            .enable_http1()
            .build();
        let client = Client::builder(TokioExecutor::new()).build(connector);
        let discovery = fetch_json(&client, &format!("{issuer}/.well-known/openid-configuration")).await?;
        if discovery["issuer"].as_str().map(|found| found.trim_end_matches('/')) != Some(issuer.as_str()) {
            return Err(format!("the discovery document names another issuer: {}", discovery["issuer"]));
        }
        let jwks_uri = discovery["jwks_uri"].as_str().ok_or("the discovery document has no jwks_uri")?.to_owned();
        if !allowed(&jwks_uri) {
            return Err(format!("the key set {jwks_uri} must be https:// (http:// only on loopback)"));
        }
        let by_kid = fetch_keys(&client, &jwks_uri).await?;
        let keys = Mutex::new(KeySet { by_kid, fetched_at: Instant::now() });
        Ok(Self { issuer, audience: audience.to_owned(), jwks_uri, client, refetch_interval, keys })
    }

    /// The token's claims if it is the issuer's, for this audience, and valid now.
    pub async fn verify(&self, token: &str) -> Option<serde_json::Map<String, Value>> {
        let header = jsonwebtoken::decode_header(token).ok()?;
        if !matches!(header.alg, Algorithm::RS256 | Algorithm::ES256) {
            return None;
        }
        let kid = header.kid?;
        let (algorithm, key) = self.key(&kid).await?;
        if algorithm != header.alg {
            return None;
        }
        let mut validation = Validation::new(algorithm);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.validate_nbf = true;
        validation.leeway = 60;
        jsonwebtoken::decode::<serde_json::Map<String, Value>>(token, &key, &validation).ok().map(|data| data.claims)
    }

    /// The key `kid` names, fetching the key set again if it is unknown and the set is old enough.
    async fn key(&self, kid: &str) -> Option<(Algorithm, DecodingKey)> {
        let mut keys = self.keys.lock().await;
        if !keys.by_kid.contains_key(kid) && keys.fetched_at.elapsed() >= self.refetch_interval {
            keys.fetched_at = Instant::now();
            match fetch_keys(&self.client, &self.jwks_uri).await {
                Ok(by_kid) => keys.by_kid = by_kid,
                Err(error) => tracing::warn!(%error, "the issuer's key set could not be fetched again"),
            }
        }
        keys.by_kid.get(kid).cloned()
    }
}

async fn fetch_json(client: &HttpsClient, url: &str) -> Result<Value, String> {
    let uri: hyper::Uri = url.parse().map_err(|error| format!("{url}: {error}"))?;
    let response = tokio::time::timeout(Duration::from_secs(10), client.get(uri))
        .await
        .map_err(|_| format!("{url}: no answer in 10 s"))?
        .map_err(|error| format!("{url}: {error}"))?;
    if !response.status().is_success() {
        return Err(format!("{url}: {}", response.status()));
    }
    let body = Limited::new(response.into_body(), MAX_DOCUMENT_BYTES)
        .collect()
        .await
        .map_err(|error| format!("{url}: {error}"))?
        .to_bytes();
    serde_json::from_slice(&body).map_err(|error| format!("{url}: not JSON: {error}"))
}

/// The signing keys of the set, by `kid`: RSA keys for RS256 and P-256 keys for ES256, each only
/// for the one algorithm it is for.
async fn fetch_keys(client: &HttpsClient, jwks_uri: &str) -> Result<HashMap<String, (Algorithm, DecodingKey)>, String> {
    let set: JwkSet = serde_json::from_value(fetch_json(client, jwks_uri).await?)
        .map_err(|error| format!("{jwks_uri}: not a key set: {error}"))?;
    let mut keys = HashMap::new();
    for jwk in &set.keys {
        let Some(kid) = jwk.common.key_id.clone() else { continue };
        let algorithm = match (&jwk.algorithm, jwk.common.key_algorithm) {
            (AlgorithmParameters::RSA(_), None | Some(KeyAlgorithm::RS256)) => Algorithm::RS256,
            (AlgorithmParameters::EllipticCurve(ec), None | Some(KeyAlgorithm::ES256))
                if ec.curve == EllipticCurve::P256 =>
            {
                Algorithm::ES256
            }
            _ => continue,
        };
        if let Ok(key) = DecodingKey::from_jwk(jwk) {
            keys.insert(kid, (algorithm, key));
        }
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::allowed;

    #[test]
    fn issuers_are_https_but_on_loopback() {
        assert!(allowed("https://login.microsoftonline.com/tenant/v2.0"));
        assert!(allowed("http://127.0.0.1:8080/issuer") && allowed("http://localhost:9/") && allowed("http://[::1]:9"));
        assert!(!allowed("http://login.example.com") && !allowed("http://10.0.0.1") && !allowed("ftp://x"));
        assert!(!allowed("http://127.0.0.1.example.com/"), "a loopback-looking name is not loopback");
    }
}
