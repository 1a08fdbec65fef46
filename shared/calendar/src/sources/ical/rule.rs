//! An `RRULE` value (RFC 5545, 3.3.10) read into its parts, each checked against its range.

use super::content_lines::shown;
use jiff::civil::Weekday;

/// The most values one BY… list takes (BYYEARDAY's 366 days, both ways).
const MAX_LIST: usize = 732;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Frequency {
    Secondly,
    Minutely,
    Hourly,
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RecurrenceRule {
    pub freq: Frequency,
    pub interval: i64,
    pub count: Option<u64>,
    /// As written; read against the event's start by the caller (`Until`).
    pub until: Option<String>,
    pub by_second: Vec<i8>,
    pub by_minute: Vec<i8>,
    pub by_hour: Vec<i8>,
    /// An ordinal (0 for every such weekday) and a weekday.
    pub by_day: Vec<(i16, Weekday)>,
    pub by_month_day: Vec<i16>,
    pub by_year_day: Vec<i16>,
    pub by_week_no: Vec<i16>,
    pub by_month: Vec<i8>,
    pub by_set_pos: Vec<i16>,
    pub week_start: Weekday,
}

/// Reads an `RRULE` value such as `FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270101T000000Z`.
pub(crate) fn read_rule(raw: &str) -> Result<RecurrenceRule, String> {
    let mut rule = RecurrenceRule {
        freq: Frequency::Daily,
        interval: 1,
        count: None,
        until: None,
        by_second: Vec::new(),
        by_minute: Vec::new(),
        by_hour: Vec::new(),
        by_day: Vec::new(),
        by_month_day: Vec::new(),
        by_year_day: Vec::new(),
        by_week_no: Vec::new(),
        by_month: Vec::new(),
        by_set_pos: Vec::new(),
        week_start: Weekday::Monday,
    };
    let mut freq = None;
    for part in raw.trim().split(';').filter(|p| !p.is_empty()) {
        let (key, value) = part.split_once('=').ok_or_else(|| format!("expected NAME=value, not {}", shown(part)))?;
        let key = key.to_ascii_uppercase();
        let bad = || format!("{key}: {} is not valid here", shown(value));
        match key.as_str() {
            "FREQ" => freq = Some(frequency(value).ok_or_else(bad)?),
            "INTERVAL" => rule.interval = value.parse().ok().filter(|n| (1..=1_000_000).contains(n)).ok_or_else(bad)?,
            "COUNT" => rule.count = Some(value.parse().ok().filter(|n| *n >= 1).ok_or_else(bad)?),
            "UNTIL" => rule.until = Some(value.to_owned()),
            "BYSECOND" => rule.by_second = numbers(value, 0, 60, false).ok_or_else(bad)?,
            "BYMINUTE" => rule.by_minute = numbers(value, 0, 59, false).ok_or_else(bad)?,
            "BYHOUR" => rule.by_hour = numbers(value, 0, 23, false).ok_or_else(bad)?,
            "BYMONTHDAY" => rule.by_month_day = numbers(value, 1, 31, true).ok_or_else(bad)?,
            "BYYEARDAY" => rule.by_year_day = numbers(value, 1, 366, true).ok_or_else(bad)?,
            "BYWEEKNO" => rule.by_week_no = numbers(value, 1, 53, true).ok_or_else(bad)?,
            "BYMONTH" => rule.by_month = numbers(value, 1, 12, false).ok_or_else(bad)?,
            "BYSETPOS" => rule.by_set_pos = numbers(value, 1, 366, true).ok_or_else(bad)?,
            "BYDAY" => rule.by_day = weekdays(value).ok_or_else(bad)?,
            "WKST" => rule.week_start = weekday(value).ok_or_else(bad)?,
            // RSCALE, SKIP and extensions: the Gregorian reading is kept.
            _ => {}
        }
    }
    rule.freq = freq.ok_or("FREQ is required")?;
    if rule.count.is_some() && rule.until.is_some() {
        return Err("COUNT and UNTIL do not go together".to_owned());
    }
    rule.by_second.iter_mut().for_each(|s| *s = (*s).min(59));
    Ok(rule)
}

fn frequency(raw: &str) -> Option<Frequency> {
    Some(match raw.to_ascii_uppercase().as_str() {
        "SECONDLY" => Frequency::Secondly,
        "MINUTELY" => Frequency::Minutely,
        "HOURLY" => Frequency::Hourly,
        "DAILY" => Frequency::Daily,
        "WEEKLY" => Frequency::Weekly,
        "MONTHLY" => Frequency::Monthly,
        "YEARLY" => Frequency::Yearly,
        _ => return None,
    })
}

/// A comma list of numbers within `low..=high` (and `-high..=-low` where `signed`).
fn numbers<T: TryFrom<i64>>(raw: &str, low: i64, high: i64, signed: bool) -> Option<Vec<T>> {
    let mut values: Vec<i64> = Vec::new();
    for item in raw.split(',') {
        let n: i64 = item.trim().trim_start_matches('+').parse().ok()?;
        let fits = (low..=high).contains(&n) || (signed && (-high..=-low).contains(&n));
        if !fits || values.len() == MAX_LIST {
            return None;
        }
        values.push(n);
    }
    values.sort_unstable();
    values.dedup();
    values.into_iter().map(|n| T::try_from(n).ok()).collect()
}

fn weekday(raw: &str) -> Option<Weekday> {
    Some(match raw.trim().to_ascii_uppercase().as_str() {
        "MO" => Weekday::Monday,
        "TU" => Weekday::Tuesday,
        "WE" => Weekday::Wednesday,
        "TH" => Weekday::Thursday,
        "FR" => Weekday::Friday,
        "SA" => Weekday::Saturday,
        "SU" => Weekday::Sunday,
        _ => return None,
    })
}

/// `MO,-1FR,2TU`: each weekday with its ordinal (0 for none).
fn weekdays(raw: &str) -> Option<Vec<(i16, Weekday)>> {
    let mut days = Vec::new();
    for item in raw.split(',') {
        let item = item.trim();
        let cut = item.len().checked_sub(2).filter(|&cut| item.is_char_boundary(cut))?;
        let (ordinal, day) = item.split_at(cut);
        let ordinal: i16 = match ordinal.trim_start_matches('+') {
            "" => 0,
            n => n.parse().ok().filter(|n: &i16| (1..=53).contains(&n.abs()))?,
        };
        if days.len() == MAX_LIST {
            return None;
        }
        days.push((ordinal, weekday(day)?));
    }
    Some(days)
}

impl RecurrenceRule {
    /// The month and the nth (or last, -1) weekday of a rule such as `FREQ=YEARLY;BYMONTH=3;BYDAY=2SU`.
    pub fn yearly_weekday_of_month(&self) -> Option<(i8, (i16, Weekday))> {
        let plain = self.by_month_day.is_empty() && self.by_year_day.is_empty() && self.by_week_no.is_empty();
        match (self.freq, self.by_month.as_slice(), self.by_day.as_slice()) {
            (Frequency::Yearly, [month], [day]) if plain && self.by_set_pos.is_empty() => Some((*month, *day)),
            _ => None,
        }
    }
}
