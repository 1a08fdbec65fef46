//! The settings function: a group's admins set who may publish (everyone, selected users, nobody),
//! caps on expiry and detail, per-user permissions, and audit or revoke every share of the group.

use jiff::Timestamp;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use share_core::ServiceConfig;
use share_core::api_json::{PolicyBody, ShareListJson, UserBody, UserListJson};
use share_core::domain::UserId;
use share_core::http::{
    ApiError, authenticate, json_body, json_response, list_cursor, path_parameter, public_base_url, respond_logged,
    route_key,
};
use share_core::service;
use share_core::store::{PolicyReads, PolicyWrites, ShareReads};

pub const ROUTES: &[&str] =
    &["GET /settings", "PUT /settings", "GET /settings/users", "PUT /settings/users/{userId}", "GET /admin/shares"];

/// The function as Lambda runs it: logs as the environment says (Lambda's log level and format),
/// one store per execution environment with its connection opened during init, then the
/// invocations. `main` is only this, so the tests can run exactly what is deployed.
pub async fn run_in_lambda() -> Result<(), lambda_http::Error> {
    share_core::logging::init_for_lambda();
    let config = ServiceConfig::from_env();
    let store = share_core::store::DynamoStore::from_env(&config.table_name).await?;
    store.warm_up().await;
    let handler = |request| async { Ok::<_, lambda_http::Error>(handle(&store, &config, request).await) };
    lambda_http::run(lambda_http::service_fn(handler)).await
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
    let group = &caller.group;
    match route {
        "GET /settings" => Ok(json_response(StatusCode::OK, &standing.policy)),
        "PUT /settings" => {
            let policy = json_body::<PolicyBody>(request)?.into_policy().map_err(ApiError::invalid)?;
            store.put_policy(group, &policy).await?;
            tracing::info!(group = %group, "sharing policy changed");
            Ok(json_response(StatusCode::OK, &policy))
        }
        "GET /settings/users" => Ok(json_response(StatusCode::OK, &UserListJson { users: store.users(group).await? })),
        "PUT /settings/users/{userId}" => {
            let raw_id = path_parameter(request, "userId").unwrap_or_default();
            let user_id = UserId::parse(&raw_id).map_err(|message| {
                ApiError::invalid(share_core::domain::ValidationErrors::single("/userId", message))
            })?;
            let user = json_body::<UserBody>(request)?.into_permission(user_id).map_err(ApiError::invalid)?;
            store.put_user(group, &user).await?;
            tracing::info!(group = %group, "user permission changed");
            Ok(json_response(StatusCode::OK, &user))
        }
        "GET /admin/shares" => {
            let after = list_cursor(request)?;
            let listing =
                service::group_shares_for_admin(store, group, &standing, after.as_ref(), Timestamp::now()).await?;
            let base_url = public_base_url(request, config.public_base_url.as_ref());
            Ok(json_response(StatusCode::OK, &ShareListJson::new(&listing, &base_url)))
        }
        _ => Err(ApiError::NotFound),
    }
}
