//! iCalendar in (`"format": "ical"`): exports as Google, Outlook, Apple and Thunderbird write them,
//! published through the API on each store: recurring events expanded within the range, overrides
//! in their occurrence's place, private events as busy time, and nothing of attendees, organizers,
//! attachments or alarms stored; live updates in the same format; broken lines refused with their number.

use crate::source_formats::assert_nothing_leaked;
use crate::support::TestApp;
use serde_json::{Value, json};

const GOOGLE: &str = include_str!("fixtures/ical/google.ics");
const OUTLOOK: &str = include_str!("fixtures/ical/outlook.ics");
const APPLE: &str = include_str!("fixtures/ical/apple.ics");
const THUNDERBIRD: &str = include_str!("fixtures/ical/thunderbird.ics");

/// What the fixtures hold that is never stored: people, their addresses, attachments, alarms,
/// Outlook's HTML copy and join details, private events' text, the calendars' own names, and the
/// events' UIDs (kept only as digests).
const NEVER_STORED: &[&str] = &[
    "Ravi Patel",
    "ravi.patel",
    "Marguerite",
    "Okafor",
    "kim.lee",
    "Kim Lee",
    "Tea with",
    "rep@vendor.example",
    "Zephyrine",
    "meet.google.com/qxv-ptdw-kfz",
    "Thaddeus",
    "Wolcott-Byrne",
    "teams.microsoft.com/l/meetup-join",
    "263 918 447 105",
    "Vq8sYt",
    "Dial-in for",
    "Cardiology follow-up",
    "Harborview Cardiology",
    "Abernathy-Quist",
    "Reminder",
    "Ottilie",
    "Winterfeldt",
    "budget-2027",
    "p42-caldav.icloud.com",
    "kim@icloud.example",
    "Invalidenstra",
    "Chord",
    "Leopoldine",
    "Vasquez-Hartmann",
    "Senate room",
    "Prof. Ingram",
    "Cosima",
    "Lindqvist",
    "release-manager",
    "Default Mozilla Description",
    "Support rota",
    "7kukuqrhfh5vt8t1lq9b0dnq2f",
    "040000008200E00074C5B7101A82E008",
    "3F1E6C1A-8B52-4C5E-9B0A-2D3E4F5A6B7C",
    "b8f4e6d2-1c3a-4e5f-9a7b-0c1d2e3f4a5b",
];

fn publish_body(detail: &str, zone: &str, events: &str) -> Value {
    json!({
        "title": "Imported calendar", "visibility": "public", "detail": detail, "view": "month",
        "timeZone": zone, "range": {"start": "2026-12-01", "end": "2027-01-01"},
        "format": "ical", "events": events,
    })
}

/// A fixture, the share's zone, the events held and left out, and titles with how often the feed shows each.
type ExportCase = (&'static str, &'static str, u64, u64, &'static [(&'static str, usize)]);

fn lines_with<'a>(feed: &'a str, prefix: &str) -> Vec<&'a str> {
    feed.lines().filter_map(|line| line.strip_prefix(prefix)).collect()
}

fn count(lines: &[&str], value: &str) -> usize {
    lines.iter().filter(|line| **line == value).count()
}

async fn calendar_exports_publish_their_events_and_nothing_of_the_people(app: TestApp) {
    let logs = crate::handlers::captured_logs();
    let kim = app.member("kim", "contoso");
    let cases: [ExportCase; 4] = [
        (
            GOOGLE,
            "America/New_York",
            9,
            2,
            &[("Support triage", 7), ("Support triage (moved)", 1), ("Company holiday", 1), ("Busy", 0)],
        ),
        (
            OUTLOOK,
            "America/New_York",
            4,
            0,
            &[("Quarterly planning", 1), ("Team sync (Berlin)", 1), ("Team offsite", 1), ("Busy", 1)],
        ),
        (APPLE, "Europe/Berlin", 6, 0, &[("Team review", 4), ("Vacation", 1), ("Budget review", 1)]),
        (THUNDERBIRD, "America/New_York", 6, 0, &[("Lab hours", 4), ("Release call", 1), ("Busy", 1)]),
    ];
    for (text, zone, held, left_out, titles) in cases {
        let share = app.publish(&kim, &publish_body("full", zone, text)).await;
        let context = &titles[0].0;
        assert_eq!((&share["eventCount"], &share["leftOut"]), (&json!(held), &json!(left_out)), "{context}");
        let id = share["id"].as_str().unwrap();
        let feed = app.get(&format!("/s/{id}/calendar.ics"), &app.anonymous()).await;
        assert_eq!(feed.status, 200, "{context}");
        let feed = feed.text();
        let summaries = lines_with(&feed, "SUMMARY:");
        assert_eq!(summaries.len() as u64, held, "{context}: {summaries:?}");
        for (title, times) in titles {
            assert_eq!(count(&summaries, title), *times, "{context}: {title} in {summaries:?}");
        }
        let page = app.get(&format!("/s/{id}?date=2026-12-14&view=agenda"), &app.anonymous()).await;
        assert_eq!(page.status, 200, "{context}");
        for served in [&feed, &page.text()] {
            let shown: Vec<&&str> = NEVER_STORED.iter().filter(|value| served.contains(**value)).collect();
            assert!(shown.is_empty(), "{context}: served {shown:?}");
        }
    }
    let thunderbird_feed = {
        let share = app.publish(&kim, &publish_body("full", "America/New_York", THUNDERBIRD)).await;
        app.get(&format!("/s/{}/calendar.ics", share["id"].as_str().unwrap()), &app.anonymous()).await.text()
    };
    assert!(thunderbird_feed.contains("20261214T180000Z"), "floating 13:00 in the share's zone: {thunderbird_feed}");
    assert!(thunderbird_feed.contains("20261216T190000Z"), "the private override at its own time");
    assert_eq!(lines_with(&thunderbird_feed, "CATEGORIES:").iter().filter(|c| c.starts_with("Lab")).count(), 4);
    let stored = app.stored_text().await;
    for held in ["Support triage", "Quarterly planning", "Team review", "Lab hours", "Desk 4", "Tier 1"] {
        assert!(stored.contains(held), "the scan reads event text: {held:?} is stored at full");
    }
    assert_nothing_leaked(&stored, NEVER_STORED);
    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let leaked: Vec<&&str> = NEVER_STORED.iter().filter(|value| logged.contains(**value)).collect();
    assert!(leaked.is_empty(), "logged: {leaked:?}");
}

/// Live updates in the same format: an overriding instance replaces its one occurrence, a cancelled
/// event leaves, a removed occurrence id leaves, and only the caller's shares change.
async fn ical_changes_replace_occurrences_and_singles(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let lee = app.member("lee", "contoso");
    let body = publish_body("limited", "America/New_York", THUNDERBIRD);
    let id = app.publish(&kim, &body).await["id"].as_str().unwrap().to_owned();
    let others = app.publish(&lee, &body).await["id"].as_str().unwrap().to_owned();
    let changed = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:b8f4e6d2-1c3a-4e5f-9a7b-0c1d2e3f4a5b\r\n\
        RECURRENCE-ID:20261217T130000\r\nDTSTART:20261217T140000\r\nDTEND:20261217T160000\r\n\
        SUMMARY:Lab hours (room change)\r\nLOCATION:Lab C\r\nATTENDEE;CN=Cosima Lindqvist:mailto:c@example.org\r\n\
        END:VEVENT\r\nBEGIN:VEVENT\r\nUID:e2d3c4b5-a697-4f8e-b1c2-d3e4f5a6b7c8\r\nDTSTART:20261217T160000Z\r\n\
        DTEND:20261217T170000Z\r\nSTATUS:CANCELLED\r\nSUMMARY:Release call\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let changes = json!({"format": "ical", "changed": changed,
        "removed": ["b8f4e6d2-1c3a-4e5f-9a7b-0c1d2e3f4a5b;RECURRENCE-ID=20261218T130000"]});
    let answer = app.post("/me/changes", &kim, &changes).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let answer = answer.json();
    assert_eq!(answer["sharesUpdated"], json!([{"id": id, "eventCount": 4}]), "{answer}");
    assert_eq!((&answer["changedMatched"], &answer["removedMatched"]), (&json!(2), &json!(1)), "{answer}");
    let feed = app.get(&format!("/s/{id}/calendar.ics"), &app.anonymous()).await.text();
    let summaries = lines_with(&feed, "SUMMARY:");
    assert_eq!(count(&summaries, "Lab hours"), 2, "{summaries:?}");
    assert_eq!(count(&summaries, "Lab hours (room change)"), 1, "{summaries:?}");
    assert!(feed.contains("20261217T190000Z"), "14:00 in the share's zone: {feed}");
    assert!(!summaries.contains(&"Release call"));
    let share = app.get(&format!("/shares/{id}"), &kim).await.json();
    assert_eq!(share["leftOut"], 1, "the cancelled call is counted: {share}");
    let untouched = app.get(&format!("/shares/{others}"), &lee).await.json();
    assert_eq!(untouched["eventCount"], 6, "another user's share holding the same events: {untouched}");
    assert_nothing_leaked(&app.stored_text().await, &["Cosima", "c@example.org"]);
}

async fn ical_bad_input_is_refused_with_pointers_and_nothing_stored(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let before = app.stored_text().await;
    let errors_of = |response: &crate::support::TestResponse| -> Vec<(String, String)> {
        let errors = response.json()["errors"].as_array().cloned().unwrap_or_default();
        errors
            .iter()
            .map(|e| (e["pointer"].as_str().unwrap().to_owned(), e["message"].as_str().unwrap().to_owned()))
            .collect()
    };
    let mut no_range = publish_body("limited", "UTC", THUNDERBIRD);
    no_range.as_object_mut().unwrap().remove("range");
    let response = app.post("/shares", &kim, &no_range).await;
    assert_eq!(response.status, 422, "{}", response.text());
    assert_eq!(errors_of(&response).iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(), ["/range"]);
    let broken = THUNDERBIRD.replacen("SUMMARY:Release call", "SUMMARY Release call", 1);
    let response = app.post("/shares", &kim, &publish_body("limited", "UTC", &broken)).await;
    assert_eq!(response.status, 422, "{}", response.text());
    assert_eq!(response.header("content-type"), Some("application/problem+json"));
    let line = broken.lines().position(|l| l.starts_with("SUMMARY Release")).unwrap() + 1;
    assert_eq!(
        errors_of(&response),
        [("/events".to_owned(), format!("line {line}: expected \":\" after the property name \"SUMMARY\""))]
    );
    let rule = THUNDERBIRD.replacen("RRULE:FREQ=DAILY;COUNT=5", "RRULE:FREQ=DAILY;BYHOUR=25", 1);
    let rule_line = rule.lines().position(|l| l.starts_with("RRULE")).unwrap() + 1;
    let response = app.post("/shares", &kim, &publish_body("limited", "UTC", &rule)).await;
    assert_eq!(response.status, 422);
    assert!(errors_of(&response)[0].1.starts_with(&format!("line {rule_line}: RRULE: BYHOUR")), "{}", response.text());
    let response = app.post("/shares", &kim, &publish_body("limited", "UTC", "")).await;
    assert_eq!(response.status, 422);
    let not_text = json!({"title": "x", "visibility": "public", "detail": "limited", "timeZone": "UTC",
        "range": {"start": "2026-12-01", "end": "2027-01-01"}, "format": "ical", "events": [{"id": "a"}]});
    assert_eq!(app.post("/shares", &kim, &not_text).await.status, 400);
    let changes = json!({"format": "ical", "changed": broken});
    let response = app.post("/me/changes", &kim, &changes).await;
    assert_eq!(response.status, 422, "{}", response.text());
    assert_eq!(errors_of(&response)[0].0, "/changed");
    assert!(errors_of(&response)[0].1.starts_with(&format!("line {line}: ")));
    assert!(app.share_ids(&kim).await.is_empty());
    assert_eq!(app.stored_text().await, before, "nothing stored");
}

/// A request's recurrences cost bounded work: a hostile rule is refused, not run for minutes.
async fn hostile_recurrences_are_refused_within_the_work_budget(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let series: String = (0..2000)
        .map(|i| format!("BEGIN:VEVENT\r\nUID:h{i}\r\nDTSTART:19000101T000000Z\r\nRRULE:FREQ=SECONDLY;COUNT=4000000000\r\nEND:VEVENT\r\n"))
        .collect();
    let text = format!("BEGIN:VCALENDAR\r\n{series}END:VCALENDAR\r\n");
    let response = app.post("/shares", &kim, &publish_body("limited", "UTC", &text)).await;
    assert_eq!(response.status, 422, "{}", response.text());
    assert!(response.text().contains("more work than a request may"), "{}", response.text());
    let every_minute = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:m\r\nDTSTART:20261201T000000Z\r\nRRULE:FREQ=MINUTELY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let response = app.post("/shares", &kim, &publish_body("limited", "UTC", every_minute)).await;
    assert_eq!(response.status, 422, "{}", response.text());
    assert!(response.text().contains("more than 10000 events within the range"), "{}", response.text());
}

crate::per_store!(
    app: calendar_exports_publish_their_events_and_nothing_of_the_people,
    ical_changes_replace_occurrences_and_singles,
    ical_bad_input_is_refused_with_pointers_and_nothing_stored,
    hostile_recurrences_are_refused_within_the_work_budget,
);
