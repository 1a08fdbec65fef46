use super::super::test_support::{ReadResult, at, pointers};
use super::*;
use crate::domain::ShowAs;

/// Reads `json` as the `events` of a `fhir` publish body, through the Bundle check.
fn read_fhir(json: &str) -> ReadResult {
    let raw: Box<RawValue> = serde_json::from_str(json).unwrap();
    let mut errors = ValidationErrors::new();
    (crate::sources::reader::read::<FhirResource>(&raw, "/events", &ReadContext::default(), &mut errors), errors)
}

fn read_fhir_ok(json: &str) -> Vec<SourceEvent> {
    let (events, errors) = read_fhir(json);
    assert!(errors.is_empty(), "{errors:?}");
    events.unwrap()
}

/// HL7's own R4 `appointment-example`, its patient renamed, in a searchset with the resources a
/// search `_include`s (an Encounter's `serviceType` is one concept, not a list).
const HL7_EXAMPLE_SEARCHSET: &str = r#"{"resourceType":"Bundle","type":"searchset","total":1,"entry":[
    {"fullUrl":"https://fhir.example.org/Appointment/example","search":{"mode":"match"},"resource":{
      "resourceType":"Appointment","id":"example","status":"booked",
      "serviceCategory":[{"coding":[{"system":"http://example.org/service-category","code":"gp","display":"General Practice"}]}],
      "serviceType":[{"coding":[{"code":"52","display":"General Discussion"}]}],
      "appointmentType":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0276","code":"FOLLOWUP","display":"A follow up visit from a previous appointment"}]},
      "reasonReference":[{"reference":"Condition/example","display":"Severe burn of left ear"}],
      "description":"Discussion on the results of your recent MRI","start":"2013-12-10T09:00:00Z","end":"2013-12-10T11:00:00Z",
      "comment":"Further expand on the results of the MRI","patientInstruction":"Bring your scans",
      "participant":[
        {"actor":{"reference":"Patient/example","display":"Wilhelmina Quist"},"required":"required","status":"accepted"},
        {"actor":{"reference":"Practitioner/example","display":"Dr Adam Careful"},"required":"required","status":"accepted"},
        {"actor":{"reference":"Location/1","display":"South Wing, second floor"},"required":"required","status":"accepted"}]}},
    {"search":{"mode":"include"},"resource":{"resourceType":"Patient","id":"example","name":[{"family":"Quist","given":["Wilhelmina"]}]}},
    {"search":{"mode":"include"},"resource":{"resourceType":"Encounter","id":"e1","status":"finished","serviceType":{"text":"Burns"},
      "participant":[{"individual":{"reference":"Practitioner/example"}}]}}]}"#;

fn appointment(fields: &str) -> String {
    format!(r#"{{"resourceType":"Appointment",{fields}}}"#)
}

const TIMES: &str = r#""start":"2026-12-03T09:00:00-05:00","end":"2026-12-03T09:30:00-05:00""#;

#[test]
fn reads_the_hl7_example_from_a_searchset_skipping_other_resources() {
    let events = read_fhir_ok(HL7_EXAMPLE_SEARCHSET);
    assert_eq!(events.len(), 1, "the Patient and the Encounter are not appointments");
    let event = &events[0];
    assert_eq!((event.start, event.end), (at("2013-12-10T09:00:00Z"), at("2013-12-10T11:00:00Z")));
    assert_eq!(event.title, "General Discussion");
    assert_eq!(event.resource.as_deref(), Some("Dr Adam Careful"));
    assert_eq!(event.location.as_deref(), Some("South Wing, second floor"));
    assert_eq!((event.show_as, event.cancelled, event.description.as_ref()), (ShowAs::Busy, false, None));
    assert_eq!(event.source_id.as_deref(), Some("example"));
    assert_eq!((event.status.as_ref(), event.private), (None, false));
}

#[test]
fn each_status_is_busy_tentative_or_left_out() {
    let statuses = [
        ("booked", ShowAs::Busy, false),
        ("arrived", ShowAs::Busy, false),
        ("fulfilled", ShowAs::Busy, false),
        ("checked-in", ShowAs::Busy, false),
        ("proposed", ShowAs::Tentative, false),
        ("pending", ShowAs::Tentative, false),
        ("waitlist", ShowAs::Tentative, false),
        ("cancelled", ShowAs::Busy, true),
        ("noshow", ShowAs::Busy, true),
        ("entered-in-error", ShowAs::Busy, true),
    ];
    let records: Vec<String> =
        statuses.iter().map(|(status, ..)| appointment(&format!(r#""status":"{status}",{TIMES}"#))).collect();
    let events = read_fhir_ok(&format!("[{}]", records.join(",")));
    let read: Vec<_> = events.iter().map(|e| (e.show_as, e.cancelled)).collect();
    let expected: Vec<_> = statuses.iter().map(|(_, show_as, cancelled)| (*show_as, *cancelled)).collect();
    assert_eq!(read, expected);
}

#[test]
fn unscheduled_appointments_without_a_start_are_left_out_others_refused() {
    let (events, errors) = read_fhir(&format!(
        "[{},{},{}]",
        appointment(r#""id":"p1","status":"proposed","minutesDuration":15"#),
        appointment(r#""status":"waitlist""#),
        appointment(r#""status":"booked","minutesDuration":15"#),
    ));
    assert_eq!(pointers(&errors), ["/events/2/start"]);
    let events = events.unwrap();
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(|e| e.cancelled), "counted as left out");
    assert_eq!(events[0].source_id.as_deref(), Some("p1"));
}

#[test]
fn the_end_may_come_from_minutes_duration_and_an_end_wins() {
    let events = read_fhir_ok(&format!(
        "[{},{}]",
        appointment(r#""status":"booked","start":"2026-12-03T09:00:00.000+01:00","minutesDuration":45"#),
        appointment(&format!(r#""status":"booked",{TIMES},"minutesDuration":15"#)),
    ));
    assert_eq!((events[0].start, events[0].end), (at("2026-12-03T08:00:00Z"), at("2026-12-03T08:45:00Z")));
    assert_eq!(events[1].end, at("2026-12-03T14:30:00Z"));
}

#[test]
fn the_title_is_the_service_type_else_the_appointment_type_else_appointment() {
    let records = [
        r#""serviceType":[{"text":"Immunization","coding":[{"display":"Vaccination"}]},{"text":"Second"}],"appointmentType":{"text":"Routine"}"#,
        r#""serviceType":[{"coding":[{"code":"x"},{"display":"Physiotherapy"}]}]"#,
        r#""serviceType":[{"coding":[{"code":"57"}]}],"appointmentType":{"coding":[{"display":"Walk in"}]}"#,
        r#""appointmentType":{"text":"  ","coding":[]}"#,
        r#""serviceType":[]"#,
    ];
    let records: Vec<String> =
        records.iter().map(|r| appointment(&format!(r#""status":"booked",{TIMES},{r}"#))).collect();
    let events = read_fhir_ok(&format!("[{}]", records.join(",")));
    let titles: Vec<&str> = events.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(titles, ["Immunization", "Physiotherapy", "Walk in", "Appointment", "Appointment"]);
}

#[test]
fn only_practitioners_and_locations_are_read_from_the_participants() {
    let events = read_fhir_ok(&format!(
        "[{},{}]",
        appointment(&format!(
            r##""status":"booked",{TIMES},"participant":[
                {{"actor":{{"reference":"Patient/p7","display":"Wilhelmina Quist"}}}},
                {{"actor":{{"reference":"RelatedPerson/r1","display":"Otto Quist"}}}},
                {{"actor":{{"reference":"#contained-1","display":"Contained Someone"}}}},
                {{"actor":{{"reference":"urn:uuid:0b6e1c9a","display":"Bundled Someone"}}}},
                {{"type":[{{"text":"attender"}}]}},
                {{"actor":{{"reference":"https://fhir.example.org/r4/PractitionerRole/9/_history/2","display":"Dr. Lee (Cardiology)"}}}},
                {{"actor":{{"reference":"Practitioner/2","display":"Dr. Second"}}}},
                {{"actor":{{"type":"Location","display":"Room 4"}}}},
                {{"actor":{{"reference":"Location/5","display":"Room 5"}}}}]"##
        )),
        appointment(&format!(
            r#""status":"booked",{TIMES},"participant":[{{"actor":{{"reference":"Patient/p7","display":"Wilhelmina Quist"}}}},
                {{"actor":{{"type":"http://hl7.org/fhir/StructureDefinition/Practitioner","display":"Dr. Typed"}}}},
                {{"actor":{{"reference":"Location/5"}}}}]"#
        )),
    ));
    // A patient typed as a practitioner publishes nothing of the patient.
    let typed_patient = read_fhir_ok(&format!(
        "[{}]",
        appointment(&format!(
            r#""status":"booked",{TIMES},"participant":[
                {{"actor":{{"reference":"Patient/p1","type":"Practitioner","display":"Wilhelmina Quist"}}}},
                {{"actor":{{"reference":"Practitioner/3","display":"Dr. Real"}}}}]"#
        )),
    ));
    assert_eq!(typed_patient[0].resource.as_deref(), Some("Dr. Real"));
    assert_eq!(events[0].resource.as_deref(), Some("Dr. Lee (Cardiology)"));
    assert_eq!(events[0].location.as_deref(), Some("Room 4"));
    assert_eq!(events[1].resource.as_deref(), Some("Dr. Typed"));
    assert_eq!(events[1].location, None, "a Location without a display names nothing");
}

#[test]
fn every_broken_rule_is_reported_with_its_pointer_into_the_bundle() {
    let long = "x".repeat(super::super::MAX_TEXT_CHARS + 1);
    let entries = [
        appointment(r#""status":"booked","start":"2026-12-03","end":"2026-12-03T25:00:00Z""#),
        appointment(r#""status":"booked","start":"2026-12-03T09:00:00Z","minutesDuration":-5"#),
        appointment(r#""status":"booked","start":"2026-12-03T09:00:00Z","minutesDuration":100000"#),
        appointment(r#""status":"booked","start":"2026-12-03T09:00:00Z","minutesDuration":1.5"#),
        appointment(r#""status":"busy","start":"2026-12-03T09:00:00Z","end":"2026-12-03T10:00:00Z""#),
        appointment(r#""start":"2026-12-03T09:00:00Z","end":"2026-12-03T10:00:00Z""#),
        appointment(r#""status":"booked","start":"2026-12-03T09:00:00Z","end":"2026-12-03T08:00:00Z""#),
        appointment(r#""status":"arrived","start":"2026-12-03T09:00:00Z""#),
        appointment(&format!(
            r#""status":"booked",{TIMES},"serviceType":[{{"text":"{long}"}}],"participant":[{{"actor":{{"reference":"Location/1","display":"{long}"}}}}]"#
        )),
    ];
    let entries: Vec<String> = entries.iter().map(|e| format!(r#"{{"resource":{e}}}"#)).collect();
    let (events, errors) =
        read_fhir(&format!(r#"{{"resourceType":"Bundle","type":"searchset","entry":[{}]}}"#, entries.join(",")));
    assert!(events.unwrap().is_empty());
    assert_eq!(
        pointers(&errors),
        [
            "/events/entry/0/resource/start",
            "/events/entry/0/resource/end",
            "/events/entry/1/resource/minutesDuration",
            "/events/entry/2/resource/minutesDuration",
            "/events/entry/3/resource/minutesDuration",
            "/events/entry/4/resource/status",
            "/events/entry/5/resource/status",
            "/events/entry/6/resource/end",
            "/events/entry/7/resource/end",
            "/events/entry/8/resource/serviceType/0/text",
            "/events/entry/8/resource/participant/0/actor/display",
        ]
    );
}

#[test]
fn only_a_searchset_bundle_is_read() {
    for kind in ["transaction", "batch", "history", "collection", "document"] {
        let (events, errors) = read_fhir(&format!(
            r#"{{"resourceType":"Bundle","type":"{kind}","entry":[{{"resource":{}}}]}}"#,
            appointment(&format!(r#""status":"booked",{TIMES}"#))
        ));
        assert_eq!((events.unwrap().len(), pointers(&errors)), (0, vec!["/events/type"]), "{kind}");
    }
    let (_, errors) = read_fhir(r#"{"resourceType":"Bundle","entry":[]}"#);
    assert_eq!(pointers(&errors), ["/events/type"]);
    let (_, errors) = read_fhir(&appointment(&format!(r#""status":"booked",{TIMES}"#)));
    assert_eq!(pointers(&errors), ["/events/resourceType", "/events/type"], "one Appointment is not a Bundle");
    let empty = read_fhir_ok(r#"{"resourceType":"Bundle","type":"searchset","total":0}"#);
    assert!(empty.is_empty(), "a search that found nothing has no entry");
}

#[test]
fn wrong_types_are_malformed_with_a_pointer_into_the_body() {
    let (result, _) = read_fhir(r#"{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"start":5}}]}"#);
    assert_eq!(result.unwrap_err().pointer, "/events/entry/0/resource/start");
    let (result, _) = read_fhir(r#"[{"status":"booked","minutesDuration":"15"}]"#);
    assert_eq!(result.unwrap_err().pointer, "/events/0/minutesDuration");
    let (result, _) = read_fhir(r#"{"resourceType":"Bundle","type":7}"#);
    assert_eq!(result.unwrap_err().pointer, "/events/type");
}

#[test]
fn the_reference_decides_what_an_actor_is_and_a_type_that_disagrees_drops_it() {
    let kind = |reference: Option<&str>, kind: Option<&str>| {
        let actor = Reference { reference: reference.map(Into::into), kind: kind.map(Into::into), display: None };
        actor_type(&actor).map(str::to_owned)
    };
    assert_eq!(kind(Some("Practitioner/1"), None).as_deref(), Some("Practitioner"));
    assert_eq!(kind(Some("https://x.org/fhir/Location/1/_history/3"), None).as_deref(), Some("Location"));
    assert_eq!(kind(Some("Location/1"), Some("Patient")), None, "they disagree");
    assert_eq!(kind(Some("Patient/p1"), Some("Practitioner")), None, "they disagree");
    assert_eq!(kind(Some("Practitioner/1"), Some("Practitioner")).as_deref(), Some("Practitioner"));
    assert_eq!(kind(None, Some("http://hl7.org/fhir/StructureDefinition/Location")).as_deref(), Some("Location"));
    assert_eq!(kind(Some("#p1"), Some("Practitioner")), None, "a contained reference's type is not known");
    assert_eq!(kind(Some("#p1"), None), None);
    assert_eq!(kind(Some("urn:uuid:1234"), None), None);
    assert_eq!(kind(Some("Practitioner"), None), None);
    assert_eq!(kind(None, None), None);
}

#[test]
fn a_duration_past_the_last_instant_there_is_is_refused() {
    let (events, errors) = read_fhir(&format!(
        "[{}]",
        appointment(r#""status":"booked","start":"9999-12-30T21:00:00Z","minutesDuration":1440"#)
    ));
    assert!(events.unwrap().is_empty());
    assert_eq!(pointers(&errors), ["/events/0/minutesDuration"]);
}

#[test]
fn the_first_practitioner_is_the_resource_even_without_a_name_and_a_proposal_with_only_an_end_is_left_out() {
    let events = read_fhir_ok(&format!(
        "[{},{}]",
        appointment(&format!(
            r#""status":"booked",{TIMES},"participant":[{{"actor":{{"reference":"Practitioner/1"}}}},
                {{"actor":{{"reference":"Practitioner/2","display":"Dr. Later"}}}}]"#
        )),
        appointment(r#""status":"pending","end":"2026-12-03T09:30:00Z""#),
    ));
    assert_eq!(events[0].resource, None);
    assert!(events[1].cancelled, "without a start, left out and counted");
}
