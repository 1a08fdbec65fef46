//! The parts of a publish body that say which days and calendars a share covers: its range (fixed,
//! rolling, or the events' span) and the calendars it follows.

use crate::domain::follow::{MAX_FOLLOWED_CALENDARS, check_calendar_id};
use crate::domain::{DateRange, EventTime, RollingWindow, ValidationErrors};
use crate::sources::SourceEvent;
use jiff::{Timestamp, civil::Date, tz::TimeZone};
use serde::Deserialize;

#[derive(Deserialize)]
pub(super) struct FollowBody {
    calendars: Option<Vec<String>>,
}

#[derive(Deserialize)]
pub(super) struct RangeBody {
    start: Option<String>,
    end: Option<String>,
    rolling: Option<RollingBody>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RollingBody {
    past_days: Option<i64>,
    future_days: Option<i64>,
}

/// A fixed range, or a window that moves with today.
pub(super) enum RangeChoice {
    Fixed(DateRange),
    Rolling(RollingWindow),
}

/// `{"start", "end"}`, or `{"rolling": {"pastDays", "futureDays"}}` alone.
pub(super) fn parse_range(range: RangeBody, errors: &mut ValidationErrors) -> Option<RangeChoice> {
    if let Some(rolling) = range.rolling {
        if range.start.is_some() || range.end.is_some() {
            errors.push("/range", "is either `start` and `end` or `rolling`, not both");
            return None;
        }
        let past = errors.require("/range/rolling/pastDays", rolling.past_days);
        let future = errors.require("/range/rolling/futureDays", rolling.future_days);
        return match RollingWindow::new(past?, future?) {
            Ok(window) => Some(RangeChoice::Rolling(window)),
            Err(broken) => {
                for (field, message) in broken {
                    errors.push(format!("/range/rolling/{field}"), message);
                }
                None
            }
        };
    }
    let mut date = |pointer: &str, value: Option<String>| {
        let raw = errors.require(pointer, value)?;
        errors.check(pointer, parse_day(&raw))
    };
    let start = date("/range/start", range.start);
    let end = date("/range/end", range.end);
    errors.check("/range/end", DateRange::new(start?, end?)).map(RangeChoice::Fixed)
}

/// A day as `YYYY-MM-DD`.
pub(super) fn parse_day(raw: &str) -> Result<Date, &'static str> {
    raw.parse::<Date>().map_err(|_| "must be a date as YYYY-MM-DD")
}

/// `openOn`: a day inside the range the share covers, which a rolling window has none of.
pub(super) fn check_open_on(
    open_on: Option<Date>,
    range: Option<DateRange>,
    rolling: bool,
    errors: &mut ValidationErrors,
) {
    let Some(day) = open_on else { return };
    if rolling {
        errors.push("/openOn", "does not go with a rolling range: the window moves with the days");
    } else if range.is_some_and(|range| !range.contains(day)) {
        errors.push("/openOn", "must be a day inside the share's range");
    }
}

/// `{"calendars": [...]}`: 1 to 20 calendar ids, each at its own pointer.
pub(super) fn parse_follow(follow: FollowBody, errors: &mut ValidationErrors) -> Vec<String> {
    let Some(calendars) = errors.require("/follow/calendars", follow.calendars) else { return Vec::new() };
    if calendars.is_empty() || calendars.len() > MAX_FOLLOWED_CALENDARS {
        errors.push("/follow/calendars", format!("holds 1 to {MAX_FOLLOWED_CALENDARS} calendar ids"));
        return Vec::new();
    }
    for (i, id) in calendars.iter().enumerate() {
        if let Err(message) = check_calendar_id(id) {
            errors.push(format!("/follow/calendars/{i}"), message);
        }
    }
    calendars
}

/// The days the events cover in the share's zone (left-out cancelled ones aside: a FHIR proposal
/// without a start has no days); a share without events covers today.
pub(super) fn span_of(events: &[SourceEvent], zone: &TimeZone, now: Timestamp) -> DateRange {
    let day_of = |time: EventTime, is_end: bool| match time {
        EventTime::Day(day) => day,
        EventTime::At(at) => {
            let local = at.to_zoned_datetime(zone.clone());
            let day = local.date();
            if is_end && local.time() != jiff::civil::Time::midnight() { day.tomorrow().unwrap_or(day) } else { day }
        }
    };
    let held = || events.iter().filter(|e| !e.cancelled);
    let start = held().map(|e| day_of(e.start, false)).min();
    let end = held().map(|e| day_of(e.end, true)).max();
    match (start, end) {
        (Some(start), Some(end)) if end > start => DateRange { start, end },
        (Some(start), _) => DateRange { start, end: start.tomorrow().unwrap_or(start) },
        _ => {
            let today = now.to_zoned_datetime(zone.clone()).date();
            DateRange { start: today, end: today.tomorrow().unwrap_or(today) }
        }
    }
}
