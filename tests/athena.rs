//! athenaOne appointments published through the API on every store (issue 15): busy and free, the
//! appointment type where the level shows titles, and nothing of any patient in any stored item or
//! log line, at any level; broken records refused with pointers into the body as sent.

use crate::source_formats::assert_nothing_leaked;
use crate::support::TestApp;
use hyper::{Method, StatusCode};
use serde_json::{Value, json};
use share_core::domain::{DetailLevel, EventTime};
use share_core::http::publish_request::{PublishRequest, PublishRequestError};

const APPOINTMENTS_BOOKED: &str = include_str!("fixtures/athena/appointments_booked.json");

/// Everything in the fixture that identifies or describes a patient, with the appointments' own ids
/// (kept only as a keyed digest) and the cancelled appointment's type.
pub(crate) const PATIENT_VALUES: &[&str] = &[
    "Wilhelmina",
    "Quarrington",
    "04/17/1968",
    "w.quarrington@example.net",
    "(617) 555-0142",
    "48 Thornbury Lane",
    "Somerville",
    "*****4417",
    "8812734409",
    "Follow-up: Wilhelmina",
    "Persistent migraine",
    "MRI films",
    "Lakeside Imaging",
    "Bluegate Choice",
    "BQX448812071",
    "Bartholomew",
    "Fennimore-Achebe",
    "09/02/1991",
    "(312) 555-0177",
    "bart.fa@example.org",
    "Cobblestone Court",
    "6630918254",
    "55193027761",
    "Ottoline",
    "Vasquez-Brannigan",
    "12/30/1954",
    "(773) 555-0199",
    "4409127733",
    "55193027799",
    "sertraline",
    "Portuguese interpreter",
    "Thaddeus",
    "Okonkwo-Lindqvist",
    "06/11/2003",
    "3307714452",
    "CLM-99017355",
    "Marguerite",
    "Delacroix-Nakamura",
    "02/29/1960",
    "2219908876",
    "Patient hospitalized",
    "Surgical Consult",
    "1184302",
    "1184303",
    "1184310",
    "1184320",
    "API-4411",
];
/// Appointment types and department names: stored from `limited` on.
pub(crate) const TITLES: &[&str] =
    &["Office Visit", "Physical Exam", "Telehealth Visit", "Lab Draw", "Harbor Street Clinic"];
/// Providers and statuses: stored at every level (they drive the busy display and the filters).
pub(crate) const ALWAYS: &[&str] =
    &["Dr. Lee", "Provider 86", "Scheduled", "Checked in", "Checked out", "Charge entered", "Open"];

pub(crate) fn body(detail: DetailLevel, appointments: Value) -> Value {
    json!({
        "title": "Clinic schedule", "visibility": "public", "detail": detail.as_str(), "timeZone": "America/New_York",
        "format": "athena", "events": appointments,
        "departmentTimeZones": {"1": "America/New_York", "21": "America/Chicago"},
        "departmentNames": {"1": "Harbor Street Clinic", "21": "Lakeview Annex"},
        "providerNames": {"71": "Dr. Lee"},
    })
}

pub(crate) fn fixture() -> Value {
    serde_json::from_str(APPOINTMENTS_BOOKED).expect("fixture is JSON")
}

async fn athena_appointments_store_nothing_of_the_patient(app: TestApp) {
    let logs = crate::handlers::captured_logs();
    let kim = app.member("kim", "clinic");
    for detail in DetailLevel::ALL {
        // With an Idempotency-Key, so that what a retry is matched on is scanned too.
        let key = format!("athena-{}", detail.as_str());
        let sent = body(detail, fixture());
        let created = app.send(Method::POST, "/shares", &kim, Some(&sent), &[("idempotency-key", &key)]).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
        let share = created.json();
        assert_eq!((share["eventCount"].as_u64(), share["leftOut"].as_u64()), (Some(5), Some(1)), "{detail:?}");
        let stored = app.stored_text().await;
        assert_nothing_leaked(&stored, PATIENT_VALUES);
        let (present, absent) = if detail.shows_title() { (TITLES, &[][..]) } else { (&[][..], TITLES) };
        assert_nothing_leaked(&stored, absent);
        for text in ALWAYS.iter().chain(present) {
            assert!(stored.contains(text), "{text} is stored at {detail:?}");
        }

        let id = share["id"].as_str().unwrap();
        let feed = app.get(&format!("/s/{id}/calendar.ics"), &app.anonymous()).await;
        assert_eq!(feed.status, StatusCode::OK);
        let feed = feed.text().replace("\r\n ", "");
        assert_nothing_leaked(&feed, PATIENT_VALUES);
        let summaries: Vec<&str> = feed.lines().filter_map(|l| l.strip_prefix("SUMMARY:")).collect();
        let transparency: Vec<&str> = feed.lines().filter_map(|l| l.strip_prefix("TRANSP:")).collect();
        let expected = if detail.shows_title() {
            ["Office Visit", "Physical Exam", "Open", "Telehealth Visit", "Lab Draw"]
        } else {
            ["Busy", "Busy", "Free", "Busy", "Busy"]
        };
        assert_eq!(summaries, expected, "{detail:?}");
        assert_eq!(transparency, ["OPAQUE", "OPAQUE", "TRANSPARENT", "OPAQUE", "OPAQUE"]);
        let page = app.get(&format!("/s/{id}?date=2026-12-07&view=week"), &app.anonymous()).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_nothing_leaked(&page.text(), PATIENT_VALUES);
        assert!(page.text().contains("Dr. Lee"), "the provider filter is offered");

        assert_eq!(app.delete(&format!("/shares/{id}"), &kim).await.status, StatusCode::NO_CONTENT);
    }
    let logs = logs.text();
    assert!(logs.contains(r#""route":"POST /shares""#), "the requests were logged: {logs}");
    assert_nothing_leaked(&logs, PATIENT_VALUES);
}

/// Each record breaks one rule of issue 15, item 4; a map one of the body's rules.
async fn broken_athena_records_are_refused_with_pointers_and_nothing_is_stored(app: TestApp) {
    let logs = crate::handlers::captured_logs();
    let kim = app.member("kim", "clinic");
    let mut page = fixture();
    page["appointments"][0]["date"] = json!("2026-12-07");
    page["appointments"][1]["starttime"] = json!("25:00");
    page["appointments"][2]["duration"] = json!(-15);
    page["appointments"][3]["duration"] = json!(100_000);
    page["appointments"][4]["appointmentstatus"] = json!("q");
    let mut sent = body(DetailLevel::Full, page.clone());
    sent["departmentTimeZones"]["21"] = json!("Mars/Olympus");
    let pointers = |response: &crate::support::TestResponse| -> Vec<String> {
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", response.text());
        assert_eq!(response.header("content-type"), Some("application/problem+json"));
        let errors = response.json()["errors"].as_array().expect("errors").clone();
        errors.iter().map(|e| e["pointer"].as_str().unwrap().to_owned()).collect()
    };
    let refused = app.post("/shares", &kim, &sent).await;
    assert_eq!(
        pointers(&refused),
        [
            "/departmentTimeZones/21",
            "/events/appointments/0/date",
            "/events/appointments/1/starttime",
            "/events/appointments/2/duration",
            "/events/appointments/3/duration",
            "/events/appointments/4/appointmentstatus",
        ]
    );
    let bare = app.post("/shares", &kim, &body(DetailLevel::Full, page["appointments"].clone())).await;
    assert_eq!(pointers(&bare)[0], "/events/0/date", "pointers follow the body as sent");
    let names: serde_json::Map<String, Value> =
        (0..=share_core::sources::athena::MAX_DIRECTORY_ENTRIES).map(|i| (i.to_string(), json!("Dr. X"))).collect();
    let mut many = body(DetailLevel::Full, fixture());
    many["providerNames"] = Value::Object(names);
    assert_eq!(pointers(&app.post("/shares", &kim, &many).await), ["/providerNames"]);
    let mut wrong_type = body(DetailLevel::Full, fixture());
    wrong_type["providerNames"]["71"] = json!(71);
    let malformed = app.post("/shares", &kim, &wrong_type).await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST, "{}", malformed.text());
    assert!(malformed.json()["detail"].as_str().unwrap().starts_with("/providerNames/71: "));

    assert!(app.share_ids(&kim).await.is_empty());
    assert_nothing_leaked(&app.stored_text().await, &["Office Visit", "Dr. Lee", "Harbor Street Clinic"]);
    assert_nothing_leaked(&app.stored_text().await, PATIENT_VALUES);
    assert_nothing_leaked(&logs.text(), PATIENT_VALUES);
}

/// Live updates take athena records, matched on `appointmentid`, with the same maps as a publish;
/// the changed records' patients are no more stored or logged than the published ones'.
async fn athena_changes_update_the_schedule_and_store_nothing_of_the_patient(app: TestApp) {
    let logs = crate::handlers::captured_logs();
    let kim = app.member("kim", "clinic");
    let id = app.publish(&kim, &body(DetailLevel::Limited, fixture())).await["id"].as_str().unwrap().to_owned();
    let mut appointments = fixture()["appointments"].as_array().unwrap().clone();
    appointments[0]["appointmenttype"] = json!("Annual Review");
    appointments[0]["starttime"] = json!("09:30");
    appointments[1]["appointmentstatus"] = json!("x");
    let changes = json!({
        "format": "athena", "changed": [appointments[0].clone(), appointments[1].clone()], "removed": ["1184312"],
        "departmentTimeZones": {"1": "America/New_York"}, "departmentNames": {"1": "Harbor Street Clinic"},
        "providerNames": {"71": "Dr. Lee"},
    });
    let answer = app.post("/me/changes", &kim, &changes).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(
        answer.json(),
        json!({
            "sharesUpdated": [{"id": id, "eventCount": 3}], "changedMatched": 2, "removedMatched": 1, "addedMatched": 0,
            "more": false,
        })
    );
    let feed = app.get(&format!("/s/{id}/calendar.ics"), &app.anonymous()).await.text();
    let summaries: Vec<&str> = feed.lines().filter_map(|l| l.strip_prefix("SUMMARY:")).collect();
    assert_eq!(summaries, ["Annual Review", "Open", "Telehealth Visit"]);
    assert!(feed.contains("DTSTART:20261207T143000Z"), "09:30 in New York: {feed}");
    assert_nothing_leaked(&app.stored_text().await, PATIENT_VALUES);
    assert_nothing_leaked(&logs.text(), PATIENT_VALUES);
}

crate::per_store!(
    app: athena_appointments_store_nothing_of_the_patient,
    broken_athena_records_are_refused_with_pointers_and_nothing_is_stored,
    athena_changes_update_the_schedule_and_store_nothing_of_the_patient,
);

#[test]
fn athena_times_are_local_to_each_department() {
    let now = "2026-11-27T12:00:00Z".parse().unwrap();
    let request = PublishRequest::parse(&serde_json::to_vec(&body(DetailLevel::Limited, fixture())).unwrap(), now)
        .expect("the fixture parses");
    let at = |s: &str| EventTime::At(s.parse().unwrap());
    let times: Vec<_> = request.events.iter().map(|e| (e.start, e.end)).collect();
    assert_eq!(
        times,
        [
            (at("2026-12-07T14:00:00Z"), at("2026-12-07T14:30:00Z")),
            (at("2026-12-07T15:15:00Z"), at("2026-12-07T16:00:00Z")),
            // department 21 is in Chicago
            (at("2026-12-07T20:00:00Z"), at("2026-12-07T20:15:00Z")),
            (at("2026-12-08T14:40:00Z"), at("2026-12-08T15:00:00Z")),
            (at("2026-12-09T12:30:00Z"), at("2026-12-09T12:40:00Z")),
            (at("2026-12-09T16:00:00Z"), at("2026-12-09T17:00:00Z")),
        ]
    );
    assert_eq!(request.options.range.start.to_string(), "2026-12-07");
    assert_eq!(request.options.range.end.to_string(), "2026-12-10");
}

#[test]
fn athena_maps_are_validated_for_any_body() {
    let now = "2026-11-27T12:00:00Z".parse().unwrap();
    let mut sent = body(DetailLevel::Limited, fixture());
    sent["departmentNames"]["1"] = json!("n".repeat(501));
    sent["departmentTimeZones"]["1"] = json!("Eastern Standard Time");
    let Err(PublishRequestError::Invalid(errors)) = PublishRequest::parse(&serde_json::to_vec(&sent).unwrap(), now)
    else {
        panic!("expected rule errors");
    };
    let pointers: Vec<&str> = errors.errors().iter().map(|e| e.pointer.as_str()).collect();
    assert_eq!(pointers, ["/departmentTimeZones/1", "/departmentNames/1"]);
}
