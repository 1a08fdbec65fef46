use super::*;

fn now() -> Timestamp {
    "2026-11-27T12:00:00Z".parse().unwrap()
}

fn parse(json: &str) -> Result<PublishRequest, PublishRequestError> {
    PublishRequest::parse(json.as_bytes(), now())
}

#[test]
fn the_contract_example_parses() {
    let request = parse(
        r##"{"title":"Support rota","visibility":"public","detail":"limited","view":"month","timeZone":"America/New_York",
            "range":{"start":"2026-12-01","end":"2027-01-01"},"expiresAt":"2027-01-31T00:00:00Z","format":"normalized",
            "events":[{"id":"a1","title":"On call: Kim","start":"2026-12-03T09:00:00-05:00","end":"2026-12-03T17:00:00-05:00",
            "location":"Desk 4","description":"Pager 555","showAs":"busy","color":"#1e88e5","resource":"Tier 1","status":"Confirmed"},
            {"title":"Holiday","start":"2026-12-25","end":"2026-12-26","allDay":true}]}"##,
    )
    .unwrap();
    assert_eq!(request.options.title, "Support rota");
    assert_eq!(request.events.len(), 2);
    assert_eq!(request.options.range.end, "2027-01-01".parse().unwrap());
}

#[test]
fn a_password_is_kept_set_or_removed_and_checked() {
    let with = |password: &str| {
        parse(&format!(
            r#"{{"title":"t","visibility":"public","detail":"full","timeZone":"UTC","events":[]{password}}}"#
        ))
    };
    assert_eq!(with("").unwrap().password, PasswordChange::Keep);
    assert_eq!(with(r#","password":null"#).unwrap().password, PasswordChange::Remove);
    assert!(matches!(with(r#","password":"long enough""#).unwrap().password, PasswordChange::Set(_)));
    for short_or_long in ["short", &"x".repeat(129)] {
        let Err(PublishRequestError::Invalid(errors)) = with(&format!(r#","password":"{short_or_long}""#)) else {
            panic!("expected a rule error")
        };
        assert_eq!(errors.errors()[0].pointer, "/password");
    }
    assert!(matches!(
        with(r#","password":12345678"#),
        Err(PublishRequestError::Malformed { pointer: Some(p), .. }) if p == "/password"
    ));
}

#[test]
fn me_and_group_bookmarks_are_refused() {
    for visibility in ["me", "group"] {
        let body =
            format!(r#"{{"title":"x","visibility":"{visibility}","detail":"full","timeZone":"UTC","events":[]}}"#);
        assert_eq!(parse(&body).unwrap_err(), PublishRequestError::NotPublic);
    }
}

#[test]
fn missing_fields_and_bad_values_are_all_reported() {
    let Err(PublishRequestError::Invalid(errors)) = parse(
        r#"{"visibility":"public","detail":"everything","timeZone":"Mars/Base","expiresAt":"2020-01-01T00:00:00Z","format":"vcard","range":{"start":"2026-12-02","end":"2026-12-01"}}"#,
    ) else {
        panic!("expected rule errors")
    };
    let pointers: Vec<&str> = errors.errors().iter().map(|e| e.pointer.as_str()).collect();
    assert_eq!(pointers, ["/title", "/detail", "/timeZone", "/format", "/expiresAt", "/range/end", "/events"]);
}

#[test]
fn an_icalendar_body_needs_a_range_to_expand_its_recurrences_within() {
    let events = r#""BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u1\r\nDTSTART:20261201T090000Z\r\nRRULE:FREQ=DAILY\r\nSUMMARY:Stand-up\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n""#;
    let body = |range: &str| {
        format!(
            r#"{{"title":"x","visibility":"public","detail":"full","timeZone":"UTC","format":"ical"{range},"events":{events}}}"#
        )
    };
    let Err(PublishRequestError::Invalid(errors)) = parse(&body("")) else { panic!("expected rule errors") };
    assert_eq!(errors.errors().iter().map(|e| e.pointer.as_str()).collect::<Vec<_>>(), ["/range"]);
    let request = parse(&body(r#","range":{"start":"2026-12-01","end":"2026-12-08"}"#)).unwrap();
    assert_eq!(request.events.len(), 7, "a daily series within a week");
}

#[test]
fn wrong_types_and_bad_json_are_malformed() {
    assert!(
        matches!(parse(r#"{"title":5}"#), Err(PublishRequestError::Malformed { pointer: Some(p), .. }) if p == "/title")
    );
    assert!(matches!(parse("{not json"), Err(PublishRequestError::Malformed { .. })));
    assert!(matches!(
        PublishRequest::parse(b"{\"title\":\"\xff\"}", now()),
        Err(PublishRequestError::Malformed { .. })
    ));
}

#[test]
fn only_white_space_may_follow_the_document() {
    let body = r#"{"title":"t","visibility":"public","detail":"full","timeZone":"UTC","events":[]}"#;
    assert!(parse(&format!(" {body}\r\n\t ")).is_ok());
    for trailing in [" junk", "{}", "}", ",", "\u{0}", "\u{a0}", "/* */"] {
        assert!(
            matches!(parse(&format!("{body}{trailing}")), Err(PublishRequestError::Malformed { pointer: None, .. })),
            "{trailing:?}"
        );
    }
}

#[test]
fn embed_origins_are_checked_each_at_its_pointer() {
    let body = |origins: &str| {
        format!(
            r#"{{"title":"t","visibility":"public","detail":"full","timeZone":"UTC","events":[],"embedOrigins":{origins}}}"#
        )
    };
    let request =
        parse(&body(r#"["https://Intranet.example.com","https://a.example:8443","https://intranet.example.com"]"#))
            .unwrap();
    let kept: Vec<&str> = request.options.embed_origins.iter().map(EmbedOrigin::as_str).collect();
    assert_eq!(kept, ["https://intranet.example.com", "https://a.example:8443"]);
    let Err(PublishRequestError::Invalid(errors)) =
        parse(&body(r#"["https://ok.example","http://no.example","https://x.example/path"]"#))
    else {
        panic!("expected rule errors")
    };
    let pointers: Vec<&str> = errors.errors().iter().map(|e| e.pointer.as_str()).collect();
    assert_eq!(pointers, ["/embedOrigins/1", "/embedOrigins/2"]);
    let eleven: Vec<String> = (0..11).map(|i| format!("\"https://s{i}.example\"")).collect();
    assert!(matches!(parse(&body(&format!("[{}]", eleven.join(",")))), Err(PublishRequestError::Invalid(_))));
    assert!(
        matches!(parse(&body("[5]")), Err(PublishRequestError::Malformed { pointer: Some(p), .. }) if p == "/embedOrigins/0")
    );
    assert!(matches!(parse(&body(r#""https://ok.example""#)), Err(PublishRequestError::Malformed { .. })));
}

#[test]
fn range_defaults_to_the_events_span_in_the_share_zone() {
    let request = parse(
        r#"{"title":"t","visibility":"public","detail":"full","timeZone":"America/New_York","events":[
            {"title":"a","start":"2026-12-03T23:00:00-05:00","end":"2026-12-04T01:00:00-05:00"},
            {"title":"b","start":"2026-12-01T02:00:00Z","end":"2026-12-01T03:00:00Z"}]}"#,
    )
    .unwrap();
    assert_eq!(request.options.range.start, "2026-11-30".parse().unwrap());
    assert_eq!(request.options.range.end, "2026-12-05".parse().unwrap());
}

#[test]
fn events_left_out_as_cancelled_do_not_widen_the_default_range() {
    let request = parse(
        r#"{"title":"t","visibility":"public","detail":"full","timeZone":"America/New_York","format":"fhir","events":[
            {"resourceType":"Appointment","status":"proposed"},
            {"resourceType":"Appointment","status":"cancelled","start":"2026-11-02T09:00:00Z","end":"2026-11-02T10:00:00Z"},
            {"resourceType":"Appointment","status":"booked","start":"2026-12-03T14:00:00Z","end":"2026-12-03T15:00:00Z"}]}"#,
    )
    .unwrap();
    assert_eq!(request.events.len(), 3, "all read; the first two are counted as left out");
    assert_eq!(request.options.range.start, "2026-12-03".parse().unwrap());
    assert_eq!(request.options.range.end, "2026-12-04".parse().unwrap());
}
