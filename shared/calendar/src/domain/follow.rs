//! Shares that follow their calendars: the calendars whose new events join a share, kept only as
//! keyed digests scoped to the owner (as source ids are), and a window of days that moves with
//! today, in place of a fixed range.

use super::{DateRange, GroupId, SourceIdSecret, SourceKey, SourceKeys, UserId};
use jiff::civil::Date;
use jiff::{Timestamp, tz::TimeZone};
use serde::{Deserialize, Serialize};

/// How many calendars one share follows at most.
pub const MAX_FOLLOWED_CALENDARS: usize = 20;
/// The longest calendar id (Graph's are about 150 characters).
pub const MAX_CALENDAR_ID_CHARS: usize = 1_024;
/// The most days a rolling window reaches back, and forward.
pub const MAX_WINDOW_DAYS: u16 = 366;

/// The keys of one owner's calendar ids: a namespace of its own beside the formats' event ids, so a
/// calendar id never matches an event's, and two owners following one calendar share no key.
pub fn calendar_keys(secret: &SourceIdSecret, group: &GroupId, owner: &UserId) -> SourceKeys {
    secret.keys_for(group, owner, "followed calendar")
}

/// Whether `id` is a calendar id a share may follow.
pub fn check_calendar_id(id: &str) -> Result<(), String> {
    match id.trim().is_empty() || id.chars().count() > MAX_CALENDAR_ID_CHARS {
        true => Err(format!("must be a calendar id of 1 to {MAX_CALENDAR_ID_CHARS} characters")),
        false => Ok(()),
    }
}

/// Today − `past_days` to today + `future_days` (exclusive), today being the day of each request in
/// the share's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RollingWindow {
    past_days: u16,
    future_days: u16,
}

impl RollingWindow {
    /// `0 ≤ past_days ≤ 366`, `1 ≤ future_days ≤ 366`; each error names its field.
    pub fn new(past_days: i64, future_days: i64) -> Result<Self, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let limit = i64::from(MAX_WINDOW_DAYS);
        if !(0..=limit).contains(&past_days) {
            errors.push(("pastDays", format!("must be a whole number of days from 0 to {limit}")));
        }
        if !(1..=limit).contains(&future_days) {
            errors.push(("futureDays", format!("must be a whole number of days from 1 to {limit}")));
        }
        match errors.is_empty() {
            true => Ok(Self { past_days: past_days as u16, future_days: future_days as u16 }),
            false => Err(errors),
        }
    }

    pub fn past_days(&self) -> u16 {
        self.past_days
    }

    pub fn future_days(&self) -> u16 {
        self.future_days
    }

    /// The window on `today`.
    pub fn on(&self, today: Date) -> DateRange {
        let start = today.checked_sub(jiff::Span::new().days(self.past_days)).unwrap_or(Date::MIN);
        let end = today.checked_add(jiff::Span::new().days(self.future_days)).unwrap_or(Date::MAX);
        DateRange { start, end }
    }

    /// The window at `now` in `zone`.
    pub fn at(&self, now: Timestamp, zone: &TimeZone) -> DateRange {
        self.on(zone.to_datetime(now).date())
    }
}

/// The followed calendars' keys of one owner, as a share's record keeps them.
pub fn followed_keys(keys: &SourceKeys, calendar_ids: &[String]) -> Vec<SourceKey> {
    let mut followed: Vec<SourceKey> = calendar_ids.iter().map(|id| keys.key_of(id)).collect();
    followed.sort();
    followed.dedup();
    followed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_moves_with_today() {
        let window = RollingWindow::new(7, 56).unwrap();
        let on = window.on("2026-12-07".parse().unwrap());
        assert_eq!((on.start.to_string(), on.end.to_string()), ("2026-11-30".into(), "2027-02-01".into()));
        let zone = TimeZone::get("Pacific/Auckland").unwrap();
        // 20:00 UTC on the 7th is already the 8th in Auckland.
        let at = window.at("2026-12-07T20:00:00Z".parse().unwrap(), &zone);
        assert_eq!(at.start.to_string(), "2026-12-01");
        assert_eq!(RollingWindow::new(0, 1).unwrap().on("2026-12-07".parse().unwrap()).end.to_string(), "2026-12-08");
    }

    #[test]
    fn windows_and_calendar_ids_are_bounded() {
        assert_eq!(RollingWindow::new(-1, 0).unwrap_err().len(), 2);
        assert!(RollingWindow::new(367, 1).is_err() && RollingWindow::new(0, 367).is_err());
        assert!(RollingWindow::new(366, 366).is_ok());
        assert!(check_calendar_id("AAMkAGI2").is_ok());
        assert!(check_calendar_id(" ").is_err() && check_calendar_id(&"x".repeat(1025)).is_err());
    }

    #[test]
    fn calendar_keys_are_the_owners_own_and_no_event_ids() {
        let secret = SourceIdSecret::development();
        let group = GroupId::parse("contoso").unwrap();
        let (kim, lee) = (UserId::parse("kim").unwrap(), UserId::parse("lee").unwrap());
        let kims = calendar_keys(&secret, &group, &kim).key_of("cal-1");
        assert_ne!(kims, calendar_keys(&secret, &group, &lee).key_of("cal-1"));
        assert_ne!(kims, secret.keys_for(&group, &kim, "normalized").key_of("cal-1"));
        let keys = calendar_keys(&secret, &group, &kim);
        assert_eq!(followed_keys(&keys, &["cal-1".into(), "cal-1".into()]), vec![kims]);
    }
}
