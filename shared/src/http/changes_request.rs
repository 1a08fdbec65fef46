//! The body of `POST /me/changes`: a format, the changed events in it and the removed source ids,
//! read as a publish body's events are (400 for wrong JSON or types, 422 for broken rules, all at once).

use super::request::{MalformedBody, json_body};
use crate::domain::follow::check_calendar_id;
use crate::domain::{DateRange, ValidationErrors};
pub use crate::service::ChangesRequest;
use crate::sources::{self, MalformedEvents, ReadContext, SourceFormat};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::Deserialize;
use serde_json::value::RawValue;

/// How many entries `changed` and `removed` may hold together.
pub const MAX_CHANGES: usize = 1_000;
/// The longest source id `removed` takes (Graph ids are about 150 characters).
pub const MAX_SOURCE_ID_CHARS: usize = 1_024;

/// Wrong JSON or types are `Malformed` (400), broken rules `Invalid` (422), all at once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangesRequestError {
    #[error("malformed request body: {message}")]
    Malformed { pointer: Option<String>, message: String },
    #[error("{0}")]
    Invalid(ValidationErrors),
}

impl From<MalformedBody> for ChangesRequestError {
    fn from(MalformedBody { pointer, message }: MalformedBody) -> Self {
        Self::Malformed { pointer, message }
    }
}

impl From<MalformedEvents> for ChangesRequestError {
    fn from(MalformedEvents { pointer, message }: MalformedEvents) -> Self {
        Self::Malformed { pointer: Some(pointer).filter(|p| !p.is_empty()), message }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChangesBody<'a> {
    format: Option<String>,
    #[serde(borrow)]
    changed: Option<&'a RawValue>,
    removed: Option<Vec<String>>,
    calendar: Option<String>,
}

impl ChangesRequest {
    pub fn parse(raw_body: &[u8]) -> Result<Self, ChangesRequestError> {
        let body: ChangesBody = json_body(raw_body)?;
        let mut errors = ValidationErrors::new();
        let format = match body.format {
            Some(raw) => errors.check("/format", SourceFormat::parse(&raw)),
            None => Some(SourceFormat::Normalized),
        };
        let removed = body.removed.unwrap_or_default();
        for (i, id) in removed.iter().enumerate() {
            if id.trim().is_empty() || id.chars().count() > MAX_SOURCE_ID_CHARS {
                errors.push(
                    format!("/removed/{i}"),
                    format!("must be a source id of 1 to {MAX_SOURCE_ID_CHARS} characters"),
                );
            }
        }
        let calendar = body.calendar.filter(|id| match check_calendar_id(id) {
            Ok(()) => true,
            Err(message) => {
                errors.push("/calendar", message);
                false
            }
        });
        let context = ReadContext::from_body(raw_body, Some(TimeZone::UTC), &mut errors)?
            .expanding_within(Some(recurrence_range(Timestamp::now())));
        let changed = match (format, body.changed) {
            (Some(format), Some(raw)) => {
                let count = sources::count_events(format, raw).unwrap_or(0);
                if count + removed.len() > MAX_CHANGES {
                    errors.push("/changed", format!("changed and removed hold at most {MAX_CHANGES} entries together"));
                    Vec::new()
                } else {
                    sources::read_events(format, raw, "/changed", &context, &mut errors)?
                }
            }
            // The contract names `/changed` for the count, whichever list holds the entries.
            (_, None) if removed.len() > MAX_CHANGES => {
                errors.push("/changed", format!("changed and removed hold at most {MAX_CHANGES} entries together"));
                Vec::new()
            }
            _ => Vec::new(),
        };
        let without_id = changed.iter().filter(|event| event.source_id.is_none()).count();
        if without_id > 0 {
            errors.push(
                "/changed",
                match without_id {
                    1 => "1 changed event has no source id: only events with an id can be matched".to_owned(),
                    n => format!("{n} changed events have no source id: only events with an id can be matched"),
                },
            );
        }
        errors.into_result().map_err(ChangesRequestError::Invalid)?;
        let format = format.expect("a missing or invalid format was recorded as an error");
        let raw_changed = body.changed.map(|raw| raw.to_owned());
        Ok(Self { format, changed, raw_changed, context, removed, calendar })
    }
}

/// The days a change's recurring events (iCalendar) are expanded within: the shares' ranges are not
/// known when the body is read, so a year before today and two after, which live shares cover.
fn recurrence_range(now: Timestamp) -> DateRange {
    let today = now.to_zoned_datetime(TimeZone::UTC).date();
    let start = today.checked_sub(1.year()).unwrap_or(today);
    let end = today.checked_add(2.years()).unwrap_or(today);
    DateRange::new(start, end).unwrap_or(DateRange { start: today, end: today.tomorrow().unwrap_or(today) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<ChangesRequest, ChangesRequestError> {
        ChangesRequest::parse(json.as_bytes())
    }

    fn pointers(result: Result<ChangesRequest, ChangesRequestError>) -> Vec<String> {
        match result {
            Err(ChangesRequestError::Invalid(errors)) => errors.errors().iter().map(|e| e.pointer.clone()).collect(),
            other => panic!("expected rule errors, got {other:?}"),
        }
    }

    #[test]
    fn the_contract_example_parses() {
        let request = parse(
            r#"{"format":"msgraph","changed":[{"id":"AAMkAG1","subject":"Standup",
                "start":{"dateTime":"2026-12-03T09:00:00.0000000","timeZone":"UTC"},
                "end":{"dateTime":"2026-12-03T09:30:00.0000000","timeZone":"UTC"}}],"removed":["AAMkAG2","a1"]}"#,
        )
        .unwrap();
        assert_eq!(request.format, SourceFormat::MsGraph);
        assert_eq!(request.changed_in(&TimeZone::UTC)[0].source_id.as_deref(), Some("AAMkAG1"));
        assert_eq!(request.removed, ["AAMkAG2", "a1"]);
    }

    #[test]
    fn bad_entries_are_reported_with_pointers() {
        assert_eq!(pointers(parse(r#"{"format":"vcard","removed":["a"]}"#)), ["/format"]);
        assert_eq!(pointers(parse(r#"{"removed":["", "ok"]}"#)), ["/removed/0"]);
        assert_eq!(pointers(parse(r#"{"calendar":" ","removed":["a"]}"#)), ["/calendar"]);
        assert_eq!(parse(r#"{"calendar":"AAMkCal","removed":["a"]}"#).unwrap().calendar.as_deref(), Some("AAMkCal"));
        let without_id = r#"{"changed":[{"title":"x","start":"2026-12-03T09:00:00Z","end":"2026-12-03T10:00:00Z"}]}"#;
        assert_eq!(pointers(parse(without_id)), ["/changed"]);
        let broken =
            r#"{"changed":[{"id":"a","title":"x","start":"2026-12-03T09:00:00Z","end":"2026-12-01T10:00:00Z"}]}"#;
        assert!(pointers(parse(broken))[0].starts_with("/changed/0"));
    }

    #[test]
    fn over_a_thousand_entries_are_refused_before_reading_them() {
        let ids: Vec<String> = (0..600).map(|i| format!("\"r{i}\"")).collect();
        let events: Vec<String> = (0..401).map(|i| format!(r#"{{"id":"c{i}"}}"#)).collect();
        let body = format!(r#"{{"changed":[{}],"removed":[{}]}}"#, events.join(","), ids.join(","));
        assert_eq!(pointers(parse(&body)), ["/changed"], "the events are not read: they would break rules");
        let removed: Vec<String> = (0..1001).map(|i| format!("\"r{i}\"")).collect();
        assert_eq!(pointers(parse(&format!(r#"{{"removed":[{}]}}"#, removed.join(",")))), ["/changed"]);
    }

    #[test]
    fn wrong_types_are_malformed() {
        for body in [r#"{"removed":[1]}"#, r#"{"removed":"a"}"#, r#"{"format":5}"#, "[", r#"{"removed":[]} x"#] {
            assert!(matches!(parse(body), Err(ChangesRequestError::Malformed { .. })), "{body}");
        }
    }

    #[test]
    fn athena_times_are_read_in_each_shares_zone() {
        let request = parse(
            r#"{"format":"athena","departmentTimeZones":{"2":"America/Chicago"},"changed":[
                {"appointmentid":"1","date":"12/03/2026","starttime":"09:00","duration":"30","appointmentstatus":"f","departmentid":"1"},
                {"appointmentid":"2","date":"12/03/2026","starttime":"09:00","duration":"30","appointmentstatus":"f","departmentid":"2"}]}"#,
        )
        .unwrap();
        let new_york = request.changed_in(&TimeZone::get("America/New_York").unwrap());
        let utc = request.changed_in(&TimeZone::UTC);
        assert_ne!(new_york[0].start, utc[0].start, "the share's zone for a department without one");
        assert_eq!(new_york[1].start, utc[1].start, "the department's own zone otherwise");
    }
}
