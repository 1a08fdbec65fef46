//! The group's sharing policy and per-user permissions, and the decision they make together.

use super::{DetailLevel, DisplaySettings, UserId, ValidationErrors};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum SharingMode {
    #[default]
    Everyone,
    Selected,
    Nobody,
}

impl SharingMode {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match raw {
            "everyone" => Ok(Self::Everyone),
            "selected" => Ok(Self::Selected),
            "nobody" => Ok(Self::Nobody),
            _ => Err("must be \"everyone\", \"selected\" or \"nobody\""),
        }
    }
}

/// Whether the group's shares may, must or must not be sealed (end-to-end encrypted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum SealingRule {
    #[default]
    Allowed,
    Required,
    Forbidden,
}

impl SealingRule {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match raw {
            "allowed" => Ok(Self::Allowed),
            "required" => Ok(Self::Required),
            "forbidden" => Ok(Self::Forbidden),
            _ => Err("must be \"allowed\", \"required\" or \"forbidden\""),
        }
    }
}

pub const MAX_EXPIRY_DAYS_LIMIT: u32 = 3650;

/// A group's policy. A group without a stored one gets the default: everyone, no cap, all levels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SharingPolicy {
    pub sharing: SharingMode,
    pub max_expiry_days: Option<u32>,
    pub allowed_detail: Vec<DetailLevel>,
    /// Every publish, `PUT` and rotation must carry a password; shares already out keep working.
    #[serde(default)]
    pub require_password: bool,
    /// Whether shares may, must or must not be sealed.
    #[serde(default)]
    pub sealing: SealingRule,
    /// The group's calendar defaults for its share pages, applied at view time.
    #[serde(default)]
    pub display: DisplaySettings,
}

impl Default for SharingPolicy {
    fn default() -> Self {
        Self {
            sharing: SharingMode::Everyone,
            max_expiry_days: None,
            allowed_detail: DetailLevel::ALL.to_vec(),
            require_password: false,
            sealing: SealingRule::Allowed,
            display: DisplaySettings::default(),
        }
    }
}

impl SharingPolicy {
    pub fn new(
        sharing: SharingMode,
        max_expiry_days: Option<u32>,
        mut allowed_detail: Vec<DetailLevel>,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if let Some(days) = max_expiry_days
            && !(1..=MAX_EXPIRY_DAYS_LIMIT).contains(&days)
        {
            errors.push("/maxExpiryDays", format!("must be null or 1 to {MAX_EXPIRY_DAYS_LIMIT}"));
        }
        if allowed_detail.is_empty() {
            errors.push(
                "/allowedDetail",
                "must allow at least one detail level (use sharing \"nobody\" to turn sharing off)",
            );
        }
        errors.into_result()?;
        allowed_detail.sort();
        allowed_detail.dedup();
        Ok(Self { sharing, max_expiry_days, allowed_detail, ..Self::default() })
    }

    /// Under `requirePassword`, a share without a password may not be published, replaced or rotated.
    pub fn check_password(&self, has_password: bool, errors: &mut ValidationErrors) {
        if self.require_password && !has_password {
            errors.push("/password", "Your group requires a password on every share: set password");
        }
    }

    /// Under `sealing`, a share of the wrong kind may not be published, replaced or rotated.
    pub fn check_sealing(&self, sealed: bool, errors: &mut ValidationErrors) {
        match (self.sealing, sealed) {
            (SealingRule::Required, false) => {
                errors.push("/sealed", "Your group requires every share to be sealed: seal it with share-seal")
            }
            (SealingRule::Forbidden, true) => errors.push("/sealed", "Your group does not allow sealed shares"),
            _ => {}
        }
    }

    /// The rules a new or replaced share must meet under this policy; returns the broken ones.
    pub fn check_publish(
        &self,
        detail: DetailLevel,
        expires_at: Option<Timestamp>,
        now: Timestamp,
    ) -> ValidationErrors {
        let mut errors = ValidationErrors::new();
        if !self.allowed_detail.contains(&detail) {
            let allowed: Vec<&str> = self.allowed_detail.iter().map(DetailLevel::as_str).collect();
            errors.push("/detail", format!("Your group allows only these detail levels: {}", allowed.join(", ")));
        }
        self.check_expiry(expires_at, now, &mut errors);
        errors
    }

    /// Under `maxExpiryDays`, a share expires, and within that many days of `now`.
    pub fn check_expiry(&self, expires_at: Option<Timestamp>, now: Timestamp, errors: &mut ValidationErrors) {
        if let Some(days) = self.max_expiry_days {
            let latest = now + SignedDuration::from_hours(24 * i64::from(days));
            match expires_at {
                None => errors.push("/expiresAt", format!("Shares must expire within {days} days: set expiresAt")),
                Some(at) if at > latest => errors.push("/expiresAt", format!("Shares must expire within {days} days")),
                Some(_) => {}
            }
        }
    }
}

/// An admin's record of one user: whether they may share and whether they are a group admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserPermission {
    pub user_id: UserId,
    #[serde(default)]
    pub email: Option<String>,
    pub can_share: bool,
    pub admin: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SharingDecision {
    Allowed,
    Denied(SharingDenial),
}

/// Why a user may not publish now (and why their shares stop serving).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SharingDenial {
    GroupOff,
    NotSelected,
    UserDisabled,
}

impl SharingDenial {
    pub fn reason(self) -> &'static str {
        match self {
            Self::GroupOff => "Sharing is turned off for your group",
            Self::NotSelected => "Your admin has not enabled sharing for you",
            Self::UserDisabled => "Your admin has disabled sharing for you",
        }
    }
}

impl SharingDecision {
    pub fn is_allowed(&self) -> bool {
        matches!(self, Self::Allowed)
    }

    pub fn reason(&self) -> &'static str {
        match self {
            Self::Allowed => "You may publish public shares",
            Self::Denied(denial) => denial.reason(),
        }
    }
}

/// Whether a user may publish (and whether their published shares may keep serving).
pub fn sharing_decision(policy: &SharingPolicy, user: Option<&UserPermission>) -> SharingDecision {
    let can_share = user.map(|u| u.can_share);
    match (policy.sharing, can_share) {
        (SharingMode::Nobody, _) => SharingDecision::Denied(SharingDenial::GroupOff),
        (_, Some(false)) => SharingDecision::Denied(SharingDenial::UserDisabled),
        (SharingMode::Selected, None) => SharingDecision::Denied(SharingDenial::NotSelected),
        (SharingMode::Selected, Some(true)) | (SharingMode::Everyone, _) => SharingDecision::Allowed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(can_share: bool) -> UserPermission {
        UserPermission { user_id: UserId::parse("u").unwrap(), email: None, can_share, admin: false }
    }

    #[test]
    fn decision_truth_table() {
        use SharingMode::*;
        let cases = [
            (Everyone, None, Ok(())),
            (Everyone, Some(true), Ok(())),
            (Everyone, Some(false), Err(SharingDenial::UserDisabled)),
            (Selected, None, Err(SharingDenial::NotSelected)),
            (Selected, Some(true), Ok(())),
            (Selected, Some(false), Err(SharingDenial::UserDisabled)),
            (Nobody, None, Err(SharingDenial::GroupOff)),
            (Nobody, Some(true), Err(SharingDenial::GroupOff)),
            (Nobody, Some(false), Err(SharingDenial::GroupOff)),
        ];
        for (mode, can_share, expected) in cases {
            let policy = SharingPolicy { sharing: mode, ..SharingPolicy::default() };
            let record = can_share.map(user);
            let decision = sharing_decision(&policy, record.as_ref());
            let got = match decision {
                SharingDecision::Allowed => Ok(()),
                SharingDecision::Denied(reason) => Err(reason),
            };
            assert_eq!(got, expected, "{mode:?} / {can_share:?}");
        }
    }

    #[test]
    fn caps_require_and_bound_expiry_and_limit_detail() {
        let now: Timestamp = "2026-12-01T00:00:00Z".parse().unwrap();
        let policy = SharingPolicy::new(SharingMode::Everyone, Some(7), vec![DetailLevel::Availability]).unwrap();
        let within: Timestamp = "2026-12-08T00:00:00Z".parse().unwrap();
        let beyond: Timestamp = "2026-12-08T00:00:01Z".parse().unwrap();
        assert!(policy.check_publish(DetailLevel::Availability, Some(within), now).is_empty());
        let missing = policy.check_publish(DetailLevel::Availability, None, now);
        assert_eq!(missing.errors()[0].pointer, "/expiresAt");
        assert_eq!(policy.check_publish(DetailLevel::Availability, Some(beyond), now).len(), 1);
        let detail = policy.check_publish(DetailLevel::Full, Some(within), now);
        assert_eq!(detail.errors()[0].pointer, "/detail");
        assert!(SharingPolicy::default().check_publish(DetailLevel::Full, None, now).is_empty());
    }

    #[test]
    fn a_required_password_is_checked_only_when_required() {
        let mut errors = ValidationErrors::new();
        SharingPolicy::default().check_password(false, &mut errors);
        assert!(errors.is_empty());
        let strict = SharingPolicy { require_password: true, ..SharingPolicy::default() };
        strict.check_password(true, &mut errors);
        assert!(errors.is_empty());
        strict.check_password(false, &mut errors);
        assert_eq!(errors.errors()[0].pointer, "/password");
    }

    #[test]
    fn policy_construction_rejects_empty_levels_and_bad_caps() {
        assert!(SharingPolicy::new(SharingMode::Everyone, Some(0), DetailLevel::ALL.to_vec()).is_err());
        assert!(SharingPolicy::new(SharingMode::Everyone, None, vec![]).is_err());
        let sorted = SharingPolicy::new(
            SharingMode::Selected,
            Some(30),
            vec![DetailLevel::Full, DetailLevel::Availability, DetailLevel::Full],
        )
        .unwrap();
        assert_eq!(sorted.allowed_detail, vec![DetailLevel::Availability, DetailLevel::Full]);
    }
}
