//! `RRULE`s (RFC 5545, 3.3.10, read by `rule`) expanded in wall-clock time, period by period as the RFC
//! describes, within a window. Every day looked at and every time made is paid for from a
//! `WorkBudget` shared by the whole request, so no rule (FREQ=SECONDLY over years, a huge COUNT,
//! BYSETPOS over every second of a year) costs more than the budget: the rule is refused instead.

use super::rule::{Frequency, RecurrenceRule};
use jiff::SignedDuration;
use jiff::civil::{Date, DateTime, Time, Weekday};

/// Work left to the request: one unit a day looked at and a time made.
#[derive(Debug)]
pub(crate) struct WorkBudget {
    left: u64,
}

/// A rule that would need more work than the budget left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooMuchWork;

impl WorkBudget {
    pub fn new(units: u64) -> Self {
        Self { left: units }
    }

    pub fn spend(&mut self, units: u64) -> Result<(), TooMuchWork> {
        self.left = self.left.checked_sub(units).ok_or(TooMuchWork)?;
        Ok(())
    }
}

/// Where the expansion looks: wall-clock starts from `from` to before `to`, and the last start a
/// rule's `UNTIL` allows.
pub(crate) struct Window {
    pub from: DateTime,
    pub to: DateTime,
    pub until: Option<DateTime>,
}

/// The starts of `rule` from `start` (its first, whatever the rule says) that fall in `window`, in
/// order, each handed to `found` (which may stop the expansion by returning `false`).
pub(crate) fn expand(
    rule: &RecurrenceRule,
    start: DateTime,
    window: &Window,
    budget: &mut WorkBudget,
    mut found: impl FnMut(DateTime) -> bool,
) -> Result<(), TooMuchWork> {
    let rule = &with_defaults(rule, start);
    let mut left = rule.count;
    let mut take = |at: DateTime| -> bool {
        if window.until.is_some_and(|until| at > until) || at >= window.to {
            return false;
        }
        if let Some(left) = left.as_mut() {
            *left -= 1;
        }
        let more = at < window.from || found(at);
        more && left != Some(0)
    };
    if !take(start) {
        return Ok(());
    }
    let mut period = period_of(rule.freq, start, rule.week_start);
    if rule.count.is_none() {
        period = skip_to(rule, period, window.from).unwrap_or(period);
    }
    // Below daily, the times of a period are its own; else every period's are the same.
    let shared_times = (rule.freq >= Frequency::Daily).then(|| times_of(rule, period, start));
    let mut candidates = Vec::new();
    while period < window.to {
        budget.spend(1)?;
        candidates.clear();
        let own_times;
        let times = match &shared_times {
            Some(times) => times,
            None => {
                own_times = times_of(rule, period, start);
                &own_times
            }
        };
        candidates_of(rule, period, times, budget, &mut candidates)?;
        if !rule.by_set_pos.is_empty() {
            candidates = select_positions(&rule.by_set_pos, &candidates);
        }
        for &at in candidates.iter().filter(|&&at| at > start) {
            if !take(at) {
                return Ok(());
            }
        }
        let Some(next) = advance(rule.freq, period, rule.interval) else { return Ok(()) };
        period = next;
    }
    Ok(())
}

/// The rule with what RFC 5545 takes from the start where it names no day: the start's day of the
/// month (and month, yearly) or its weekday (weekly).
fn with_defaults(rule: &RecurrenceRule, start: DateTime) -> RecurrenceRule {
    let mut rule = rule.clone();
    let no_day = rule.by_week_no.is_empty()
        && rule.by_year_day.is_empty()
        && rule.by_month_day.is_empty()
        && rule.by_day.is_empty();
    if no_day {
        match rule.freq {
            Frequency::Yearly => {
                rule.by_month_day = vec![start.day().into()];
                if rule.by_month.is_empty() {
                    rule.by_month = vec![start.month()];
                }
            }
            Frequency::Monthly => rule.by_month_day = vec![start.day().into()],
            Frequency::Weekly => rule.by_day = vec![(0, start.weekday())],
            _ => {}
        }
    }
    rule
}

/// The start of the period that holds `at`.
fn period_of(freq: Frequency, at: DateTime, week_start: Weekday) -> DateTime {
    let date = at.date();
    let midnight = |date: Date| date.to_datetime(Time::midnight());
    match freq {
        Frequency::Yearly => midnight(date.first_of_year()),
        Frequency::Monthly => midnight(date.first_of_month()),
        Frequency::Weekly => {
            let back = (date.weekday().to_monday_zero_offset() - week_start.to_monday_zero_offset()).rem_euclid(7);
            midnight(date.checked_sub(days(i64::from(back))).unwrap_or(date))
        }
        Frequency::Daily => midnight(date),
        Frequency::Hourly => date.to_datetime(Time::constant(at.hour(), 0, 0, 0)),
        Frequency::Minutely => date.to_datetime(Time::constant(at.hour(), at.minute(), 0, 0)),
        Frequency::Secondly => at.with().subsec_nanosecond(0).build().unwrap_or(at),
    }
}

/// `units` periods later (a period starts on the 1st of its month or year, at midnight below that).
fn advance_by(freq: Frequency, period: DateTime, units: i64) -> Option<DateTime> {
    let first_of = |year: i64, month: i64| {
        let date = Date::new(i16::try_from(year).ok()?, i8::try_from(month).ok()?, 1).ok()?;
        Some(date.to_datetime(Time::midnight()))
    };
    let duration = |unit_seconds: i64| Some(SignedDuration::from_secs(units.checked_mul(unit_seconds)?));
    match freq {
        Frequency::Yearly => first_of(i64::from(period.year()).checked_add(units)?, 1),
        Frequency::Monthly => {
            let months = (i64::from(period.year()) * 12 + i64::from(period.month()) - 1).checked_add(units)?;
            first_of(months.div_euclid(12), months.rem_euclid(12) + 1)
        }
        Frequency::Weekly => period.checked_add(duration(7 * 86_400)?).ok(),
        Frequency::Daily => period.checked_add(duration(86_400)?).ok(),
        Frequency::Hourly => period.checked_add(duration(3_600)?).ok(),
        Frequency::Minutely => period.checked_add(duration(60)?).ok(),
        Frequency::Secondly => period.checked_add(duration(1)?).ok(),
    }
}

/// `n` days, as wall-clock arithmetic counts them.
fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(n.saturating_mul(24))
}

fn advance(freq: Frequency, period: DateTime, interval: i64) -> Option<DateTime> {
    advance_by(freq, period, interval)
}

/// A period well before `from`, in whole intervals from `period` (a rule without COUNT need not be
/// walked from its start): the expansion then looks at the window's periods only.
fn skip_to(rule: &RecurrenceRule, period: DateTime, from: DateTime) -> Option<DateTime> {
    // One period (and a day) of margin before the window.
    let margin_from = from.checked_sub(days(1)).ok()?;
    let units = match rule.freq {
        Frequency::Yearly => i64::from(margin_from.year() - period.year()) - 1,
        Frequency::Monthly => {
            let months = |at: DateTime| i64::from(at.year()) * 12 + i64::from(at.month());
            months(margin_from) - months(period) - 1
        }
        freq => {
            let unit_seconds = match freq {
                Frequency::Weekly => 7 * 86_400,
                Frequency::Daily => 86_400,
                Frequency::Hourly => 3_600,
                Frequency::Minutely => 60,
                _ => 1,
            };
            period.duration_until(margin_from).as_secs() / unit_seconds - 1
        }
    };
    let intervals = units.div_euclid(rule.interval);
    if intervals <= 0 {
        return None;
    }
    advance_by(rule.freq, period, intervals.checked_mul(rule.interval)?)
}

/// Every start the rule makes in the period beginning at `period`, at `times` of its days, in order.
fn candidates_of(
    rule: &RecurrenceRule,
    period: DateTime,
    times: &[Time],
    budget: &mut WorkBudget,
    candidates: &mut Vec<DateTime>,
) -> Result<(), TooMuchWork> {
    let first = period.date();
    let mut add_day = |day: Date, budget: &mut WorkBudget| -> Result<(), TooMuchWork> {
        budget.spend(1)?;
        if day_matches(rule, day) {
            budget.spend(times.len() as u64)?;
            candidates.extend(times.iter().map(|&time| day.to_datetime(time)));
        }
        Ok(())
    };
    match rule.freq {
        Frequency::Yearly if !rule.by_month.is_empty() && rule.by_week_no.is_empty() && rule.by_year_day.is_empty() => {
            for month in rule.by_month.iter().filter_map(|&m| first.with().month(m).day(1).build().ok()) {
                days_from(month, month.days_in_month().into()).try_for_each(|day| add_day(day, budget))?;
            }
            Ok(())
        }
        Frequency::Yearly => days_from(first, first.days_in_year().into()).try_for_each(|day| add_day(day, budget)),
        Frequency::Monthly => days_from(first, first.days_in_month().into()).try_for_each(|day| add_day(day, budget)),
        Frequency::Weekly => days_from(first, 7).try_for_each(|day| add_day(day, budget)),
        _ => add_day(first, budget),
    }
}

fn days_from(first: Date, count: i64) -> impl Iterator<Item = Date> {
    std::iter::successors(Some(first), |day| day.tomorrow().ok()).take(count as usize)
}

/// The times of day of a period: expanded by BYHOUR/BYMINUTE/BYSECOND below the rule's frequency
/// (defaulting to the start's), and the period's own where the frequency is that fine, if allowed.
fn times_of(rule: &RecurrenceRule, period: DateTime, start: DateTime) -> Vec<Time> {
    let pick = |list: &[i8], finer_than_freq: bool, own: i8, default: i8| -> Vec<i8> {
        match (finer_than_freq, list.is_empty()) {
            (true, true) => vec![default],
            (true, false) => list.to_vec(),
            (false, _) if list.is_empty() || list.contains(&own) => vec![own],
            (false, _) => Vec::new(),
        }
    };
    let hours = pick(&rule.by_hour, rule.freq > Frequency::Hourly, period.hour(), start.hour());
    let minutes = pick(&rule.by_minute, rule.freq > Frequency::Minutely, period.minute(), start.minute());
    let seconds = pick(&rule.by_second, rule.freq > Frequency::Secondly, period.second(), start.second());
    let mut times = Vec::with_capacity(hours.len() * minutes.len() * seconds.len());
    for &h in &hours {
        for &m in &minutes {
            times.extend(seconds.iter().map(|&s| Time::constant(h, m, s, 0)));
        }
    }
    times
}

/// Whether a day passes the rule's day parts (BYMONTH, BYWEEKNO, BYYEARDAY, BYMONTHDAY, BYDAY).
fn day_matches(rule: &RecurrenceRule, day: Date) -> bool {
    let in_list = |list: &[i16], n: i16, of: i16| list.iter().any(|&v| v == n || v == n - of - 1);
    if !rule.by_month.is_empty() && !rule.by_month.contains(&day.month()) {
        return false;
    }
    if !rule.by_week_no.is_empty() && rule.freq == Frequency::Yearly {
        let (week, weeks) = week_number(day, rule.week_start);
        if !in_list(&rule.by_week_no, week, weeks) {
            return false;
        }
    }
    if !rule.by_year_day.is_empty() && !in_list(&rule.by_year_day, day.day_of_year(), day.days_in_year()) {
        return false;
    }
    if !rule.by_month_day.is_empty() && !in_list(&rule.by_month_day, day.day().into(), day.days_in_month().into()) {
        return false;
    }
    if rule.by_day.is_empty() {
        return true;
    }
    // Ordinals count within the month (monthly, or yearly with BYMONTH) or the year (yearly).
    let within_month = rule.freq == Frequency::Monthly || !rule.by_month.is_empty();
    let ordinals_count = matches!(rule.freq, Frequency::Monthly | Frequency::Yearly) && rule.by_week_no.is_empty();
    let (n, of) = match within_month {
        true => (i16::from(day.day()), i16::from(day.days_in_month())),
        false => (day.day_of_year(), day.days_in_year()),
    };
    rule.by_day.iter().any(|&(ordinal, weekday)| {
        weekday == day.weekday()
            && (ordinal == 0 || !ordinals_count || ordinal == (n - 1) / 7 + 1 || ordinal == -((of - n) / 7 + 1))
    })
}

/// The week of the year a day is in, weeks starting on `week_start`, week 1 the first with at least
/// four days in the year; and how many weeks that year has.
fn week_number(day: Date, week_start: Weekday) -> (i16, i16) {
    let first_week = |year: i16| {
        let jan1 = Date::new(year, 1, 1).unwrap_or(day);
        let into_week = (jan1.weekday().to_monday_zero_offset() - week_start.to_monday_zero_offset()).rem_euclid(7);
        let shift = if into_week <= 3 { -i64::from(into_week) } else { 7 - i64::from(into_week) };
        jan1.checked_add(days(shift)).unwrap_or(jan1)
    };
    let weeks_between = |a: Date, b: Date| (a.duration_until(b).as_secs() / (7 * 86_400)) as i16;
    let (this, next) = (first_week(day.year()), first_week(day.year().saturating_add(1)));
    let (year_start, year_end) = match (day < this, day >= next) {
        (true, _) => (first_week(day.year().saturating_sub(1)), this),
        (_, true) => (next, first_week(day.year().saturating_add(2))),
        _ => (this, next),
    };
    (weeks_between(year_start, day) + 1, weeks_between(year_start, year_end))
}

/// BYSETPOS: the candidates at those positions (1-based, negative from the end), in order.
fn select_positions(positions: &[i16], candidates: &[DateTime]) -> Vec<DateTime> {
    let len = candidates.len() as i64;
    let mut picked: Vec<DateTime> = positions
        .iter()
        .filter_map(|&p| {
            let index = if p > 0 { i64::from(p) - 1 } else { len + i64::from(p) };
            usize::try_from(index).ok().and_then(|i| candidates.get(i).copied())
        })
        .collect();
    picked.sort_unstable();
    picked.dedup();
    picked
}

#[cfg(test)]
#[path = "recurrence_tests.rs"]
mod tests;
