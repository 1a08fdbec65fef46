//! The JSON shapes of the contract's responses (and the settings bodies), built from domain types.

use crate::domain::{
    DateRange, DetailLevel, EmbedOrigin, LocaleTag, ShareState, SharingMode, SharingPolicy, UserPermission,
};
use crate::service::{ShareListing, ShareWithState, Standing};
use crate::store::ListCursor;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareJson<'a> {
    id: &'a str,
    url: String,
    ics_url: String,
    title: &'a str,
    detail: DetailLevel,
    view: &'static str,
    time_zone: &'a str,
    range: &'a DateRange,
    event_count: u32,
    left_out: u32,
    left_out_reasons: crate::domain::LeftOut,
    created_at: Timestamp,
    updated_at: Timestamp,
    expires_at: Option<Timestamp>,
    embed_origins: &'a [EmbedOrigin],
    locale: Option<&'a str>,
    owner: OwnerJson<'a>,
    state: ShareState,
    has_password: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OwnerJson<'a> {
    user_id: &'a str,
    email: Option<&'a str>,
}

impl<'a> ShareJson<'a> {
    pub fn new(share: &'a ShareWithState, base_url: &str) -> Self {
        let record = &share.record;
        let url = format!("{base_url}/s/{}", record.id);
        // Owners and admins alone see a share object: the feed key travels only in theirs.
        let ics_url = match &record.lock {
            Some(lock) => format!("{url}/calendar.ics?key={}", lock.feed_key()),
            None => format!("{url}/calendar.ics"),
        };
        Self {
            id: record.id.as_str(),
            ics_url,
            url,
            title: &record.options.title,
            detail: record.options.detail,
            view: record.options.view.as_str(),
            time_zone: record.options.time_zone.name(),
            range: &record.options.range,
            event_count: record.event_count,
            left_out: record.left_out.total(),
            left_out_reasons: record.left_out,
            created_at: record.created_at,
            updated_at: record.updated_at,
            expires_at: record.options.expires_at,
            embed_origins: &record.options.embed_origins,
            locale: record.options.locale.as_ref().map(LocaleTag::as_str),
            owner: OwnerJson { user_id: record.owner.user_id.as_str(), email: record.owner.email.as_deref() },
            state: share.state,
            has_password: record.lock.is_some(),
        }
    }
}

/// A page of a share list: `next` is the cursor of the following page, `null` on the last.
#[derive(Serialize)]
pub struct ShareListJson<'a> {
    pub shares: Vec<ShareJson<'a>>,
    pub next: Option<String>,
}

impl<'a> ShareListJson<'a> {
    pub fn new(listing: &'a ShareListing, base_url: &str) -> Self {
        Self {
            shares: listing.shares.iter().map(|share| ShareJson::new(share, base_url)).collect(),
            next: listing.next.as_ref().map(ListCursor::encode),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MySharingJson<'a> {
    can_share: bool,
    reason: &'static str,
    max_expiry_days: Option<u32>,
    allowed_detail: &'a [DetailLevel],
}

impl<'a> MySharingJson<'a> {
    pub fn new(standing: &'a Standing) -> Self {
        let decision = standing.decision();
        Self {
            can_share: decision.is_allowed(),
            reason: decision.reason(),
            max_expiry_days: standing.policy.max_expiry_days,
            allowed_detail: standing.allowed_detail(),
        }
    }
}

/// `PUT /settings`: the policy as sent; checked into a `SharingPolicy`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyBody {
    pub sharing: Option<String>,
    #[serde(default)]
    pub max_expiry_days: Option<u32>,
    pub allowed_detail: Option<Vec<String>>,
    #[serde(default)]
    pub require_password: bool,
    /// Checked field by field into `DisplaySettings`, so every bad value is a 422 with its pointer.
    #[serde(default)]
    pub display: serde_json::Value,
}

impl PolicyBody {
    pub fn into_policy(self) -> Result<SharingPolicy, crate::domain::ValidationErrors> {
        let mut errors = crate::domain::ValidationErrors::new();
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
        let display = match &self.display {
            serde_json::Value::Null => Some(crate::domain::DisplaySettings::default()),
            raw => crate::domain::DisplaySettings::from_json(raw).map_err(|found| errors.extend(found)).ok(),
        };
        errors.into_result()?;
        let policy = SharingPolicy::new(sharing.expect("checked"), self.max_expiry_days, allowed_detail)?;
        Ok(SharingPolicy { require_password: self.require_password, display: display.expect("checked"), ..policy })
    }
}

/// `PUT /settings/users/{userId}`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserBody {
    pub email: Option<String>,
    pub can_share: Option<bool>,
    pub admin: Option<bool>,
}

impl UserBody {
    pub fn into_permission(
        self,
        user_id: crate::domain::UserId,
    ) -> Result<UserPermission, crate::domain::ValidationErrors> {
        let mut errors = crate::domain::ValidationErrors::new();
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

#[derive(Serialize)]
pub struct UserListJson {
    pub users: Vec<UserPermission>,
}
