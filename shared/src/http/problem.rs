//! The one place errors become HTTP: every way a JSON route can fail, as a status and problem+json.

#[cfg(feature = "publish")]
use super::changes_request::ChangesRequestError;
#[cfg(feature = "publish")]
use super::publish_request::{NOT_PUBLIC_DETAIL, PublishRequestError};
use super::request::{MAX_BODY_BYTES, MalformedBody};
use super::response::json_response;
use super::settings_request::SettingsRequestError;
use crate::domain::{FieldError, ValidationErrors, quoted};
use crate::service::ServiceError;
use crate::store::StoreError;
use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Response};
use serde::Serialize;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// No problem+json answer is longer: whatever a request sent, its error stays small.
pub const MAX_PROBLEM_BYTES: usize = 64 * 1024;

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
            // A pointer quotes the keys sent, each cut already, but a deep one holds many of them.
            Self::BadRequest { detail, pointer } => {
                (pointer.as_ref().map_or_else(|| detail.clone(), |p| format!("{}: {detail}", quoted(p))), &[])
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
        let mut problem = Problem {
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
        // Each error quotes little of what was sent, but a hundred of them in four-byte characters may
        // still be long: list fewer, and say so, until the answer fits.
        while !problem.errors.is_empty()
            && serde_json::to_vec(&problem).map_or(0, |body| body.len()) > MAX_PROBLEM_BYTES
        {
            problem.errors = &problem.errors[..problem.errors.len() / 2];
            problem.errors_truncated = true;
        }
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

impl From<MalformedBody> for ApiError {
    fn from(MalformedBody { pointer, message }: MalformedBody) -> Self {
        Self::BadRequest { detail: message, pointer }
    }
}

impl From<SettingsRequestError> for ApiError {
    fn from(error: SettingsRequestError) -> Self {
        match error {
            SettingsRequestError::Malformed { pointer, message } => Self::BadRequest { detail: message, pointer },
            SettingsRequestError::Invalid(errors) => Self::invalid(errors),
        }
    }
}

#[cfg(feature = "publish")]
impl From<ChangesRequestError> for ApiError {
    fn from(error: ChangesRequestError) -> Self {
        match error {
            ChangesRequestError::Malformed { pointer, message } => Self::BadRequest { detail: message, pointer },
            ChangesRequestError::Invalid(errors) => Self::invalid(errors),
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

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_http::Body;

    #[test]
    fn a_problem_lists_fewer_errors_rather_than_grow_past_64_kib() {
        let mut errors = ValidationErrors::new();
        for i in 0..150 {
            errors.push(
                format!("/events/{i}/{}", "\u{10348}".repeat(500)),
                format!("bad \"{}\"", "\u{10348}".repeat(500)),
            );
        }
        let response = ApiError::invalid(errors).into_response();
        let Body::Binary(bytes) = response.body() else { panic!("json body") };
        assert!(bytes.len() <= MAX_PROBLEM_BYTES, "{} bytes", bytes.len());
        let problem: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        assert_eq!(problem["errorsTruncated"], true);
        assert!(!problem["errors"].as_array().unwrap().is_empty());
    }

    #[test]
    fn a_malformed_body_quotes_at_most_a_hundred_characters_of_a_deep_pointer() {
        let pointer = format!("/display{}", format!("/{}", "k".repeat(100)).repeat(127));
        let error = ApiError::BadRequest { detail: "recursion limit exceeded".into(), pointer: Some(pointer) };
        let Body::Binary(bytes) = error.into_response().into_body() else { panic!("json body") };
        let problem: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.starts_with("/display/kkk") && detail.ends_with("…: recursion limit exceeded"), "{detail}");
        assert_eq!(detail.chars().count(), 101 + ": recursion limit exceeded".len());
        let short =
            ApiError::BadRequest { detail: "expected a string".into(), pointer: Some("/events/3/title".into()) };
        let Body::Binary(bytes) = short.into_response().into_body() else { panic!("json body") };
        let problem: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(problem["detail"], "/events/3/title: expected a string");
    }

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
