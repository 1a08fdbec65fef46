//! The iCalendar (RFC 5545) feed of a share, for calendar apps to subscribe to: what goes in
//! (written as content lines by `content_lines`), and a bound on its size that a publish checks
//! without rendering it.

use super::content_lines::{Breaks, ContentLines, LINE_OCTETS, utc};
use super::css_colors::{LONGEST_NAME_OCTETS, nearest_css_color};
use super::html_text::html_to_text;
use crate::domain::{Description, EventTime, ShareOptions, ShareRecord, SharedEvent, ShowAs};
use jiff::Timestamp;
use std::collections::HashMap;

/// Who wrote a calendar object: the feed, single events and free/busy alike.
pub(super) const PRODUCT_ID: &str = "-//Calendar Shares//Share Service//EN";
/// How often subscribers should look again: the snapshot changes only when its owner re-publishes.
const REFRESH: &str = "PT1H";

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
    write_feed(&record.options, record.updated_at, events)
}

/// The feed of a snapshot published at `published_at`: what `calendar_feed` serves once the
/// snapshot is stored, for a publish to measure before it stores anything.
pub(crate) fn write_feed(options: &ShareOptions, published_at: Timestamp, events: &[SharedEvent]) -> String {
    let mut feed = ContentLines::with_capacity(1024 + events.len() * 400);
    feed.property("BEGIN", "VCALENDAR");
    feed.property("VERSION", "2.0");
    feed.property("PRODID", PRODUCT_ID);
    feed.property("CALSCALE", "GREGORIAN");
    feed.property("METHOD", "PUBLISH");
    feed.text("NAME", &options.title, Breaks::Spaces);
    feed.text("X-WR-CALNAME", &options.title, Breaks::Spaces);
    feed.property("X-WR-TIMEZONE", options.time_zone.name());
    feed.property("REFRESH-INTERVAL;VALUE=DURATION", REFRESH);
    feed.property("X-PUBLISHED-TTL", REFRESH);
    // The snapshot's publication time: stable, so an unchanged share gives an unchanged feed.
    let stamp = utc(published_at);
    // Shares use few colours: each one's nearest name is looked for once.
    let mut color_names: HashMap<&str, &'static str> = HashMap::new();
    for event in events {
        feed.property("BEGIN", "VEVENT");
        feed.property("UID", &event.uid);
        feed.property("DTSTAMP", &stamp);
        feed.time("DTSTART", event.start);
        if let Some(end) = ical_end(event.start, event.end) {
            feed.time("DTEND", end);
        }
        feed.text("SUMMARY", event.title.as_deref().unwrap_or(event.show_as.label()), Breaks::Spaces);
        if let Some(location) = &event.location {
            feed.text("LOCATION", location, Breaks::Spaces);
        }
        match &event.description {
            Some(Description::Text(text)) => feed.text("DESCRIPTION", text, Breaks::Kept),
            Some(Description::SanitizedHtml(html)) => feed.text("DESCRIPTION", &html_to_text(html), Breaks::Kept),
            None => {}
        }
        let mut categories =
            [&event.resource, &event.status].into_iter().flatten().map(String::as_str).filter(|c| !c.is_empty());
        if let Some(first) = categories.next() {
            feed.text_list("CATEGORIES", std::iter::once(first).chain(categories));
        }
        if let Some(color) = &event.color {
            let name = color_names.entry(color.as_str()).or_insert_with(|| nearest_css_color(color.rgb()));
            feed.property("COLOR", name);
        }
        feed.property("TRANSP", if event.show_as.blocks_time() { "OPAQUE" } else { "TRANSPARENT" });
        if let Some(status) = busy_status(event.show_as) {
            feed.property("X-MICROSOFT-CDO-BUSYSTATUS", status);
        }
        feed.property("END", "VEVENT");
    }
    feed.property("END", "VCALENDAR");
    feed.0
}

/// The longest values a time property takes: `-YYYYMMDDTHHMMSSZ` and `-YYYYMMDD` (years before 0).
const DATE_TIME_OCTETS: usize = 17;
const DATE_OCTETS: usize = 9;

/// At most how many bytes `write_feed` writes for these events, without rendering them: it follows
/// `write_feed` line by line, with each TEXT value's escapes counted (one byte becomes two; `\r`
/// counts as it may become an escaped line break) and folding bounded by `line_bound`. Cleaning
/// never lengthens a value (a control character becomes at most a space or an escaped line
/// break); an HTML description (whose text `html_to_text` makes, never longer than the HTML, but
/// with escapes its tags and entities may produce) counts twice.
pub(crate) fn feed_len_bound(options: &ShareOptions, events: &[SharedEvent]) -> usize {
    let calendar = line_bound("BEGIN", "VCALENDAR".len())
        + line_bound("VERSION", 3)
        + line_bound("PRODID", PRODUCT_ID.len())
        + line_bound("CALSCALE", "GREGORIAN".len())
        + line_bound("METHOD", "PUBLISH".len())
        + 2 * line_bound("X-WR-CALNAME", escaped_len_bound(&options.title))
        + line_bound("X-WR-TIMEZONE", options.time_zone.name().len())
        + line_bound("REFRESH-INTERVAL;VALUE=DURATION", REFRESH.len())
        + line_bound("X-PUBLISHED-TTL", REFRESH.len())
        + line_bound("END", "VCALENDAR".len());
    let each_event = line_bound("BEGIN", "VEVENT".len())
        + line_bound("DTSTAMP", DATE_TIME_OCTETS)
        + line_bound("TRANSP", "TRANSPARENT".len())
        + line_bound("X-MICROSOFT-CDO-BUSYSTATUS", "WORKINGELSEWHERE".len())
        + line_bound("END", "VEVENT".len());
    let time = |name: &str, time: EventTime| match time {
        EventTime::At(_) => line_bound(name, DATE_TIME_OCTETS),
        EventTime::Day(_) => line_bound(name, ";VALUE=DATE".len() + DATE_OCTETS),
    };
    let values: usize = events
        .iter()
        .map(|event| {
            let summary = event.title.as_deref().unwrap_or(event.show_as.label());
            let location = event.location.as_deref().map_or(0, |text| line_bound("LOCATION", escaped_len_bound(text)));
            let description = match &event.description {
                Some(Description::Text(text)) => line_bound("DESCRIPTION", escaped_len_bound(text)),
                Some(Description::SanitizedHtml(html)) => line_bound("DESCRIPTION", 2 * html.len()),
                None => 0,
            };
            let categories = match (&event.resource, &event.status) {
                (None, None) => 0,
                (resource, status) => {
                    let escaped = [resource, status].into_iter().flatten().map(|c| escaped_len_bound(c) + 1).sum();
                    line_bound("CATEGORIES", escaped)
                }
            };
            let color = event.color.as_ref().map_or(0, |_| line_bound("COLOR", LONGEST_NAME_OCTETS));
            line_bound("UID", event.uid.len())
                + time("DTSTART", event.start)
                + time("DTEND", event.end)
                + line_bound("SUMMARY", escaped_len_bound(summary))
                + location
                + description
                + categories
                + color
        })
        .sum();
    calendar + events.len() * each_event + values
}

/// At most how long `ContentLines::text` writes this value, before folding.
fn escaped_len_bound(text: &str) -> usize {
    text.len() + text.bytes().filter(|b| matches!(b, b'\\' | b';' | b',' | b'\n' | b'\r')).count()
}

/// At most how many bytes a content line of this name and value length takes once folded: a
/// physical line holds at least 72 octets of it (a fold comes before a character that would pass
/// 75), a continuation at least 71 after its leading space; each fold adds CRLF and the space.
fn line_bound(name: &str, value_octets: usize) -> usize {
    let octets = name.len() + 1 + value_octets;
    let folds = if octets <= LINE_OCTETS { 0 } else { (octets - 72).div_ceil(71) };
    octets + 3 * folds + 2
}

#[cfg(test)]
mod golden_tests;

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
    fn long_values_fold_between_characters_and_unfold_to_the_escaped_value() {
        let mut e = event("u", EventTime::Day(date(2026, 12, 2)), EventTime::Day(date(2026, 12, 3)));
        let text: String = "Grüße, 老虎; \\ a\n✓".chars().cycle().take(5000).collect();
        e.description = Some(Description::Text(text.clone()));
        let feed = calendar_feed(&record("Rota"), &[e]);
        let lines = lines(&feed);
        let escaped = text.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n");
        assert_eq!(value(&lines, "DESCRIPTION:"), [escaped.as_str()]);
        let folds = feed.matches("\r\n ").count();
        assert!(folds > escaped.len() / 75, "{folds} folds");
    }

    #[test]
    fn categories_list_resource_and_status_escaped_and_colour_is_a_css_name() {
        let at = |t: &str| EventTime::At(t.parse().unwrap());
        let mut both = event("b", at("2026-12-03T14:00:00Z"), at("2026-12-03T15:00:00Z"));
        both.resource = Some("Tier 1, nights; \\ back".into());
        both.status = Some("Confirmed".into());
        both.color = Some(crate::domain::Color::parse("#1e88e5").unwrap());
        let mut status_only = event("s", at("2026-12-04T14:00:00Z"), at("2026-12-04T15:00:00Z"));
        status_only.status = Some("Tentative\r\nnext".into());
        status_only.show_as = ShowAs::Free;
        let bare = event("n", at("2026-12-05T14:00:00Z"), at("2026-12-05T15:00:00Z"));
        let lines = lines(&calendar_feed(&record("Rota"), &[both, status_only, bare]));
        // Commas inside a value are escaped; the one between values separates them.
        assert_eq!(value(&lines, "CATEGORIES:"), ["Tier 1\\, nights\\; \\\\ back,Confirmed", "Tentative  next"]);
        assert_eq!(value(&lines, "COLOR:"), ["dodgerblue"]);
        assert_eq!(value(&lines, "TRANSP:"), ["OPAQUE", "TRANSPARENT", "OPAQUE"]);
        let per_event: Vec<_> =
            lines.split(|l| l == "END:VEVENT").map(|e| e.iter().any(|l| l.starts_with("CATEGORIES:"))).collect();
        assert_eq!(per_event, [true, true, false, false]);
    }

    #[test]
    fn long_categories_fold_and_unfold_to_the_escaped_list() {
        let mut e = event("u", EventTime::Day(date(2026, 12, 2)), EventTime::Day(date(2026, 12, 3)));
        let resource: String = "Raum 老虎, Grüße; ".repeat(20);
        e.resource = Some(resource.clone());
        e.status = Some("Bestätigt".into());
        let feed = calendar_feed(&record("Rota"), &[e]);
        let escaped = resource.replace(',', "\\,").replace(';', "\\;");
        assert_eq!(value(&lines(&feed), "CATEGORIES:"), [format!("{escaped},Bestätigt").as_str()]);
        assert!(feed.lines().any(|l| l.starts_with(" ") && l.contains("Raum")), "the list folds");
    }

    /// Events at the bound's edges: every value of escaped characters, lone CRs, four-byte characters
    /// where lines fold, HTML whose tags and entities become escaped text, no title, odd ends.
    pub(super) fn awkward_events() -> Vec<SharedEvent> {
        let escapes = "\\;,\n\r".repeat(300);
        let emoji = "a\u{1F5D3}".repeat(2000);
        let chars = |text: &str, n: usize| text.chars().take(n).collect::<String>();
        let html =
            "<p>a<br>b&#44;&#59;&#92;<a href=\"https://x.example/a,b;c\">,;</a></p><ul><li>,</li></ul>".repeat(150);
        let mut events = Vec::new();
        for (i, show_as) in
            [ShowAs::Busy, ShowAs::WorkingElsewhere, ShowAs::Free, ShowAs::Unknown].into_iter().enumerate()
        {
            let mut timed = event(
                &format!("{i:032x}@calendar-share"),
                EventTime::At("-000009-12-03T14:00:00Z".parse().unwrap()),
                EventTime::At("2026-12-03T22:00:00Z".parse().unwrap()),
            );
            timed.show_as = show_as;
            timed.title = (i % 2 == 0).then(|| chars(&escapes, 500));
            timed.location = Some(chars(&emoji, 497));
            timed.description = Some(match i {
                0 => Description::Text(escapes.clone()),
                1 => Description::SanitizedHtml(html.clone()),
                _ => Description::Text(emoji.clone()),
            });
            timed.resource = Some(chars(&escapes, 500));
            timed.status = Some(chars(&emoji, 500));
            timed.color = Some(crate::domain::Color::parse(["#fafad2", "#1e88e5"][i % 2]).unwrap());
            events.push(timed);
            let mut day = event("d", EventTime::Day(date(2026, 12, 2)), EventTime::Day(date(2026, 12, 1)));
            day.title = Some(chars(&emoji, i + 70));
            events.push(day);
        }
        events
    }

    #[test]
    fn the_size_bound_is_never_under_the_feed() {
        let record = record(&"Rota, \u{1F5D3};\r".repeat(50));
        let events = awkward_events();
        for one in events.chunks(1).chain([&events[..], &[]]) {
            let (bound, feed) = (feed_len_bound(&record.options, one), calendar_feed(&record, one).len());
            assert!(bound >= feed, "bound {bound} under the feed's {feed} bytes for {one:?}");
        }
    }

    #[test]
    fn the_size_bound_of_a_typical_event_is_close() {
        let mut e = event(
            "0123456789abcdef0123456789abcdef@calendar-share",
            EventTime::At("2026-12-03T14:00:00Z".parse().unwrap()),
            EventTime::At("2026-12-03T22:00:00Z".parse().unwrap()),
        );
        e.title = Some("On call: engineer 12".into());
        e.location = Some("Desk 4".into());
        e.description =
            Some(Description::Text("Pager rotation; escalate to the duty manager after 15 minutes.".into()));
        let record = record("Support rota");
        let events = vec![e; 100];
        let (bound, feed) = (feed_len_bound(&record.options, &events), calendar_feed(&record, &events).len());
        assert!(bound >= feed && bound * 10 <= feed * 11, "bound {bound} for a feed of {feed} bytes");
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
