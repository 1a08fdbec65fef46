//! The settings function: a group's admins set who may publish (everyone, selected users, nobody),
//! caps on expiry and detail, per-user permissions, and audit or revoke every share of the group.

use jiff::Timestamp;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use share_core::ServiceConfig;
use share_core::domain::UserId;
use share_core::http::responses::{ShareListJson, UserListJson};
use share_core::http::settings_request::{parse_policy, parse_user};
use share_core::http::{
    ApiError, authenticate, body_bytes, json_response, list_cursor, list_owner, path_parameter, public_base_url,
    respond_logged, route_key,
};
use share_core::service;
use share_core::store::{PolicyReads, PolicyWrites, ShareReads};

pub const ROUTES: &[&str] =
    &["GET /settings", "PUT /settings", "GET /settings/users", "PUT /settings/users/{userId}", "GET /admin/shares"];

/// The function as Lambda runs it (`share_core::lambda`).
pub async fn run_in_lambda() -> Result<(), lambda_http::Error> {
    share_core::lambda::run_in_lambda(&[], async {}, handle).await
}

pub async fn handle<S>(store: &S, config: &ServiceConfig, request: Request) -> Response<Body>
where
    S: ShareReads + PolicyReads + PolicyWrites,
{
    respond_logged(&request, route(store, config, &request)).await
}

async fn route<S>(store: &S, config: &ServiceConfig, request: &Request) -> Result<Response<Body>, ApiError>
where
    S: ShareReads + PolicyReads + PolicyWrites,
{
    let (caller, standing) = authenticate(store, config, request).await?;
    let route = route_key(request).unwrap_or_default();
    if !ROUTES.contains(&route) {
        return Err(ApiError::NotFound);
    }
    standing.require_admin()?;
    match route {
        "GET /settings" => Ok(json_response(StatusCode::OK, &standing.policy)),
        "PUT /settings" => {
            let policy = parse_policy(body_bytes(request)?)?;
            service::set_policy(store, &caller, &standing, &policy).await?;
            Ok(json_response(StatusCode::OK, &policy))
        }
        "GET /settings/users" => {
            let users = service::group_users(store, &caller, &standing).await?;
            Ok(json_response(StatusCode::OK, &UserListJson { users }))
        }
        "PUT /settings/users/{userId}" => {
            let raw_id = path_parameter(request, "userId").unwrap_or_default();
            let user_id = UserId::parse(&raw_id).map_err(|message| {
                ApiError::invalid(share_core::domain::ValidationErrors::single("/userId", message))
            })?;
            let user = parse_user(body_bytes(request)?, user_id)?;
            service::set_user_permission(store, &caller, &standing, &user).await?;
            Ok(json_response(StatusCode::OK, &user))
        }
        "GET /admin/shares" => {
            let (after, owner) = (list_cursor(request)?, list_owner(request)?);
            let listing = service::group_shares_for_admin(
                store,
                &caller.group,
                &standing,
                owner.as_ref(),
                after.as_ref(),
                Timestamp::now(),
            )
            .await?;
            let base_url = public_base_url(request, config.public_base_url.as_ref());
            Ok(json_response(StatusCode::OK, &ShareListJson::new(&listing, &base_url)))
        }
        _ => Err(ApiError::NotFound),
    }
}
