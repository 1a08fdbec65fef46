//! The HTTP edge shared by every function: the one place errors become problem+json, JSON
//! bodies and responses, and route keys as API Gateway names them.

use crate::ServiceConfig;
use crate::domain::{FieldError, ValidationErrors};
use crate::identity::Caller;
use crate::public_origin::PublicOrigin;
#[cfg(feature = "publish")]
use crate::publish_request::{NOT_PUBLIC_DETAIL, PublishRequestError};
use crate::service::{ServiceError, Standing};
use crate::store::{ListCursor, PolicyReads, StoreError};
use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use serde::Serialize;
use std::time::{Duration, SystemTime};

/// The largest request body taken: Lambda's 6 MB cap covers the whole event (headers, the body
/// and its encoding), so a body near 6 MB would never reach the function.
pub const MAX_BODY_BYTES: usize = 5_000_000;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// Every way a JSON route can fail, mapped to a status and problem+json in `into_response`.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("malformed request: {detail}")]
    BadRequest { detail: String, pointer: Option<String> },
    #[error("missing or invalid token")]
    Unauthorized,
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("request body too large")]
    PayloadTooLarge,
    /// The request line and headers exceed API Gateway's limit (the local runner answers it).
    #[error("request headers too large")]
    HeadersTooLarge,
    /// `errors` lists at most `MAX_LISTED_ERRORS`; `truncated` says more were found.
    #[error("{detail}")]
    Unprocessable { detail: String, errors: Vec<FieldError>, truncated: bool },
    #[error("store unavailable")]
    Unavailable,
    /// A change was sent to the store, which did not say in time whether it applied.
    #[error("outcome unknown")]
    OutcomeUnknown,
    #[error("internal error")]
    Internal,
    /// `cause`, after the call had switched these shares (their ids and event counts).
    #[error("{cause}")]
    Midway { cause: Box<ApiError>, shares_updated: Vec<(String, u32)> },
}

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    title: &'a str,
    status: u16,
    detail: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [FieldError],
    #[serde(rename = "errorsTruncated", skip_serializing_if = "std::ops::Not::not")]
    errors_truncated: bool,
    /// A call that switches several shares and stopped: the ones it had switched.
    #[serde(rename = "sharesUpdated", skip_serializing_if = "Option::is_none")]
    shares_updated: Option<Vec<UpdatedShareJson<'a>>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UpdatedShareJson<'a> {
    id: &'a str,
    event_count: u32,
}

impl ApiError {
    pub fn invalid(errors: ValidationErrors) -> Self {
        let count = errors.len();
        let truncated = errors.is_truncated();
        let detail = if count == 1 {
            format!("{} {}", errors.errors()[0].pointer, errors.errors()[0].message)
        } else if truncated {
            format!("The request breaks {count} rules; errors lists the first {}.", errors.errors().len())
        } else {
            format!("The request breaks {count} rules; see errors.")
        };
        Self::Unprocessable { detail, errors: errors.errors().to_vec(), truncated }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::HeadersTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::OutcomeUnknown => StatusCode::GATEWAY_TIMEOUT,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Midway { cause, .. } => cause.status(),
        }
    }

    pub fn into_response(self) -> Response<Body> {
        let (error, switched) = match self {
            Self::Midway { cause, shares_updated } => (*cause, Some(shares_updated)),
            error => (error, None),
        };
        error.problem_response(switched.as_deref())
    }

    /// `switched`: the shares a call that stopped midway had already switched.
    fn problem_response(self, switched: Option<&[(String, u32)]>) -> Response<Body> {
        let status = self.status();
        let title = status.canonical_reason().unwrap_or("Error");
        let mut errors_truncated = false;
        let (detail, errors): (String, &[FieldError]) = match &self {
            Self::BadRequest { detail, pointer } => {
                (pointer.as_ref().map_or_else(|| detail.clone(), |p| format!("{p}: {detail}")), &[])
            }
            Self::Unauthorized => ("A valid bearer token with user and group claims is required.".into(), &[]),
            Self::Forbidden(reason) => (reason.clone(), &[]),
            Self::NotFound => ("No such resource.".into(), &[]),
            Self::Conflict(reason) => (reason.clone(), &[]),
            Self::PayloadTooLarge => (format!("The request body is larger than {MAX_BODY_BYTES} bytes."), &[]),
            Self::HeadersTooLarge => ("The request line and headers are larger than the API accepts.".into(), &[]),
            Self::Unprocessable { detail, errors, truncated } => {
                errors_truncated = *truncated;
                (detail.clone(), errors.as_slice())
            }
            Self::Unavailable => {
                ("The store is busy or unreachable; nothing was changed. Try again shortly.".into(), &[])
            }
            Self::OutcomeUnknown => (
                "The store did not confirm the change in time: it may or may not have been applied. A GET shows \
                 which; a retry with the same Idempotency-Key is safe."
                    .into(),
                &[],
            ),
            Self::Internal => ("Something went wrong on our side.".into(), &[]),
            Self::Midway { .. } => ("Something went wrong on our side.".into(), &[]),
        };
        let detail = match switched {
            Some(switched) if status.is_server_error() => format!(
                "The store failed after {} share(s) were switched (listed in sharesUpdated); the others are \
                 unchanged{}. A retry with the same Idempotency-Key completes the rest.",
                switched.len(),
                if status == StatusCode::GATEWAY_TIMEOUT { ", or the last one's outcome is unknown" } else { "" }
            ),
            _ => detail,
        };
        let problem = Problem {
            kind: "about:blank",
            title,
            status: status.as_u16(),
            detail: &detail,
            errors,
            errors_truncated,
            shares_updated: switched.map(|switched| {
                switched.iter().map(|(id, count)| UpdatedShareJson { id, event_count: *count }).collect()
            }),
        };
        let mut response = json_response(status, &problem);
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Invalid(errors) => Self::invalid(errors),
            ServiceError::Denied(denial) => Self::Forbidden(denial.to_string()),
            // Expiry is the recipients' 410 (the view function's); the JSON routes list expired shares.
            ServiceError::NotFound | ServiceError::Expired => Self::NotFound,
            ServiceError::Conflict(conflict) => Self::Conflict(conflict.to_string()),
            ServiceError::Store(error) => error.into(),
            ServiceError::Midway { cause, shares_updated } => Self::Midway {
                cause: Box::new((*cause).into()),
                shares_updated: shares_updated.into_iter().map(|(id, count)| (id.as_str().to_owned(), count)).collect(),
            },
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unavailable(_) => Self::Unavailable,
            StoreError::Indeterminate(_) => Self::OutcomeUnknown,
            StoreError::Conflict => ServiceError::from(error).into(),
            StoreError::Rejected(_) | StoreError::Inconsistent(_) => Self::Internal,
        }
    }
}

#[cfg(feature = "publish")]
impl From<PublishRequestError> for ApiError {
    fn from(error: PublishRequestError) -> Self {
        match error {
            PublishRequestError::Malformed { pointer, message } => Self::BadRequest { detail: message, pointer },
            PublishRequestError::NotPublic => Self::Unprocessable {
                detail: NOT_PUBLIC_DETAIL.into(),
                errors: vec![FieldError {
                    pointer: "/visibility".into(),
                    message: "only \"public\" is published".into(),
                }],
                truncated: false,
            },
            PublishRequestError::Invalid(errors) => Self::invalid(errors),
        }
    }
}

/// The caller (401 without a valid user and group claim, 403 without the API's delegated scope) and
/// their standing in their group.
pub async fn authenticate<S: PolicyReads>(
    store: &S,
    config: &ServiceConfig,
    request: &Request,
) -> Result<(Caller, Standing), ApiError> {
    let caller = Caller::from_request(request, &config.claims).map_err(|_| ApiError::Unauthorized)?;
    caller.require_scope(&config.required_scope).map_err(|missing| ApiError::Forbidden(missing.to_string()))?;
    let standing = Standing::load(store, &caller, &config.admin_role).await?;
    Ok((caller, standing))
}

/// Runs a JSON route: errors become problem+json, and the request is logged.
/// Without an invocation deadline (the local runner): inside the functions' ten-second timeout.
const FALLBACK_BUDGET: Duration = Duration::from_secs(9);
/// Kept back from Lambda's deadline to send the answer.
const ANSWER_MARGIN: Duration = Duration::from_millis(300);

/// Runs a JSON route and logs its answer, which always comes before the invocation's deadline:
/// Lambda would otherwise end the function and the caller would hear a gateway error that says
/// nothing true. A change still under way then may or may not apply (504); a read changed nothing (503).
pub async fn respond_logged(
    request: &Request,
    route: impl Future<Output = Result<Response<Body>, ApiError>>,
) -> Response<Body> {
    let started = std::time::Instant::now();
    let budget = request
        .lambda_context_ref()
        .and_then(|context| context.deadline().duration_since(SystemTime::now()).ok())
        .map_or(FALLBACK_BUDGET, |left| left.saturating_sub(ANSWER_MARGIN));
    let result = match tokio::time::timeout(budget, route).await {
        Ok(result) => result,
        Err(_) if request.method().is_safe() => Err(ApiError::Unavailable),
        Err(_) => Err(ApiError::OutcomeUnknown),
    };
    let response = respond(result);
    log_response(request, &response, started);
    response
}

/// One structured line per request: the route (a template: never the share id, which is a
/// capability), the status and the time taken.
pub fn log_response(request: &Request, response: &Response<Body>, started: std::time::Instant) {
    tracing::info!(
        route = route_key(request).unwrap_or("unmatched"),
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "handled"
    );
}

/// Logs the cause chain (never contents) and turns a handler's result into a response.
pub fn respond(result: Result<Response<Body>, ApiError>) -> Response<Body> {
    result.unwrap_or_else(|error| {
        if error.status().is_server_error() {
            tracing::error!(status = error.status().as_u16(), error = %error, "request failed");
        } else {
            tracing::info!(status = error.status().as_u16(), "request refused");
        }
        error.into_response()
    })
}

pub fn json_response<T: Serialize>(status: StatusCode, value: &T) -> Response<Body> {
    let body = serde_json::to_vec(value).expect("response serializes");
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        // Callers' own data: never kept by shared caches.
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::Binary(body))
        .expect("valid response")
}

pub fn empty_response(status: StatusCode) -> Response<Body> {
    Response::builder().status(status).body(Body::Empty).expect("valid response")
}

/// The request body's bytes, refusing anything over the limit.
pub fn body_bytes(request: &Request) -> Result<&[u8], ApiError> {
    let bytes: &[u8] = match request.body() {
        Body::Empty => &[],
        Body::Text(text) => text.as_bytes(),
        Body::Binary(bytes) => bytes,
        _ => &[],
    };
    if bytes.len() > MAX_BODY_BYTES {
        return Err(ApiError::PayloadTooLarge);
    }
    Ok(bytes)
}

/// Parses a small JSON body (settings); wrong JSON or types, or anything but white space after the
/// document, are 400 with the pointer.
pub fn json_body<T: serde::de::DeserializeOwned>(request: &Request) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(body_bytes(request)?);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let pointer = Some(crate::domain::json_pointer(error.path())).filter(|p| !p.is_empty());
        ApiError::BadRequest { detail: error.inner().to_string(), pointer }
    })?;
    deserializer.end().map_err(|error| ApiError::BadRequest {
        detail: format!("only white space may follow the JSON document ({error})"),
        pointer: None,
    })?;
    Ok(value)
}

/// The list position a `cursor` query parameter names (none: the first page); anything but one
/// cursor this service issued is a 400.
pub fn list_cursor(request: &Request) -> Result<Option<ListCursor>, ApiError> {
    let query = request.query_string_parameters_ref();
    let values = query.and_then(|q| q.all("cursor")).unwrap_or_default();
    match values.as_slice() {
        [] => Ok(None),
        [raw] => ListCursor::parse(raw).map(Some).ok_or_else(bad_cursor),
        _ => Err(bad_cursor()),
    }
}

fn bad_cursor() -> ApiError {
    ApiError::BadRequest {
        detail: "cursor is not one this list returned as `next`; start again without it".into(),
        pointer: None,
    }
}

/// The route API Gateway matched, e.g. `GET /shares/{id}`.
pub fn route_key(request: &Request) -> Option<&str> {
    match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => context.route_key.as_deref(),
        _ => None,
    }
}

pub fn path_parameter(request: &Request, name: &str) -> Option<String> {
    request.path_parameters_ref().and_then(|p| p.first(name)).map(str::to_owned)
}

/// The origin links are built on: the configured public URL, else the CDN's that the deployment
/// hands over as the stage variable `publicBaseUrl` (see template.yaml), else the request's host if
/// it is well-formed (API Gateway's domain name otherwise). `X-Forwarded-Host` is never used: any
/// caller can set it.
pub fn public_base_url(request: &Request, configured: Option<&PublicOrigin>) -> String {
    if let Some(origin) = configured {
        return origin.as_str().to_owned();
    }
    let stage_base = request.stage_variables_ref().and_then(|variables| variables.first("publicBaseUrl"));
    if let Some(origin) = stage_base.and_then(|base| PublicOrigin::parse(base).ok()).filter(PublicOrigin::is_https) {
        return origin.as_str().to_owned();
    }
    let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
    let proto = header("x-forwarded-proto");
    let domain_name = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => context.domain_name.as_deref(),
        _ => None,
    };
    header("host")
        .and_then(|host| PublicOrigin::of_request(host, proto))
        .or_else(|| domain_name.and_then(|host| PublicOrigin::of_request(host, proto)))
        .map_or_else(|| "https://localhost".to_owned(), |origin| origin.as_str().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_carry_status_and_pointers() {
        let response = ApiError::invalid(ValidationErrors::single("/events/3/start", "is required")).into_response();
        assert_eq!(response.status(), 422);
        assert_eq!(response.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
        let Body::Binary(bytes) = response.body() else { panic!("json body") };
        let problem: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        assert_eq!(problem["errors"][0]["pointer"], "/events/3/start");
        assert_eq!(problem["status"], 422);
        let unavailable = ApiError::Unavailable.into_response();
        assert_eq!(unavailable.headers()[header::RETRY_AFTER], "2");
    }
}
