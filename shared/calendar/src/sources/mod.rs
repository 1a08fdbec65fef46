//! Events as the calendar client sends them (our normalized shape, Microsoft Graph, Salesforce,
//! athenahealth appointments, FHIR R4 Appointments, iCalendar), read
//! into one `SourceEvent` (a file a format, on the `reader` skeleton), then trimmed to what the share's
//! detail level shows (`minimize`, with descriptions sanitised by `sanitize`).

pub mod athena;
mod fhir;
mod ical;
pub mod minimize;
mod msgraph;
mod normalized;
mod reader;
mod salesforce;
pub mod sanitize;

pub use reader::bounded_text;

use crate::domain::{Color, DateRange, EventTime, ShowAs, ValidationErrors, without_control_chars};
use jiff::tz::TimeZone;
use serde_json::value::RawValue;

pub const MAX_EVENTS: usize = crate::domain::MAX_SHARE_EVENTS;
pub use crate::domain::event::{MAX_DESCRIPTION_BYTES, MAX_TEXT_CHARS};
/// The title of a source event without a subject (Graph leaves it out of some private events).
pub const UNTITLED: &str = "(No subject)";

/// What the readers need besides the records, for one request: the share's zone (the default for
/// local times) and each format's own options, which it reads from the body itself.
#[derive(Debug, Clone, Default)]
pub struct ReadContext {
    /// `None` where the body's own `timeZone` is missing or invalid (that is reported already).
    share_zone: Option<TimeZone>,
    /// athena's department zones and names and provider names.
    athena: athena::PracticeDirectory,
    /// The range recurring events are expanded within (iCalendar); none: not expanded.
    expand_within: Option<DateRange>,
}

impl ReadContext {
    /// Every format's options from the whole request `body` (athena's directory maps), read whatever
    /// the body's format, so a broken one is refused alike; broken rules go into `errors` (422).
    pub fn from_body(
        body: &[u8],
        share_zone: Option<TimeZone>,
        errors: &mut ValidationErrors,
    ) -> Result<Self, MalformedEvents> {
        let athena = athena::PracticeDirectory::from_body(body, errors)?;
        Ok(Self { share_zone, athena, expand_within: None })
    }

    /// The same options, with recurring events expanded within `range` (the share's, at publish).
    pub fn expanding_within(self, range: Option<DateRange>) -> Self {
        Self { expand_within: range, ..self }
    }

    /// The same options for a share in `zone`.
    pub fn in_zone(&self, zone: TimeZone) -> Self {
        Self { share_zone: Some(zone), ..self.clone() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    Normalized,
    MsGraph,
    Salesforce,
    Fhir,
    Athena,
    Ical,
}

impl SourceFormat {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match raw {
            "normalized" => Ok(Self::Normalized),
            "msgraph" => Ok(Self::MsGraph),
            "salesforce" => Ok(Self::Salesforce),
            "fhir" => Ok(Self::Fhir),
            "athena" => Ok(Self::Athena),
            "ical" => Ok(Self::Ical),
            _ => Err("must be \"normalized\", \"msgraph\", \"salesforce\", \"athena\", \"fhir\" or \"ical\""),
        }
    }

    /// The body's name for the format.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Normalized => "normalized",
            Self::MsGraph => "msgraph",
            Self::Salesforce => "salesforce",
            Self::Fhir => "fhir",
            Self::Athena => "athena",
            Self::Ical => "ical",
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
    /// The source's own id (our `id`, Graph `id`, Salesforce `Id`): what live updates match on and
    /// what the stable UID is derived from; never stored as it is.
    pub source_id: Option<String>,
    pub start: EventTime,
    pub end: EventTime,
    pub show_as: ShowAs,
    /// Marked private at the source (Graph: `msgraph::is_private`; Salesforce `IsPrivate`; our
    /// `private`): published as availability only, whatever the share's detail level.
    pub private: bool,
    pub cancelled: bool,
    pub title: String,
    pub location: Option<String>,
    pub description: Option<SourceDescription>,
    pub resource: Option<String>,
    pub status: Option<String>,
    pub color: Option<Color>,
}

impl SourceEvent {
    /// A busy, public, not cancelled event with nothing but its times and title: what every format
    /// reads, before it adds what it knows.
    pub fn new(source_id: Option<String>, (start, end): (EventTime, EventTime), title: String) -> Self {
        Self {
            source_id,
            start,
            end,
            show_as: ShowAs::Busy,
            private: false,
            cancelled: false,
            title,
            location: None,
            description: None,
            resource: None,
            status: None,
            color: None,
        }
    }

    /// The event with every text field free of control characters (see `without_control_chars`); a
    /// title left blank by that is `UNTITLED`.
    pub(crate) fn without_control_chars(self) -> Self {
        let text = |value: Option<String>| value.map(without_control_chars);
        let title = without_control_chars(self.title);
        Self {
            title: if title.trim().is_empty() { UNTITLED.to_owned() } else { title },
            location: text(self.location),
            description: self.description.map(|description| match description {
                SourceDescription::Text(text) => SourceDescription::Text(without_control_chars(text)),
                SourceDescription::Html(html) => SourceDescription::Html(without_control_chars(html)),
            }),
            resource: text(self.resource),
            status: text(self.status),
            ..self
        }
    }
}

/// A body that is not the JSON shape expected (400), with the pointer where it went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct MalformedEvents {
    pub pointer: String,
    pub message: String,
}

impl MalformedEvents {
    /// A serde error in the value at `events_at`, its pointer under that.
    pub fn from_serde<E: std::fmt::Display>(events_at: &str, error: serde_path_to_error::Error<E>) -> Self {
        let pointer = format!("{events_at}{}", crate::domain::json_pointer(error.path()));
        Self { pointer, message: crate::domain::bounded_message(error.inner().to_string()) }
    }
}

/// Reads the records at `events_at` (`/events` of a publish body) in the given format (Graph and
/// Salesforce also take their API's page, `{"value": [...]}` or `{"records": [...]}`). Type errors are
/// `Err` (400); rule violations go into `errors` (422) with pointers under `/events/N` (or
/// `/events/value/N`, …).
pub fn read_events(
    format: SourceFormat,
    raw: &RawValue,
    events_at: &str,
    context: &ReadContext,
    errors: &mut ValidationErrors,
) -> Result<Vec<SourceEvent>, MalformedEvents> {
    match format {
        SourceFormat::Normalized => reader::read::<normalized::NormalizedEvent>(raw, events_at, context, errors),
        SourceFormat::MsGraph => reader::read::<msgraph::GraphEvent>(raw, events_at, context, errors),
        SourceFormat::Salesforce => reader::read::<salesforce::SalesforceEvent>(raw, events_at, context, errors),
        SourceFormat::Fhir => reader::read::<fhir::FhirResource>(raw, events_at, context, errors),
        SourceFormat::Athena => reader::read::<athena::AthenaAppointment>(raw, events_at, context, errors),
        SourceFormat::Ical => ical::read(raw, events_at, context, errors),
    }
}

/// How many records `raw` holds in the given format (see `reader::count_records`), without reading them.
pub fn count_events(format: SourceFormat, raw: &RawValue) -> Option<usize> {
    match format {
        SourceFormat::Normalized => reader::count_records::<normalized::NormalizedEvent>(raw),
        SourceFormat::MsGraph => reader::count_records::<msgraph::GraphEvent>(raw),
        SourceFormat::Salesforce => reader::count_records::<salesforce::SalesforceEvent>(raw),
        SourceFormat::Fhir => reader::count_records::<fhir::FhirResource>(raw),
        SourceFormat::Athena => reader::count_records::<athena::AthenaAppointment>(raw),
        SourceFormat::Ical => ical::count_events(raw),
    }
}

/// What the format readers' tests share: run a reader on JSON text, and read its results.
#[cfg(test)]
pub(crate) mod test_support {
    use super::reader::{self, SourceRecord};
    use super::{MalformedEvents, ReadContext, SourceEvent};
    use crate::domain::{EventTime, ValidationErrors};
    use serde_json::value::RawValue;

    pub type ReadResult = (Result<Vec<SourceEvent>, MalformedEvents>, ValidationErrors);

    /// Reads the records of format `R` from `json`, as the `events` of a publish body.
    pub fn read_json<R: SourceRecord>(json: &str) -> ReadResult {
        read_json_at::<R>("/events", json)
    }

    pub fn read_json_at<R: SourceRecord>(events_at: &str, json: &str) -> ReadResult {
        let raw: Box<RawValue> = serde_json::from_str(json).unwrap();
        let mut errors = ValidationErrors::new();
        (reader::read::<R>(&raw, events_at, &ReadContext::default(), &mut errors), errors)
    }

    pub fn read_ok<R: SourceRecord>(json: &str) -> Vec<SourceEvent> {
        let (events, errors) = read_json::<R>(json);
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

#[cfg(test)]
mod tests {
    use super::test_support::read_ok;
    use super::*;

    #[test]
    fn text_fields_arrive_without_control_characters() {
        let events = read_ok::<msgraph::GraphEvent>(
            r#"[{"subject":"Stand\u0000up\u001b[31m","start":{"dateTime":"2026-12-03T09:00:00","timeZone":"UTC"},
                "end":{"dateTime":"2026-12-03T09:15:00","timeZone":"UTC"},"location":{"displayName":"Room\u0007 4"},
                "body":{"contentType":"html","content":"<p>Agen\u001bda\u0085</p><a href=\"https://example.com/\u0001x\">link</a>"}},
               {"subject":"\u0000\u001b","start":{"dateTime":"2026-12-03T10:00:00","timeZone":"UTC"},
                "end":{"dateTime":"2026-12-03T10:15:00","timeZone":"UTC"}}]"#,
        );
        assert_eq!(events[0].title, "Standup[31m");
        assert_eq!(events[0].location.as_deref(), Some("Room 4"));
        let Some(SourceDescription::Html(html)) = &events[0].description else { panic!("an html body") };
        assert!(!html.chars().any(char::is_control), "{html:?}");
        assert!(html.contains("Agenda") && html.contains("https://example.com/"), "{html}");
        assert_eq!(events[1].title, UNTITLED, "a title of control characters only is no title");
    }
}
