//! Dates as the page writes them, in English, and the week arithmetic the views share (weeks
//! start on Monday).

use jiff::civil::Date;
use std::fmt;

const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub(super) fn weekday_name(day: Date) -> &'static str {
    WEEKDAYS[day.weekday().to_monday_zero_offset() as usize]
}

pub(super) fn month_name(day: Date) -> &'static str {
    MONTHS[day.month() as usize - 1]
}

/// "Thursday 3 December 2026"
pub(super) struct LongDate(pub Date);

impl fmt::Display for LongDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {} {}", weekday_name(self.0), self.0.day(), month_name(self.0), self.0.year())
    }
}

/// "Thu 3 Dec"
pub(super) struct ShortDate(pub Date);

impl fmt::Display for ShortDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", &weekday_name(self.0)[..3], self.0.day(), &month_name(self.0)[..3])
    }
}

/// The Monday of the week holding `day`.
pub(super) fn week_start(day: Date) -> Date {
    day.saturating_sub(jiff::Span::new().days(day.weekday().to_monday_zero_offset()))
}
