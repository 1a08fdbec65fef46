//! The body of `POST /me/changes`: a format, the changed events in it and the removed source ids,
//! read as a publish body's events are (400 for wrong JSON or types, 422 for broken rules, all at once).

use crate::domain::ValidationErrors;
use crate::publish_request::{PublishRequestError, json_body};
use crate::sources::athena::{DirectoryMaps, IdMap, PracticeDirectory};
use crate::sources::{self, ReadContext, SourceEvent, SourceFormat};
use jiff::tz::TimeZone;
use serde::Deserialize;
use serde_json::value::RawValue;

/// How many entries `changed` and `removed` may hold together.
pub const MAX_CHANGES: usize = 1_000;
/// The longest source id `removed` takes (Graph ids are about 150 characters).
pub const MAX_SOURCE_ID_CHARS: usize = 1_024;

#[derive(Debug, Clone)]
pub struct ChangesRequest {
    pub format: SourceFormat,
    /// As read with UTC for a zone (only athena's local times depend on the share's zone).
    changed: Vec<SourceEvent>,
    raw_changed: Option<Box<RawValue>>,
    practice: PracticeDirectory,
    pub removed: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChangesBody<'a> {
    format: Option<String>,
    #[serde(borrow)]
    changed: Option<&'a RawValue>,
    removed: Option<Vec<String>>,
    department_time_zones: Option<IdMap>,
    department_names: Option<IdMap>,
    provider_names: Option<IdMap>,
}

impl ChangesRequest {
    pub fn parse(body: &[u8]) -> Result<Self, PublishRequestError> {
        let body: ChangesBody = json_body(body)?;
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
        let maps = DirectoryMaps {
            department_time_zones: body.department_time_zones,
            department_names: body.department_names,
            provider_names: body.provider_names,
        };
        let practice = PracticeDirectory::parse(maps, "", &mut errors);
        let context = ReadContext { share_zone: Some(TimeZone::UTC), practice: practice.clone() };
        let changed = match (format, body.changed) {
            (Some(format), Some(raw)) => {
                let count = sources::count_events(format, raw).unwrap_or(0);
                if count + removed.len() > MAX_CHANGES {
                    errors.push("/changed", format!("changed and removed hold at most {MAX_CHANGES} entries together"));
                    Vec::new()
                } else {
                    sources::read_events(format, raw, "/changed", &context, &mut errors)
                        .map_err(|e| PublishRequestError::Malformed { pointer: Some(e.pointer), message: e.message })?
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
        errors.into_result().map_err(PublishRequestError::Invalid)?;
        let format = format.expect("a missing or invalid format was recorded as an error");
        let raw_changed = body.changed.map(|raw| raw.to_owned());
        Ok(Self { format, changed, raw_changed, practice, removed })
    }

    /// Whether the call names no event at all.
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.removed.is_empty()
    }

    /// The changed events with their times read for a share in `zone`: athena's times are local to a
    /// department, whose zone defaults to the share's.
    pub fn changed_in(&self, zone: &TimeZone) -> Vec<SourceEvent> {
        match (&self.raw_changed, self.format) {
            (Some(raw), SourceFormat::Athena) if zone != &TimeZone::UTC => {
                let context = ReadContext { share_zone: Some(zone.clone()), practice: self.practice.clone() };
                let mut errors = ValidationErrors::new();
                sources::read_events(self.format, raw, "/changed", &context, &mut errors).unwrap_or_default()
            }
            _ => self.changed.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<ChangesRequest, PublishRequestError> {
        ChangesRequest::parse(json.as_bytes())
    }

    fn pointers(result: Result<ChangesRequest, PublishRequestError>) -> Vec<String> {
        match result {
            Err(PublishRequestError::Invalid(errors)) => errors.errors().iter().map(|e| e.pointer.clone()).collect(),
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
        assert_eq!(pointers(parse(r#"{"format":"ical","removed":["a"]}"#)), ["/format"]);
        assert_eq!(pointers(parse(r#"{"removed":["", "ok"]}"#)), ["/removed/0"]);
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
            assert!(matches!(parse(body), Err(PublishRequestError::Malformed { .. })), "{body}");
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
