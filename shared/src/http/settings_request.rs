//! The bodies of `PUT /settings` and `PUT /settings/users/{userId}`, parsed into a validated policy
//! and permission: wrong JSON or types are `Malformed` (400), broken rules `Invalid` (422), all at once.

use super::request::{MalformedBody, json_body};
use crate::domain::{DetailLevel, SealingRule, SharingMode, SharingPolicy, UserId, UserPermission, ValidationErrors};
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsRequestError {
    #[error("malformed request body: {message}")]
    Malformed { pointer: Option<String>, message: String },
    #[error("{0}")]
    Invalid(ValidationErrors),
}

impl From<MalformedBody> for SettingsRequestError {
    fn from(MalformedBody { pointer, message }: MalformedBody) -> Self {
        Self::Malformed { pointer, message }
    }
}

/// The group's policy in a `PUT /settings` body.
pub fn parse_policy(body: &[u8]) -> Result<SharingPolicy, SettingsRequestError> {
    json_body::<PolicyBody>(body)?.into_policy().map_err(SettingsRequestError::Invalid)
}

/// `user_id`'s permission in a `PUT /settings/users/{userId}` body.
pub fn parse_user(body: &[u8], user_id: UserId) -> Result<UserPermission, SettingsRequestError> {
    json_body::<UserBody>(body)?.into_permission(user_id).map_err(SettingsRequestError::Invalid)
}

/// `PUT /settings`: the policy as sent; checked into a `SharingPolicy`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PolicyBody {
    sharing: Option<String>,
    #[serde(default)]
    max_expiry_days: Option<u32>,
    allowed_detail: Option<Vec<String>>,
    #[serde(default)]
    require_password: bool,
    sealing: Option<String>,
    /// Checked field by field into `DisplaySettings`, so every bad value is a 422 with its pointer.
    #[serde(default)]
    display: serde_json::Value,
}

impl PolicyBody {
    fn into_policy(self) -> Result<SharingPolicy, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let sharing = match self.sharing {
            Some(raw) => errors.check("/sharing", SharingMode::parse(&raw)),
            None => {
                errors.push("/sharing", "is required");
                None
            }
        };
        let allowed_detail: Vec<DetailLevel> = match self.allowed_detail {
            Some(levels) => levels
                .iter()
                .enumerate()
                .filter_map(|(i, raw)| errors.check(format!("/allowedDetail/{i}"), DetailLevel::parse(raw)))
                .collect(),
            None => DetailLevel::ALL.to_vec(),
        };
        let sealing = match &self.sealing {
            Some(raw) => errors.check("/sealing", SealingRule::parse(raw)),
            None => Some(SealingRule::default()),
        };
        let display = match &self.display {
            serde_json::Value::Null => Some(crate::domain::DisplaySettings::default()),
            raw => crate::domain::DisplaySettings::from_json(raw).map_err(|found| errors.extend(found)).ok(),
        };
        errors.into_result()?;
        let policy = SharingPolicy::new(sharing.expect("checked"), self.max_expiry_days, allowed_detail)?;
        Ok(SharingPolicy {
            require_password: self.require_password,
            sealing: sealing.expect("checked"),
            display: display.expect("checked"),
            ..policy
        })
    }
}

/// `PUT /settings/users/{userId}`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserBody {
    email: Option<String>,
    can_share: Option<bool>,
    admin: Option<bool>,
}

impl UserBody {
    fn into_permission(self, user_id: UserId) -> Result<UserPermission, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if self.can_share.is_none() {
            errors.push("/canShare", "is required");
        }
        if self.admin.is_none() {
            errors.push("/admin", "is required");
        }
        if let Some(email) = &self.email
            && (email.len() > 320 || !email.contains('@'))
        {
            errors.push("/email", "must be an email address");
        }
        errors.into_result()?;
        Ok(UserPermission {
            user_id,
            email: self.email,
            can_share: self.can_share.expect("checked"),
            admin: self.admin.expect("checked"),
        })
    }
}
