//! Events as the calendar client sends them (our normalized shape, Microsoft Graph, Salesforce),
//! read into one `SourceEvent`, then trimmed to what the share's detail level shows.

pub mod minimize;
pub mod msgraph;
pub mod normalized;
pub mod salesforce;

use crate::domain::{Color, EventTime, ShowAs, ValidationErrors};
use serde_json::value::RawValue;

pub const MAX_EVENTS: usize = 10_000;
pub const MAX_TEXT_CHARS: usize = 500;
pub const MAX_DESCRIPTION_BYTES: usize = 16 * 1024;
/// The title of a source event without a subject (Graph leaves it out of some private events).
pub const UNTITLED: &str = "(No subject)";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    Normalized,
    MsGraph,
    Salesforce,
}

impl SourceFormat {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match raw {
            "normalized" => Ok(Self::Normalized),
            "msgraph" => Ok(Self::MsGraph),
            "salesforce" => Ok(Self::Salesforce),
            _ => Err("must be \"normalized\", \"msgraph\" or \"salesforce\""),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceDescription {
    Text(String),
    Html(String),
}

/// One event as read from any source, before minimisation. Lives only while a request is handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceEvent {
    /// The source's own id, used only to derive a stable UID; never stored.
    pub source_id: Option<String>,
    pub start: EventTime,
    pub end: EventTime,
    pub show_as: ShowAs,
    /// Marked private or confidential at the source: published as availability only.
    pub private: bool,
    pub cancelled: bool,
    pub title: String,
    pub location: Option<String>,
    pub description: Option<SourceDescription>,
    pub resource: Option<String>,
    pub status: Option<String>,
    pub color: Option<Color>,
}

/// A body that is not the JSON shape expected (400), with the pointer where it went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct MalformedEvents {
    pub pointer: String,
    pub message: String,
}

impl MalformedEvents {
    pub fn from_serde<E: std::fmt::Display>(error: serde_path_to_error::Error<E>) -> Self {
        let pointer = format!("/events{}", json_pointer(error.path()));
        Self { pointer, message: error.inner().to_string() }
    }
}

/// The RFC 6901 pointer of a serde path (`value[3].start` → `/value/3/start`), empty for the root.
pub(crate) fn json_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .map(|segment| match segment {
            Segment::Seq { index } => format!("/{index}"),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                format!("/{}", key.replace('~', "~0").replace('/', "~1"))
            }
            Segment::Unknown => "/?".to_owned(),
        })
        .collect()
}

/// A source's records: a bare array, or the page its API returned them in (`{"value": [...]}` from
/// Graph's calendarView, `{"records": [...]}` from a Salesforce query), with the pointer they sit at.
pub(crate) fn read_records<T: serde::de::DeserializeOwned>(
    raw: &RawValue,
    page_field: &str,
) -> Result<(Vec<T>, String), MalformedEvents> {
    #[derive(serde::Deserialize)]
    struct Page<T> {
        #[serde(rename = "value", alias = "records")]
        records: Vec<T>,
    }
    let mut deserializer = serde_json::Deserializer::from_str(raw.get());
    if raw.get().trim_start().starts_with('{') {
        let page: Page<T> = serde_path_to_error::deserialize(&mut deserializer).map_err(MalformedEvents::from_serde)?;
        Ok((page.records, format!("/events/{page_field}")))
    } else {
        let records = serde_path_to_error::deserialize(&mut deserializer).map_err(MalformedEvents::from_serde)?;
        Ok((records, "/events".to_owned()))
    }
}

/// Reads the `events` array of a publish body in the given format (Graph and Salesforce also take
/// their API's page, `{"value": [...]}` or `{"records": [...]}`). Type errors are `Err` (400); rule
/// violations go into `errors` (422) with pointers under `/events/N` (or `/events/value/N`, …).
pub fn read_events(
    format: SourceFormat,
    raw: &RawValue,
    errors: &mut ValidationErrors,
) -> Result<Vec<SourceEvent>, MalformedEvents> {
    match format {
        SourceFormat::Normalized => normalized::read(raw, errors),
        SourceFormat::MsGraph => msgraph::read(raw, errors),
        SourceFormat::Salesforce => salesforce::read(raw, errors),
    }
}

/// Checks a text field's length, recording an error under `pointer`.
pub(crate) fn bounded_text(
    value: Option<String>,
    pointer: String,
    limit: usize,
    errors: &mut ValidationErrors,
) -> Option<String> {
    let value = value?;
    if value.chars().count() > limit {
        errors.push(pointer, format!("must be at most {limit} characters"));
        return None;
    }
    Some(value)
}

/// Parses an RFC 3339 date-time (with offset) or, for all-day events, a `YYYY-MM-DD` date.
pub(crate) fn parse_event_time(raw: &str, all_day: bool) -> Result<EventTime, String> {
    if all_day {
        return raw
            .parse::<jiff::civil::Date>()
            .map(EventTime::Day)
            .map_err(|_| "all-day events need a date as YYYY-MM-DD".to_owned());
    }
    raw.parse::<jiff::Timestamp>().map(EventTime::At).map_err(|_| {
        "must be an RFC 3339 date-time with offset, e.g. 2026-12-03T09:00:00-05:00 (or set allDay with a date)"
            .to_owned()
    })
}

/// Checks that an event does not end before it starts; zero-length all-day events become one day.
pub(crate) fn ordered_times(start: EventTime, end: EventTime) -> Result<(EventTime, EventTime), &'static str> {
    match (start, end) {
        (EventTime::At(s), EventTime::At(e)) if e >= s => Ok((start, end)),
        (EventTime::Day(s), EventTime::Day(e)) if e > s => Ok((start, end)),
        // On the last day the calendar holds there is no day after: refused rather than kept empty.
        (EventTime::Day(s), EventTime::Day(e)) if e == s => {
            s.tomorrow().map(|next| (start, EventTime::Day(next))).map_err(|_| "the day after start is out of range")
        }
        (EventTime::At(_), EventTime::At(_)) | (EventTime::Day(_), EventTime::Day(_)) => {
            Err("end must not be before start")
        }
        _ => Err("start and end must both be date-times, or both dates for an all-day event"),
    }
}

/// What the format readers' tests share: run a reader on JSON text, and read its results.
#[cfg(test)]
pub(crate) mod test_support {
    use super::{MalformedEvents, SourceEvent};
    use crate::domain::{EventTime, ValidationErrors};
    use serde_json::value::RawValue;

    pub type Reader = fn(&RawValue, &mut ValidationErrors) -> Result<Vec<SourceEvent>, MalformedEvents>;

    pub fn read_json(read: Reader, json: &str) -> (Result<Vec<SourceEvent>, MalformedEvents>, ValidationErrors) {
        let raw: Box<RawValue> = serde_json::from_str(json).unwrap();
        let mut errors = ValidationErrors::new();
        (read(&raw, &mut errors), errors)
    }

    pub fn read_ok(read: Reader, json: &str) -> Vec<SourceEvent> {
        let (events, errors) = read_json(read, json);
        assert!(errors.is_empty(), "{errors:?}");
        events.unwrap()
    }

    pub fn pointers(errors: &ValidationErrors) -> Vec<&str> {
        errors.errors().iter().map(|e| e.pointer.as_str()).collect()
    }

    pub fn at(rfc3339: &str) -> EventTime {
        EventTime::At(rfc3339.parse().unwrap())
    }
}
