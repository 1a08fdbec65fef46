//! `"format": "ical"`: an iCalendar object (RFC 5545) as one JSON string, as any calendar exports
//! it. Each `VEVENT` is a record of the reader skeleton and gives one event, or the occurrences of
//! its recurrence within the share's range; every broken rule is at `/events`, with its line.

mod content_lines;
mod recurrence;
mod rule;
mod vevent;
mod zones;

use super::reader::{self, RecordErrors, ordered_times};
use super::{MAX_EVENTS, MalformedEvents, ReadContext, SourceEvent};
use crate::domain::{DateRange, EventTime, RangeBounds, ValidationErrors};
use content_lines::{LineError, parse_components};
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use recurrence::{TooMuchWork, Window, WorkBudget, expand};
use serde_json::value::RawValue;
use std::collections::HashSet;
use vevent::{Length, VEvent, end_of, read_vevent};
use zones::{Anchor, IcalTime, Zones};

/// The work one request's recurrences may cost, in days looked at and times made: far more than
/// any calendar's rules need within a range, and a fraction of a second of one core.
const WORK_UNITS: u64 = 5_000_000;
/// The text the occurrences carry in all (each repeats its series' title, location and
/// description), so memory stays a bounded multiple of the body.
const MAX_OCCURRENCE_TEXT_BYTES: usize = 32 * 1024 * 1024;

/// Whether a property is read: a `VEVENT`'s listed ones, and what a `VTIMEZONE` defines.
fn is_read(component: &str, property: &str) -> bool {
    match component {
        "VEVENT" => vevent::READ_PROPERTIES.contains(&property),
        "VTIMEZONE" => property == "TZID",
        "STANDARD" | "DAYLIGHT" => matches!(property, "DTSTART" | "TZOFFSETTO" | "RRULE"),
        _ => false,
    }
}

/// The source id of one occurrence of a recurring event: its `UID` and its original start, as an
/// overriding instance's `RECURRENCE-ID` names it.
fn occurrence_id(uid: &str, original_start: &IcalTime) -> String {
    format!("{uid};RECURRENCE-ID={}", original_start.id_part())
}

/// The iCalendar text at `events_at`: a JSON string, or a malformed body (400).
fn calendar_text(raw: &RawValue, events_at: &str) -> Result<String, MalformedEvents> {
    serde_json::from_str(raw.get()).map_err(|_| MalformedEvents {
        pointer: events_at.to_owned(),
        message: "must be one string holding an iCalendar object (BEGIN:VCALENDAR…)".to_owned(),
    })
}

/// How many `VEVENT`s the text holds, counted without reading them; `None` when it is not a string.
pub(crate) fn count_events(raw: &RawValue) -> Option<usize> {
    let text: String = serde_json::from_str(raw.get()).ok()?;
    Some(text.lines().filter(|line| line.trim_end().eq_ignore_ascii_case("BEGIN:VEVENT")).count())
}

/// Reads the iCalendar object at `events_at` into events: single ones as they are (outside the range
/// too, to be counted as left out), recurring ones as their occurrences within the range.
pub(crate) fn read(
    raw: &RawValue,
    events_at: &str,
    context: &ReadContext,
    errors: &mut ValidationErrors,
) -> Result<Vec<SourceEvent>, MalformedEvents> {
    let text = calendar_text(raw, events_at)?;
    let mut line_errors = Vec::new();
    let calendars = parse_components(&text, is_read, &mut line_errors);
    drop(text);
    match calendars.iter().find(|c| c.name != "VCALENDAR") {
        Some(other) => line_errors.push(LineError::new(other.line, "expected BEGIN:VCALENDAR")),
        None if calendars.is_empty() && line_errors.is_empty() => {
            line_errors.push(LineError::new(1, "expected BEGIN:VCALENDAR"))
        }
        None => {}
    }
    if !line_errors.is_empty() {
        line_errors.into_iter().for_each(|error| errors.push(events_at, error.to_string()));
        return Ok(Vec::new());
    }
    let children = calendars.into_iter().flat_map(|calendar| calendar.children);
    let (vtimezones, others): (Vec<_>, Vec<_>) = children.partition(|c| c.name == "VTIMEZONE");
    let mut zones = Zones::new(vtimezones);
    let vevents: Vec<_> =
        others.iter().filter(|c| c.name == "VEVENT").map(|vevent| read_vevent(vevent, &mut zones)).collect();
    let overridden = vevents
        .iter()
        .flatten()
        .filter_map(|event| Some((event.uid.clone()?, event.recurrence_id.as_ref()?.id_part())))
        .collect();
    let share_zone = context.share_zone.clone().unwrap_or(TimeZone::UTC);
    let mut expansion = Expansion {
        range: context.expand_within,
        share_zone,
        overridden,
        budget: WorkBudget::new(WORK_UNITS),
        events_left: MAX_EVENTS,
        text_left: MAX_OCCURRENCE_TEXT_BYTES,
        stopped: false,
    };
    let records = vevents.into_iter().map(|vevent| (events_at.to_owned(), vevent));
    Ok(reader::read_each(records, errors, |vevent, record| match vevent {
        Ok(event) => expansion.events_of(event, record),
        Err(broken) => {
            broken.into_iter().for_each(|error| record.push_here(error.to_string()));
            Vec::new()
        }
    }))
}

/// The request's expansion: its range, what it may still cost, and the occurrences overridden.
struct Expansion {
    range: Option<DateRange>,
    share_zone: TimeZone,
    /// `UID` and original start of every overriding instance.
    overridden: HashSet<(String, String)>,
    budget: WorkBudget,
    events_left: usize,
    text_left: usize,
    /// A limit was passed (and reported): nothing more is expanded.
    stopped: bool,
}

impl Expansion {
    fn events_of(&mut self, event: VEvent, record: &mut RecordErrors<'_>) -> Vec<SourceEvent> {
        if self.stopped {
            return Vec::new();
        }
        let recurs = event.recurs() && event.recurrence_id.is_none();
        let Some(range) = self.range.filter(|_| recurs) else {
            let source_id = match (&event.uid, &event.recurrence_id) {
                (Some(uid), Some(original)) => Some(occurrence_id(uid, original)),
                (uid, _) => uid.clone(),
            };
            let single = self.occurrence(&event, &event.start, source_id, record);
            return single.into_iter().filter(|_| self.take(&event, record)).collect();
        };
        let bounds = RangeBounds::new(range, &self.share_zone);
        let excluded: HashSet<String> = event.exdates.iter().map(IcalTime::id_part).collect();
        let (mut kept_ids, mut occurrences, broke_rule) = (HashSet::new(), Vec::new(), std::cell::Cell::new(false));
        // Each start the rule or an RDATE gives, kept if it is neither excluded nor overridden and
        // overlaps the range; `false` once a rule or a limit is broken (reported).
        let mut consider = |this: &mut Self, start: IcalTime| -> bool {
            let id = start.id_part();
            let overridden = event.uid.as_ref().is_some_and(|uid| this.overridden.contains(&(uid.clone(), id.clone())));
            if excluded.contains(&id) || overridden || kept_ids.contains(&id) {
                return true;
            }
            let source_id = event.uid.as_ref().map(|uid| occurrence_id(uid, &start));
            let Some(occurrence) = this.occurrence(&event, &start, source_id, record) else {
                broke_rule.set(true);
                return false;
            };
            if !bounds.overlaps(occurrence.start, occurrence.end) {
                return true;
            }
            if !this.take(&event, record) {
                broke_rule.set(true);
                return false;
            }
            kept_ids.insert(id);
            occurrences.push(occurrence);
            true
        };
        // The budget is the request's; held apart while the rule spends it.
        let mut budget = std::mem::replace(&mut self.budget, WorkBudget::new(0));
        let mut expanded = match &event.rule {
            Some((line, rule)) => {
                let window = self.window(&event, range);
                let found = |local: DateTime| consider(self, event.start.at(local));
                expand(rule, event.start.local, &window, &mut budget, found).map_err(|TooMuchWork| *line)
            }
            None => {
                consider(self, event.start.clone());
                Ok(())
            }
        };
        for rdate in &event.rdates {
            if expanded.is_err() || broke_rule.get() {
                break;
            }
            expanded = budget.spend(1).map_err(|TooMuchWork| event.line);
            consider(self, rdate.clone());
        }
        self.budget = budget;
        if let Err(line) = expanded {
            self.stop(record, line, "expanding this recurrence within the range takes more work than a request may");
        }
        occurrences
    }

    /// Counts one more event against the request's limits; `false` (reported) past them.
    fn take(&mut self, event: &VEvent, record: &mut RecordErrors<'_>) -> bool {
        let Some(text_left) = self.text_left.checked_sub(event.text_bytes()) else {
            let message = format!(
                "the occurrences' text (each repeats its event's title, location and description) passes \
                 {MAX_OCCURRENCE_TEXT_BYTES} bytes"
            );
            self.stop(record, event.line, &message);
            return false;
        };
        if self.events_left == 0 {
            let message =
                format!("more than {MAX_EVENTS} events within the range (a share holds at most {MAX_EVENTS})");
            self.stop(record, event.line, &message);
            return false;
        }
        self.text_left = text_left;
        self.events_left -= 1;
        true
    }

    fn stop(&mut self, record: &mut RecordErrors<'_>, line: usize, message: &str) {
        record.push_here(LineError::new(line, message).to_string());
        self.stopped = true;
    }

    /// The wall-clock window, in the event's own zone, in which its starts may overlap the range.
    fn window(&self, event: &VEvent, range: DateRange) -> Window {
        let zone = match &event.start.anchor {
            Anchor::Zoned(zone) => zone.clone(),
            Anchor::Day | Anchor::Floating => self.share_zone.clone(),
        };
        let local_midnight = |day: jiff::civil::Date| -> DateTime {
            let at = day.to_zoned_datetime(self.share_zone.clone()).map(|z| z.timestamp()).unwrap_or(Timestamp::MIN);
            zone.to_datetime(at)
        };
        let length = match event.length {
            Length::WallClock(span) | Length::Elapsed(span) => span.abs(),
        };
        let margin = length.checked_add(SignedDuration::from_hours(48)).unwrap_or(SignedDuration::MAX);
        let from = local_midnight(range.start).checked_sub(margin).unwrap_or(DateTime::MIN);
        let to = local_midnight(range.end).checked_add(SignedDuration::from_hours(48)).unwrap_or(DateTime::MAX);
        // An UNTIL past what an instant can be (9999-12-31T00:00:00Z) is read as its wall-clock time.
        let until = event.until.as_ref().map(|until| match until.anchor {
            Anchor::Day => until.local.date().to_datetime(jiff::civil::Time::MAX),
            Anchor::Floating => until.local,
            Anchor::Zoned(_) => until.instant(&self.share_zone).map_or(until.local, |at| zone.to_datetime(at)),
        });
        Window { from, to, until }
    }

    /// The event at one of its starts, or `None` with the rule its times break reported.
    fn occurrence(
        &self,
        event: &VEvent,
        start: &IcalTime,
        source_id: Option<String>,
        record: &mut RecordErrors<'_>,
    ) -> Option<SourceEvent> {
        let out_of_range = || LineError::new(event.line, "DTSTART or its end is out of range").to_string();
        let begins = match start.anchor {
            Anchor::Day => Some(EventTime::Day(start.local.date())),
            _ => start.instant(&self.share_zone).map(EventTime::At),
        };
        let ends = end_of(start, event.length, &self.share_zone).and_then(|end| end.anchored(start, &self.share_zone));
        let (Some(begins), Some(ends)) = (begins, ends) else {
            record.push_here(out_of_range());
            return None;
        };
        let times = match ordered_times(begins, ends) {
            Ok(times) => times,
            Err(message) => {
                record.push_here(LineError::new(event.line, format!("the VEVENT's times: {message}")).to_string());
                return None;
            }
        };
        Some(SourceEvent {
            show_as: event.show_as,
            private: event.private,
            cancelled: event.cancelled,
            location: event.location.clone(),
            description: event.description.clone(),
            resource: event.resource.clone(),
            color: event.color.clone(),
            ..SourceEvent::new(source_id, times, event.title.clone())
        })
    }
}

#[cfg(test)]
mod tests;
