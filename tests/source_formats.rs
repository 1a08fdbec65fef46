//! Microsoft Graph and Salesforce records as their APIs return them, published at each detail level
//! through the same parse and service the handlers use. Then every stored item is read back, snapshot
//! chunks inflated, and searched for what the level does not show and for what is never kept: people,
//! join and web links, source ids, categories, private and cancelled events' text.

use jiff::Timestamp;
use serde_json::{Value, json};
use share_core::domain::SourceIdSecret;
use share_core::domain::{DetailLevel, EventTime, GroupId, ShareRecord, SharedEvent, SharingPolicy, ShowAs, UserId};
use share_core::http::publish_request::{PublishRequest, PublishRequestError};
use share_core::service::Caller;
use share_core::service::{Publisher, Standing, publish_share};
use share_core::snapshot;
use share_core::store::{EmbeddedKey, EmbeddedStore, ShareReads};

pub(crate) const GRAPH_CALENDAR_VIEW: &str = include_str!("fixtures/msgraph/calendar_view.json");
pub(crate) const SALESFORCE_EVENT_QUERY: &str = include_str!("fixtures/salesforce/event_query.json");

// ---------------------------------------------------------------------------------------------
// Helpers, public so other suites (DynamoDB Local) can make the same assertion on their own text.

/// Fails, naming each one, if any secret is in the stored text: compared ignoring ASCII case, and also
/// in the forms storing may give it (HTML-escaped as in a sanitised description, JSON-escaped).
pub fn assert_nothing_leaked(stored_text: &str, fixture_secrets: &[&str]) {
    let haystack = stored_text.to_ascii_lowercase();
    let leaked: Vec<&str> = fixture_secrets
        .iter()
        .copied()
        .filter(|secret| stored_forms(secret).iter().any(|form| haystack.contains(&form.to_ascii_lowercase())))
        .collect();
    assert!(leaked.is_empty(), "stored items hold what must not be stored: {leaked:?}");
}

fn stored_forms(secret: &str) -> Vec<String> {
    let html = secret.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let json = |s: &str| serde_json::to_string(s).expect("a string serializes").trim_matches('"').to_owned();
    vec![secret.to_owned(), json(secret), json(&html), html]
}

/// The JSON snapshot pieces hold (each piece inflates on its own).
pub fn inflate_chunks(chunks: &[Vec<u8>]) -> String {
    let events = snapshot::decode(chunks).expect("stored chunks inflate to events");
    serde_json::to_string(&events).expect("events serialize")
}

/// Every item the embedded store holds, as text: records and other items as stored, every snapshot
/// piece (of any generation, listed or left behind) inflated.
pub fn memory_store_text(store: &EmbeddedStore) -> String {
    let mut text = String::new();
    for (key, bytes) in store.stored_items() {
        text.push_str(&key.to_string());
        text.push('\n');
        match key {
            EmbeddedKey::Chunk { .. } => text.push_str(&inflate_chunks(std::slice::from_ref(&bytes))),
            _ => text.push_str(&String::from_utf8_lossy(&bytes)),
        }
        text.push('\n');
    }
    text
}

// ---------------------------------------------------------------------------------------------
// Publishing the fixtures

fn now() -> Timestamp {
    "2026-11-27T12:00:00Z".parse().unwrap()
}

fn caller() -> Caller {
    Caller {
        user_id: UserId::parse("publisher-1").unwrap(),
        email: Some("publisher@example.com".into()),
        group: GroupId::parse("tenant-1").unwrap(),
        roles: Vec::new(),
        scopes: vec!["Shares.ReadWrite".into()],
    }
}

fn publisher<'a>(caller: &'a Caller, standing: &'a Standing) -> Publisher<'a> {
    static SECRET: std::sync::LazyLock<SourceIdSecret> = std::sync::LazyLock::new(SourceIdSecret::development);
    Publisher { caller, standing, secret: &SECRET }
}

fn standing() -> Standing {
    Standing { policy: SharingPolicy::default(), permission: None, is_admin: false }
}

pub(crate) fn publish_body(format: &str, detail: DetailLevel, events: Value) -> Vec<u8> {
    let body = json!({
        "title": "Rota", "visibility": "public", "detail": detail.as_str(), "timeZone": "America/New_York",
        "format": format, "events": events,
    });
    serde_json::to_vec(&body).unwrap()
}

fn parse(body: &[u8]) -> Result<PublishRequest, PublishRequestError> {
    PublishRequest::parse(body, now())
}

/// Publishes `events` on a new embedded store; returns the store, the record and the stored events.
async fn publish(format: &str, detail: DetailLevel, events: Value) -> (EmbeddedStore, ShareRecord, Vec<SharedEvent>) {
    let store = EmbeddedStore::new();
    let request = parse(&publish_body(format, detail, events)).expect("the fixture parses");
    let published =
        publish_share(&store, &publisher(&caller(), &standing()), request, None, now()).await.expect("published");
    let stored = store.published(&published.id).await.unwrap().expect("stored");
    let events = snapshot::decode(&stored.chunks).unwrap();
    (store, published, events)
}

pub(crate) fn fixture(text: &str) -> Value {
    serde_json::from_str(text).expect("fixture is JSON")
}

fn titles(events: &[SharedEvent]) -> Vec<Option<&str>> {
    events.iter().map(|e| e.title.as_deref()).collect()
}

// ---------------------------------------------------------------------------------------------
// What each fixture holds

/// Never stored at any level.
pub(crate) const GRAPH_NEVER: &[&str] = &[
    // attendees and organizers (the group "Engineering" is named in the body text the organizer wrote)
    "engineering@M365x214355.onmicrosoft.com",
    "IrvinS@M365x214355.onmicrosoft.com",
    "Irvin Sayers",
    "AdeleV@contoso.OnMicrosoft.com",
    "Adele Vance",
    "AlexW@contoso.OnMicrosoft.com",
    "Alex Wilber",
    "MeganB@contoso.OnMicrosoft.com",
    "Megan Bowen",
    "LynneR@contoso.OnMicrosoft.com",
    "Lynne Robbins",
    // join details, in the fields and in the Teams invitation in the body
    "meetup-join",
    "meeting_ODkyNWFmNGYtZjBjYS00MDdlLTllOWQtN2E3MzJlNjM0ZWRj",
    "64339082-ed84-4b0b-b4ab-004ae54f3747",
    "291633251",
    "291 633 251",
    "+1 323-555-0166",
    "dialin.teams.microsoft.com",
    // the rest of the invitation's meeting section, which goes whole
    "Microsoft Teams Meeting",
    "United States, Los Angeles",
    "Meeting options",
    "JoinTeamsMeeting",
    // web links, navigation links, ids and iCalUIds
    "outlook.office365.com",
    "graph.microsoft.com",
    "groupsubscription.ashx",
    "AAMkAGVmMDEzMTM4LTZmYWUtNDdkNC1hMDZiLTU1OGY5OTZhYmY4OABGAAAAAAAiQ8W967B7TKBjgx9rVEURBwAiIsqMbYjsT5e",
    "AAMkADAAABIGYDZAAA",
    "AAMkAGIAAAoZDOFAA",
    "040000008200E00074C5B7101A82E008",
    "W/\"",
    // categories
    "Red category",
    "Orange category",
    "\"Personal\"",
    // the private and confidential events' text
    "Oncology",
    "Dr. Hollis",
    "St. Elsewhere Clinic",
    "biopsy",
    "7731-22",
    "HR interview room",
    "Exit interview",
    "performance plan",
    // the cancelled event
    "Budget review",
    "Boardroom 12",
    "Q3 budget numbers",
    // formatting that sanitising drops
    "style=",
    "font-family",
    "<table",
    "<meta",
    "target=",
    "class=",
];
/// Titles and locations: stored from `limited` on.
pub(crate) const GRAPH_TITLES: &[&str] = &[
    "New Product Regulations Touchpoint",
    "Conf Room Rainier",
    "Prep for customer meeting",
    "Cordova conference room",
    "Company holiday",
];
/// Bodies: stored at `full` only.
pub(crate) const GRAPH_BODIES: &[&str] = &[
    "New Product Regulations Strategy Online Touchpoint Meeting",
    "You're receiving this message",
    "stop following it in your inbox",
    "Does this time work for you?",
];

pub(crate) const SALESFORCE_NEVER: &[&str] = &[
    // record ids, related records and people
    "00U5e00000AbCd",
    "0035e00000XyZaBAAV",
    "0065e00000PqRsTAAV",
    "0015e00000LmNoPAAV",
    "0055e000001AbCdAAK",
    "7015e000000CmPaAAC",
    "0035e00000QwErTAAV",
    "/services/data/",
    "Rose Gonzalez",
    "rose@edge.example.com",
    "Edge Emergency Generator",
    "Andy Young",
    "ayoung@salesforce-example.com",
    "Tim Barr",
    "tbarr@acme.example.com",
    // the private event's text
    "Contract renegotiation",
    "Acme",
    "Walk-away price",
    "410k",
];
pub(crate) const SALESFORCE_TITLES: &[&str] = &[
    "Product demo for Edge Communications",
    "Edge Communications HQ, Austin",
    "Dreamforce booth duty",
    "Moscone Center",
    "Focus time",
];
pub(crate) const SALESFORCE_BODIES: &[&str] = &["Walk through the Q1 roadmap", "Dial-in details follow by email"];

/// What must not be stored at `detail`, and what must be.
fn expectations<'a>(
    detail: DetailLevel,
    never: &[&'a str],
    titles: &[&'a str],
    bodies: &[&'a str],
) -> (Vec<&'a str>, Vec<&'a str>) {
    let mut absent = never.to_vec();
    let mut present = Vec::new();
    for (shown, texts) in [(detail.shows_title(), titles), (detail.shows_description(), bodies)] {
        if shown { present.extend(texts) } else { absent.extend(texts) }
    }
    (absent, present)
}

fn assert_stored(stored_text: &str, expected: &[&str]) {
    let missing: Vec<&&str> =
        expected.iter().filter(|text| !stored_forms(text).iter().any(|f| stored_text.contains(f))).collect();
    assert!(missing.is_empty(), "expected to be stored: {missing:?}");
}

// ---------------------------------------------------------------------------------------------
// Tests

#[tokio::test]
async fn graph_events_store_only_what_each_level_shows() {
    for detail in DetailLevel::ALL {
        let (store, record, events) = publish("msgraph", detail, fixture(GRAPH_CALENDAR_VIEW)).await;
        assert_eq!(
            (record.event_count, record.left_out.cancelled, record.left_out.outside_range),
            (5, 1, 0),
            "{detail:?}"
        );
        let stored = memory_store_text(&store);
        let (absent, present) = expectations(detail, GRAPH_NEVER, GRAPH_TITLES, GRAPH_BODIES);
        assert_nothing_leaked(&stored, &absent);
        assert_stored(&stored, &present);
        // Private events show their busy state only, whatever the level.
        let private: Vec<&SharedEvent> = events.iter().filter(|e| e.show_as == ShowAs::Oof).collect();
        assert_eq!(private.len(), 1);
        assert_eq!(
            (private[0].title.as_ref(), private[0].location.as_ref(), private[0].description.as_ref()),
            (None, None, None)
        );
    }
}

#[tokio::test]
async fn graph_times_follow_their_zones_windows_names_included() {
    let (_, record, events) = publish("msgraph", DetailLevel::Limited, fixture(GRAPH_CALENDAR_VIEW)).await;
    let at = |s: &str| EventTime::At(s.parse().unwrap());
    let times: Vec<(EventTime, EventTime, Option<&str>)> =
        events.iter().map(|e| (e.start, e.end, e.title.as_deref())).collect();
    assert_eq!(
        times,
        [
            (at("2014-11-03T17:00:00Z"), at("2014-11-03T17:30:00Z"), Some("New Product Regulations Touchpoint")),
            // Pacific Standard Time, 13:00 on 20 November 2019
            (at("2019-11-20T21:00:00Z"), at("2019-11-20T22:00:00Z"), Some("Prep for customer meeting")),
            // W. Europe Standard Time, private
            (at("2019-11-21T08:00:00Z"), at("2019-11-21T09:30:00Z"), None),
            // India Standard Time, confidential and without a subject
            (at("2019-11-22T09:30:00Z"), at("2019-11-22T10:30:00Z"), None),
            (
                EventTime::Day("2019-11-28".parse().unwrap()),
                EventTime::Day("2019-11-29".parse().unwrap()),
                Some("Company holiday")
            ),
        ]
    );
    assert_eq!(events[4].show_as, ShowAs::Free);
    // Without a range, the share covers the events' days in its own zone.
    assert_eq!(
        (record.options.range.start.to_string(), record.options.range.end.to_string()),
        ("2014-11-03".into(), "2019-11-29".into())
    );
}

#[tokio::test]
async fn graph_bodies_at_full_are_sanitised_and_keep_ordinary_links() {
    let (_, _, events) = publish("msgraph", DetailLevel::Full, fixture(GRAPH_CALENDAR_VIEW)).await;
    let html = |index: usize| match &events[index].description {
        Some(share_core::domain::Description::SanitizedHtml(html)) => html.clone(),
        other => panic!("event {index} has {other:?}"),
    };
    let touchpoint = html(0);
    assert!(touchpoint.starts_with("New Product Regulations Strategy Online Touchpoint Meeting<div>"), "{touchpoint}");
    assert!(touchpoint.contains("<a rel=\"noopener noreferrer nofollow\">Engineering</a>"), "{touchpoint}");
    // The Teams invitation's meeting section goes whole, from the rule above it (issue 10, item 11).
    assert_eq!(html(1), "Does this time work for you?");
    assert_eq!(events[4].description, None, "an empty body is no description");
}

#[tokio::test]
async fn graph_events_posted_as_a_bare_array_store_the_same() {
    let page = fixture(GRAPH_CALENDAR_VIEW);
    let (_, _, from_page) = publish("msgraph", DetailLevel::Full, page.clone()).await;
    let (_, _, from_array) = publish("msgraph", DetailLevel::Full, page["value"].clone()).await;
    assert_eq!(from_page, from_array);
}

#[tokio::test]
async fn salesforce_events_store_only_what_each_level_shows() {
    for detail in DetailLevel::ALL {
        let (store, record, events) = publish("salesforce", detail, fixture(SALESFORCE_EVENT_QUERY)).await;
        assert_eq!((record.event_count, record.left_out.total()), (4, 0), "{detail:?}");
        let stored = memory_store_text(&store);
        let (absent, present) = expectations(detail, SALESFORCE_NEVER, SALESFORCE_TITLES, SALESFORCE_BODIES);
        assert_nothing_leaked(&stored, &absent);
        assert_stored(&stored, &present);
        let expected_titles = if detail.shows_title() {
            vec![Some("Product demo for Edge Communications"), Some("Dreamforce booth duty"), None, Some("Focus time")]
        } else {
            vec![None; 4]
        };
        assert_eq!(titles(&events), expected_titles, "{detail:?}");
    }
}

#[tokio::test]
async fn salesforce_times_and_busy_states() {
    let (_, _, events) = publish("salesforce", DetailLevel::Limited, fixture(SALESFORCE_EVENT_QUERY)).await;
    let at = |s: &str| EventTime::At(s.parse().unwrap());
    let day = |s: &str| EventTime::Day(s.parse().unwrap());
    let times: Vec<(EventTime, EventTime, ShowAs)> = events.iter().map(|e| (e.start, e.end, e.show_as)).collect();
    assert_eq!(
        times,
        [
            (at("2026-12-07T17:00:00Z"), at("2026-12-07T18:30:00Z"), ShowAs::Busy),
            // all day, 8 and 9 December: Salesforce's EndDateTime is the last day, inclusive
            (day("2026-12-08"), day("2026-12-10"), ShowAs::Oof),
            (at("2026-12-09T14:00:00Z"), at("2026-12-09T15:00:00Z"), ShowAs::Busy),
            (at("2026-12-10T20:00:00Z"), at("2026-12-10T22:00:00Z"), ShowAs::Free),
        ]
    );
}

#[tokio::test]
async fn events_outside_the_range_are_left_out_and_counted() {
    let mut body: Value =
        serde_json::from_slice(&publish_body("salesforce", DetailLevel::Limited, fixture(SALESFORCE_EVENT_QUERY)))
            .unwrap();
    body["range"] = json!({"start": "2026-12-08", "end": "2026-12-10"});
    let request = parse(&serde_json::to_vec(&body).unwrap()).unwrap();
    let store = EmbeddedStore::new();
    let published = publish_share(&store, &publisher(&caller(), &standing()), request, None, now()).await.unwrap();
    assert_eq!((published.event_count, published.left_out.outside_range), (2, 2));
    assert_nothing_leaked(&memory_store_text(&store), &["Product demo for Edge Communications", "Focus time"]);
}

fn rule_pointers(result: Result<PublishRequest, PublishRequestError>) -> Vec<String> {
    match result {
        Err(PublishRequestError::Invalid(errors)) => errors.errors().iter().map(|e| e.pointer.clone()).collect(),
        other => panic!("expected rule errors, got {other:?}"),
    }
}

#[test]
fn broken_graph_records_report_every_rule_at_once() {
    let mut page = fixture(GRAPH_CALENDAR_VIEW);
    page["value"][0]["start"]["timeZone"] = json!("Atlantis Standard Time");
    page["value"][1]["end"]["dateTime"] = json!("2019-11-20T12:00:00.0000000");
    page["value"][2]["subject"] = json!("x".repeat(501));
    page["value"][3]["sensitivity"] = json!("secret");
    page["value"][5]["start"]["dateTime"] = json!("2019-11-28T09:00:00");
    page["value"][5]["body"] = json!({"contentType": "text", "content": "y".repeat(16 * 1024 + 1)});
    let pointers = rule_pointers(parse(&publish_body("msgraph", DetailLevel::Full, page)));
    assert_eq!(
        pointers,
        [
            "/events/value/0/start/timeZone",
            "/events/value/1/end",
            "/events/value/2/subject",
            "/events/value/3/sensitivity",
            "/events/value/5/start/dateTime",
            "/events/value/5/body/content",
        ]
    );
}

#[test]
fn broken_salesforce_records_report_every_rule_at_once() {
    let mut query = fixture(SALESFORCE_EVENT_QUERY);
    query["records"][0]["StartDateTime"] = json!("2026-12-07 17:00");
    query["records"][1]["ActivityDate"] = json!("12/08/2026");
    query["records"][2]["ShowAs"] = json!("Away");
    query["records"][3]["Location"] = json!("l".repeat(501));
    let pointers = rule_pointers(parse(&publish_body("salesforce", DetailLevel::Full, query)));
    assert_eq!(
        pointers,
        [
            "/events/records/0/StartDateTime",
            "/events/records/1/ActivityDate",
            "/events/records/2/ShowAs",
            "/events/records/3/Location"
        ]
    );
}

#[test]
fn wrong_types_in_source_records_are_malformed_with_a_pointer() {
    let mut page = fixture(GRAPH_CALENDAR_VIEW);
    page["value"][2]["isCancelled"] = json!("no");
    let Err(PublishRequestError::Malformed { pointer, .. }) = parse(&publish_body("msgraph", DetailLevel::Full, page))
    else {
        panic!("expected a malformed body");
    };
    assert_eq!(pointer.as_deref(), Some("/events/value/2/isCancelled"));
    let mut query = fixture(SALESFORCE_EVENT_QUERY);
    query["records"][1]["DurationInMinutes"] = json!("two days");
    let Err(PublishRequestError::Malformed { pointer, .. }) =
        parse(&publish_body("salesforce", DetailLevel::Full, query))
    else {
        panic!("expected a malformed body");
    };
    assert_eq!(pointer.as_deref(), Some("/events/records/1/DurationInMinutes"));
}

// ---------------------------------------------------------------------------------------------
// The same through the API, on every store: after publishing both fixtures at every level, the
// whole table (DynamoDB Local scan, or the embedded store's contents) holds nothing it must not.

async fn fixtures_published_through_the_api_store_only_what_is_shown(app: crate::support::TestApp) {
    let kim = app.member("kim", "contoso");
    for detail in DetailLevel::ALL {
        for (format, text) in [("msgraph", GRAPH_CALENDAR_VIEW), ("salesforce", SALESFORCE_EVENT_QUERY)] {
            let body: Value = serde_json::from_slice(&publish_body(format, detail, fixture(text))).unwrap();
            let share = app.publish(&kim, &body).await;
            assert!(share["eventCount"].as_u64().unwrap() > 0, "{format} {detail:?}");
        }
        let stored = app.stored_text().await;
        let (graph_absent, graph_present) = expectations(detail, GRAPH_NEVER, GRAPH_TITLES, GRAPH_BODIES);
        let (sf_absent, sf_present) = expectations(detail, SALESFORCE_NEVER, SALESFORCE_TITLES, SALESFORCE_BODIES);
        assert_nothing_leaked(&stored, &graph_absent);
        assert_nothing_leaked(&stored, &sf_absent);
        assert_stored(&stored, &graph_present);
        assert_stored(&stored, &sf_present);
        for id in app.share_ids(&kim).await {
            assert_eq!(app.delete(&format!("/shares/{id}"), &kim).await.status, hyper::StatusCode::NO_CONTENT);
        }
    }
}

crate::per_store!(app: fixtures_published_through_the_api_store_only_what_is_shown);
