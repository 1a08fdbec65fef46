use super::agenda::AGENDA_PAGE;
use super::*;
use crate::domain::EmbedOrigin;
use crate::domain::{Color, Description, EventTime, ShowAs};
use crate::render::fixtures::{all_day, record, timed};
use crate::render::{Framing, Scripts, content_security_policy, style};
use jiff::civil::date;
use jiff::tz::TimeZone;

const ORIGIN: &str = "https://share.example.com";

pub(super) fn rota() -> ShareRecord {
    record("Support rota", "America/New_York", date(2026, 12, 1), date(2027, 1, 1), DetailLevel::Full)
}

/// Read as a British browser asks (a 24-hour clock, weeks from Monday); the language tests cover
/// the others.
pub(super) fn query(pairs: &[(&str, &str)]) -> PageQuery {
    PageQuery::parse(pairs.iter().copied()).with_accept_language(Some("en-GB"))
}

/// Noon UTC on a day: inside that day in New York.
pub(super) fn noon(day: Date) -> Timestamp {
    day.at(12, 0, 0, 0).to_zoned_datetime(TimeZone::UTC).unwrap().timestamp()
}

pub(super) fn render(record: &ShareRecord, events: &[SharedEvent], pairs: &[(&str, &str)], today: Date) -> String {
    share_page(record, events, &DisplaySettings::default(), &query(pairs), ORIGIN, noon(today))
}

pub(super) fn sample_events() -> Vec<SharedEvent> {
    let mut kim = timed("On call: Kim", "2026-12-03T14:00:00Z", "2026-12-03T22:00:00Z");
    kim.location = Some("Desk 4".into());
    kim.resource = Some("Tier 1".into());
    kim.status = Some("Confirmed".into());
    kim.color = Some(Color::parse("#1e88e5").unwrap());
    let mut lee = timed("On call: Lee", "2026-12-03T15:00:00Z", "2026-12-03T17:00:00Z");
    lee.resource = Some("Tier 2".into());
    lee.status = Some("Tentative".into());
    let holiday = all_day("Holiday", date(2026, 12, 25), date(2026, 12, 26));
    vec![kim, lee, holiday]
}

/// The opening tag of an event's link to its details, on a page at `here` (`?view=…`).
pub(super) fn details_link(here: &str, uid: &str) -> String {
    format!("<a href=\"{here}&#38;event={}\">", crate::render::EventKey::of(uid))
}

pub(super) fn between<'a>(page: &'a str, start: &str, end: &str) -> &'a str {
    let from = page.find(start).unwrap_or_else(|| panic!("{start} not in page")) + start.len();
    let to = page[from..].find(end).map_or(page.len(), |at| from + at);
    &page[from..to]
}

#[test]
fn month_view_lists_events_with_start_times_in_the_share_zone() {
    let page = render(&rota(), &sample_events(), &[], date(2026, 12, 10));
    assert!(page.contains("<h2 id=\"period\">December 2026</h2>"));
    assert!(page.contains("<span class=\"t\">09:00</span> <bdi>On call: Kim</bdi>"), "{page}");
    assert!(page.contains("<span class=\"t\">10:00</span> <bdi>On call: Lee</bdi>"));
    let holiday = format!("<li class=\"ev k0\">{}<bdi>Holiday</bdi></a></li>", details_link("?view=month", "Holiday"));
    assert!(page.contains(&holiday), "{page}");
    assert!(page.contains("Times in <strong>America/New_York</strong>"));
    assert!(page.contains("aria-current=\"date\""), "today is marked");
    // Monday-first weeks: 30 Nov 2026 opens the grid, 3 Jan 2027 closes it.
    assert!(page.contains(
        "<td class=\"d om oor nil\"><div class=\"dh\"><span class=\"wdn\">Mon</span><span class=\"dn\">30</span>"
    ));
    assert_eq!(page.matches("<tr>").count(), 6, "header and five weeks");
}

#[test]
fn the_page_opens_on_today_inside_the_range_and_on_its_start_outside() {
    let record = record("R", "UTC", date(2026, 11, 20), date(2027, 2, 1), DetailLevel::Limited);
    let inside = render(&record, &[], &[], date(2027, 1, 15));
    assert!(inside.contains("<h2 id=\"period\">January 2027</h2>"));
    let before = render(&record, &[], &[], date(2026, 1, 1));
    assert!(before.contains("<h2 id=\"period\">November 2026</h2>"));
    let after = render(&record, &[], &[("view", "agenda")], date(2028, 1, 1));
    assert!(after.contains("From Friday, 20 November 2026"));
    // A date outside the range is ignored too.
    let outside = render(&record, &[], &[("date", "2027-06-01")], date(2026, 12, 5));
    assert!(outside.contains("<h2 id=\"period\">December 2026</h2>"));
}

#[test]
fn navigation_stays_inside_the_range() {
    let first = render(&rota(), &[], &[("date", "2026-12-01")], date(2026, 1, 1));
    assert!(!first.contains("rel=\"prev\"") && !first.contains("rel=\"next\""), "one-month share: nowhere to go");
    assert!(!first.contains(">Today<"), "today is outside the range");

    let record = record("R", "UTC", date(2026, 11, 15), date(2027, 1, 10), DetailLevel::Limited);
    let december = render(&record, &[], &[("date", "2026-12-15")], date(2026, 1, 1));
    assert!(december.contains("rel=\"prev\" href=\"?view=month&#38;date=2026-11-15\""), "clamped to the range start");
    assert!(december.contains("rel=\"next\" href=\"?view=month&#38;date=2027-01-01\""));
    let january = render(&record, &[], &[("date", "2027-01-09")], date(2026, 1, 1));
    assert!(!january.contains("rel=\"next\""));

    let week = render(&record, &[], &[("view", "week"), ("date", "2027-01-06")], date(2026, 1, 1));
    assert!(week.contains("<h2 id=\"period\">4\u{2009}\u{2013}\u{2009}10 January 2027</h2>"));
    assert!(week.contains("rel=\"prev\" href=\"?view=week&#38;date=2026-12-28\""));
    assert!(!week.contains("rel=\"next\""), "the next week starts after the range");
    let first_week = render(&record, &[], &[("view", "week"), ("date", "2026-11-15")], date(2026, 1, 1));
    assert!(!first_week.contains("rel=\"prev\""));
    assert!(first_week.contains("<h2 id=\"period\">9\u{2009}\u{2013}\u{2009}15 November 2026</h2>"));
}

#[test]
fn nine_oclock_events_show_as_nine_on_both_sides_of_the_dst_change() {
    let record = record("DST", "America/New_York", date(2027, 3, 1), date(2027, 4, 1), DetailLevel::Limited);
    let events = [
        timed("Before", "2027-03-13T14:00:00Z", "2027-03-13T15:00:00Z"),
        timed("After", "2027-03-14T13:00:00Z", "2027-03-14T14:00:00Z"),
    ];
    // The week of 8-14 March holds both sides of the change (02:00 on Sunday the 14th).
    let week = render(&record, &events, &[("view", "week"), ("date", "2027-03-14")], date(2027, 3, 14));
    assert!(week.contains("<span class=\"t\">09:00\u{2013}10:00</span> <bdi>Before</bdi>"), "{week}");
    assert!(week.contains("<span class=\"t\">09:00\u{2013}10:00</span> <bdi>After</bdi>"));
    // Both sit on the same row of the hour grid (08:00 is row 1, so 09:00 is row 5).
    assert_eq!(week.matches("ts5 td4 lc1 lw12").count(), 2);
    let month = render(&record, &events, &[], date(2027, 3, 14));
    assert_eq!(month.matches("<span class=\"t\">09:00</span>").count(), 2);
    let agenda = render(&record, &events, &[("view", "agenda"), ("date", "2027-03-13")], date(2027, 3, 14));
    assert_eq!(agenda.matches("<p class=\"when\">09:00\u{2013}10:00</p>").count(), 2);
}

#[test]
fn overlapping_events_sit_side_by_side_in_the_week() {
    let page = render(&rota(), &sample_events(), &[("view", "week"), ("date", "2026-12-03")], date(2026, 12, 1));
    // Kim 09:00-17:00 (rows 5..37) and Lee 10:00-12:00 overlap: two lanes of six columns.
    assert!(page.contains("class=\"ev k1 ts5 td32 lc1 lw6\""), "{page}");
    assert!(page.contains("class=\"ev k0 ts9 td8 lc7 lw6\""));
    assert!(page.contains("<span class=\"loc\"><bdi>Desk 4</bdi></span>"));
    assert!(page.contains("<div class=\"week hr10\">"), "08:00 to 18:00");
}

#[test]
fn week_grid_widens_to_early_and_late_events_and_splits_them_at_midnight() {
    let events = [timed("Night shift", "2026-12-08T03:00:00Z", "2026-12-08T11:30:00Z")]; // 22:00-06:30 NY
    let page = render(&rota(), &events, &[("view", "week"), ("date", "2026-12-08")], date(2026, 12, 1));
    assert!(page.contains("<div class=\"week hr24\">"), "00:00 to 24:00");
    let link = details_link("?view=week&#38;date=2026-12-08", "Night shift");
    assert!(
        page.contains(&format!("class=\"ev k0 ts89 td8 lc1 lw12\">{link}<span class=\"t\">22:00\u{2013}06:30</span>")),
        "{page}"
    );
    assert!(
        page.contains(&format!("class=\"ev k0 ts1 td26 lc1 lw12\">{link}<span class=\"t\">22:00\u{2013}06:30</span>"))
    );
    let month = render(&rota(), &events, &[], date(2026, 12, 1));
    assert!(month.contains("<span class=\"t\">22:00</span> <bdi>Night shift</bdi>"));
    assert!(month.contains("<span class=\"t\">until 06:30</span> <bdi>Night shift</bdi>"));
}

#[test]
fn multi_day_events_show_on_every_day_and_in_the_all_day_row() {
    let events = [all_day("Conference", date(2026, 12, 7), date(2026, 12, 10))];
    let week = render(&rota(), &events, &[("view", "week"), ("date", "2026-12-07")], date(2026, 12, 1));
    assert_eq!(between(&week, "<div class=\"week", "</div>\n</div>").matches("<bdi>Conference</bdi>").count(), 3);
    assert_eq!(week.matches("<ul class=\"ad evs\"").count(), 3);
    let month = render(&rota(), &events, &[], date(2026, 12, 1));
    assert_eq!(month.matches("<bdi>Conference</bdi>").count(), 3);
    let agenda = render(&rota(), &events, &[("view", "agenda"), ("date", "2026-12-08")], date(2026, 12, 1));
    assert!(agenda.contains("<h3 id=\"ad1\">Tuesday, 8 December 2026</h3>"), "ongoing event listed on the first day");
    assert!(agenda.contains("All day, until Wed 9 Dec"));
}

#[test]
fn filters_narrow_to_values_of_the_snapshot_and_are_offered_as_choices() {
    let events = sample_events();
    let all = render(&rota(), &events, &[], date(2026, 12, 1));
    assert!(all.contains("<option value=\"Tier 1\">Tier 1</option><option value=\"Tier 2\">Tier 2</option>"));
    assert!(
        all.contains("<option value=\"Confirmed\">Confirmed</option><option value=\"Tentative\">Tentative</option>")
    );

    let tier1 = render(&rota(), &events, &[("resource", "Tier 1")], date(2026, 12, 1));
    assert!(tier1.contains("On call: Kim") && !tier1.contains("On call: Lee") && !tier1.contains("Holiday"));
    assert!(tier1.contains("<option value=\"Tier 1\" selected>"));
    assert!(tier1.contains("href=\"?view=month&#38;resource=Tier+1\""), "links keep the filter");
    assert!(tier1.contains(">Clear filters</a>"));

    let both = render(&rota(), &events, &[("resource", "Tier 1"), ("status", "Tentative")], date(2026, 12, 1));
    assert!(!both.contains("On call:"), "filters combine, narrowing only");
    assert!(both.contains("No events this month with these filters."));

    let unknown = render(&rota(), &events, &[("resource", "Tier 3"), ("status", "x")], date(2026, 12, 1));
    assert_eq!(unknown, all, "an unknown value is ignored");
}

#[test]
fn invalid_query_values_are_ignored_and_never_echoed() {
    let events = sample_events();
    let hostile = "<script>alert(1)</script>\"'><svg onload=alert(2)>";
    let pairs = [
        ("view", hostile),
        ("date", hostile),
        ("resource", hostile),
        ("status", hostile),
        ("tz", hostile),
        ("embed", hostile),
    ];
    let page = render(&rota(), &events, &pairs, date(2026, 12, 1));
    assert_eq!(page, render(&rota(), &events, &[], date(2026, 12, 1)));
    assert!(!page.contains("alert("));
}

#[test]
fn every_field_is_escaped_and_only_sanitised_html_is_kept_as_markup() {
    let record = record("<script>alert('t')</script>", "UTC", date(2026, 12, 1), date(2027, 1, 1), DetailLevel::Full);
    let attack = "\"><img src=x onerror=alert(1)>&#60;<script>alert(2)</script>\u{202e}";
    let mut text = timed(attack, "2026-12-03T10:00:00Z", "2026-12-03T11:00:00Z");
    text.location = Some(attack.into());
    text.resource = Some(attack.into());
    text.status = Some(attack.into());
    text.description = Some(Description::Text(attack.into()));
    let mut html = timed("Html", "2026-12-03T12:00:00Z", "2026-12-03T13:00:00Z");
    html.description = Some(Description::SanitizedHtml(
        "<p>Plan <a href=\"https://example.com\" rel=\"noopener\">here</a></p>".into(),
    ));
    let events = [text, html];
    for view in ["month", "week", "agenda"] {
        let page = render(
            &record,
            &events,
            &[("view", view), ("resource", attack), ("date", "2026-12-03")],
            date(2026, 12, 1),
        );
        assert!(!page.contains("<script"), "{view}: {page}");
        // The one image is the printed link's QR code, which the service draws.
        assert_eq!(page.matches("<img").count(), page.matches("<img src=\"data:image/svg+xml,%3C").count(), "{view}");
        assert!(page.contains("&#60;script&#62;alert(&#39;t&#39;)&#60;/script&#62;"), "{view}: title escaped: {page}");
        assert!(
            page.contains("&#34;&#62;&#60;img src=x onerror=alert(1)&#62;&#38;#60;&#60;script&#62;"),
            "{view}: {page}"
        );
        if view == "agenda" {
            let unfiltered = render(&record, &events, &[("view", view), ("date", "2026-12-03")], date(2026, 12, 1));
            assert!(unfiltered.contains(
                "<div class=\"desc html\"><p>Plan <a href=\"https://example.com\" rel=\"noopener\">here</a></p></div>"
            ));
            // Title, location, resource, status, description, the two filter selects (value and text)
            // and the language form's hidden field.
            assert_eq!(page.matches("&#34;&#62;&#60;img").count(), 10);
        }
    }
}

#[test]
fn availability_shares_label_busy_blocks_in_words() {
    let record = record("Kim's availability", "UTC", date(2026, 12, 1), date(2027, 1, 1), DetailLevel::Availability);
    let mut busy = crate::render::fixtures::event(
        "b",
        EventTime::At("2026-12-03T10:00:00Z".parse().unwrap()),
        EventTime::At("2026-12-03T11:00:00Z".parse().unwrap()),
    );
    let mut away = busy.clone();
    away.show_as = ShowAs::Oof;
    away.start = EventTime::At("2026-12-04T10:00:00Z".parse().unwrap());
    away.end = EventTime::At("2026-12-04T11:00:00Z".parse().unwrap());
    busy.show_as = ShowAs::Tentative;
    let page = render(&record, &[busy, away], &[("view", "week"), ("date", "2026-12-03")], date(2026, 12, 1));
    let link = details_link("?view=week&#38;date=2026-12-03", "b");
    assert!(page.contains(&format!("class=\"ev k0 sa-tentative ts9 td4 lc1 lw12\">{link}<span class=\"t\">10:00\u{2013}11:00</span> <bdi>Tentative</bdi>")), "{page}");
    assert!(page.contains("<bdi>Out of office</bdi>"));
    assert!(page.contains("Shows when time is taken, not what for"));
}

#[test]
fn embed_mode_drops_the_chrome_and_keeps_itself_in_links() {
    let page = render(&rota(), &sample_events(), &[("embed", "1")], date(2026, 12, 1));
    assert!(page.contains("<body class=\"embed\">"));
    assert!(!page.contains("<header") && !page.contains("<footer") && !page.contains("calendar.ics"));
    assert!(page.contains("<h1 class=\"vh\"><bdi>Support rota</bdi></h1>"));
    assert!(page.contains("href=\"?view=week&#38;embed=1\""));
    assert!(page.contains("<input type=\"hidden\" name=\"embed\" value=\"1\">"));
    let normal = render(&rota(), &sample_events(), &[], date(2026, 12, 1));
    assert!(normal.contains("<a href=\"0123456789abcdef0123456789abcdef/calendar.ics\">"));
}

#[test]
fn another_zone_can_be_chosen_by_name() {
    let events = sample_events();
    let berlin = render(&rota(), &events, &[("tz", "Europe/Berlin")], date(2026, 12, 1));
    assert!(berlin.contains("<span class=\"t\">15:00</span> <bdi>On call: Kim</bdi>"));
    assert!(berlin.contains("Times in <strong>Europe/Berlin</strong>"));
    assert!(berlin.contains("<option selected>Europe/Berlin</option>"));
    assert!(berlin.contains("href=\"?view=week&#38;tz=Europe/Berlin\""));
    assert!(berlin.contains("<a href=\"?view=month\">Show the calendar’s own zone (America/New_York)</a>"));
    let rare = render(&rota(), &events, &[("tz", "Asia/Kathmandu")], date(2026, 12, 1));
    assert!(rare.contains("<option selected>Asia/Kathmandu</option>"));
    let same = render(&rota(), &events, &[("tz", "America/New_York")], date(2026, 12, 1));
    assert_eq!(same, render(&rota(), &events, &[], date(2026, 12, 1)));
}

#[test]
fn crowded_days_link_to_the_rest() {
    let events: Vec<SharedEvent> = (0..12)
        .map(|i| {
            timed(
                &format!("E{i}"),
                &format!("2026-12-03T{:02}:00:00Z", 10 + i),
                &format!("2026-12-03T{:02}:30:00Z", 10 + i),
            )
        })
        .collect();
    let month = render(&rota(), &events, &[], date(2026, 12, 1));
    assert!(month.contains("<a class=\"more\" href=\"?view=agenda&#38;date=2026-12-03\">4 more</a>"));
    let agenda = render(&rota(), &events, &[("view", "agenda"), ("date", "2026-12-03")], date(2026, 12, 1));
    assert_eq!(agenda.matches("<li class=\"item").count(), 12);
}

#[test]
fn crowded_all_day_rows_link_to_the_rest() {
    let events: Vec<SharedEvent> =
        (0..20).map(|i| all_day(&format!("Leave {i}"), date(2026, 12, 3), date(2026, 12, 4))).collect();
    let week = render(&rota(), &events, &[("view", "week"), ("date", "2026-12-03")], date(2026, 12, 1));
    let row = between(&week, "<ul class=\"ad evs\"", "</ul>");
    assert_eq!(row.matches("<li class=\"ev").count(), 8, "{row}");
    assert!(row.contains("<a class=\"more\" href=\"?view=agenda&#38;date=2026-12-03\">12 more</a>"), "{row}");
}

#[test]
fn an_overfull_agenda_day_goes_on_on_the_next_page() {
    // Each item renders to over 80 KB (`<` is escaped to five bytes): a page has room for about 25.
    let events: Vec<SharedEvent> = (0..40)
        .map(|i| {
            let mut event = timed(&format!("E{i:02}"), "2026-12-03T10:00:00Z", "2026-12-03T11:00:00Z");
            event.description = Some(Description::Text("<".repeat(16 * 1024)));
            event
        })
        .collect();
    let mut shown = Vec::new();
    let mut skip = None;
    let mut pages = 0;
    loop {
        let mut pairs = vec![("view", "agenda"), ("date", "2026-12-03")];
        let skip_text = skip.map(|s: usize| s.to_string());
        if let Some(text) = &skip_text {
            pairs.push(("skip", text));
        }
        let page = render(&rota(), &events, &pairs, date(2026, 12, 1));
        pages += 1;
        assert!(page.len() < 3 << 20, "page {pages} is {} bytes", page.len());
        shown.extend(page.match_indices("<bdi>E").map(|(at, _)| page[at + 5..at + 8].to_owned()));
        let next = "rel=\"next\" href=\"?view=agenda&#38;date=2026-12-03&#38;skip=";
        match page.find(next) {
            Some(at) => {
                let digits: String = page[at + next.len()..].chars().take_while(char::is_ascii_digit).collect();
                assert!(page.contains("more events on this day</a>"));
                skip = Some(digits.parse().unwrap());
            }
            None => break,
        }
        assert!(pages < 5, "the day never ends");
    }
    let expected: Vec<String> = (0..40).map(|i| format!("E{i:02}")).collect();
    assert_eq!(shown, expected, "every event once, in order");
    assert_eq!(pages, 2);
}

#[test]
fn agenda_pages_and_folds_long_descriptions() {
    let mut long = timed("Long", "2026-12-05T10:00:00Z", "2026-12-05T11:00:00Z");
    long.description = Some(Description::Text("word ".repeat(100)));
    let mut short = timed("Short", "2026-12-05T12:00:00Z", "2026-12-05T13:00:00Z");
    short.description = Some(Description::Text("Line 1\nLine 2".into()));
    let page = render(&rota(), &[long, short], &[("view", "agenda")], date(2026, 12, 4));
    assert!(page.contains("<details><summary>Description</summary><div class=\"desc\">word word"));
    assert!(page.contains("<div class=\"desc\">Line 1\nLine 2</div>"));
    assert!(page.contains("<h2 id=\"period\">From Friday, 4 December 2026</h2>"));
    assert!(!page.contains("rel=\"prev\""), "nothing earlier");

    let many: Vec<SharedEvent> = (0..AGENDA_PAGE + 5)
        .map(|i| {
            let day = 1 + i / 10;
            timed(
                "E",
                &format!("2026-12-{day:02}T{:02}:00:00Z", 8 + i % 10),
                &format!("2026-12-{day:02}T{:02}:30:00Z", 8 + i % 10),
            )
        })
        .collect();
    let first = render(&rota(), &many, &[("view", "agenda"), ("date", "2026-12-01")], date(2026, 12, 1));
    assert_eq!(first.matches("<li class=\"item").count(), AGENDA_PAGE);
    assert!(first.contains("rel=\"next\" href=\"?view=agenda&#38;date=2026-12-21\""));
}

#[test]
fn no_scripts_and_the_style_hash_matches_the_inline_stylesheet() {
    let csp = content_security_policy(Framing::Nobody, Scripts::None);
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'") && !csp.contains("unsafe-inline")
    );
    assert!(content_security_policy(Framing::embed_page(&[]), Scripts::None).ends_with("frame-ancestors *"));
    let origins =
        ["https://intranet.example.com", "https://portal.example.com:8443"].map(|o| EmbedOrigin::parse(o).unwrap());
    let listed = content_security_policy(Framing::embed_page(&origins), Scripts::None);
    assert!(
        listed.ends_with("frame-ancestors https://intranet.example.com https://portal.example.com:8443"),
        "{listed}"
    );
    for page in [
        render(&rota(), &sample_events(), &[], date(2026, 12, 1)),
        render(&rota(), &sample_events(), &[("view", "week")], date(2026, 12, 1)),
        error_page(ErrorPage::NotFound, Language::EnGb),
    ] {
        assert!(!page.contains("<script"));
        assert_eq!(between(&page, "<style>", "</style>"), style::stylesheet());
        assert_eq!(page.matches("<style").count(), 1);
        assert!(!page.contains(" style="));
    }
    use base64::Engine;
    use sha2::Digest;
    let digest = sha2::Sha256::digest(style::stylesheet().as_bytes());
    assert!(csp.contains(&format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest))));
}

#[test]
fn error_pages_say_what_happened_in_the_same_layout() {
    let not_found = error_page(ErrorPage::NotFound, Language::EnGb);
    assert!(not_found.contains("<h1>Calendar not found</h1>"));
    assert!(not_found.contains("<main"));
    assert!(error_page(ErrorPage::Expired, Language::EnGb).contains("<h1>This calendar has expired</h1>"));
}

#[test]
fn the_page_offers_subscribe_links_for_its_feed_on_the_public_origin() {
    let page = render(&rota(), &sample_events(), &[], date(2026, 12, 1));
    let id = "0123456789abcdef0123456789abcdef";
    let subscribe = between(&page, "<nav class=\"subscribe\" aria-label=\"Subscribe\">", "</nav>");
    assert!(subscribe.contains(&format!("href=\"webcal://share.example.com/s/{id}/calendar.ics\"")), "{subscribe}");
    assert!(subscribe.contains(&format!(
        "href=\"https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2Fshare.example.com%2Fs%2F{id}%2Fcalendar.ics\""
    )));
    assert!(subscribe.contains(&format!(
        "href=\"https://outlook.live.com/calendar/0/addfromweb?url=https%3A%2F%2Fshare.example.com%2Fs%2F{id}%2Fcalendar.ics&#38;name=Support%20rota\""
    )));
    let embedded = render(&rota(), &sample_events(), &[("embed", "1")], date(2026, 12, 1));
    assert!(!embedded.contains("webcal:") && !embedded.contains("addfromweb"), "an embed has no page chrome");
}

#[test]
fn a_password_share_offers_no_link_to_its_feed() {
    let mut locked = rota();
    locked.lock = Some(crate::domain::ShareLock::new(&crate::domain::Password::parse("correct horse".into()).unwrap()));
    let page = render(&locked, &sample_events(), &[], date(2026, 12, 1));
    for link in ["webcal:", "addfromweb", "calendar.google.com", "calendar.ics"] {
        assert!(!page.contains(link), "{link}: the feed opens only with the key its owner hands out");
    }
    assert!(page.contains("ask the person who shared it"));
}

#[test]
fn a_title_in_the_subscribe_links_is_encoded_then_escaped() {
    let mut record = rota();
    record.options.title = "R&D \"on call\" <b>#2</b>?name=x".into();
    let page = render(&record, &sample_events(), &[], date(2026, 12, 1));
    let outlook = between(&page, "addfromweb?url=", "\"");
    assert!(outlook.ends_with("&#38;name=R%26D%20%22on%20call%22%20%3Cb%3E%232%3C%2Fb%3E%3Fname%3Dx"), "{outlook}");
    assert!(!page.contains("<b>#2"));
}

#[test]
fn a_today_link_shows_only_when_today_is_in_the_range() {
    let inside = render(&rota(), &sample_events(), &[("date", "2026-12-20")], date(2026, 12, 10));
    let pager = between(&inside, "<nav class=\"pager\" aria-label=\"Dates\">", "</nav>");
    assert!(pager.contains("<a class=\"btn\" href=\"?view=month\">Today</a>"), "{pager}");
    let outside = render(&rota(), &sample_events(), &[("date", "2026-12-20")], date(2027, 2, 1));
    let pager = between(&outside, "<nav class=\"pager\" aria-label=\"Dates\">", "</nav>");
    assert!(!pager.contains("Today"), "{pager}");
}
