//! Dates as the page writes them, in its language (names and orders from CLDR), and the week
//! arithmetic the views share (weeks start on the page's week start).

use crate::render::locale::{ClockPattern, Formats};
use crate::render::timeline::Clock;
use jiff::civil::{Date, DateTime, Time, Weekday};
use std::fmt;

/// "Thursday, December 3, 2026", "Donnerstag, 3. Dezember 2026"
pub(super) struct LongDate(pub Date, pub &'static Formats);

impl fmt::Display for LongDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.1.write_long_date(self.0, f)
    }
}

/// "Thu, Dec 3", "Do., 3. Dez."
pub(super) struct ShortDate(pub Date, pub &'static Formats);

impl fmt::Display for ShortDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.1.write_short_date(self.0, f)
    }
}

/// The first day of the week holding `day`, for weeks starting on `start`.
pub(super) fn week_start(day: Date, start: Weekday) -> Date {
    day.saturating_sub(jiff::Span::new().days(days_since(day.weekday(), start)))
}

/// Days from the week's `start` to `weekday` (0 to 6).
pub(super) fn days_since(weekday: Weekday, start: Weekday) -> i8 {
    (weekday.to_monday_zero_offset() - start.to_monday_zero_offset()).rem_euclid(7)
}

/// Whether a timed event ends on the day it starts: that day, or the midnight that closes it (the
/// views then write its end as a time alone).
pub(super) fn ends_on_its_first_day(start: DateTime, end: DateTime) -> bool {
    end.date() == start.date() || (end.time() == Time::midnight() && end.date().yesterday().ok() == Some(start.date()))
}

/// Writes a timed event's times, "9:00 AM – 5:00 PM" or "9:00 – 10:30 AM" as CLDR's interval for the
/// clock has it, with `dated` writing a date before the start's time when `start_dated` and before
/// each time when it ends on another day; a moment (its end at its start) is one time.
pub(super) fn write_time_range(
    f: &mut fmt::Formatter<'_>,
    clock: &ClockPattern,
    (start, end): (DateTime, DateTime),
    start_dated: bool,
    dated: impl Fn(&mut fmt::Formatter<'_>, Date) -> fmt::Result,
) -> fmt::Result {
    if start_dated {
        dated(f, start.date())?;
    }
    if end == start {
        return clock.write(Clock::of(start.time()), f);
    }
    if ends_on_its_first_day(start, end) {
        return clock.write_range(Clock::of(start.time()), Clock::of(end.time()), f);
    }
    clock.write(Clock::of(start.time()), f)?;
    f.write_str(" \u{2013} ")?;
    dated(f, end.date())?;
    clock.write(Clock::of(end.time()), f)
}
