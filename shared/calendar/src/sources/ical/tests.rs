use super::*;
use crate::domain::{Color, ShowAs};
use crate::sources::SourceDescription;
use crate::sources::test_support::at;

const GOOGLE: &str = include_str!("../../../../../tests/fixtures/ical/google.ics");
const OUTLOOK: &str = include_str!("../../../../../tests/fixtures/ical/outlook.ics");
const APPLE: &str = include_str!("../../../../../tests/fixtures/ical/apple.ics");
const THUNDERBIRD: &str = include_str!("../../../../../tests/fixtures/ical/thunderbird.ics");

fn december() -> DateRange {
    DateRange::new("2026-12-01".parse().unwrap(), "2027-01-01".parse().unwrap()).unwrap()
}

fn read_in(text: &str, zone: &str, range: Option<DateRange>) -> (Vec<SourceEvent>, ValidationErrors) {
    let raw = serde_json::value::to_raw_value(text).unwrap();
    let context = ReadContext::default().in_zone(TimeZone::get(zone).unwrap()).expanding_within(range);
    let mut errors = ValidationErrors::new();
    let events = read(&raw, "/events", &context, &mut errors).unwrap();
    (events, errors)
}

fn read_ok(text: &str, zone: &str) -> Vec<SourceEvent> {
    let (events, errors) = read_in(text, zone, Some(december()));
    assert!(errors.is_empty(), "{errors:?}");
    events
}

fn messages(errors: &ValidationErrors) -> Vec<String> {
    errors.errors().iter().map(|e| format!("{} {}", e.pointer, e.message)).collect()
}

fn calendar(body: &str) -> String {
    format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{body}END:VCALENDAR\r\n")
}

fn vevent(lines: &str) -> String {
    format!("BEGIN:VEVENT\r\n{lines}END:VEVENT\r\n")
}

fn titled<'a>(events: &'a [SourceEvent], title: &str) -> Vec<&'a SourceEvent> {
    events.iter().filter(|e| e.title == title).collect()
}

#[test]
fn a_google_export_reads_with_its_series_override_and_all_day_event() {
    let events = read_ok(GOOGLE, "America/New_York");
    let triage = titled(&events, "Support triage");
    let starts: Vec<EventTime> = triage.iter().map(|e| e.start).collect();
    let expected = ["01", "03", "08", "15", "17", "22", "24"].map(|day| at(&format!("2026-12-{day}T14:00:00Z")));
    assert_eq!(starts, expected, "Tuesdays and Thursdays until the 24th, the 10th overridden");
    assert_eq!(triage[0].end, at("2026-12-01T14:30:00Z"));
    assert_eq!(triage[0].location.as_deref(), Some("Desk 4"));
    let Some(SourceDescription::Text(description)) = &triage[0].description else { panic!("a text description") };
    assert!(description.starts_with("Triage of the support queue: oldest tickets first.\n\nJoin with Google Meet"));
    let moved = titled(&events, "Support triage (moved)");
    assert_eq!(moved[0].start, at("2026-12-10T16:00:00Z"));
    assert_eq!(
        moved[0].source_id.as_deref(),
        Some("7kukuqrhfh5vt8t1lq9b0dnq2f@google.com;RECURRENCE-ID=20261210T140000Z"),
        "the override names the occurrence it replaces"
    );
    assert_eq!(
        triage[1].source_id.as_deref(),
        Some("7kukuqrhfh5vt8t1lq9b0dnq2f@google.com;RECURRENCE-ID=20261203T140000Z")
    );
    let holiday = titled(&events, "Company holiday")[0];
    assert_eq!(
        (holiday.start, holiday.end),
        (EventTime::Day("2026-12-25".parse().unwrap()), EventTime::Day("2026-12-26".parse().unwrap()))
    );
    assert_eq!(holiday.show_as, ShowAs::Free);
    assert!(titled(&events, "Vendor demo: Zephyrine Analytics")[0].cancelled);
    assert_eq!(titled(&events, "Kickoff 2027").len(), 1, "a single event outside the range is read, to be counted");
    assert_eq!(events.len(), 11);
}

#[test]
fn an_outlook_export_reads_windows_zones_private_and_tentative_events() {
    let events = read_ok(OUTLOOK, "America/New_York");
    assert_eq!(events.len(), 4, "the monthly sync once in December");
    let planning = titled(&events, "Quarterly planning")[0];
    assert_eq!((planning.start, planning.end), (at("2026-12-08T15:00:00Z"), at("2026-12-08T16:00:00Z")));
    assert_eq!(planning.resource.as_deref(), Some("Tier 1"));
    assert!(planning.source_id.as_deref().unwrap().starts_with("040000008200E00074C5B7101A82E008"));
    let sync = titled(&events, "Team sync (Berlin)")[0];
    assert_eq!(sync.start, at("2026-12-07T09:00:00Z"), "W. Europe Standard Time is Berlin's");
    let private = titled(&events, "Cardiology follow-up")[0];
    assert!(private.private);
    let offsite = titled(&events, "Team offsite")[0];
    assert_eq!(offsite.show_as, ShowAs::Tentative);
    assert!(offsite.start.is_all_day());
}

#[test]
fn an_apple_export_skips_its_exdate_and_reads_rfc_7986_colours() {
    let events = read_ok(APPLE, "Europe/Berlin");
    let review: Vec<EventTime> = titled(&events, "Team review").iter().map(|e| e.start).collect();
    let expected = ["02", "09", "16", "30"].map(|day| at(&format!("2026-12-{day}T08:00:00Z")));
    assert_eq!(review, expected);
    let vacation = titled(&events, "Vacation")[0];
    assert_eq!(vacation.end, EventTime::Day("2026-12-31".parse().unwrap()));
    assert_eq!(vacation.show_as, ShowAs::Free);
    assert_eq!(titled(&events, "Budget review")[0].color, Some(Color::parse("#ff8c00").unwrap()));
}

#[test]
fn a_thunderbird_export_reads_floating_times_in_the_shares_zone_and_a_private_override() {
    let events = read_ok(THUNDERBIRD, "America/New_York");
    let lab: Vec<EventTime> = titled(&events, "Lab hours").iter().map(|e| e.start).collect();
    let expected = ["14", "15", "17", "18"].map(|day| at(&format!("2026-12-{day}T18:00:00Z")));
    assert_eq!(lab, expected, "13:00 in New York; the 16th is overridden");
    assert!(titled(&events, "Lab hours").iter().all(|e| !e.private && e.resource.as_deref() == Some("Lab")));
    let defence = titled(&events, "Thesis defence of Leopoldine Vasquez-Hartmann")[0];
    assert!(defence.private, "the override is private while its series is not");
    assert_eq!(defence.start, at("2026-12-16T19:00:00Z"));
    assert_eq!(
        defence.source_id.as_deref(),
        Some("b8f4e6d2-1c3a-4e5f-9a7b-0c1d2e3f4a5b;RECURRENCE-ID=20261216T130000")
    );
    let call = titled(&events, "Release call")[0];
    assert_eq!((call.start, call.show_as), (at("2026-12-17T16:00:00Z"), ShowAs::Tentative));
    let in_tokyo = read_ok(THUNDERBIRD, "Asia/Tokyo");
    assert_eq!(titled(&in_tokyo, "Lab hours")[0].start, at("2026-12-14T04:00:00Z"));
}

#[test]
fn a_series_outside_the_range_gives_nothing_and_without_a_range_only_its_first_time() {
    let series =
        calendar(&vevent("UID:s1\r\nDTSTART:20250101T090000Z\r\nRRULE:FREQ=DAILY;COUNT=30\r\nSUMMARY:Old\r\n"));
    assert!(read_ok(&series, "UTC").is_empty());
    let (events, errors) = read_in(&series, "UTC", None);
    assert!(errors.is_empty());
    assert_eq!(events.len(), 1);
}

#[test]
fn occurrences_that_begin_before_the_range_and_run_into_it_are_kept() {
    let body = "UID:night\r\nDTSTART:20261130T220000Z\r\nDURATION:PT4H\r\nRRULE:FREQ=DAILY\r\nSUMMARY:Night shift\r\n";
    let events = read_ok(&calendar(&vevent(body)), "UTC");
    assert_eq!(events.len(), 32, "Nov 30 runs into December 1st; Dec 31 starts inside");
    assert_eq!(events[0].start, at("2026-11-30T22:00:00Z"));
}

#[test]
fn broken_lines_are_refused_at_events_with_their_line_numbers() {
    let text =
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART 20261203T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let (events, errors) = read_in(text, "UTC", Some(december()));
    assert!(events.is_empty());
    assert_eq!(messages(&errors), ["/events line 4: expected \":\" after the property name \"DTSTART\""]);
    let (_, errors) = read_in("hello", "UTC", Some(december()));
    assert_eq!(messages(&errors), ["/events line 1: expected \":\" after the property name \"HELLO\""]);
    let (_, errors) = read_in("BEGIN:VCARD\r\nEND:VCARD\r\n", "UTC", Some(december()));
    assert_eq!(messages(&errors), ["/events line 1: expected BEGIN:VCALENDAR"]);
    let (_, errors) = read_in("", "UTC", Some(december()));
    assert_eq!(messages(&errors), ["/events line 1: expected BEGIN:VCALENDAR"]);
}

#[test]
fn broken_values_are_refused_with_the_line_of_their_property() {
    let text = calendar(&vevent(
        "UID:a\r\nDTSTART;TZID=Mars/Olympus:20261203T090000\r\nSUMMARY:x\r\n\
         RRULE:FREQ=FORTNIGHTLY\r\nCOLOR:not-a-colour\r\nDURATION:soon\r\n",
    ));
    let (_, errors) = read_in(&text, "UTC", Some(december()));
    let found = messages(&errors);
    assert_eq!(found.len(), 2, "{found:?}: an unknown COLOR is left out, not refused");
    assert!(found[0].starts_with("/events line 5: DTSTART: unknown time zone \"Mars/Olympus\""), "{found:?}");
    assert!(found[1].starts_with("/events line 7: RRULE: FREQ"), "{found:?}");
    let coloured = |value: &str| {
        let text = calendar(&vevent(&format!("DTSTART:20261203T090000Z\r\nSUMMARY:x\r\nCOLOR:{value}\r\n")));
        let (events, errors) = read_in(&text, "UTC", Some(december()));
        assert!(errors.is_empty(), "{value}: {:?}", messages(&errors));
        events[0].color.as_ref().map(|color| color.as_str().to_owned())
    };
    assert_eq!(coloured("Turquoise").as_deref(), Some("#40e0d0"));
    assert_eq!(coloured("#1E88E5").as_deref(), Some("#1e88e5"));
    assert_eq!(coloured("not-a-colour"), None);
    let ends_first = calendar(&vevent("DTSTART:20261203T090000Z\r\nDTEND:20261203T080000Z\r\n"));
    let (_, errors) = read_in(&ends_first, "UTC", Some(december()));
    assert_eq!(messages(&errors), ["/events line 3: the VEVENT's times: end must not be before start"]);
    let long = calendar(&vevent(&format!("DTSTART:20261203T090000Z\r\nSUMMARY:{}\r\n", "x".repeat(501))));
    let (_, errors) = read_in(&long, "UTC", Some(december()));
    assert_eq!(messages(&errors), ["/events line 5: SUMMARY must be at most 500 characters"]);
}

#[test]
fn a_json_value_other_than_a_string_is_malformed() {
    let raw = serde_json::value::to_raw_value(&serde_json::json!([{"id": "a"}])).unwrap();
    let error = read(&raw, "/events", &ReadContext::default(), &mut ValidationErrors::new()).unwrap_err();
    assert_eq!(error.pointer, "/events");
    assert_eq!(count_events(&raw), None);
}

#[test]
fn vevents_are_counted_without_reading_them() {
    let raw = serde_json::value::to_raw_value(GOOGLE).unwrap();
    assert_eq!(count_events(&raw), Some(5));
}

#[test]
fn cancelled_series_leave_each_occurrence_and_exdates_in_other_zones_match() {
    let body = "UID:c\r\nDTSTART;TZID=Europe/Paris:20261207T100000\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n\
                EXDATE:20261214T090000Z\r\nSTATUS:CANCELLED\r\nSUMMARY:Gone\r\n";
    let events = read_ok(&calendar(&vevent(body)), "UTC");
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(|e| e.cancelled));
}

#[test]
fn rdates_add_occurrences_and_duplicates_are_kept_once() {
    let body = "UID:r\r\nDTSTART:20261201T090000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=WEEKLY;COUNT=2\r\n\
                RDATE:20261201T090000Z,20261220T090000Z\r\nRDATE;VALUE=PERIOD:20261221T090000Z/PT2H\r\nSUMMARY:R\r\n";
    let starts: Vec<EventTime> = read_ok(&calendar(&vevent(body)), "UTC").iter().map(|e| e.start).collect();
    let expected = ["2026-12-01", "2026-12-08", "2026-12-20", "2026-12-21"].map(|d| at(&format!("{d}T09:00:00Z")));
    assert_eq!(starts, expected);
}

#[test]
fn more_than_ten_thousand_occurrences_in_the_range_are_refused() {
    let body = "UID:m\r\nDTSTART:20261201T000000Z\r\nRRULE:FREQ=MINUTELY\r\nSUMMARY:Every minute\r\n";
    let (events, errors) = read_in(&calendar(&vevent(body)), "UTC", Some(december()));
    assert!(events.is_empty());
    assert_eq!(
        messages(&errors),
        ["/events line 3: more than 10000 events within the range (a share holds at most 10000)"]
    );
}

/// Rules that would run long if iterations were not capped: each refused or answered within the
/// request's work budget, with at most 10,000 events (their times: `hostile_bodies_timed`).
#[test]
fn hostile_rules_are_bounded() {
    let hostile = [
        "DTSTART:20000101T000000Z\r\nRRULE:FREQ=SECONDLY;BYHOUR=0;BYMINUTE=0;BYSECOND=0",
        "DTSTART:19000101T000000Z\r\nRRULE:FREQ=SECONDLY;COUNT=4000000000",
        "DTSTART:20261201T000000Z\r\nRRULE:FREQ=YEARLY;BYSETPOS=-1;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;BYMINUTE=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59;BYSECOND=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59",
        "DTSTART:20200101T090000Z\r\nRRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        "DTSTART:16000101T090000Z\r\nRRULE:FREQ=DAILY;INTERVAL=1;UNTIL=99991231T000000Z",
        "DTSTART:20261201T090000Z\r\nRRULE:FREQ=HOURLY;INTERVAL=1",
    ];
    for rule in hostile {
        let (events, errors) = read_in(&calendar(&vevent(&format!("UID:h\r\n{rule}\r\n"))), "UTC", Some(december()));
        assert!(events.len() <= MAX_EVENTS, "{rule}");
        assert!(events.len() + errors.len() > 0 || rule.contains("BYMONTHDAY=30"), "{rule}: {errors:?}");
    }
    // Thousands of series, each cheap alone: the budget is the request's, not each series'.
    let many: String = (0..3000)
        .map(|i| vevent(&format!("UID:s{i}\r\nDTSTART:20000101T000000Z\r\nRRULE:FREQ=DAILY;COUNT=9000\r\n")))
        .collect();
    let (events, errors) = read_in(&calendar(&many), "UTC", Some(december()));
    assert!(events.len() <= MAX_EVENTS);
    assert!(messages(&errors)[0].contains("more work than a request may"), "{:?}", messages(&errors));
    let exdates: String = (0..20_000).map(|i| format!("EXDATE:2026{:02}01T000000Z\r\n", i % 12 + 1)).collect();
    let body = format!("UID:x\r\nDTSTART:20261201T000000Z\r\nRRULE:FREQ=DAILY\r\n{exdates}");
    let (events, errors) = read_in(&calendar(&vevent(&body)), "UTC", Some(december()));
    assert!(errors.is_empty() && events.len() == 30, "{errors:?}");
}

#[test]
fn what_is_never_read_is_dropped_as_it_is_read() {
    let mut errors = Vec::new();
    let calendars = parse_components(GOOGLE, is_read, &mut errors);
    let debug = format!("{calendars:?}");
    for never in ["ravi.patel", "Marguerite", "kim.lee", "Tea with", "X-GOOGLE-CONFERENCE", "Support rota"] {
        assert!(!debug.contains(never), "{never} was kept");
    }
}

/// The hostile bodies of docs/formats.md with the time each takes, for the record (no timing is
/// asserted): `cargo test --profile bench -p share-calendar hostile_bodies_timed -- --ignored --nocapture`.
#[test]
#[ignore = "prints timings; run it in an optimised build"]
fn hostile_bodies_timed() {
    let cases: Vec<(&str, String)> = vec![
        (
            "secondly once a day from 2000",
            calendar(&vevent(
                "UID:h\r\nDTSTART:20000101T000000Z\r\nRRULE:FREQ=SECONDLY;BYHOUR=0;BYMINUTE=0;BYSECOND=0\r\n",
            )),
        ),
        (
            "secondly COUNT=4e9 from 1900",
            calendar(&vevent("UID:h\r\nDTSTART:19000101T000000Z\r\nRRULE:FREQ=SECONDLY;COUNT=4000000000\r\n")),
        ),
        (
            "yearly BYSETPOS over every second",
            calendar(&vevent(
                "UID:h\r\nDTSTART:20261201T000000Z\r\nRRULE:FREQ=YEARLY;BYSETPOS=-1;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;BYMONTHDAY=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;BYMINUTE=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59;BYSECOND=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59\r\n",
            )),
        ),
        (
            "daily never matching (Feb 30) from 2020",
            calendar(&vevent("UID:h\r\nDTSTART:20200101T090000Z\r\nRRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30\r\n")),
        ),
        (
            "daily UNTIL 9999 from 1600",
            calendar(&vevent("UID:h\r\nDTSTART:16000101T090000Z\r\nRRULE:FREQ=DAILY;UNTIL=99991231T000000Z\r\n")),
        ),
        (
            "minutely in the range (10,000 cap)",
            calendar(&vevent("UID:h\r\nDTSTART:20261201T000000Z\r\nRRULE:FREQ=MINUTELY\r\n")),
        ),
    ];
    let mut cases = cases;
    let many: String = (0..60_000)
        .map(|i| vevent(&format!("UID:s{i}\r\nDTSTART:20000101T000000Z\r\nRRULE:FREQ=DAILY;COUNT=9000\r\n")))
        .collect();
    cases.push(("60,000 VEVENTs with COUNT=9000 from 2000 (5 MB)", calendar(&many)));
    let exdates: String = (0..150_000).map(|i| format!("EXDATE:2026{:02}01T000000Z\r\n", i % 12 + 1)).collect();
    cases.push((
        "150,000 EXDATEs (4 MB)",
        calendar(&vevent(&format!("UID:x\r\nDTSTART:20261201T000000Z\r\nRRULE:FREQ=DAILY\r\n{exdates}"))),
    ));
    let rdates: String =
        (0..150_000).map(|i| format!("RDATE:2026{:02}{:02}T000000Z\r\n", i % 12 + 1, i % 28 + 1)).collect();
    cases.push((
        "150,000 RDATEs (3.6 MB)",
        calendar(&vevent(&format!("UID:x\r\nDTSTART:20261201T000000Z\r\n{rdates}"))),
    ));
    let singles: String = (0..10_000)
        .map(|i| {
            vevent(&format!(
                "UID:e{i}\r\nDTSTART:202612{:02}T090000Z\r\nDURATION:PT1H\r\nSUMMARY:Event {i}\r\nDESCRIPTION:{}\r\n",
                i % 28 + 1,
                "d".repeat(400)
            ))
        })
        .collect();
    cases.push(("10,000 single VEVENTs (5 MB)", calendar(&singles)));
    let weekly: String = (0..5_000).map(|i| vevent(&format!("UID:w{i}\r\nDTSTART;TZID=Europe/Berlin:20240101T090000\r\nDURATION:PT1H\r\nRRULE:FREQ=MONTHLY;BYDAY=1MO\r\nSUMMARY:Series {i}\r\n"))).collect();
    cases.push(("5,000 monthly series since 2024 (in range: 5,000)", calendar(&weekly)));
    for (name, text) in cases {
        let started = std::time::Instant::now();
        let (events, errors) = read_in(&text, "America/New_York", Some(december()));
        eprintln!(
            "{name}: {} bytes, {} events, {} errors, {:?}",
            text.len(),
            events.len(),
            errors.len(),
            started.elapsed()
        );
    }
}

/// The fixtures with bytes overwritten at random (a fixed seed): every one is read or refused,
/// never a panic, and keeps the reader's limits (the fuzz target `ical_events` goes further).
#[test]
fn mutated_exports_are_read_or_refused_without_panicking() {
    const SPICE: [&str; 16] =
        [";", ":", ",", "\"", "\\", "é", "\r\n", "\r\n ", "0", "9", "T", "Z", "-", "=", "BEGIN:", "END:"];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % bound as u64) as usize
    };
    for fixture in [GOOGLE, OUTLOOK, APPLE, THUNDERBIRD] {
        for _ in 0..300 {
            let mut text = fixture.to_owned();
            for _ in 0..1 + next(6) {
                let at = next(text.len());
                let at = (0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
                let end = (at + next(4)).min(text.len());
                let end = (end..=text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(text.len());
                text.replace_range(at..end, SPICE[next(SPICE.len())]);
            }
            let (events, _) = read_in(&text, "America/New_York", Some(december()));
            assert!(events.len() <= MAX_EVENTS);
            assert!(events.iter().all(|e| ordered_times(e.start, e.end).is_ok()), "{text}");
        }
    }
}
