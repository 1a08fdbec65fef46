//! FHIR R4 Appointments (a searchset Bundle written from HL7's own Appointment examples, with made-up
//! patients, and the same resources as a bare array) published at every detail level on each store:
//! recipients see busy and tentative time blocks, titles from the level on that shows them, and no
//! stored item, page, feed or log line holds anything that identifies or describes a patient.

use crate::source_formats::assert_nothing_leaked;
use crate::support::TestApp;
use serde_json::{Value, json};

pub(crate) const SEARCHSET: &str = include_str!("fixtures/fhir/appointment_searchset.json");

/// Every value of the fixture that identifies or describes a patient, and the appointments' own ids
/// (kept only as digests): never stored, served or logged, at any level.
pub(crate) const PATIENT_VALUES: &[&str] = &[
    // patients and related persons, as participants, contained and included
    "Henrietta",
    "Vole-Marchetti",
    "Bartholomew",
    "Quince",
    "Cornelius",
    "Fenwick-Ash",
    "Dorothea Plimsoll",
    "Ezekiel",
    "Thornbury",
    "Fenella",
    "Ashdown",
    "Gideon Marchbanks",
    "Honoria",
    "Blackwood",
    "pat-4471",
    "pat-2208",
    "rp-2208-1",
    "pat-6650",
    "pat-9912",
    "pat-3017",
    "pat-7781",
    "pat-5123",
    "MRN-5550142",
    "1958-03-14",
    "1991-07-22",
    "+1 555 014 2277",
    "+1 555 019 8834",
    "+44 20 7946 0813",
    "henrietta.vole@example.net",
    "Larkspur Lane",
    "Brambleton",
    // reasons, notes, instructions, supporting information, encounters, insurance
    "Severe burn of left ear",
    "cond-5521",
    "Discussion on the results",
    "MRI results discussion",
    "Further expand on the results of the MRI",
    "Dr. Okonkwo-Vale",
    "sr-myringotomy-5521",
    "dr-mri-90417",
    "MRI head 2026-11-30",
    "right arm X-Ray",
    "Clarify the results of the MRI",
    "ultrasound-3318",
    "Abdominal ultrasound",
    "recurring chest pain",
    "dialysis",
    "REQ-2026-00781",
    "NFC-APT-771203",
    "Sprained ankle",
    "hospitalised with pneumonia",
    "loose clothing",
    "knee brace",
    "enc-771204",
    "Burns follow-up",
    "ZXC-440-1187-02",
    "Bluewater Mutual Health",
    // what the left-out appointments would have shown
    "Oncology review",
    "Dermatology consult",
    // the appointments' source ids
    "apt-1001",
    "apt-1002",
    "apt-1003",
    "apt-1004",
    "apt-1005",
    "apt-1006",
    "apt-1007",
    "apt-1008",
];

/// Titles of the five appointments held, by start; the last has no type.
pub(crate) const TITLES: [&str; 5] = ["General Discussion", "Discussion", "Walk in", "Physiotherapy", "Appointment"];
pub(crate) const LOCATIONS: [&str; 2] = ["South Wing, second floor", "Cardiology clinic, room 3"];
pub(crate) const RESOURCES: [&str; 3] = ["Dr Adam Careful", "Dr. Luigi Maas (Cardiology)", "Physiotherapist on duty"];

pub(crate) fn publish_body(detail: &str, events: Value) -> Value {
    json!({
        "title": "Northfield clinic", "visibility": "public", "detail": detail, "view": "month",
        "timeZone": "America/New_York", "range": {"start": "2026-12-01", "end": "2027-01-01"},
        "format": "fhir", "events": events,
    })
}

/// The Bundle's resources (Patients, Encounters, … included) as a bare array.
fn bare_array(bundle: &Value) -> Value {
    bundle["entry"].as_array().unwrap().iter().map(|entry| entry["resource"].clone()).collect()
}

fn lines_with<'a>(feed: &'a str, prefix: &str) -> Vec<&'a str> {
    feed.lines().filter_map(|line| line.strip_prefix(prefix)).collect()
}

async fn fhir_appointments_publish_busy_and_tentative_never_the_patient(app: TestApp) {
    let logs = crate::handlers::captured_logs();
    let scheduler = app.member("clinic-scheduler", "northfield");
    let bundle: Value = serde_json::from_str(SEARCHSET).unwrap();
    for (shape, events) in [("bundle", bundle.clone()), ("array", bare_array(&bundle))] {
        for detail in ["availability", "limited", "full"] {
            let share = app.publish(&scheduler, &publish_body(detail, events.clone())).await;
            let context = format!("{shape} at {detail}");
            assert_eq!((&share["eventCount"], &share["leftOut"]), (&json!(5), &json!(3)), "{context}");
            let id = share["id"].as_str().unwrap();
            let feed = app.get(&format!("/s/{id}/calendar.ics"), &app.anonymous()).await;
            assert_eq!(feed.status, 200, "{context}");
            let feed = feed.text();
            let busy = lines_with(&feed, "X-MICROSOFT-CDO-BUSYSTATUS:");
            assert_eq!(busy, ["BUSY", "BUSY", "BUSY", "TENTATIVE", "BUSY"], "{context}");
            assert_eq!(lines_with(&feed, "TRANSP:"), ["OPAQUE"; 5], "{context}");
            let summaries = lines_with(&feed, "SUMMARY:");
            let locations = lines_with(&feed, "LOCATION:");
            if detail == "availability" {
                assert_eq!(summaries, ["Busy", "Busy", "Busy", "Tentative", "Busy"], "{context}");
                assert!(locations.is_empty(), "{context}");
            } else {
                assert_eq!(summaries, TITLES, "{context}");
                let feed_locations = [LOCATIONS[0], LOCATIONS[1], LOCATIONS[1], LOCATIONS[0]];
                assert_eq!(locations.iter().map(|l| l.replace('\\', "")).collect::<Vec<_>>(), feed_locations);
            }
            assert!(!feed.contains("DESCRIPTION"), "{context}: appointments have no description");
            let page = app.get(&format!("/s/{id}"), &app.anonymous()).await;
            assert_eq!(page.status, 200, "{context}");
            let page = page.text();
            for resource in RESOURCES {
                assert!(page.contains(resource), "{context}: the page offers {resource:?} as a filter");
            }
            for served in [&feed, &page] {
                let shown: Vec<&&str> = PATIENT_VALUES.iter().filter(|value| served.contains(**value)).collect();
                assert!(shown.is_empty(), "{context}: served {shown:?}");
            }
        }
    }
    let stored = app.stored_text().await;
    for held in TITLES.iter().chain(&LOCATIONS).chain(&RESOURCES) {
        assert!(stored.contains(held), "the scan reads event text: {held:?} is stored at limited and full");
    }
    assert_nothing_leaked(&stored, PATIENT_VALUES);
    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let leaked: Vec<&&str> = PATIENT_VALUES.iter().filter(|value| logged.contains(**value)).collect();
    assert!(leaked.is_empty(), "logged: {leaked:?}");
}

async fn fhir_bad_input_is_refused_with_pointers_into_the_body_and_nothing_stored(app: TestApp) {
    let scheduler = app.member("clinic-scheduler", "northfield");
    let before = app.stored_text().await;
    let patient = json!({"reference": "Patient/pat-8080", "display": "Ignatius Pemberton-Hale"});
    let appointment = |fields: Value| {
        let mut resource = json!({"resourceType": "Appointment", "id": "apt-2001", "status": "booked",
            "start": "2026-12-03T09:00:00-05:00", "end": "2026-12-03T09:30:00-05:00",
            "comment": "Ignatius prefers mornings", "participant": [{"actor": patient}]});
        resource.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
        resource.as_object_mut().unwrap().retain(|_, value| !value.is_null());
        resource
    };
    let searchset = |kind: &str, resources: Vec<Value>| {
        let entry: Vec<Value> = resources.into_iter().map(|resource| json!({"resource": resource})).collect();
        json!({"resourceType": "Bundle", "type": kind, "total": entry.len(), "entry": entry})
    };
    let cases = [
        (searchset("transaction", vec![appointment(json!({}))]), vec!["/events/type"]),
        (searchset("history", vec![appointment(json!({}))]), vec!["/events/type"]),
        (
            searchset("searchset", vec![appointment(json!({})), appointment(json!({"start": null}))]),
            vec!["/events/entry/1/resource/start"],
        ),
        (json!([appointment(json!({"start": "2026-12-03"}))]), vec!["/events/0/start"]),
        (json!([appointment(json!({"end": "2026-12-03T25:00:00-05:00"}))]), vec!["/events/0/end"]),
        (json!([appointment(json!({"end": null, "minutesDuration": -30}))]), vec!["/events/0/minutesDuration"]),
        (json!([appointment(json!({"end": null, "minutesDuration": 525_600}))]), vec!["/events/0/minutesDuration"]),
        (json!([appointment(json!({"status": "confirmed"}))]), vec!["/events/0/status"]),
        (json!([appointment(json!({"status": "arrived", "end": "2026-12-03T08:00:00-05:00"}))]), vec!["/events/0/end"]),
    ];
    for (events, pointers) in cases {
        let response = app.post("/shares", &scheduler, &publish_body("limited", events.clone())).await;
        assert_eq!(response.status, 422, "{events}: {}", response.text());
        assert_eq!(response.header("content-type"), Some("application/problem+json"));
        let errors = response.json()["errors"].as_array().unwrap().clone();
        let found: Vec<&str> = errors.iter().map(|e| e["pointer"].as_str().unwrap()).collect();
        assert_eq!(found, pointers, "{events}");
        assert!(!response.text().contains("Ignatius") && !response.text().contains("pat-8080"));
    }
    let wrong_type =
        app.post("/shares", &scheduler, &publish_body("limited", json!([appointment(json!({"start": 5}))]))).await;
    assert_eq!(wrong_type.status, 400, "{}", wrong_type.text());
    assert!(app.share_ids(&scheduler).await.is_empty());
    assert_eq!(app.stored_text().await, before, "nothing stored");
}

/// Live updates take FHIR Appointments (a Bundle too), matched on `id`: a booked visit cancelled
/// leaves, a pending one booked turns busy; nothing of the patients in the changed resources is stored.
async fn fhir_changes_update_the_schedule_and_store_nothing_of_the_patient(app: TestApp) {
    let scheduler = app.member("clinic-scheduler", "northfield");
    let bundle: Value = serde_json::from_str(SEARCHSET).unwrap();
    let id = app.publish(&scheduler, &publish_body("limited", bundle.clone())).await["id"].as_str().unwrap().to_owned();
    let mut changed = bundle.clone();
    for entry in changed["entry"].as_array_mut().unwrap() {
        let resource = &mut entry["resource"];
        match resource["id"].as_str() {
            Some("apt-1001") => resource["status"] = json!("cancelled"),
            Some("apt-1006") => resource["status"] = json!("booked"),
            _ => {}
        }
    }
    let changes = json!({"format": "fhir", "changed": changed, "removed": ["apt-1002"]});
    let answer = app.post("/me/changes", &scheduler, &changes).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let answer = answer.json();
    assert_eq!(answer["sharesUpdated"], json!([{"id": id, "eventCount": 3}]), "{answer}");
    assert_eq!(answer["removedMatched"], 1);
    let feed = app.get(&format!("/s/{id}/calendar.ics"), &app.anonymous()).await.text();
    assert_eq!(lines_with(&feed, "X-MICROSOFT-CDO-BUSYSTATUS:"), ["BUSY", "BUSY", "BUSY"], "{feed}");
    let share = app.get(&format!("/shares/{id}"), &scheduler).await.json();
    assert_eq!(share["leftOut"], 4, "the cancelled visit is counted: {share}");
    assert_nothing_leaked(&app.stored_text().await, PATIENT_VALUES);
}

crate::per_store!(
    app: fhir_appointments_publish_busy_and_tentative_never_the_patient,
    fhir_bad_input_is_refused_with_pointers_into_the_body_and_nothing_stored,
    fhir_changes_update_the_schedule_and_store_nothing_of_the_patient,
);
