//! The HTTP edge every function shares: what requests carry (the caller, the bodies of the JSON
//! routes), how JSON routes answer (their response shapes, problem+json), and how the recipients'
//! HTML answers are dressed (`page`). The domain below it never sees a request.

#[cfg(feature = "publish")]
pub mod changes_request;
#[cfg(feature = "view")]
pub mod page;
mod problem;
#[cfg(feature = "publish")]
pub mod publish_request;
mod request;
mod response;
pub mod responses;
pub mod settings_request;

/// The API's description (OpenAPI 3.1): every JSON route, its bodies, answers and problems.
pub const OPENAPI_JSON: &str = include_str!("openapi.json");

pub use problem::{ApiError, MAX_PROBLEM_BYTES, PROBLEM_JSON};
pub use request::{
    MAX_BODY_BYTES, MalformedBody, authenticate, body_bytes, caller, json_body, list_cursor, list_owner,
    path_parameter, public_base_url, require_media_type, route_key,
};
pub use response::{empty_response, json_response, log_response, respond, respond_logged};
