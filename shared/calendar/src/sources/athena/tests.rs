use super::super::test_support::{ReadResult, at, pointers};
use super::super::{ReadContext, reader};
use super::*;
use crate::domain::ValidationErrors;
use jiff::tz::TimeZone;
use serde_json::value::RawValue;

/// Reads `json` as the `events` of an athena body whose share is in New York, with the directory's maps.
fn read_with_maps(maps: &str, json: &str) -> ReadResult {
    let raw: Box<RawValue> = serde_json::from_str(json).unwrap();
    let mut errors = ValidationErrors::new();
    let zone = TimeZone::get("America/New_York").unwrap();
    let context = ReadContext::from_body(maps.as_bytes(), Some(zone), &mut errors).unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    (reader::read::<AthenaAppointment>(&raw, "/events", &context, &mut errors), errors)
}

fn read_ok(maps: &str, json: &str) -> Vec<SourceEvent> {
    let (events, errors) = read_with_maps(maps, json);
    assert!(errors.is_empty(), "{errors:?}");
    events.unwrap()
}

fn one_at(date: &str, time: &str, minutes: u32) -> String {
    format!(
        r#"[{{"appointmentid":"1","date":"{date}","starttime":"{time}","duration":{minutes},"appointmentstatus":"f","departmentid":"1"}}]"#
    )
}

#[test]
fn reads_a_booked_page_in_each_departments_zone_with_names() {
    let events = read_ok(
        r#"{"departmentTimeZones":{"2":"America/Los_Angeles"},"departmentNames":{"1":"Main Street Clinic"},
            "providerNames":{"71":"Dr. Lee"}}"#,
        r#"{"appointments":[
            {"appointmentid":"997681","date":"12/03/2026","starttime":"09:00","duration":30,"appointmentstatus":"f",
             "appointmenttype":"Office Visit","departmentid":"1","providerid":"71","patientid":"33285"},
            {"appointmentid":997682,"date":"12/03/2026","starttime":"09:00","duration":"15","appointmentstatus":"o",
             "appointmenttype":"Any 15","departmentid":2,"providerid":86},
            {"appointmentid":"997683","date":"12/04/2026","starttime":"13:45","duration":60,"appointmentstatus":"4",
             "departmentid":"3"}],"totalcount":3}"#,
    );
    let [booked, open, charged] = &events[..] else { panic!("three events: {events:?}") };
    assert_eq!((booked.start, booked.end), (at("2026-12-03T14:00:00Z"), at("2026-12-03T14:30:00Z")));
    assert_eq!((booked.show_as, booked.title.as_str()), (ShowAs::Busy, "Office Visit"));
    assert_eq!((booked.location.as_deref(), booked.resource.as_deref()), (Some("Main Street Clinic"), Some("Dr. Lee")));
    assert_eq!((booked.status.as_deref(), booked.source_id.as_deref()), (Some("Scheduled"), Some("997681")));
    assert_eq!(booked.description, None);
    // Department 2 is in Los Angeles; ids sent as numbers read as their text.
    assert_eq!((open.start, open.end), (at("2026-12-03T17:00:00Z"), at("2026-12-03T17:15:00Z")));
    assert_eq!((open.show_as, open.title.as_str(), open.status.as_deref()), (ShowAs::Free, "Open", Some("Open")));
    assert_eq!((open.resource.as_deref(), open.location.as_deref()), (Some("Provider 86"), None));
    assert_eq!(open.source_id.as_deref(), Some("997682"));
    // A department without a zone is in the share's; an appointment without a type or provider.
    assert_eq!((charged.start, charged.end), (at("2026-12-04T18:45:00Z"), at("2026-12-04T19:45:00Z")));
    assert_eq!((charged.title.as_str(), charged.resource.as_deref()), ("Appointment", None));
    assert_eq!(charged.status.as_deref(), Some("Charge entered"));
}

#[test]
fn statuses_map_to_names_and_cancelled_ones_are_marked() {
    let record = |status: &str| {
        format!(r#"{{"date":"12/03/2026","starttime":"09:00","duration":30,"appointmentstatus":"{status}"}}"#)
    };
    let statuses = ["f", "o", "2", "3", "4", "x"].map(record).join(",");
    let events = read_ok("{}", &format!("[{statuses}]"));
    let read: Vec<_> = events.iter().map(|e| (e.status.as_deref(), e.show_as, e.cancelled)).collect();
    assert_eq!(
        read,
        [
            (Some("Scheduled"), ShowAs::Busy, false),
            (Some("Open"), ShowAs::Free, false),
            (Some("Checked in"), ShowAs::Busy, false),
            (Some("Checked out"), ShowAs::Busy, false),
            (Some("Charge entered"), ShowAs::Busy, false),
            (None, ShowAs::Busy, true),
        ]
    );
}

#[test]
fn a_0130_appointment_on_the_fall_back_night_takes_the_first_occurrence() {
    // 1 November 2026: New York's clocks go from 02:00 EDT back to 01:00 EST, so 01:30 happens twice.
    let events = read_ok("{}", &one_at("11/01/2026", "01:30", 60));
    assert_eq!(events[0].start, at("2026-11-01T05:30:00Z"), "01:30 EDT, the first 01:30");
    assert_eq!(events[0].end, at("2026-11-01T06:30:00Z"), "sixty minutes later: 01:30 EST");
    // In a department's own zone: Europe falls back on 25 October 2026, 03:00 CEST to 02:00 CET.
    let events = read_ok(r#"{"departmentTimeZones":{"1":"Europe/Berlin"}}"#, &one_at("10/25/2026", "02:30", 30));
    assert_eq!((events[0].start, events[0].end), (at("2026-10-25T00:30:00Z"), at("2026-10-25T01:00:00Z")));
}

#[test]
fn an_appointment_in_the_spring_forward_gap_moves_forward_by_the_gap() {
    // 8 March 2026: New York's clocks go from 02:00 EST to 03:00 EDT; 02:30 does not exist.
    let events = read_ok("{}", &one_at("03/08/2026", "02:30", 30));
    assert_eq!(events[0].start, at("2026-03-08T07:30:00Z"), "03:30 EDT, an hour (the gap) later");
    assert_eq!(events[0].end, at("2026-03-08T08:00:00Z"));
    let events = read_ok(r#"{"departmentTimeZones":{"1":"Europe/Berlin"}}"#, &one_at("03/29/2026", "02:15", 15));
    assert_eq!((events[0].start, events[0].end), (at("2026-03-29T01:15:00Z"), at("2026-03-29T01:30:00Z")));
}

#[test]
fn every_broken_rule_is_reported_with_its_pointer() {
    let long = "t".repeat(crate::sources::MAX_TEXT_CHARS + 1);
    let (events, errors) = read_with_maps(
        "{}",
        &format!(
            r#"{{"appointments":[
            {{"date":"2026-12-03","starttime":"25:00","duration":-5,"appointmentstatus":"f"}},
            {{"date":"02/30/2026","starttime":"9:00","duration":1441,"appointmentstatus":"z","appointmenttype":"{long}"}},
            {{"date":"12/03/2026","starttime":"09:60","duration":"fifteen","appointmentstatus":"o"}},
            {{"date":"12/03/2026","starttime":"09:00","duration":0.5}},
            {{"appointmentstatus":"f"}},
            {{"date":"12/30/9999","starttime":"16:30","duration":60,"appointmentstatus":"f"}},
            {{"date":"12/03/2026","starttime":"09:00","duration":1440,"appointmentstatus":"x"}},
            {{"date":"12/03/2026","starttime":"09:00","duration":15,"appointmentstatus":"f","providerid":"{long_id}"}},
            {{"date":"12/03/2026","starttime":"09:00","duration":15,"appointmentstatus":"f","providerid":""}}]}}"#,
            long_id = "7".repeat(MAX_ID_CHARS + 1),
        ),
    );
    assert_eq!(events.unwrap().len(), 1, "only the cancelled one breaks no rule");
    assert_eq!(
        pointers(&errors),
        [
            "/events/appointments/0/date",
            "/events/appointments/0/starttime",
            "/events/appointments/0/duration",
            "/events/appointments/1/date",
            "/events/appointments/1/starttime",
            "/events/appointments/1/duration",
            "/events/appointments/1/appointmentstatus",
            "/events/appointments/1/appointmenttype",
            "/events/appointments/2/starttime",
            "/events/appointments/2/duration",
            "/events/appointments/3/duration",
            "/events/appointments/3/appointmentstatus",
            "/events/appointments/4/date",
            "/events/appointments/4/starttime",
            "/events/appointments/4/duration",
            "/events/appointments/5/duration",
            "/events/appointments/7/providerid",
            "/events/appointments/8/providerid",
        ]
    );
}

#[test]
fn wrong_types_are_malformed_with_a_pointer() {
    let malformed = |json: &str| read_with_maps("{}", json).0.unwrap_err();
    assert_eq!(malformed(r#"[{"date":20261203}]"#).pointer, "/events/0/date");
    assert_eq!(
        malformed(r#"{"appointments":[{"duration":{"minutes":5}}]}"#).pointer,
        "/events/appointments/0/duration"
    );
    assert_eq!(malformed(r#"[{"providerid":true}]"#).pointer, "/events/0/providerid");
    let missing = malformed(r#"{"totalcount":0}"#);
    assert!(missing.message.starts_with("missing field `appointments`"), "{}", missing.message);
    // Fields never read accept any shape: a patient is skipped, whatever it holds.
    let (events, errors) = read_with_maps(
        "{}",
        r#"[{"date":"12/03/2026","starttime":"09:00","duration":15,"appointmentstatus":"f","patient":[1,{"x":null}],"patientid":{}}]"#,
    );
    assert!(errors.is_empty() && events.unwrap().len() == 1);
}

#[test]
fn strict_dates_and_times() {
    assert_eq!(parse_date("12/03/2026").unwrap(), jiff::civil::date(2026, 12, 3));
    for wrong in ["2026-12-03", "12/3/2026", "12/03/26", "13/01/2026", "00/10/2026", "1a/03/2026", "12/03/2026 "] {
        assert!(parse_date(wrong).is_err(), "{wrong}");
    }
    assert_eq!(parse_time("00:00").unwrap(), Time::midnight());
    assert_eq!(parse_time("23:59").unwrap(), jiff::civil::time(23, 59, 0, 0));
    for wrong in ["24:00", "25:00", "9:00", "09:00:00", "09-00", "1pm", "+9:00"] {
        assert!(parse_time(wrong).is_err(), "{wrong}");
    }
}

#[test]
fn records_are_counted_in_a_page_without_reading_them() {
    let count = |json: &str| {
        let raw: Box<RawValue> = serde_json::from_str(json).unwrap();
        crate::sources::count_events(crate::sources::SourceFormat::Athena, &raw)
    };
    assert_eq!(count(r#"{"appointments":[{},{"date":5},null],"totalcount":3}"#), Some(3));
    assert_eq!(count(r#"[{}, {}]"#), Some(2));
    assert_eq!(count(r#"{"totalcount":3}"#), None);
}
