//! Dates as the page writes them, in its language (names and orders from CLDR), and the week
//! arithmetic the views share (weeks start on the page's week start).

use crate::render::locale::Formats;
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
