//! The iCalendar (RFC 5545) feed of a share, for calendar apps to subscribe to. The `icalendar`
//! crate writes, escapes and folds the lines; here we only choose what goes in.

use super::html_text::html_to_text;
use crate::domain::{Description, EventTime, ShareRecord, SharedEvent, ShowAs};
use icalendar::{Calendar, Component, Event, EventLike, Property};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::Offset;
use std::borrow::Cow;

const PRODUCT_ID: &str = "-//Calendar Shares//Share Service//EN";
/// How often subscribers should look again: the snapshot changes only when its owner re-publishes.
const REFRESH: &str = "PT1H";

/// `YYYYMMDDTHHMMSSZ` (formatted by hand: `strftime` showed in profiles of large feeds).
fn utc(at: Timestamp) -> String {
    let t = Offset::UTC.to_datetime(at);
    format!("{}T{:02}{:02}{:02}Z", ical_date(t.date()), t.hour(), t.minute(), t.second())
}

fn ical_date(day: Date) -> String {
    format!("{:04}{:02}{:02}", day.year(), day.month(), day.day())
}

fn ical_time(name: &str, time: EventTime) -> Property {
    match time {
        EventTime::At(at) => Property::new(name, utc(at)),
        EventTime::Day(day) => {
            let mut property = Property::new(name, ical_date(day));
            property.add_parameter("VALUE", "DATE");
            property
        }
    }
}

/// The end to write, if any: an all-day end must come after its start, and a timed event without
/// an end lasts no time at all (RFC 5545 3.6.1), which is how instant events are best said.
fn ical_end(start: EventTime, end: EventTime) -> Option<EventTime> {
    match (start, end) {
        (EventTime::Day(s), EventTime::Day(e)) if e <= s => s.tomorrow().ok().map(EventTime::Day),
        (EventTime::At(s), EventTime::At(e)) if e <= s => None,
        _ => Some(end),
    }
}

/// Outlook's busy state, which it reads from subscribed calendars.
fn busy_status(show_as: ShowAs) -> Option<&'static str> {
    match show_as {
        ShowAs::Free => Some("FREE"),
        ShowAs::Tentative => Some("TENTATIVE"),
        ShowAs::Busy => Some("BUSY"),
        ShowAs::Oof => Some("OOF"),
        ShowAs::WorkingElsewhere => Some("WORKINGELSEWHERE"),
        ShowAs::Unknown => None,
    }
}

pub fn calendar_feed(record: &ShareRecord, events: &[SharedEvent]) -> String {
    let options = &record.options;
    let mut calendar = Calendar::empty();
    let name = one_line(&options.title);
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", PRODUCT_ID))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", "PUBLISH"))
        // The crate escapes TEXT values by property name and does not know RFC 7986's NAME.
        .append_property(Property::new("NAME", escape_text(&name)))
        .append_property(Property::new("X-WR-CALNAME", name.as_ref()))
        .append_property(Property::new("X-WR-TIMEZONE", options.time_zone.name()))
        .append_property(Property::new("REFRESH-INTERVAL", REFRESH).add_parameter("VALUE", "DURATION").done())
        .append_property(Property::new("X-PUBLISHED-TTL", REFRESH));
    // The snapshot's publication time: stable, so an unchanged share gives an unchanged feed.
    let stamp = utc(record.updated_at);
    for event in events {
        let mut entry = Event::new();
        entry.uid(&event.uid);
        entry.add_property("DTSTAMP", &stamp);
        entry.append_property(ical_time("DTSTART", event.start));
        if let Some(end) = ical_end(event.start, event.end) {
            entry.append_property(ical_time("DTEND", end));
        }
        entry.summary(&one_line(event.title.as_deref().unwrap_or(event.show_as.label())));
        if let Some(location) = &event.location {
            entry.location(&one_line(location));
        }
        match &event.description {
            Some(Description::Text(text)) => {
                entry.description(&multi_line(text));
            }
            Some(Description::SanitizedHtml(html)) => {
                entry.description(&multi_line(&html_to_text(html)));
            }
            None => {}
        }
        entry.add_property("TRANSP", if event.show_as.blocks_time() { "OPAQUE" } else { "TRANSPARENT" });
        if let Some(status) = busy_status(event.show_as) {
            entry.add_property("X-MICROSOFT-CDO-BUSYSTATUS", status);
        }
        calendar.push(entry.done());
    }
    calendar.done().to_string()
}

/// RFC 5545 TEXT escaping, for the one property the crate leaves alone.
fn escape_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | ';' | ',' => {
                escaped.push('\\');
                escaped.push(c);
            }
            '\n' => escaped.push_str("\\n"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// Control characters are not allowed in TEXT values (a bare CR would even end the line).
fn one_line(text: &str) -> Cow<'_, str> {
    if !text.contains(char::is_control) {
        return Cow::Borrowed(text);
    }
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// Line breaks as LF (the crate escapes them), other control characters dropped.
fn multi_line(text: &str) -> Cow<'_, str> {
    if !text.contains(|c: char| c.is_control() && c != '\n' && c != '\t') {
        return Cow::Borrowed(text);
    }
    let text = text.replace("\r\n", "\n");
    text.chars()
        .filter_map(|c| match c {
            '\r' => Some('\n'),
            '\n' | '\t' => Some(c),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DetailLevel;
    use crate::render::fixtures::event;
    use jiff::civil::date;

    fn record(title: &str) -> ShareRecord {
        crate::render::fixtures::record(
            title,
            "America/New_York",
            date(2026, 12, 1),
            date(2027, 1, 1),
            DetailLevel::Full,
        )
    }

    /// Unfolded content lines, after checking the line discipline.
    fn lines(feed: &str) -> Vec<String> {
        assert!(feed.ends_with("\r\n"));
        for raw in feed.split("\r\n") {
            assert!(raw.len() <= 75, "line over 75 octets: {raw:?}");
            assert!(!raw.contains(['\r', '\n']), "bare line break in {raw:?}");
        }
        feed.replace("\r\n ", "").split("\r\n").filter(|l| !l.is_empty()).map(str::to_owned).collect()
    }

    fn value<'a>(lines: &'a [String], prefix: &str) -> Vec<&'a str> {
        lines.iter().filter_map(|l| l.strip_prefix(prefix)).collect()
    }

    #[test]
    fn calendar_properties_name_the_share() {
        let feed = calendar_feed(&record("Support, rota; 2027\nnext"), &[]);
        let lines = lines(&feed);
        assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
        assert_eq!(value(&lines, "PRODID:"), [PRODUCT_ID]);
        assert_eq!(value(&lines, "VERSION:"), ["2.0"]);
        assert_eq!(value(&lines, "NAME:"), ["Support\\, rota\\; 2027 next"]);
        assert_eq!(value(&lines, "X-WR-CALNAME:"), ["Support\\, rota\\; 2027 next"]);
        assert_eq!(value(&lines, "X-WR-TIMEZONE:"), ["America/New_York"]);
        assert_eq!(value(&lines, "REFRESH-INTERVAL;VALUE=DURATION:"), ["PT1H"]);
        assert_eq!(value(&lines, "X-PUBLISHED-TTL:"), ["PT1H"]);
    }

    #[test]
    fn events_carry_uid_stamp_times_and_busy_state() {
        let mut timed = event(
            "a1@x",
            EventTime::At("2026-12-03T14:00:00Z".parse().unwrap()),
            EventTime::At("2026-12-03T22:00:00Z".parse().unwrap()),
        );
        timed.title = Some("On call: Kim".into());
        timed.location = Some("Desk 4".into());
        let mut holiday = event("h1@x", EventTime::Day(date(2026, 12, 25)), EventTime::Day(date(2026, 12, 26)));
        holiday.show_as = ShowAs::Free;
        let instant = event(
            "i1@x",
            EventTime::At("2026-12-04T10:00:00Z".parse().unwrap()),
            EventTime::At("2026-12-04T10:00:00Z".parse().unwrap()),
        );
        let lines = lines(&calendar_feed(&record("Rota"), &[timed, holiday, instant]));
        assert_eq!(value(&lines, "BEGIN:VEVENT").len(), 3);
        assert_eq!(value(&lines, "UID:"), ["a1@x", "h1@x", "i1@x"]);
        assert_eq!(value(&lines, "DTSTAMP:"), ["20261121T100000Z"; 3]);
        assert_eq!(value(&lines, "DTSTART:"), ["20261203T140000Z", "20261204T100000Z"]);
        assert_eq!(value(&lines, "DTEND:"), ["20261203T220000Z"]);
        assert_eq!(value(&lines, "DTSTART;VALUE=DATE:"), ["20261225"]);
        assert_eq!(value(&lines, "DTEND;VALUE=DATE:"), ["20261226"]);
        assert_eq!(value(&lines, "SUMMARY:"), ["On call: Kim", "Free", "Busy"]);
        assert_eq!(value(&lines, "LOCATION:"), ["Desk 4"]);
        assert_eq!(value(&lines, "TRANSP:"), ["OPAQUE", "TRANSPARENT", "OPAQUE"]);
        assert_eq!(value(&lines, "X-MICROSOFT-CDO-BUSYSTATUS:"), ["BUSY", "FREE", "BUSY"]);
    }

    #[test]
    fn long_and_awkward_text_is_escaped_and_folded() {
        let mut e = event("u", EventTime::Day(date(2026, 12, 2)), EventTime::Day(date(2026, 12, 2)));
        e.title = Some(format!("Ünïcødé ✓ {}", "long, title; ".repeat(20)));
        e.description = Some(Description::Text("line one\r\nline two\rthree\u{7}\\end".into()));
        let lines = lines(&calendar_feed(&record("Rota"), &[e]));
        let summary = value(&lines, "SUMMARY:")[0];
        assert!(summary.starts_with("Ünïcødé ✓ long\\, title\\; "));
        assert_eq!(value(&lines, "DESCRIPTION:"), ["line one\\nline two\\nthree\\\\end"]);
        // A zero-length all-day event still ends after it starts.
        assert_eq!(value(&lines, "DTEND;VALUE=DATE:"), ["20261203"]);
    }
}
