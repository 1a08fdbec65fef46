//! What a JSON route reads of its request: the caller, the body, the list cursor, the route and its
//! path parameters, and the origin links are built on.

use super::ApiError;
use crate::ServiceConfig;
use crate::config::ClaimNames;
use crate::domain::{PublicOrigin, UserId};
use crate::service::{Caller, MissingIdentity, Standing};
use crate::store::{ListCursor, PolicyReads};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt};
pub use share_calendar::body::{MAX_BODY_BYTES, MalformedBody, json_body};

/// The caller (401 without a valid user and group claim, 403 without the API's delegated scope) and
/// their standing in their group.
pub async fn authenticate<S: PolicyReads>(
    store: &S,
    config: &ServiceConfig,
    request: &Request,
) -> Result<(Caller, Standing), ApiError> {
    let caller = caller(request, &config.claims).map_err(|_| ApiError::Unauthorized)?;
    caller.require_scope(&config.required_scope).map_err(|missing| ApiError::Forbidden(missing.to_string()))?;
    let standing = Standing::load(store, &caller, &config.admin_role).await?;
    Ok((caller, standing))
}

/// The caller, from the claims the JWT authorizer verified.
pub fn caller(request: &Request, names: &ClaimNames) -> Result<Caller, MissingIdentity> {
    let claims = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => {
            context.authorizer.as_ref().and_then(|a| a.jwt.as_ref()).map(|jwt| &jwt.claims)
        }
        _ => None,
    };
    Caller::from_claims(claims.ok_or(MissingIdentity)?, names)
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

/// The body's media type must be one of `media_types` (parameters such as `charset` aside; any
/// case); a request without one, or with another, is refused 415 naming the first.
pub fn require_media_type(request: &Request, media_types: &[&'static str]) -> Result<(), ApiError> {
    let given = request.headers().get(lambda_http::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let essence = given.map(|value| value.split(';').next().unwrap_or_default().trim());
    match essence {
        Some(essence) if media_types.iter().any(|media_type| essence.eq_ignore_ascii_case(media_type)) => Ok(()),
        _ => Err(ApiError::UnsupportedMediaType { accepted: media_types[0] }),
    }
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

/// The owner an admin's list is narrowed to (`?owner=USERID`; none: every owner). Like a bad
/// cursor, a malformed or repeated one is a 400: a query parameter is not a body that breaks a rule.
pub fn list_owner(request: &Request) -> Result<Option<UserId>, ApiError> {
    let query = request.query_string_parameters_ref();
    let values = query.and_then(|q| q.all("owner")).unwrap_or_default();
    let bad = |message: &str| ApiError::BadRequest { detail: format!("owner {message}"), pointer: None };
    match values.as_slice() {
        [] => Ok(None),
        [raw] => UserId::parse(raw).map(Some).map_err(bad),
        _ => Err(bad("is given once, or not at all")),
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
