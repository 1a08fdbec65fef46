//! The JSON shapes of the contract's responses, built from domain types.

use crate::domain::{DateRange, DetailLevel, EmbedOrigin, LocaleTag, RollingWindow, ShareState, UserPermission};
use crate::service::{ShareListing, ShareWithState, Standing};
use crate::store::ListCursor;
use jiff::Timestamp;
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareJson<'a> {
    id: &'a str,
    url: String,
    /// None for a sealed share: it has no feed.
    ics_url: Option<String>,
    title: &'a str,
    detail: DetailLevel,
    view: &'static str,
    time_zone: &'a str,
    range: RangeJson<'a>,
    /// How many calendars the share follows.
    follows: usize,
    open_on: Option<jiff::civil::Date>,
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
    sealed: bool,
}

/// A fixed range as its days, a rolling one as its window.
#[derive(Serialize)]
#[serde(untagged)]
enum RangeJson<'a> {
    Fixed(&'a DateRange),
    Rolling { rolling: &'a RollingWindow },
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
            _ if record.sealed => None,
            Some(lock) => Some(format!("{url}/calendar.ics?key={}", lock.feed_key())),
            None => Some(format!("{url}/calendar.ics")),
        };
        Self {
            id: record.id.as_str(),
            ics_url,
            url,
            title: &record.options.title,
            detail: record.options.detail,
            view: record.options.view.as_str(),
            time_zone: record.options.time_zone.name(),
            range: match &record.options.rolling {
                Some(rolling) => RangeJson::Rolling { rolling },
                None => RangeJson::Fixed(&record.options.range),
            },
            follows: record.follows.len(),
            open_on: record.options.open_on,
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
            sealed: record.sealed,
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

#[derive(Serialize)]
pub struct UserListJson {
    pub users: Vec<UserPermission>,
}
