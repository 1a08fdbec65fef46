//! Salesforce `Event` records as the REST API returns them (the bare array of records, or the query
//! result with `records`). Only what a share can show is read; WhoId, WhatId, OwnerId, related records
//! and every other field are never kept.

use super::ReadContext;
use super::SourceDescription::Text;
use super::SourceEvent;
use super::reader::{RecordErrors, RecordsAt, SourceRecord, non_blank, ordered_times};
use crate::domain::{EventTime, OffsetStyle, ShowAs, parse_offset_date_time};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;

const MINUTES_A_DAY: i64 = 24 * 60;
/// Far beyond any real event; keeps the arithmetic on durations in range.
const MAX_DURATION_MINUTES: f64 = 1_000_000_000.0;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SalesforceEvent {
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

impl SourceRecord for SalesforceEvent {
    const AT: RecordsAt = RecordsAt::array_or_page("records");

    fn read(self, record: &mut RecordErrors<'_>, _: &ReadContext) -> Option<SourceEvent> {
        if let Some(kind) = self.attributes.and_then(|a| a.kind).filter(|kind| kind != "Event") {
            let shown: String = kind.chars().take(40).collect();
            record.push("attributes/type", format!("must be \"Event\", not \"{}\"", shown.escape_default()));
        }
        let duration = self.duration_in_minutes.and_then(|minutes| {
            let whole = minutes.fract() == 0.0 && (0.0..=MAX_DURATION_MINUTES).contains(&minutes);
            if !whole {
                record.push("DurationInMinutes", "must be a whole number of minutes, 0 or more");
            }
            // Whole and within ±1e9, so the conversion is exact.
            whole.then_some(minutes as i64)
        });
        let mut timestamp = |field: &str, raw: Option<String>| {
            let parsed = parse_offset_date_time(&raw?, OffsetStyle::ColonOptional);
            record.check(field, parsed.map_err(|_| "must be a date-time such as 2026-12-07T17:00:00.000+0000"))
        };
        let start_field = if self.start_date_time.is_some() { "StartDateTime" } else { "ActivityDateTime" };
        let times = RecordTimes {
            given_start: self.start_date_time.is_some() || self.activity_date_time.is_some(),
            given_end: self.end_date_time.is_some(),
            given_duration: self.duration_in_minutes.is_some(),
            start: timestamp(start_field, self.start_date_time.or(self.activity_date_time)),
            end: timestamp("EndDateTime", self.end_date_time),
            duration,
        };
        let times = if self.is_all_day_event.unwrap_or(false) {
            let day = self.activity_date.map(|raw| {
                record.check("ActivityDate", raw.parse::<Date>().map_err(|_| "must be a date as YYYY-MM-DD"))
            });
            times.all_day(day, record)
        } else {
            times.timed(record)
        };
        let title = record.title_or_untitled("Subject", self.subject);
        let location = record.text("Location", non_blank(self.location));
        let description = record.description("Description", non_blank(self.description));
        let show_as =
            self.show_as.as_deref().map(|raw| ShowAs::parse(raw).map_err(|_| "must be Busy, OutOfOffice or Free"));
        let show_as = record.show_as_or_busy("ShowAs", show_as);
        Some(SourceEvent {
            show_as: show_as?,
            private: self.is_private.unwrap_or(false),
            location,
            description: description.map(Text),
            ..SourceEvent::new(self.id, times?, title?)
        })
    }
}

/// A record's time fields as read (`None` where absent or broken), and which it has at all, so
/// that a missing one is reported only when absent.
struct RecordTimes {
    start: Option<Timestamp>,
    end: Option<Timestamp>,
    duration: Option<i64>,
    given_start: bool,
    given_end: bool,
    given_duration: bool,
}

impl RecordTimes {
    /// A timed event ends at `EndDateTime`, or `DurationInMinutes` after it starts.
    fn timed(self, record: &mut RecordErrors<'_>) -> Option<(EventTime, EventTime)> {
        if !self.given_start {
            record.push("StartDateTime", "is required");
        }
        if !self.given_end && !self.given_duration {
            record.push("EndDateTime", "is required (or DurationInMinutes)");
        }
        let start = self.start?;
        let end = match (self.end, self.duration) {
            (Some(end), _) => end,
            (None, Some(minutes)) if !self.given_end => {
                let end = start.checked_add(SignedDuration::from_mins(minutes));
                record.check("DurationInMinutes", end.map_err(|_| "ends out of range"))?
            }
            (None, _) => return None,
        };
        record.check("EndDateTime", ordered_times(EventTime::At(start), EventTime::At(end)))
    }

    /// An all-day event covers `ActivityDate` (else the UTC date of its start) through the UTC date of
    /// `EndDateTime`, which Salesforce gives inclusive; else as many days as `DurationInMinutes` spans,
    /// else one day.
    fn all_day(self, day: Option<Option<Date>>, record: &mut RecordErrors<'_>) -> Option<(EventTime, EventTime)> {
        let utc_date = |at: Timestamp| at.to_zoned_datetime(TimeZone::UTC).date();
        let first = match (day, self.start) {
            (Some(day), _) => day?,
            (None, Some(start)) => utc_date(start),
            (None, None) => {
                if !self.given_start {
                    record.push("ActivityDate", "is required for an all-day event");
                }
                return None;
            }
        };
        let last_exclusive = match (self.end, self.duration) {
            (Some(end), _) => record.check("EndDateTime", utc_date(end).tomorrow().map_err(|_| "is out of range"))?,
            (None, _) if self.given_end => return None,
            (None, Some(minutes)) => {
                let days = ((minutes + MINUTES_A_DAY - 1) / MINUTES_A_DAY).max(1);
                let end = jiff::Span::new().try_days(days).and_then(|span| first.checked_add(span));
                record.check("DurationInMinutes", end.map_err(|_| "ends out of range"))?
            }
            (None, None) if self.given_duration => return None,
            (None, None) => record.check("ActivityDate", first.tomorrow().map_err(|_| "is out of range"))?,
        };
        record.check("EndDateTime", ordered_times(EventTime::Day(first), EventTime::Day(last_exclusive)))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{at, pointers, read_json, read_ok};
    use super::super::{MAX_DESCRIPTION_BYTES, MAX_TEXT_CHARS, SourceDescription, UNTITLED};
    use super::*;

    fn day(date: &str) -> EventTime {
        EventTime::Day(date.parse().unwrap())
    }

    #[test]
    fn reads_a_query_result_with_offsets_without_a_colon() {
        let events = read_ok::<SalesforceEvent>(
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
        let events = read_ok::<SalesforceEvent>(
            r#"[{"Subject":"Call","StartDateTime":"2026-12-07T17:00:00.000-0500","DurationInMinutes":45,"IsPrivate":true}]"#,
        );
        assert_eq!((events[0].start, events[0].end), (at("2026-12-07T22:00:00Z"), at("2026-12-07T22:45:00Z")));
        assert!(events[0].private);
    }

    #[test]
    fn all_day_events_end_the_day_after_their_inclusive_end() {
        let events = read_ok::<SalesforceEvent>(
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
        let (events, errors) = read_json::<SalesforceEvent>(&format!(
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
        let (result, _) = read_json::<SalesforceEvent>(r#"[{"Subject":"a"},{"IsPrivate":"yes"}]"#);
        assert_eq!(result.unwrap_err().pointer, "/events/1/IsPrivate");
        let (result, _) = read_json::<SalesforceEvent>(r#"{"totalSize":0,"done":true}"#);
        assert_eq!(result.unwrap_err().pointer, "/events");
        let (result, _) = read_json::<SalesforceEvent>(r#"{"value":[]}"#);
        assert!(result.unwrap_err().message.starts_with("missing field `records`"), "a Graph page is not Salesforce's");
    }

    #[test]
    fn an_all_day_event_ending_before_the_last_day_there_is_is_refused() {
        let (_, errors) = read_json::<SalesforceEvent>(
            r#"[{"IsAllDayEvent":true,"ActivityDate":"9999-12-31","EndDateTime":"9999-12-30T00:00:00Z"}]"#,
        );
        assert_eq!(pointers(&errors), ["/events/0/EndDateTime"]);
        let (_, errors) = read_json::<SalesforceEvent>(r#"[{"IsAllDayEvent":true,"ActivityDate":"9999-12-31"}]"#);
        assert_eq!(pointers(&errors), ["/events/0/ActivityDate"], "no day after the last");
    }
}
