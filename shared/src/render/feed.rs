//! The iCalendar (RFC 5545) feed of a share.

use crate::domain::{Description, EventTime, ShareRecord, SharedEvent};
use icalendar::{Calendar, Component, Event, EventLike, Property};
use jiff::Timestamp;

fn ical_time(name: &str, time: EventTime) -> Property {
    match time {
        EventTime::At(at) => Property::new(name, at.strftime("%Y%m%dT%H%M%SZ").to_string()),
        EventTime::Day(day) => {
            let mut property = Property::new(name, day.strftime("%Y%m%d").to_string());
            property.add_parameter("VALUE", "DATE");
            property
        }
    }
}

pub fn calendar_feed(record: &ShareRecord, events: &[SharedEvent], _now: Timestamp) -> String {
    let mut calendar = Calendar::new();
    calendar.name(&record.options.title);
    let stamp = record.updated_at.strftime("%Y%m%dT%H%M%SZ").to_string();
    for event in events {
        let mut entry = Event::new();
        entry.uid(&event.uid);
        entry.add_property("DTSTAMP", &stamp);
        entry.append_property(ical_time("DTSTART", event.start));
        entry.append_property(ical_time("DTEND", event.end));
        entry.summary(event.title.as_deref().unwrap_or(event.show_as.label()));
        if let Some(location) = &event.location {
            entry.location(location);
        }
        if let Some(Description::Text(text) | Description::SanitizedHtml(text)) = &event.description {
            entry.description(text);
        }
        calendar.push(entry.done());
    }
    calendar.done().to_string()
}
