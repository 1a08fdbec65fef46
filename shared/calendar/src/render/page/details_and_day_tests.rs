//! The day view and the details view (`?event=KEY`) its events, and those of the month and week, link to.

use super::tests::{between, details_link, render, rota, sample_events};
use super::*;
use crate::domain::{Color, EventTime, ShowAs};
use crate::render::EventKey;
use crate::render::fixtures::{record, timed};
use jiff::civil::date;

const TODAY: Date = date(2026, 12, 10);

/// Every `event=` key the page links to, in order.
fn event_keys(page: &str) -> Vec<&str> {
    page.split("&#38;event=").skip(1).map(|rest| &rest[..16]).collect()
}

/// An event with every field filled in, even those its level would not store.
fn everything() -> SharedEvent {
    let mut event = timed("Team offsite", "2026-12-03T14:00:00Z", "2026-12-03T22:00:00Z");
    event.uid = "5e1d6a3b0c9f4e2a8b7c6d5e4f3a2b1c@calendar-share".into();
    event.show_as = ShowAs::Tentative;
    event.location = Some("Room <B>".into());
    event.description = Some(Description::Text("Bring the pager".into()));
    event.resource = Some("Tier 1".into());
    event.status = Some("Confirmed".into());
    event.color = Some(Color::parse("#e53935").unwrap());
    event
}

fn details_of(record: &ShareRecord, events: &[SharedEvent], uid: &str, pairs: &[(&str, &str)]) -> String {
    let key = EventKey::of(uid).to_string();
    let mut pairs = pairs.to_vec();
    pairs.push(("event", &key));
    render(record, events, &pairs, TODAY)
}

#[test]
fn each_level_shows_only_what_it_allows() {
    let event = everything();
    for level in DetailLevel::ALL {
        let record = record("Rota", "America/New_York", date(2026, 12, 1), date(2027, 1, 1), level);
        let page = details_of(&record, std::slice::from_ref(&event), &event.uid, &[("date", "2026-12-03")]);
        let main = between(&page, "<main", "</main>");
        assert!(main.contains("<dt>When</dt><dd>Thursday, 3 December 2026, 09:00\u{2013}17:00</dd>"), "{main}");
        assert!(main.contains("<dt>Shown as</dt><dd>Tentative</dd>"), "{level:?}: the busy state at every level");
        assert!(main.contains("<dt>Resource</dt><dd><bdi>Tier 1</bdi></dd>"), "{level:?}");
        assert!(main.contains("<dt>Status</dt><dd><bdi>Confirmed</bdi></dd>"), "{level:?}");
        assert_eq!(main.contains("Team offsite"), level.shows_title(), "{level:?}: title");
        assert_eq!(
            main.contains("<dt>Location</dt><dd><bdi>Room &#60;B&#62;</bdi></dd>"),
            level.shows_title(),
            "{level:?}"
        );
        assert_eq!(main.contains("Bring the pager"), level.shows_description(), "{level:?}: description");
        let heading = between(&page, "<h2 id=\"period\">", "</h2>");
        assert_eq!(heading, if level.shows_title() { "Team offsite" } else { "Tentative" });
        assert!(!page.contains(&event.uid) && !page.contains("5e1d6a3b"), "the uid is not on the page");
        assert!(!page.contains("class=\"filters\""), "{level:?}: the details view has no filters");
    }
}

#[test]
fn a_wrong_or_unknown_key_shows_the_normal_page() {
    let events = sample_events();
    let pairs = [("view", "week"), ("date", "2026-12-03")];
    let normal = render(&rota(), &events, &pairs, TODAY);
    for key in ["0000000000000000", "ffffffffffffffff", "not-a-key", "0123456789ABCDEF", ""] {
        let page = render(&rota(), &events, &[pairs[0], pairs[1], ("event", key)], TODAY);
        assert_eq!(page, normal, "{key:?}");
    }
    // A key of an event the recipient's filter hides does not widen what they see.
    let lee = EventKey::of("On call: Lee").to_string();
    let narrowed = [pairs[0], pairs[1], ("resource", "Tier 1")];
    let page = render(&rota(), &events, &[narrowed[0], narrowed[1], narrowed[2], ("event", &lee)], TODAY);
    assert_eq!(page, render(&rota(), &events, &narrowed, TODAY));
}

#[test]
fn keys_are_stable_across_renders_and_views_of_a_snapshot() {
    let events = sample_events();
    let month = render(&rota(), &events, &[("date", "2026-12-03")], TODAY);
    let again = render(&rota(), &events, &[("date", "2026-12-03")], date(2026, 12, 20));
    let week = render(&rota(), &events, &[("view", "week"), ("date", "2026-12-03")], TODAY);
    let day = render(&rota(), &events, &[("view", "day"), ("date", "2026-12-03")], TODAY);
    let kim_and_lee = event_keys(&day);
    assert_eq!(kim_and_lee.len(), 2, "{day}");
    assert_ne!(kim_and_lee[0], kim_and_lee[1]);
    for page in [&month, &again, &week] {
        let keys = event_keys(page);
        assert!(kim_and_lee.iter().all(|key| keys.contains(key)), "{keys:?}");
    }
    assert_eq!(event_keys(&month), event_keys(&again));
    // Each key opens its own event.
    for (key, title) in kim_and_lee.iter().zip(["On call: Kim", "On call: Lee"]) {
        let page = render(&rota(), &events, &[("event", key)], TODAY);
        assert_eq!(between(&page, "<h2 id=\"period\">", "</h2>"), title);
    }
}

#[test]
fn the_back_link_keeps_view_date_filters_and_zone() {
    let events = sample_events();
    let here =
        [("view", "day"), ("date", "2026-12-03"), ("resource", "Tier 1"), ("tz", "Europe/Berlin"), ("embed", "1")];
    let day = render(&rota(), &events, &here, TODAY);
    let back = "?view=day&#38;date=2026-12-03&#38;resource=Tier+1&#38;tz=Europe/Berlin&#38;embed=1";
    assert!(day.contains(&details_link(back, "On call: Kim")), "{day}");
    let details = details_of(&rota(), &events, "On call: Kim", &here);
    assert!(details.contains(&format!("<a class=\"btn\" href=\"{back}\">")), "{details}");
    assert!(details.contains("Thursday, 3 December 2026, 15:00\u{2013}23:00"), "times in the page's zone");
    assert!(!details.contains("aria-label=\"Dates\""), "no pager on the details view");
}

#[test]
fn details_write_out_all_day_and_overnight_events() {
    let mut night = timed("Night shift", "2026-12-08T03:00:00Z", "2026-12-08T11:30:00Z");
    night.uid = "night".into();
    let mut holidays = crate::render::fixtures::all_day("Holidays", date(2026, 12, 24), date(2026, 12, 27));
    holidays.uid = "holidays".into();
    let events = [night, holidays];
    let page = details_of(&rota(), &events, "night", &[]);
    assert!(
        page.contains("<dd>Monday, 7 December 2026, 22:00 \u{2013} Tuesday, 8 December 2026, 06:30</dd>"),
        "{page}"
    );
    let page = details_of(&rota(), &events, "holidays", &[]);
    assert!(
        page.contains("<dd>Thursday, 24 December 2026 \u{2013} Saturday, 26 December 2026, all day</dd>"),
        "{page}"
    );
}

#[test]
fn the_day_view_lists_that_days_events_only() {
    let mut events = sample_events();
    events.push(timed("Next day", "2026-12-04T14:00:00Z", "2026-12-04T15:00:00Z"));
    events.push(timed("Day before", "2026-12-02T14:00:00Z", "2026-12-02T15:00:00Z"));
    let page = render(&rota(), &events, &[("view", "day"), ("date", "2026-12-03")], TODAY);
    assert!(page.contains("<h2 id=\"period\">Thursday, 3 December 2026</h2>"), "{page}");
    assert!(page.contains("<div class=\"week one hr10\">"), "one column, the working day");
    let main = between(&page, "<main", "</main>");
    assert!(main.contains("On call: Kim") && main.contains("On call: Lee"));
    for other in ["Next day", "Day before", "Holiday"] {
        assert!(!main.contains(other), "{other}");
    }
    assert_eq!(main.matches("<section class=\"wday").count(), 1);
    assert!(page.contains("rel=\"prev\" href=\"?view=day&#38;date=2026-12-02\""));
    assert!(page.contains("rel=\"next\" href=\"?view=day&#38;date=2026-12-04\""));
    assert!(page.contains("<a href=\"?view=day&#38;date=2026-12-03\" aria-current=\"page\">Day</a>"), "the switcher");
    let first = render(&rota(), &events, &[("view", "day"), ("date", "2026-12-01")], TODAY);
    assert!(!first.contains("rel=\"prev\""), "the range starts here");
    let last = render(&rota(), &events, &[("view", "day"), ("date", "2026-12-31")], TODAY);
    assert!(!last.contains("rel=\"next\"") && last.contains("No events this day"));
}

#[test]
fn day_is_a_share_default_view() {
    let mut record = rota();
    record.options.view = DefaultView::Day;
    let page = render(&record, &sample_events(), &[("date", "2026-12-03")], TODAY);
    assert!(page.contains("<h2 id=\"period\">Thursday, 3 December 2026</h2>"));
    assert!(page.contains("aria-current=\"page\">Day</a>"));
}

#[test]
fn a_crowded_day_caps_what_it_lists_and_links_to_the_rest() {
    let mut seed = 7;
    let events: Vec<SharedEvent> = (0..2_000)
        .map(|i| {
            let mut event = crate::render::fixtures::dense_event(&mut seed, i);
            let start: Timestamp = "2026-12-03T14:00:00Z".parse().unwrap();
            event.start = EventTime::At(start + jiff::SignedDuration::from_secs(i as i64));
            event.end = EventTime::At(start + jiff::SignedDuration::from_hours(1));
            event
        })
        .collect();
    let page = render(&rota(), &events, &[("view", "day"), ("date", "2026-12-03")], TODAY);
    assert!(page.len() < 512 * 1024, "{} bytes", page.len());
    assert_eq!(event_keys(&page).len(), 40);
    let more = page.split("class=\"more\"").nth(1).unwrap_or_default();
    assert!(more.starts_with(" href=\"?view=agenda&#38;date=2026-12-03\">1960 more</a>"), "{more:.200}");
}

#[test]
fn the_pages_own_link_is_escaped_as_the_templates_escape() {
    let escaped = EscapedHref::new("?view=day&date=2026-12-03&resource=<\"'>");
    assert_eq!(escaped.to_string(), "?view=day&#38;date=2026-12-03&#38;resource=&#60;&#34;&#39;&#62;");
}
