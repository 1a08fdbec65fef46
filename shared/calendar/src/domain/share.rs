//! A published share: its options and the record kept beside its snapshot.

use super::{
    EmbedOrigin, Generation, GroupId, LocaleTag, RollingWindow, ShareId, ShareLock, SharingDecision, SnapshotPiece,
    SourceKey, UserId,
};
use jiff::{Timestamp, civil::Date, tz::TimeZone};
use serde::{Deserialize, Serialize};

/// How much of each event a share shows. What a level does not show is never stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DetailLevel {
    /// Time blocks by busy state only.
    Availability,
    /// Adds title and location.
    Limited,
    /// Adds the description.
    Full,
}

impl DetailLevel {
    pub const ALL: [DetailLevel; 3] = [Self::Availability, Self::Limited, Self::Full];

    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match raw {
            "availability" => Ok(Self::Availability),
            "limited" => Ok(Self::Limited),
            "full" => Ok(Self::Full),
            _ => Err("must be \"availability\", \"limited\" or \"full\""),
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Availability => "availability",
            Self::Limited => "limited",
            Self::Full => "full",
        }
    }

    pub fn shows_title(&self) -> bool {
        *self >= Self::Limited
    }

    pub fn shows_description(&self) -> bool {
        *self == Self::Full
    }
}

/// The page's default view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DefaultView {
    Month,
    Week,
    Day,
    Agenda,
}

impl DefaultView {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match raw {
            "month" => Ok(Self::Month),
            "week" => Ok(Self::Week),
            "day" => Ok(Self::Day),
            "agenda" => Ok(Self::Agenda),
            _ => Err("must be \"month\", \"week\", \"day\" or \"agenda\""),
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Month => "month",
            Self::Week => "week",
            Self::Day => "day",
            Self::Agenda => "agenda",
        }
    }
}

/// An IANA time zone name that the bundled tz database knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ShareTimeZone {
    name: String,
    #[serde(skip)]
    zone: TimeZone,
}

impl ShareTimeZone {
    pub fn parse(name: &str) -> Result<Self, String> {
        let zone = TimeZone::get(name)
            .map_err(|_| format!("unknown time zone \"{}\"", super::validation::quoted(name).escape_default()))?;
        Ok(Self { name: name.to_owned(), zone })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn zone(&self) -> &TimeZone {
        &self.zone
    }
}

impl TryFrom<String> for ShareTimeZone {
    type Error = String;
    fn try_from(name: String) -> Result<Self, Self::Error> {
        Self::parse(&name)
    }
}

impl From<ShareTimeZone> for String {
    fn from(tz: ShareTimeZone) -> Self {
        tz.name
    }
}

/// Dates a share covers, `end` exclusive, in the share's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateRange {
    pub start: Date,
    pub end: Date,
}

impl DateRange {
    pub fn new(start: Date, end: Date) -> Result<Self, &'static str> {
        if end <= start {
            return Err("range end must be after its start");
        }
        Ok(Self { start, end })
    }

    pub fn contains(&self, day: Date) -> bool {
        self.start <= day && day < self.end
    }
}

/// What the publisher chose for the share, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareOptions {
    pub title: String,
    pub detail: DetailLevel,
    pub view: DefaultView,
    pub time_zone: ShareTimeZone,
    /// The days the share covers; for a rolling share, its window as of its last write.
    pub range: DateRange,
    /// A window that moves with today, in place of the fixed `range`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rolling: Option<RollingWindow>,
    /// The day the page opens on (inside the range; never with a rolling one) instead of today.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
    /// The sites the embed page may be framed by; none: any site.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub embed_origins: Vec<EmbedOrigin>,
    /// The page's language and formats unless the recipient picks another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<LocaleTag>,
}

impl ShareOptions {
    /// The days the share covers at `now`: its window on today in its zone when it rolls, else its
    /// fixed range.
    pub fn range_at(&self, now: Timestamp) -> DateRange {
        match &self.rolling {
            Some(window) => window.at(now, self.time_zone.zone()),
            None => self.range,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Owner {
    pub user_id: UserId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// Everything about a share except its events: what lists show and what the page needs to find
/// the current snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareRecord {
    pub id: ShareId,
    pub group: GroupId,
    pub owner: Owner,
    #[serde(flatten)]
    pub options: ShareOptions,
    pub event_count: u32,
    pub left_out: LeftOut,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Names the write that made the record; a re-publish writes its new pieces under a new
    /// generation and switches to them in one transaction, so readers never see a mix.
    pub generation: Generation,
    /// The snapshot's pieces in order: this generation's, and those kept from earlier ones.
    /// Empty only in a record an earlier build stored (one generation of `chunkCount` chunks).
    #[serde(default)]
    pub pieces: Vec<SnapshotPiece>,
    /// Which buckets of the owner's source index list this share (`SourceIndex::mask`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub source_buckets: u16,
    /// The id this share was rotated away from, whose forwarding marker points here: the next
    /// rotation or the revoke retires that marker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotated_from: Option<ShareId>,
    /// The calendars the share follows (their keys): their new events join it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub follows: Vec<SourceKey>,
    /// A sealed share: its pieces hold a ciphertext the service cannot read (`sealed`), not events.
    #[serde(default, skip_serializing_if = "is_false")]
    pub sealed: bool,
    /// A password share's lock; `None` for a share anyone with the link may open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock: Option<ShareLock>,
}

fn is_false(flag: &bool) -> bool {
    !flag
}

fn is_zero(mask: &u16) -> bool {
    *mask == 0
}

impl ShareRecord {
    pub fn is_expired(&self, now: Timestamp) -> bool {
        self.options.expires_at.is_some_and(|at| at <= now)
    }
}

/// Whether a share's link serves now, as its owner and admins are told: the rule the view applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ShareState {
    Live,
    /// Past `expiresAt`: the link answers 410.
    Expired,
    /// The owner may not share now: the link answers 404 until sharing is allowed again.
    Paused,
}

impl ShareState {
    /// Expiry is decided first: an expired link answers 410 whatever the owner's standing.
    pub fn of(record: &ShareRecord, owner: SharingDecision, now: Timestamp) -> Self {
        if record.is_expired(now) {
            Self::Expired
        } else if owner.is_allowed() {
            Self::Live
        } else {
            Self::Paused
        }
    }
}

/// The most events a share holds.
pub const MAX_SHARE_EVENTS: usize = 10_000;

/// How many submitted events a share does not hold, and why.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeftOut {
    pub outside_range: u32,
    pub cancelled: u32,
}

impl LeftOut {
    pub fn total(&self) -> u32 {
        self.outside_range + self.cancelled
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SharingDenial;
    use crate::render::fixtures;

    #[test]
    fn expiry_decides_before_the_owners_standing() {
        let now: Timestamp = "2026-12-01T12:00:00Z".parse().unwrap();
        let (start, end) = ("2026-12-01".parse().unwrap(), "2027-01-01".parse().unwrap());
        let mut record = fixtures::record("Rota", "UTC", start, end, DetailLevel::Limited);
        let paused = SharingDecision::Denied(SharingDenial::GroupOff);
        let cases = [
            (None, SharingDecision::Allowed, ShareState::Live),
            (None, paused, ShareState::Paused),
            (Some("2026-12-01T12:00:01Z"), SharingDecision::Allowed, ShareState::Live),
            (Some("2026-12-01T12:00:01Z"), paused, ShareState::Paused),
            (Some("2026-12-01T12:00:00Z"), SharingDecision::Allowed, ShareState::Expired),
            (Some("2026-11-30T00:00:00Z"), paused, ShareState::Expired),
        ];
        for (expires_at, owner, expected) in cases {
            record.options.expires_at = expires_at.map(|at| at.parse().unwrap());
            assert_eq!(ShareState::of(&record, owner, now), expected, "{expires_at:?} / {owner:?}");
        }
        assert_eq!(serde_json::to_value(ShareState::Paused).unwrap(), "paused");
    }
}
