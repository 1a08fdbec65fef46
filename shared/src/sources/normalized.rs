//! Our own event shape (see the contract): the simplest way for a client to publish.

use super::{
    MAX_DESCRIPTION_BYTES, MAX_TEXT_CHARS, MalformedEvents, SourceDescription, SourceEvent, bounded_text,
    ordered_times, parse_event_time,
};
use crate::domain::{Color, ShowAs, ValidationErrors};
use serde::Deserialize;
use serde_json::value::RawValue;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NormalizedEvent {
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

pub fn read(raw: &RawValue, errors: &mut ValidationErrors) -> Result<Vec<SourceEvent>, MalformedEvents> {
    let mut deserializer = serde_json::Deserializer::from_str(raw.get());
    let events: Vec<NormalizedEvent> =
        serde_path_to_error::deserialize(&mut deserializer).map_err(MalformedEvents::from_serde)?;
    Ok(events.into_iter().enumerate().filter_map(|(index, event)| read_one(index, event, errors)).collect())
}

fn read_one(index: usize, event: NormalizedEvent, errors: &mut ValidationErrors) -> Option<SourceEvent> {
    let at = |field: &str| format!("/events/{index}/{field}");
    let errors_before = errors.len();
    let title = match event.title {
        Some(title) if !title.trim().is_empty() => bounded_text(Some(title), at("title"), MAX_TEXT_CHARS, errors),
        _ => {
            errors.push(at("title"), "is required");
            None
        }
    };
    let mut time = |field: &str, value: Option<String>| match value {
        Some(raw) => errors.check(at(field), parse_event_time(&raw, event.all_day)),
        None => {
            errors.push(at(field), "is required");
            None
        }
    };
    let start = time("start", event.start);
    let end = time("end", event.end);
    let times = match (start, end) {
        (Some(start), Some(end)) => errors.check(at("end"), ordered_times(start, end)),
        _ => None,
    };
    let location = bounded_text(event.location, at("location"), MAX_TEXT_CHARS, errors);
    let description = event.description.filter(|d| {
        let fits = d.len() <= MAX_DESCRIPTION_BYTES;
        if !fits {
            errors.push(at("description"), format!("must be at most {MAX_DESCRIPTION_BYTES} bytes"));
        }
        fits
    });
    let show_as = match event.show_as {
        Some(raw) => errors.check(at("showAs"), ShowAs::parse(&raw)),
        None => Some(ShowAs::Busy),
    };
    let color = event.color.and_then(|raw| errors.check(at("color"), Color::parse(&raw)));
    let resource = bounded_text(event.resource, at("resource"), MAX_TEXT_CHARS, errors);
    let status = bounded_text(event.status, at("status"), MAX_TEXT_CHARS, errors);
    if errors.len() > errors_before {
        return None;
    }
    let (start, end) = times?;
    Some(SourceEvent {
        source_id: event.id,
        start,
        end,
        show_as: show_as?,
        private: event.private,
        cancelled: false,
        title: title?,
        location,
        description: description.map(SourceDescription::Text),
        resource,
        status,
        color,
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support;
    use super::*;
    use crate::domain::EventTime;

    fn read_json(json: &str) -> (Result<Vec<SourceEvent>, MalformedEvents>, ValidationErrors) {
        test_support::read_json(read, json)
    }

    #[test]
    fn reads_timed_and_all_day_events() {
        let (events, errors) = read_json(
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
        let (events, errors) = read_json(
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
        let (result, _) =
            read_json(r#"[{"title":"a","start":"2026-12-03T09:00:00Z","end":"2026-12-03T10:00:00Z"},{"title":5}]"#);
        assert_eq!(result.unwrap_err().pointer, "/events/1/title");
    }
}
