//! The publish function: the calendar users' routes to publish, list, update, rotate and revoke
//! their public shares, and to ask whether they may share at all; and the one admin route that
//! writes shares, revoking all of a user's (this function alone may delete shares).

use jiff::Timestamp;
use lambda_http::http::{StatusCode, header};
use lambda_http::{Body, Request, Response};
use share_core::ServiceConfig;
use share_core::domain::{UserId, ValidationErrors};
use share_core::http::changes_request::ChangesRequest;
use share_core::http::publish_request::{OptionsPatch, PublishRequest};
use share_core::http::responses::{MySharingJson, ShareJson, ShareListJson};
use share_core::http::{
    ApiError, authenticate, body_bytes, empty_response, json_response, list_cursor, path_parameter, public_base_url,
    require_media_type, respond_logged, route_key,
};
use share_core::secrets::SecretName;
use share_core::service::{self, Caller, IdempotencyClaim, Publisher};
use share_core::store::{PolicyReads, ShareReads, ShareWrites};

pub const ROUTES: &[&str] = &[
    "POST /shares",
    "GET /shares",
    "GET /shares/{id}",
    "PUT /shares/{id}",
    "PATCH /shares/{id}",
    "DELETE /shares/{id}",
    "POST /shares/{id}/rotate",
    "GET /me/sharing",
    "POST /me/changes",
    "DELETE /admin/users/{userId}/shares",
];

/// What `PATCH /shares/{id}` reads: a merge patch (RFC 7396), named so or sent as the plain JSON most
/// HTTP clients label every JSON body with (the body is the same document either way). Anything
/// else, a JSON Patch (`application/json-patch+json`) above all, is refused 415.
const MERGE_PATCH: &[&str] = &["application/merge-patch+json", "application/json"];

/// The function as Lambda runs it (`share_core::lambda`): it keys source ids with its own secret.
pub async fn run_in_lambda() -> Result<(), lambda_http::Error> {
    share_core::lambda::run_in_lambda(&[SecretName::SourceIdKey], async {}, handle).await
}

pub async fn handle<S>(store: &S, config: &ServiceConfig, request: Request) -> Response<Body>
where
    S: ShareReads + ShareWrites + PolicyReads,
{
    respond_logged(&request, route(store, config, &request)).await
}

async fn route<S>(store: &S, config: &ServiceConfig, request: &Request) -> Result<Response<Body>, ApiError>
where
    S: ShareReads + ShareWrites + PolicyReads,
{
    let (caller, standing) = authenticate(store, config, request).await?;
    let base_url = public_base_url(request, config.public_base_url.as_ref());
    let id = || path_parameter(request, "id").unwrap_or_default();
    let now = Timestamp::now();
    let publisher = Publisher { caller: &caller, standing: &standing, secret: &config.source_id_secret };
    match route_key(request).unwrap_or_default() {
        "POST /shares" => {
            let body = body_bytes(request)?;
            let publish = PublishRequest::parse(body, now)?;
            let idempotency = idempotency_claim(request, &caller, body)?;
            let record = service::publish_share(store, &publisher, publish, idempotency, now).await?;
            let share = standing.own_share(record, now);
            let mut response = json_response(StatusCode::CREATED, &ShareJson::new(&share, &base_url));
            let location = format!("/shares/{}", share.record.id);
            response.headers_mut().insert(header::LOCATION, location.parse().expect("ids are header-safe"));
            Ok(response)
        }
        "GET /shares" => {
            let listing = service::own_shares(store, &caller, &standing, list_cursor(request)?.as_ref(), now).await?;
            Ok(json_response(StatusCode::OK, &ShareListJson::new(&listing, &base_url)))
        }
        "GET /shares/{id}" => {
            let share = service::shown_share(store, &caller, &standing, &id(), now).await?;
            Ok(json_response(StatusCode::OK, &ShareJson::new(&share, &base_url)))
        }
        "PUT /shares/{id}" => {
            let existing = service::owned_share(store, &caller, &standing, &id()).await?;
            let publish = PublishRequest::parse(body_bytes(request)?, now)?;
            let record = service::replace_share(store, &publisher, existing, publish, now).await?;
            Ok(json_response(StatusCode::OK, &ShareJson::new(&standing.own_share(record, now), &base_url)))
        }
        "PATCH /shares/{id}" => {
            require_media_type(request, MERGE_PATCH)?;
            let existing = service::owned_share(store, &caller, &standing, &id()).await?;
            let patch = OptionsPatch::parse(body_bytes(request)?, now)?;
            let record = service::patch_share(store, &standing, existing, patch, now).await?;
            Ok(json_response(StatusCode::OK, &ShareJson::new(&standing.own_share(record, now), &base_url)))
        }
        "DELETE /shares/{id}" => {
            let record = service::visible_share(store, &caller, &standing, &id()).await?;
            service::revoke_share(store, record).await?;
            Ok(empty_response(StatusCode::NO_CONTENT))
        }
        "POST /shares/{id}/rotate" => {
            let existing = service::owned_share(store, &caller, &standing, &id()).await?;
            let record = service::rotate_share(store, &standing, existing, now).await?;
            Ok(json_response(StatusCode::OK, &ShareJson::new(&standing.own_share(record, now), &base_url)))
        }
        "GET /me/sharing" => Ok(json_response(StatusCode::OK, &MySharingJson::new(&standing))),
        "POST /me/changes" => {
            let body = body_bytes(request)?;
            // A caller who may not share is told so before their body is read.
            standing.require_sharing()?;
            let changes = ChangesRequest::parse(body)?;
            let idempotency = idempotency_claim(request, &caller, body)?;
            let limits = service::ChangeLimits::default();
            let outcome = service::apply_changes(store, &publisher, changes, idempotency, limits, now).await?;
            Ok(json_response(StatusCode::OK, &outcome))
        }
        "DELETE /admin/users/{userId}/shares" => {
            standing.require_admin()?;
            let raw_id = path_parameter(request, "userId").unwrap_or_default();
            let owner = UserId::parse(&raw_id)
                .map_err(|message| ApiError::invalid(ValidationErrors::single("/userId", message)))?;
            let revoked = service::revoke_user_shares(store, &caller, &standing, &owner).await?;
            Ok(json_response(StatusCode::OK, &revoked))
        }
        _ => Err(ApiError::NotFound),
    }
}

/// The request's `Idempotency-Key`, scoped to the caller and bound to the body.
fn idempotency_claim(request: &Request, caller: &Caller, body: &[u8]) -> Result<Option<IdempotencyClaim>, ApiError> {
    let Some(key) = request.headers().get("idempotency-key") else { return Ok(None) };
    match key.to_str() {
        Ok(key) if (1..=255).contains(&key.len()) => Ok(Some(IdempotencyClaim::new(caller, key, body))),
        _ => Err(ApiError::BadRequest {
            detail: "Idempotency-Key must be 1 to 255 visible ASCII characters".into(),
            pointer: None,
        }),
    }
}
