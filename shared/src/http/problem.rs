//! The one place errors become HTTP: every way a JSON route can fail, as a status and problem+json
//! (share-calendar's `Problem` words and writes it, so the sealing tools refuse a body alike).

#[cfg(feature = "publish")]
use super::changes_request::ChangesRequestError;
#[cfg(feature = "publish")]
use super::publish_request::PublishRequestError;
use super::request::MalformedBody;
use super::settings_request::SettingsRequestError;
use crate::domain::ValidationErrors;
use crate::service::ServiceError;
use crate::store::StoreError;
use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Response};
use share_calendar::problem::Problem;
pub use share_calendar::problem::{MAX_PROBLEM_BYTES, PROBLEM_JSON};

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
    /// The body is not of the one media type the route reads (named in `Accept-Patch` for a PATCH).
    #[error("unsupported media type")]
    UnsupportedMediaType { accepted: &'static str },
    /// The request line and headers exceed API Gateway's limit (the local runner answers it).
    #[error("request headers too large")]
    HeadersTooLarge,
    /// A body refused as share-calendar words it: broken rules (422, each at its pointer; at most
    /// `MAX_LISTED_ERRORS` listed, `errors_truncated` if more were found), or a publish body's 400.
    #[error("{}", .0.detail)]
    Refused(Problem),
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

impl ApiError {
    pub fn invalid(errors: ValidationErrors) -> Self {
        Self::Refused(Problem::invalid(errors))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::HeadersTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Self::Refused(problem) => StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
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
        let accept_patch = match &self {
            Self::UnsupportedMediaType { accepted } => Some(*accepted),
            _ => None,
        };
        let mut problem = match self {
            Self::BadRequest { detail, pointer } => Problem::malformed(pointer.as_deref(), &detail),
            Self::Unauthorized => Problem::new(401, "A valid bearer token with user and group claims is required."),
            Self::Forbidden(reason) => Problem::new(403, reason),
            Self::NotFound => Problem::new(404, "No such resource."),
            Self::Conflict(reason) => Problem::new(409, reason),
            Self::PayloadTooLarge => Problem::too_large(),
            Self::UnsupportedMediaType { accepted } => {
                Problem::new(415, format!("The body must be {accepted} (Content-Type: {accepted})."))
            }
            Self::HeadersTooLarge => Problem::new(431, "The request line and headers are larger than the API accepts."),
            Self::Refused(problem) => problem,
            Self::Unavailable => {
                Problem::new(503, "The store is busy or unreachable; nothing was changed. Try again shortly.")
            }
            Self::OutcomeUnknown => Problem::new(
                504,
                "The store did not confirm the change in time: it may or may not have been applied. A GET shows \
                 which; a retry with the same Idempotency-Key is safe.",
            ),
            Self::Internal | Self::Midway { .. } => Problem::internal(),
        };
        if let Some(switched) = switched {
            if status.is_server_error() {
                problem.detail = format!(
                    "The store failed after {} share(s) were switched (listed in sharesUpdated); the others are \
                     unchanged{}. A retry with the same Idempotency-Key completes the rest.",
                    switched.len(),
                    if status == StatusCode::GATEWAY_TIMEOUT { ", or the last one's outcome is unknown" } else { "" }
                );
            }
            problem.shares_updated = Some(switched.to_vec());
        }
        let mut response = Response::builder()
            .status(status)
            .header(header::CONTENT_TYPE, PROBLEM_JSON)
            // Callers' own data: never kept by shared caches.
            .header(header::CACHE_CONTROL, "no-store")
            .body(Body::Binary(problem.to_json()))
            .expect("valid response");
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
        }
        if let Some(accepted) = accept_patch {
            response.headers_mut().insert("accept-patch", HeaderValue::from_static(accepted));
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
        Self::Refused(error.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_http::Body;

    #[test]
    fn every_status_is_titled_with_its_reason_phrase() {
        let answers = [
            ApiError::BadRequest { detail: "x".into(), pointer: None },
            ApiError::Unauthorized,
            ApiError::Forbidden("x".into()),
            ApiError::NotFound,
            ApiError::Conflict("x".into()),
            ApiError::PayloadTooLarge,
            ApiError::UnsupportedMediaType { accepted: "application/merge-patch+json" },
            ApiError::HeadersTooLarge,
            ApiError::invalid(ValidationErrors::single("/title", "is required")),
            ApiError::Unavailable,
            ApiError::OutcomeUnknown,
            ApiError::Internal,
        ];
        for answer in answers {
            let status = answer.status();
            let Body::Binary(bytes) = answer.into_response().into_body() else { panic!("json body") };
            let problem: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(problem["title"], status.canonical_reason().unwrap(), "{status}");
            assert_eq!(problem["status"], status.as_u16());
        }
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
