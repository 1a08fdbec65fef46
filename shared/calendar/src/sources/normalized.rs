//! Our own event shape (see the contract): the simplest way for a client to publish.

use super::ReadContext;
use super::SourceDescription::Text;
use super::SourceEvent;
use super::reader::{RecordErrors, RecordsAt, SourceRecord, non_blank};
use crate::domain::{Color, EventTime, ShowAs};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NormalizedEvent {
    id: Option<String>,
    title: Option<String>,
    start: Option<String>,
    end: Option<String>,
    #[serde(default)]
    all_day: bool,
    location: Option<String>,
    description: Option<String>,
    show_as: Option<String>,
    color: Option<String>,
    resource: Option<String>,
    status: Option<String>,
    #[serde(default)]
    private: bool,
}

impl SourceRecord for NormalizedEvent {
    const AT: RecordsAt = RecordsAt::BARE_ARRAY;

    fn read(self, record: &mut RecordErrors<'_>, _: &ReadContext) -> Option<SourceEvent> {
        let title = record.require("title", non_blank(self.title));
        let title = record.text("title", title);
        let mut time = |field: &str, value: Option<String>| {
            let raw = record.require(field, value)?;
            record.check(field, parse_event_time(&raw, self.all_day))
        };
        let start = time("start", self.start);
        let end = time("end", self.end);
        let times = record.ordered("end", start, end);
        let location = record.text("location", self.location);
        let description = record.description("description", self.description);
        let show_as = record.show_as_or_busy("showAs", self.show_as.as_deref().map(ShowAs::parse));
        let color = self.color.and_then(|raw| record.check("color", Color::parse(&raw)));
        let resource = record.text("resource", self.resource);
        let status = record.text("status", self.status);
        Some(SourceEvent {
            show_as: show_as?,
            private: self.private,
            location,
            description: description.map(Text),
            resource,
            status,
            color,
            ..SourceEvent::new(self.id, times?, title?)
        })
    }
}

/// Parses an RFC 3339 date-time (with offset) or, for all-day events, a `YYYY-MM-DD` date.
fn parse_event_time(raw: &str, all_day: bool) -> Result<EventTime, String> {
    if all_day {
        return raw
            .parse::<jiff::civil::Date>()
            .map(EventTime::Day)
            .map_err(|_| "all-day events need a date as YYYY-MM-DD".to_owned());
    }
    crate::domain::parse_rfc3339(raw).map(EventTime::At).map_err(|_| {
        "must be an RFC 3339 date-time with offset, e.g. 2026-12-03T09:00:00-05:00 (or set allDay with a date)"
            .to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::read_json;
    use super::*;

    #[test]
    fn reads_timed_and_all_day_events() {
        let (events, errors) = read_json::<NormalizedEvent>(
            r##"[{"id":"a1","title":"On call","start":"2026-12-03T09:00:00-05:00","end":"2026-12-03T17:00:00-05:00","color":"#abc","unknownField":{"x":1}},
                {"title":"Holiday","start":"2026-12-25","end":"2026-12-26","allDay":true}]"##,
        );
        assert!(errors.is_empty(), "{errors:?}");
        let events = events.unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].start, EventTime::At("2026-12-03T14:00:00Z".parse().unwrap()));
        assert_eq!(events[0].color.as_ref().unwrap().as_str(), "#aabbcc");
        assert!(events[1].start.is_all_day());
    }

    #[test]
    fn every_broken_rule_is_reported_with_its_pointer() {
        let (events, errors) = read_json::<NormalizedEvent>(
            r##"[{"title":"ok","start":"2026-12-03T09:00:00Z","end":"2026-12-03T08:00:00Z"},
                {"start":"yesterday","end":"2026-12-03T08:00:00Z","color":"blue","showAs":"away"}]"##,
        );
        assert!(events.unwrap().is_empty());
        let pointers: Vec<&str> = errors.errors().iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            ["/events/0/end", "/events/1/title", "/events/1/start", "/events/1/showAs", "/events/1/color"]
        );
    }

    #[test]
    fn wrong_types_are_malformed_with_a_pointer() {
        let (result, _) = read_json::<NormalizedEvent>(
            r#"[{"title":"a","start":"2026-12-03T09:00:00Z","end":"2026-12-03T10:00:00Z"},{"title":5}]"#,
        );
        assert_eq!(result.unwrap_err().pointer, "/events/1/title");
    }
}
