//! Settings read once per cold start from the environment that `template.yaml` sets.

use crate::domain::{PublicOrigin, SecretKey, SourceIdSecret, UnlockCookieKey};
use std::env;

/// The API's delegated scope unless `REQUIRED_SCOPE` names another.
pub const DEFAULT_SCOPE: &str = "Shares.ReadWrite";

/// Where the caller's identity lives in the JWT claims (names configurable for other IdPs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimNames {
    pub user: String,
    pub email: String,
    pub group: String,
    pub roles: String,
    /// The delegated scopes granted (`scp` in Entra ID tokens).
    pub scopes: String,
}

impl Default for ClaimNames {
    fn default() -> Self {
        Self {
            user: "sub".into(),
            email: "email".into(),
            group: "tid".into(),
            roles: "roles".into(),
            scopes: "scp".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceConfig {
    pub table_name: String,
    pub claims: ClaimNames,
    /// The app role that makes a caller a group admin.
    pub admin_role: String,
    /// The delegated scope every caller's token must carry (the authorizer's route scopes in AWS).
    pub required_scope: String,
    /// Base of the links in share objects (`https://share.example.com`); when unset, the request's
    /// host is used.
    pub public_base_url: Option<PublicOrigin>,
    /// What source keys are made with (`SOURCE_ID_KEY`); the local runner and the tests use the
    /// public development secret, and a deployed publish function refuses to start without its own.
    pub source_id_secret: SourceIdSecret,
    /// What unlock cookies of password shares are signed with (`SHARE_COOKIE_KEY`); the deployed
    /// view and unlock functions refuse to start without their own.
    pub unlock_cookie_key: UnlockCookieKey,
}

/// Why a secret the environment must hold cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{variable} {reason}: {purpose}")]
pub struct SecretError {
    variable: &'static str,
    reason: String,
    purpose: &'static str,
}

/// The key an environment variable holds, for a deployed function that must not fall back to a
/// development one.
fn secret_from_env(variable: &'static str, purpose: &'static str) -> Result<SecretKey, SecretError> {
    let raw = env::var(variable).map_err(|_| SecretError { variable, reason: "is not set".into(), purpose })?;
    SecretKey::new(raw.as_bytes()).map_err(|reason| SecretError { variable, reason, purpose })
}

pub fn source_id_secret_from_env() -> Result<SourceIdSecret, SecretError> {
    secret_from_env("SOURCE_ID_KEY", "the publish function keys source ids with it").map(SourceIdSecret::from)
}

pub fn unlock_cookie_key_from_env() -> Result<UnlockCookieKey, SecretError> {
    secret_from_env("SHARE_COOKIE_KEY", "the view and unlock functions sign and check unlock cookies with it")
        .map(UnlockCookieKey::from)
}

impl Default for ServiceConfig {
    fn default() -> Self {
        Self {
            table_name: "shares".into(),
            claims: ClaimNames::default(),
            admin_role: "ShareAdmin".into(),
            required_scope: DEFAULT_SCOPE.into(),
            public_base_url: None,
            source_id_secret: SourceIdSecret::development(),
            unlock_cookie_key: UnlockCookieKey::development(),
        }
    }
}

impl ServiceConfig {
    pub fn from_env() -> Self {
        let defaults = Self::default();
        let var = |name: &str, default: String| env::var(name).ok().filter(|v| !v.is_empty()).unwrap_or(default);
        Self {
            table_name: var("TABLE_NAME", defaults.table_name),
            claims: ClaimNames {
                user: var("CLAIM_USER", defaults.claims.user),
                email: var("CLAIM_EMAIL", defaults.claims.email),
                group: var("CLAIM_GROUP", defaults.claims.group),
                roles: var("CLAIM_ROLES", defaults.claims.roles),
                scopes: var("CLAIM_SCOPES", defaults.claims.scopes),
            },
            admin_role: var("ADMIN_ROLE", defaults.admin_role),
            required_scope: var("REQUIRED_SCOPE", defaults.required_scope),
            public_base_url: env::var("PUBLIC_BASE_URL").ok().filter(|v| !v.is_empty()).and_then(|raw| {
                PublicOrigin::parse(&raw)
                    .inspect_err(
                        |error| tracing::warn!(%error, "PUBLIC_BASE_URL ignored: links use the request's host"),
                    )
                    .ok()
            }),
            source_id_secret: source_id_secret_from_env().unwrap_or(defaults.source_id_secret),
            unlock_cookie_key: unlock_cookie_key_from_env().unwrap_or(defaults.unlock_cookie_key),
        }
    }
}
