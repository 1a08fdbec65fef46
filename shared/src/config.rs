//! Settings read once per cold start from the environment that `template.yaml` sets.

use crate::domain::{PublicOrigin, SecretKey, SourceIdSecret, UnlockCookieKey};
use crate::secrets::{self, SecretName};
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
    /// With the CDN on, the value of the header it adds to every request it forwards: the recipients'
    /// routes refuse requests without it, which did not come through the CDN and its WAF.
    pub origin_secret: Option<SecretKey>,
}

/// A key whose value the environment holds (tests, the local runner); a deployed function reads its
/// keys with `crate::secrets` instead, and never falls back to a development one.
fn key_from_env(name: SecretName) -> Option<SecretKey> {
    secrets::from_value_variable(name).ok().flatten()
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
            origin_secret: None,
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
            source_id_secret: key_from_env(SecretName::SourceIdKey).map_or(defaults.source_id_secret, Into::into),
            unlock_cookie_key: key_from_env(SecretName::UnlockCookieKey).map_or(defaults.unlock_cookie_key, Into::into),
            origin_secret: key_from_env(SecretName::OriginVerify),
        }
    }
}
