//! The secrets a deployed function reads once, at cold start, from Secrets Manager. The template hands
//! over each secret's ARN, never its value: an environment variable is readable by anyone allowed
//! `lambda:GetFunctionConfiguration`. Tests and the local runner give the value itself instead.

use crate::aws;
use crate::domain::SecretKey;
use aws_sdk_dynamodb::config::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_http_client::Connector;
use aws_smithy_runtime_api::client::http::HttpConnector;
use aws_smithy_runtime_api::client::identity::Identity;
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;
use aws_smithy_types::retry::ErrorKind;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

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

/// How long a connection to Secrets Manager may take, and the whole read with its retries: an init
/// held up longer fails, and Lambda starts another.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
const CALL_TIMEOUT: Duration = Duration::from_secs(4);
/// Attempts at a read that failed on the way (no answer, a 5xx, throttling), as the SDK's standard
/// retries make them.
const ATTEMPTS: u32 = 3;

/// One `GetSecretValue` of the secret's current version, signed (SigV4) with the execution role's
/// credentials: the one call this service makes of Secrets Manager, sent on the HTTPS client the
/// functions link for DynamoDB rather than through an SDK client of its own (about 130 KB of every
/// function; docs/benchmarks.md). The reason on failure names the service's error or the
/// connection's, never the secret's value.
async fn from_secrets_manager(arn: &str) -> Result<String, String> {
    let (region, credentials) = aws::lambda_identity().map_err(|missing| missing.to_string())?;
    let endpoint =
        aws::endpoint_override("AWS_ENDPOINT_URL_SECRETS_MANAGER").unwrap_or_else(|| public_endpoint(region.as_ref()));
    let body = serde_json::json!({ "SecretId": arn }).to_string();
    let connector = CONNECTOR.get_or_init(|| aws::https_connector(CONNECT_TIMEOUT));
    let read = async {
        let mut attempt = 1;
        loop {
            let request = signed_request(&endpoint, region.as_ref(), credentials.clone(), &body)?;
            match answer_of(connector.call(request).await).await {
                Err(failure) if failure.transient && attempt < ATTEMPTS => {
                    tokio::time::sleep(Duration::from_millis(50 << attempt)).await;
                    attempt += 1;
                }
                answer => return answer.map_err(|failure| failure.reason),
            }
        }
    };
    tokio::time::timeout(CALL_TIMEOUT, read)
        .await
        .map_err(|_| format!("Secrets Manager did not answer within {CALL_TIMEOUT:?}"))?
}

/// One connector for the secrets a cold start reads side by side.
static CONNECTOR: OnceLock<Connector> = OnceLock::new();

const TARGET: &str = "secretsmanager.GetSecretValue";
const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// Secrets Manager's public endpoint in `region` (its partition's domain).
fn public_endpoint(region: &str) -> String {
    let domain = match region {
        _ if region.starts_with("cn-") => "amazonaws.com.cn",
        _ if region.starts_with("eusc-") => "amazonaws.eu",
        _ => "amazonaws.com",
    };
    format!("https://secretsmanager.{region}.{domain}/")
}

/// The `GetSecretValue` request for `body`, signed for `region` now.
fn signed_request(endpoint: &str, region: &str, credentials: Credentials, body: &str) -> Result<HttpRequest, String> {
    let url = if endpoint.ends_with('/') { endpoint.to_owned() } else { format!("{endpoint}/") };
    let identity = Identity::from(credentials);
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("secretsmanager")
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .map_err(|error| format!("signing: {error}"))?
        .into();
    let headers = [("content-type", CONTENT_TYPE), ("x-amz-target", TARGET)];
    let signable = SignableRequest::new("POST", &url, headers.into_iter(), SignableBody::Bytes(body.as_bytes()))
        .map_err(|error| format!("signing: {error}"))?;
    let (instructions, _signature) =
        aws_sigv4::http_request::sign(signable, &params).map_err(|error| format!("signing: {error}"))?.into_parts();
    let mut request = http::Request::builder()
        .method("POST")
        .uri(&url)
        .header("content-type", CONTENT_TYPE)
        .header("x-amz-target", TARGET)
        .body(SdkBody::from(body))
        .map_err(|error| format!("{endpoint}: {error}"))?;
    instructions.apply_to_request_http1x(&mut request);
    HttpRequest::try_from(request).map_err(|error| format!("{endpoint}: {error}"))
}

/// Why a read failed, and whether another attempt may succeed.
#[derive(Debug)]
struct Failure {
    reason: String,
    transient: bool,
}

/// The secret's string from the service's answer.
async fn answer_of(response: Result<HttpResponse, ConnectorError>) -> Result<String, Failure> {
    let response = response.map_err(|error| {
        let transient =
            error.is_io() || error.is_timeout() || error.as_other().is_some_and(|kind| kind != ErrorKind::ClientError);
        Failure { reason: with_causes(&error), transient }
    })?;
    let status = response.status().as_u16();
    let body = ByteStream::new(response.into_body()).collect().await.map_err(|error| Failure {
        reason: format!("reading the answer (HTTP {status}): {}", with_causes(&error)),
        transient: true,
    })?;
    let body = body.into_bytes();
    if status == 200 {
        let secret: SecretValue = serde_json::from_slice(&body).map_err(|_| Failure {
            // serde's message may quote what it read: say only what was wrong.
            reason: "the answer is not GetSecretValue's JSON".to_owned(),
            transient: false,
        })?;
        return secret
            .secret_string
            .ok_or_else(|| Failure { reason: "the secret holds no string".to_owned(), transient: false });
    }
    // awsJson 1.1 errors: {"__type": "[namespace#]Name", "message" or "Message": "..."}.
    let error: ServiceError = serde_json::from_slice(&body).unwrap_or_default();
    let name = error.kind.as_deref().map(|kind| kind.rsplit('#').next().unwrap_or(kind));
    let transient = status >= 500 || name.is_some_and(|name| name.contains("Throttl"));
    let reason = match (name, error.message) {
        (Some(name), Some(message)) => format!("{name}: {message} (HTTP {status})"),
        (Some(name), None) => format!("{name} (HTTP {status})"),
        (None, _) => format!("Secrets Manager answered HTTP {status}"),
    };
    Err(Failure { reason, transient })
}

/// An error and its cause chain, on one line.
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut reason = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        reason = format!("{reason}: {cause}");
        source = cause.source();
    }
    reason
}

/// What this service reads of `GetSecretValue`'s answer.
#[derive(serde::Deserialize)]
struct SecretValue {
    #[serde(rename = "SecretString")]
    secret_string: Option<String>,
}

#[derive(Default, serde::Deserialize)]
struct ServiceError {
    #[serde(rename = "__type")]
    kind: Option<String>,
    #[serde(alias = "Message")]
    message: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_runtime_api::http::StatusCode;

    fn response(status: u16, body: &str) -> Result<HttpResponse, ConnectorError> {
        Ok(HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::from(body.to_owned())))
    }

    #[test]
    fn the_public_endpoint_is_in_the_regions_partition() {
        assert_eq!(public_endpoint("eu-west-1"), "https://secretsmanager.eu-west-1.amazonaws.com/");
        assert_eq!(public_endpoint("cn-north-1"), "https://secretsmanager.cn-north-1.amazonaws.com.cn/");
        assert_eq!(public_endpoint("us-gov-west-1"), "https://secretsmanager.us-gov-west-1.amazonaws.com/");
    }

    /// What Secrets Manager checks: the target, the JSON 1.1 body, and a SigV4 signature over both
    /// with the session's token, in the region, for the service.
    #[test]
    fn the_request_is_a_signed_get_secret_value() {
        let credentials = Credentials::new("AKIDEXAMPLE", "secret-access-key", Some("session".into()), None, "test");
        let body = r#"{"SecretId":"arn:aws:secretsmanager:eu-west-1:123456789012:secret:key"}"#;
        let request = signed_request("http://127.0.0.1:4566", "eu-west-1", credentials, body).unwrap();
        assert_eq!((request.method(), request.uri()), ("POST", "http://127.0.0.1:4566/"));
        let header = |name| request.headers().get(name).unwrap_or_default();
        assert_eq!(header("x-amz-target"), "secretsmanager.GetSecretValue");
        assert_eq!(header("content-type"), "application/x-amz-json-1.1");
        assert_eq!(header("x-amz-security-token"), "session");
        let authorization = header("authorization");
        assert!(authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), "{authorization}");
        assert!(authorization.contains("/eu-west-1/secretsmanager/aws4_request"), "{authorization}");
        assert!(
            authorization.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target"),
            "{authorization}"
        );
        assert_eq!(request.body().bytes(), Some(body.as_bytes()));
    }

    #[tokio::test]
    async fn the_answer_gives_the_secret_string() {
        let read = answer_of(response(200, r#"{"ARN":"a","Name":"n","SecretString":"s3cret","VersionId":"v"}"#));
        assert_eq!(read.await.unwrap(), "s3cret");
        let binary = answer_of(response(200, r#"{"ARN":"a","SecretBinary":"AAEC"}"#)).await.unwrap_err();
        assert_eq!((binary.reason.as_str(), binary.transient), ("the secret holds no string", false));
    }

    /// The service's error by name and message; an answer that is not the JSON expected is not
    /// quoted, in case it held the value.
    #[tokio::test]
    async fn a_failure_names_the_error_never_the_value() {
        let missing = r#"{"__type":"com.amazonaws.secretsmanager#ResourceNotFoundException","Message":"Secrets Manager can't find the specified secret."}"#;
        let failure = answer_of(response(400, missing)).await.unwrap_err();
        assert_eq!(
            failure.reason,
            "ResourceNotFoundException: Secrets Manager can't find the specified secret. (HTTP 400)"
        );
        assert!(!failure.transient);
        let denied = answer_of(response(400, r#"{"__type":"AccessDeniedException","message":"no"}"#)).await;
        assert_eq!(denied.unwrap_err().reason, "AccessDeniedException: no (HTTP 400)");
        let throttled = answer_of(response(400, r#"{"__type":"ThrottlingException"}"#)).await.unwrap_err();
        assert_eq!((throttled.reason.as_str(), throttled.transient), ("ThrottlingException (HTTP 400)", true));
        let down = answer_of(response(503, "<html>Service Unavailable</html>")).await.unwrap_err();
        assert_eq!((down.reason.as_str(), down.transient), ("Secrets Manager answered HTTP 503", true));
        let garbled = answer_of(response(200, r#"{"SecretString": 12, "x": "Marmot-secret-value"}"#)).await;
        let garbled = garbled.unwrap_err();
        assert!(!garbled.reason.contains("Marmot") && !garbled.reason.contains("12"), "{}", garbled.reason);
    }
}
