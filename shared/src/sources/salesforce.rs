//! Salesforce `Event` records as the REST API returns them (the bare array of records, or the query
//! result with `records`). Only what a share can show is read; WhoId, WhatId, OwnerId, related records
//! and every other field are never kept.

use super::{
    MAX_DESCRIPTION_BYTES, MAX_TEXT_CHARS, MalformedEvents, SourceDescription, SourceEvent, UNTITLED, bounded_text,
    ordered_times, read_records,
};
use crate::domain::{EventTime, ShowAs, ValidationErrors};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use serde_json::value::RawValue;

const MINUTES_A_DAY: i64 = 24 * 60;
/// Far beyond any real event; keeps the arithmetic on durations in range.
const MAX_DURATION_MINUTES: f64 = 1_000_000_000.0;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SalesforceEvent {
    #[serde(rename = "attributes")]
    attributes: Option<Attributes>,
    id: Option<String>,
    subject: Option<String>,
    start_date_time: Option<String>,
    end_date_time: Option<String>,
    activity_date_time: Option<String>,
    activity_date: Option<String>,
    duration_in_minutes: Option<f64>,
    is_all_day_event: Option<bool>,
    location: Option<String>,
    description: Option<String>,
    show_as: Option<String>,
    is_private: Option<bool>,
}

#[derive(Deserialize)]
struct Attributes {
    #[serde(rename = "type")]
    kind: Option<String>,
}

pub fn read(raw: &RawValue, errors: &mut ValidationErrors) -> Result<Vec<SourceEvent>, MalformedEvents> {
    let (records, base) = read_records::<SalesforceEvent>(raw, "records")?;
    Ok(records
        .into_iter()
        .enumerate()
        .filter_map(|(index, record)| read_one(&format!("{base}/{index}"), record, errors))
        .collect())
}

fn read_one(base: &str, record: SalesforceEvent, errors: &mut ValidationErrors) -> Option<SourceEvent> {
    let at = |field: &str| format!("{base}/{field}");
    let errors_before = errors.len();
    if let Some(kind) = record.attributes.and_then(|a| a.kind).filter(|kind| kind != "Event") {
        let shown: String = kind.chars().take(40).collect();
        errors.push(at("attributes/type"), format!("must be \"Event\", not \"{}\"", shown.escape_default()));
    }
    let duration = record.duration_in_minutes.and_then(|minutes| {
        let whole = minutes.fract() == 0.0 && (0.0..=MAX_DURATION_MINUTES).contains(&minutes);
        if !whole {
            errors.push(at("DurationInMinutes"), "must be a whole number of minutes, 0 or more");
        }
        // Whole and within ±1e9, so the conversion is exact.
        whole.then_some(minutes as i64)
    });
    let timestamp = |field: &str, raw: Option<String>, errors: &mut ValidationErrors| {
        let raw = raw?;
        errors.check(
            at(field),
            raw.parse::<Timestamp>().map_err(|_| "must be a date-time such as 2026-12-07T17:00:00.000+0000"),
        )
    };
    let start_field = if record.start_date_time.is_some() { "StartDateTime" } else { "ActivityDateTime" };
    let given = Given {
        start: record.start_date_time.is_some() || record.activity_date_time.is_some(),
        end: record.end_date_time.is_some(),
        duration: record.duration_in_minutes.is_some(),
    };
    let start = timestamp(start_field, record.start_date_time.or(record.activity_date_time), errors);
    let end = timestamp("EndDateTime", record.end_date_time, errors);
    let times = if record.is_all_day_event.unwrap_or(false) {
        let day = record.activity_date.map(|raw| {
            errors.check(at("ActivityDate"), raw.parse::<Date>().map_err(|_| "must be a date as YYYY-MM-DD"))
        });
        all_day_times(&at, day, start, end, duration, given, errors)
    } else {
        timed_times(&at, start, end, duration, given, errors)
    };
    let title = match record.subject.filter(|s| !s.trim().is_empty()) {
        Some(subject) => bounded_text(Some(subject), at("Subject"), MAX_TEXT_CHARS, errors),
        None => Some(UNTITLED.to_owned()),
    };
    let location =
        bounded_text(record.location.filter(|l| !l.trim().is_empty()), at("Location"), MAX_TEXT_CHARS, errors);
    let description = record.description.filter(|d| !d.trim().is_empty()).filter(|d| {
        let fits = d.len() <= MAX_DESCRIPTION_BYTES;
        if !fits {
            errors.push(at("Description"), format!("must be at most {MAX_DESCRIPTION_BYTES} bytes"));
        }
        fits
    });
    let show_as = match record.show_as {
        Some(raw) => errors.check(at("ShowAs"), ShowAs::parse(&raw).map_err(|_| "must be Busy, OutOfOffice or Free")),
        None => Some(ShowAs::Busy),
    };
    if errors.len() > errors_before {
        return None;
    }
    let (start, end) = times?;
    Some(SourceEvent {
        source_id: record.id,
        start,
        end,
        show_as: show_as?,
        private: record.is_private.unwrap_or(false),
        cancelled: false,
        title: title?,
        location,
        description: description.map(SourceDescription::Text),
        resource: None,
        status: None,
        color: None,
    })
}

/// Which time fields a record has (valid or not), so a missing one is reported only when absent.
#[derive(Clone, Copy)]
struct Given {
    start: bool,
    end: bool,
    duration: bool,
}

/// A timed event ends at `EndDateTime`, or `DurationInMinutes` after it starts.
fn timed_times(
    at: &dyn Fn(&str) -> String,
    start: Option<Timestamp>,
    end: Option<Timestamp>,
    duration: Option<i64>,
    given: Given,
    errors: &mut ValidationErrors,
) -> Option<(EventTime, EventTime)> {
    if !given.start {
        errors.push(at("StartDateTime"), "is required");
    }
    if !given.end && !given.duration {
        errors.push(at("EndDateTime"), "is required (or DurationInMinutes)");
    }
    let start = start?;
    let end = match (end, duration) {
        (Some(end), _) => end,
        (None, Some(minutes)) if !given.end => {
            let end = start.checked_add(SignedDuration::from_mins(minutes));
            errors.check(at("DurationInMinutes"), end.map_err(|_| "ends out of range"))?
        }
        (None, _) => return None,
    };
    errors.check(at("EndDateTime"), ordered_times(EventTime::At(start), EventTime::At(end)))
}

/// An all-day event covers `ActivityDate` (else the UTC date of its start) through the UTC date of
/// `EndDateTime`, which Salesforce gives inclusive; else as many days as `DurationInMinutes` spans,
/// else one day.
fn all_day_times(
    at: &dyn Fn(&str) -> String,
    day: Option<Option<Date>>,
    start: Option<Timestamp>,
    end: Option<Timestamp>,
    duration: Option<i64>,
    given: Given,
    errors: &mut ValidationErrors,
) -> Option<(EventTime, EventTime)> {
    let utc_date = |at: Timestamp| at.to_zoned_datetime(TimeZone::UTC).date();
    let first = match (day, start) {
        (Some(day), _) => day?,
        (None, Some(start)) => utc_date(start),
        (None, None) => {
            if !given.start {
                errors.push(at("ActivityDate"), "is required for an all-day event");
            }
            return None;
        }
    };
    let last_exclusive = match (end, duration) {
        (Some(end), _) => errors.check(at("EndDateTime"), utc_date(end).tomorrow().map_err(|_| "is out of range"))?,
        (None, _) if given.end => return None,
        (None, Some(minutes)) => {
            let days = ((minutes + MINUTES_A_DAY - 1) / MINUTES_A_DAY).max(1);
            let end = jiff::Span::new().try_days(days).and_then(|span| first.checked_add(span));
            errors.check(at("DurationInMinutes"), end.map_err(|_| "ends out of range"))?
        }
        (None, None) if given.duration => return None,
        (None, None) => errors.check(at("ActivityDate"), first.tomorrow().map_err(|_| "is out of range"))?,
    };
    errors.check(at("EndDateTime"), ordered_times(EventTime::Day(first), EventTime::Day(last_exclusive)))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{self, at, pointers};
    use super::*;

    fn read_json(json: &str) -> (Result<Vec<SourceEvent>, MalformedEvents>, ValidationErrors) {
        test_support::read_json(read, json)
    }

    fn read_ok(json: &str) -> Vec<SourceEvent> {
        test_support::read_ok(read, json)
    }

    fn day(date: &str) -> EventTime {
        EventTime::Day(date.parse().unwrap())
    }

    #[test]
    fn reads_a_query_result_with_offsets_without_a_colon() {
        let events = read_ok(
            r#"{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Event","url":"/services/data/v62.0/sobjects/Event/00U1"},
                "Id":"00U1","Subject":"Demo","StartDateTime":"2026-12-07T17:00:00.000+0000","EndDateTime":"2026-12-07T18:30:00.000+0000",
                "IsAllDayEvent":false,"Location":"Zoom","Description":"Bring slides","ShowAs":"OutOfOffice","IsPrivate":false,
                "WhoId":"003x","WhatId":"006x","OwnerId":"005x"}]}"#,
        );
        let event = &events[0];
        assert_eq!((event.start, event.end), (at("2026-12-07T17:00:00Z"), at("2026-12-07T18:30:00Z")));
        assert_eq!((event.title.as_str(), event.location.as_deref()), ("Demo", Some("Zoom")));
        assert_eq!(event.description, Some(SourceDescription::Text("Bring slides".into())));
        assert_eq!((event.show_as, event.private, event.source_id.as_deref()), (ShowAs::Oof, false, Some("00U1")));
    }

    #[test]
    fn a_timed_end_may_come_from_the_duration() {
        let events = read_ok(
            r#"[{"Subject":"Call","StartDateTime":"2026-12-07T17:00:00.000-0500","DurationInMinutes":45,"IsPrivate":true}]"#,
        );
        assert_eq!((events[0].start, events[0].end), (at("2026-12-07T22:00:00Z"), at("2026-12-07T22:45:00Z")));
        assert!(events[0].private);
    }

    #[test]
    fn all_day_events_end_the_day_after_their_inclusive_end() {
        let events = read_ok(
            r#"[{"Subject":"Offsite","IsAllDayEvent":true,"ActivityDate":"2026-12-07","StartDateTime":"2026-12-07T00:00:00.000+0000",
                 "EndDateTime":"2026-12-08T00:00:00.000+0000","DurationInMinutes":2880},
                {"Subject":"Day off","IsAllDayEvent":true,"ActivityDate":"2026-12-09","StartDateTime":"2026-12-09T00:00:00.000+0000",
                 "EndDateTime":"2026-12-09T00:00:00.000+0000","DurationInMinutes":1440},
                {"Subject":"Trip","IsAllDayEvent":true,"ActivityDate":"2026-12-10","DurationInMinutes":4320},
                {"IsAllDayEvent":true,"ActivityDate":"2026-12-31"}]"#,
        );
        let spans: Vec<_> = events.iter().map(|e| (e.start, e.end)).collect();
        assert_eq!(
            spans,
            [
                (day("2026-12-07"), day("2026-12-09")),
                (day("2026-12-09"), day("2026-12-10")),
                (day("2026-12-10"), day("2026-12-13")),
                (day("2026-12-31"), day("2027-01-01")),
            ]
        );
        assert_eq!(events[3].title, UNTITLED);
    }

    #[test]
    fn every_broken_rule_is_reported_with_its_pointer() {
        let long = "x".repeat(MAX_TEXT_CHARS + 1);
        let (events, errors) = read_json(&format!(
            r#"{{"records":[
                {{"Subject":"ok","StartDateTime":"2026-12-07T17:00:00.000+0000","EndDateTime":"2026-12-07T16:00:00.000+0000"}},
                {{"attributes":{{"type":"Task"}},"Subject":"{long}","Location":"{long}","StartDateTime":"Monday","ShowAs":"Away","DurationInMinutes":-5}},
                {{"StartDateTime":"2026-12-07T17:00:00.000+0000"}},
                {{"IsAllDayEvent":true,"ActivityDate":"07/12/2026","Description":"{big}"}}]}}"#,
            big = "d".repeat(MAX_DESCRIPTION_BYTES + 1),
        ));
        assert!(events.unwrap().is_empty());
        assert_eq!(
            pointers(&errors),
            [
                "/events/records/0/EndDateTime",
                "/events/records/1/attributes/type",
                "/events/records/1/DurationInMinutes",
                "/events/records/1/StartDateTime",
                "/events/records/1/Subject",
                "/events/records/1/Location",
                "/events/records/1/ShowAs",
                "/events/records/2/EndDateTime",
                "/events/records/3/ActivityDate",
                "/events/records/3/Description",
            ]
        );
    }

    #[test]
    fn wrong_types_are_malformed_with_a_pointer() {
        let (result, _) = read_json(r#"[{"Subject":"a"},{"IsPrivate":"yes"}]"#);
        assert_eq!(result.unwrap_err().pointer, "/events/1/IsPrivate");
        let (result, _) = read_json(r#"{"totalSize":0,"done":true}"#);
        assert_eq!(result.unwrap_err().pointer, "/events");
    }

    #[test]
    fn an_all_day_event_ending_before_the_last_day_there_is_is_refused() {
        let (_, errors) =
            read_json(r#"[{"IsAllDayEvent":true,"ActivityDate":"9999-12-31","EndDateTime":"9999-12-30T00:00:00Z"}]"#);
        assert_eq!(pointers(&errors), ["/events/0/EndDateTime"]);
        let (_, errors) = read_json(r#"[{"IsAllDayEvent":true,"ActivityDate":"9999-12-31"}]"#);
        assert_eq!(pointers(&errors), ["/events/0/ActivityDate"], "no day after the last");
    }
}
