//! Who is calling: read from the claims API Gateway's JWT authorizer verified (and that the local
//! runner puts in the same place), so handler code is the same in Lambda and locally.

use crate::config::ClaimNames;
use crate::domain::{GroupId, UserId};
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user_id: UserId,
    pub email: Option<String>,
    pub group: GroupId,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the token lacks a valid user or group claim")]
pub struct MissingIdentity;

impl Caller {
    pub fn from_request(request: &Request, names: &ClaimNames) -> Result<Self, MissingIdentity> {
        let claims = match request.request_context_ref() {
            Some(RequestContext::ApiGatewayV2(context)) => {
                context.authorizer.as_ref().and_then(|a| a.jwt.as_ref()).map(|jwt| &jwt.claims)
            }
            _ => None,
        };
        Self::from_claims(claims.ok_or(MissingIdentity)?, names)
    }

    pub fn from_claims(claims: &HashMap<String, String>, names: &ClaimNames) -> Result<Self, MissingIdentity> {
        let claim = |name: &str| claims.get(name).map(String::as_str).filter(|v| !v.is_empty());
        let user_id = claim(&names.user).and_then(|v| UserId::parse(v).ok()).ok_or(MissingIdentity)?;
        let group = claim(&names.group).and_then(|v| GroupId::parse(v).ok()).ok_or(MissingIdentity)?;
        let email = claim(&names.email).or_else(|| claim("preferred_username")).map(str::to_owned);
        let roles = claim(&names.roles).map(parse_roles).unwrap_or_default();
        Ok(Self { user_id, email, group, roles })
    }

    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
}

/// HTTP APIs flatten array claims to `[a b]`; a JSON array or a single name is accepted too.
fn parse_roles(raw: &str) -> Vec<String> {
    if let Ok(list) = serde_json::from_str::<Vec<String>>(raw) {
        return list;
    }
    raw.trim_matches(|c| c == '[' || c == ']')
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|r| r.trim_matches('"'))
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect()
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
        assert_eq!(parse_roles(r#"["ShareAdmin","Reader"]"#), vec!["ShareAdmin", "Reader"]);
        assert_eq!(parse_roles("ShareAdmin"), vec!["ShareAdmin"]);
    }
}
