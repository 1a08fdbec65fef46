//! Where events fall in the zone the page shows: which days they touch, at which wall-clock times,
//! and which lane each takes when they overlap. Pure calendar arithmetic, no markup. This file
//! places one event; the views' windows, the lanes and the agenda's paging have a file each.

mod agenda;
mod lanes;
mod window;

pub(crate) use agenda::{AgendaLimits, agenda};
pub(crate) use lanes::{Lane, lanes};
pub(crate) use window::{Segment, Window};

use crate::domain::{EventTime, SharedEvent};
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};
use std::fmt;

/// An event in the displayed zone, as civil date-times (all-day events keep their dates whatever the
/// zone: they are floating by nature). `end` is exclusive and never before `start`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Placed<'a> {
    pub event: &'a SharedEvent,
    pub start: DateTime,
    pub end: DateTime,
    pub all_day: bool,
    /// Blocks a whole day or more: shown with the all-day events in the week view.
    pub long: bool,
}

impl<'a> Placed<'a> {
    pub fn new(event: &'a SharedEvent, clock: &mut WallClock<'_>) -> Self {
        let mut civil = |time: EventTime| match time {
            EventTime::At(at) => clock.at(at),
            EventTime::Day(day) => day.to_datetime(Time::midnight()),
        };
        let (start, end) = (civil(event.start), civil(event.end));
        let end = end.max(start);
        let all_day = event.is_all_day();
        let long = all_day
            || match (event.start, event.end) {
                (EventTime::At(s), EventTime::At(e)) => e.duration_since(s) >= SignedDuration::from_hours(24),
                _ => true,
            };
        Self { event, start, end, all_day, long }
    }

    /// The last day the event touches (an end at midnight belongs to the day before).
    pub fn last_day(&self) -> Date {
        let end = self.end.date();
        if self.end > self.start && self.end.time() == Time::midnight() { end.yesterday().unwrap_or(end) } else { end }
    }
}

/// Wall-clock time in a zone. It keeps the offset until the zone's next transition: a page's events
/// mostly fall between two, so most conversions skip the time zone lookup.
pub(crate) struct WallClock<'z> {
    zone: &'z TimeZone,
    from: Timestamp,
    until: Timestamp,
    offset: Offset,
}

impl<'z> WallClock<'z> {
    pub fn new(zone: &'z TimeZone) -> Self {
        Self { zone, from: Timestamp::MAX, until: Timestamp::MIN, offset: Offset::UTC }
    }

    pub fn zone(&self) -> &'z TimeZone {
        self.zone
    }

    pub fn at(&mut self, at: Timestamp) -> DateTime {
        if !(self.from <= at && at < self.until) {
            self.offset = self.zone.to_offset(at);
            self.from = at;
            self.until = self.zone.following(at).next().map_or(Timestamp::MAX, |transition| transition.timestamp());
        }
        self.offset.to_datetime(at)
    }
}

/// Minutes since midnight, 0..=1440.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Clock(pub u16);

impl Clock {
    pub fn of(time: Time) -> Self {
        Self(time.hour() as u16 * 60 + time.minute() as u16)
    }

    pub fn hour(self) -> u16 {
        self.0 / 60
    }
}

impl fmt::Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_digits(f)
    }
}

impl Clock {
    /// "09:30"
    pub fn write_digits(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        let (h, m) = (self.0 / 60, self.0 % 60);
        let digits = [b'0' + (h / 10) as u8, b'0' + (h % 10) as u8, b':', b'0' + (m / 10) as u8, b'0' + (m % 10) as u8];
        f.write_str(std::str::from_utf8(&digits).map_err(|_| fmt::Error)?)
    }
}

/// The first instant of a day in a zone (the earliest time that exists, should midnight not).
pub(crate) fn midnight(zone: &TimeZone, day: Date) -> Timestamp {
    zone.to_ambiguous_timestamp(day.to_datetime(Time::midnight())).compatible().unwrap_or(if day.year() < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

/// Whole days from `from` to `day` (negative before it).
pub(crate) fn days_between(from: Date, day: Date) -> i64 {
    from.duration_until(day).as_secs().div_euclid(86_400)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures::{at, busy, new_york};

    #[test]
    fn nine_oclock_stays_nine_across_the_dst_change() {
        let zone = new_york();
        // 2027-03-14 is the spring-forward day in New York: -05:00 before, -04:00 after.
        let before = busy(at("2027-03-13T14:00:00Z"), at("2027-03-13T15:00:00Z"));
        let after = busy(at("2027-03-15T13:00:00Z"), at("2027-03-15T14:00:00Z"));
        let mut clock = WallClock::new(&zone);
        for e in [&before, &after] {
            let placed = Placed::new(e, &mut clock);
            assert_eq!(Clock::of(placed.start.time()).to_string(), "09:00");
            assert_eq!(Clock::of(placed.end.time()).to_string(), "10:00");
        }
    }

    #[test]
    fn the_wall_clock_agrees_with_the_zone_in_any_order() {
        let zone = new_york();
        let mut clock = WallClock::new(&zone);
        let start: Timestamp = "2026-10-01T00:00:00Z".parse().unwrap();
        let hours: Vec<Timestamp> = (0..24 * 200).map(|h| start + SignedDuration::from_mins(h * 60 + 7)).collect();
        for &at in hours.iter().chain(hours.iter().rev()).chain(hours.iter().step_by(97)) {
            assert_eq!(clock.at(at), zone.to_datetime(at), "{at}");
        }
    }
}
