//! Who is calling: read from the claims API Gateway's JWT authorizer verified (and that the local
//! runner puts in the same place, see `http::caller`), so handler code is the same in Lambda and locally.

use crate::config::ClaimNames;
use crate::domain::{GroupId, UserId};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user_id: UserId,
    pub email: Option<String>,
    pub group: GroupId,
    pub roles: Vec<String>,
    /// The delegated scopes the token grants (`scp`); an app-only token has none.
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the token lacks a valid user or group claim")]
pub struct MissingIdentity;

/// The token is a user's, but not for this API's delegated scope (or it is an app-only token).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("The token lacks the delegated scope {0}: only a signed-in user's token for this API may call it")]
pub struct MissingScope(pub String);

impl Caller {
    pub fn from_claims(claims: &HashMap<String, String>, names: &ClaimNames) -> Result<Self, MissingIdentity> {
        let claim = |name: &str| claims.get(name).map(String::as_str).filter(|v| !v.is_empty());
        let user_id = claim(&names.user).and_then(|v| UserId::parse(v).ok()).ok_or(MissingIdentity)?;
        let group = claim(&names.group).and_then(|v| GroupId::parse(v).ok()).ok_or(MissingIdentity)?;
        let email = claim(&names.email).or_else(|| claim("preferred_username")).map(str::to_owned);
        let roles = claim(&names.roles).map(parse_roles).unwrap_or_default();
        let scopes = claim(&names.scopes).map(parse_scopes).unwrap_or_default();
        Ok(Self { user_id, email, group, roles, scopes })
    }

    /// Whether one of the token's role values is exactly `role`.
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }

    pub fn require_scope(&self, scope: &str) -> Result<(), MissingScope> {
        if self.scopes.iter().any(|s| s == scope) { Ok(()) } else { Err(MissingScope(scope.to_owned())) }
    }
}

/// The values of the roles claim. API Gateway hands an array claim over as `[a b c]`; Entra ID role
/// values cannot contain spaces, so that form splits on spaces only (never on commas, so that a value
/// such as `Viewer,ShareAdmin` stays one value). Anything else is one value, as it is.
fn parse_roles(raw: &str) -> Vec<String> {
    match raw.strip_prefix('[').and_then(|list| list.strip_suffix(']')) {
        Some(list) => list.split(' ').filter(|role| !role.is_empty()).map(str::to_owned).collect(),
        None => vec![raw.to_owned()],
    }
}

/// The values of the scope claim: OAuth's space-separated list (`scp`), or an array as API Gateway
/// hands it over.
fn parse_scopes(raw: &str) -> Vec<String> {
    let list = raw.strip_prefix('[').and_then(|list| list.strip_suffix(']')).unwrap_or(raw);
    list.split(' ').filter(|scope| !scope.is_empty()).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn reads_default_claims_with_email_fallback() {
        let caller = Caller::from_claims(
            &claims(&[("sub", "u1"), ("tid", "g1"), ("preferred_username", "kim@example.com")]),
            &ClaimNames::default(),
        )
        .unwrap();
        assert_eq!(caller.user_id.as_str(), "u1");
        assert_eq!(caller.group.as_str(), "g1");
        assert_eq!(caller.email.as_deref(), Some("kim@example.com"));
    }

    #[test]
    fn user_and_group_are_required() {
        let names = ClaimNames::default();
        assert_eq!(Caller::from_claims(&claims(&[("sub", "u1")]), &names), Err(MissingIdentity));
        assert_eq!(Caller::from_claims(&claims(&[("tid", "g1"), ("sub", "")]), &names), Err(MissingIdentity));
    }

    #[test]
    fn roles_in_every_shape_api_gateway_sends() {
        assert_eq!(parse_roles("[ShareAdmin Reader]"), vec!["ShareAdmin", "Reader"]);
        assert_eq!(parse_roles("[ShareAdmin]"), vec!["ShareAdmin"]);
        assert_eq!(parse_roles("[]"), Vec::<String>::new());
        assert_eq!(parse_roles("ShareAdmin"), vec!["ShareAdmin"]);
    }

    #[test]
    fn a_role_is_admin_only_as_one_whole_value() {
        let admin = |roles: &str| {
            let claims = claims(&[("sub", "u1"), ("tid", "g1"), ("roles", roles)]);
            Caller::from_claims(&claims, &ClaimNames::default()).unwrap().has_role("ShareAdmin")
        };
        for not_admin in [
            "Viewer,ShareAdmin",
            "Not ShareAdmin",
            "[Viewer,ShareAdmin]",
            r#"["ShareAdmin","Reader"]"#,
            "[Share\tAdmin]",
            "shareadmin",
            "[ShareAdmins]",
            " ShareAdmin",
        ] {
            assert!(!admin(not_admin), "{not_admin:?}");
        }
        for is_admin in ["ShareAdmin", "[ShareAdmin]", "[Reader ShareAdmin]", "[Reader  ShareAdmin]"] {
            assert!(admin(is_admin), "{is_admin:?}");
        }
    }

    #[test]
    fn the_scope_must_be_one_of_the_granted_values() {
        let caller = |scp: Option<&str>| {
            let mut pairs = vec![("sub", "u1"), ("tid", "g1")];
            pairs.extend(scp.map(|scp| ("scp", scp)));
            Caller::from_claims(&claims(&pairs), &ClaimNames::default()).unwrap()
        };
        for granted in ["Shares.ReadWrite", "User.Read Shares.ReadWrite openid", "[Shares.ReadWrite User.Read]"] {
            assert_eq!(caller(Some(granted)).require_scope("Shares.ReadWrite"), Ok(()), "{granted}");
        }
        for lacking in [None, Some(""), Some("User.Read"), Some("Shares.ReadWrite.All"), Some("Shares.ReadWrite,x")] {
            assert!(caller(lacking).require_scope("Shares.ReadWrite").is_err(), "{lacking:?}");
        }
    }
}
