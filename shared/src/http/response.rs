//! How a JSON route answers: JSON or empty responses, problem+json for errors (logged by cause,
//! never by contents), always before the invocation's deadline, and one log line per request.

use super::ApiError;
use super::request::route_key;
use lambda_http::http::{StatusCode, header};
use lambda_http::{Body, Request, RequestExt, Response};
use serde::Serialize;
use std::time::{Duration, SystemTime};

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
