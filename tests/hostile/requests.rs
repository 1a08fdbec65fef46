//! Hostile requests: malformed headers, bodies, tokens and roles, as the outside security test sent
//! them, each answered within the contract (a clear problem+json, nothing changed), on every store.

mod api_gateway;
mod headers;
mod tokens;

use crate::per_store;
use crate::support::{TestApp, share_body};
use hyper::{Method, StatusCode};
use serde_json::{Value, json};

fn problem_pointers(problem: &Value) -> Vec<&str> {
    problem["errors"].as_array().expect("errors").iter().map(|e| e["pointer"].as_str().expect("pointer")).collect()
}

/// A publish body whose `events` are `count` empty objects: three broken rules each.
fn empty_events_body(count: usize) -> Vec<u8> {
    let head = br#"{"title":"Flood","visibility":"public","detail":"full","timeZone":"UTC","events":["#;
    let mut body = head.to_vec();
    body.reserve(count * 3 + 2);
    for i in 0..count {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(b"{}");
    }
    body.extend_from_slice(b"]}");
    body
}

async fn too_many_events_are_refused_at_events_without_reading_each(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let body = empty_events_body(200_000);
    let response = app.send_raw(Method::POST, "/shares", &kim, body, &[]).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(response.header("content-type"), Some("application/problem+json"));
    let problem = response.json();
    assert_eq!(problem_pointers(&problem).len(), 1, "one error, none per event");
    assert_eq!(problem_pointers(&problem), ["/events"]);
    assert!(problem.get("errorsTruncated").is_none());
    assert!(response.body.len() < 2_000, "{} bytes", response.body.len());
    assert!(app.share_ids(&kim).await.is_empty());
}

async fn error_lists_stop_at_100_and_say_more_were_found(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let response = app.send_raw(Method::POST, "/shares", &kim, empty_events_body(10_000), &[]).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let problem = response.json();
    let pointers = problem_pointers(&problem);
    assert_eq!(pointers.len(), 100);
    assert_eq!(pointers[..3], ["/events/0/title", "/events/0/start", "/events/0/end"], "the first ones found");
    assert_eq!(problem["errorsTruncated"], true);
    assert!(problem["detail"].as_str().unwrap().contains("30000"), "{}", problem["detail"]);
    assert!(response.body.len() < 16_000, "{} bytes", response.body.len());

    let few = app.send_raw(Method::POST, "/shares", &kim, empty_events_body(1), &[]).await.json();
    assert_eq!(problem_pointers(&few).len(), 3);
    assert!(few.get("errorsTruncated").is_none(), "{few}");
    assert!(app.share_ids(&kim).await.is_empty());
}

async fn anything_after_the_json_document_is_refused(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let admin = app.role_admin("ria", "contoso");
    let body = share_body("Trailing", 1).to_string();
    for trailing in [" junk", "}", "{}", " 1", ",", "\0", "\u{a0}"] {
        let response = app.send_raw(Method::POST, "/shares", &kim, format!("{body}{trailing}").into_bytes(), &[]).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{trailing:?}: {}", response.text());
        assert_eq!(response.header("content-type"), Some("application/problem+json"));
    }
    assert!(app.share_ids(&kim).await.is_empty(), "nothing published");
    let spaced = app.send_raw(Method::POST, "/shares", &kim, format!("\r\n{body} \t\r\n").into_bytes(), &[]).await;
    assert_eq!(spaced.status, StatusCode::CREATED, "white space around the document is fine");

    let before = app.get("/settings", &admin).await.json();
    let two = br#"{"sharing":"nobody"}{"sharing":"everyone"}"#.to_vec();
    let response = app.send_raw(Method::PUT, "/settings", &admin, two, &[]).await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST, "{}", response.text());
    let junk = br#"{"email":"kim@example.com","canShare":false,"admin":true} x"#.to_vec();
    assert_eq!(app.send_raw(Method::PUT, "/settings/users/kim", &admin, junk, &[]).await.status, 400);
    assert_eq!(app.get("/settings", &admin).await.json(), before, "no setting applied");
    assert!(app.get("/settings/users", &admin).await.json()["users"].as_array().unwrap().is_empty());
}

async fn rotate_applies_the_groups_current_caps(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let admin = app.role_admin("ria", "contoso");
    let mut body = share_body("Uncapped", 2);
    body["detail"] = json!("full");
    let id = app.publish(&kim, &body).await["id"].as_str().unwrap().to_owned();
    app.set_policy(&admin, json!({"sharing": "everyone", "maxExpiryDays": 30, "allowedDetail": ["limited"]})).await;

    let rotated = app.send(Method::POST, &format!("/shares/{id}/rotate"), &kim, None, &[]).await;
    assert_eq!(rotated.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", rotated.text());
    assert_eq!(rotated.header("content-type"), Some("application/problem+json"));
    assert_eq!(problem_pointers(&rotated.json()), ["/detail", "/expiresAt"]);
    assert_eq!(app.share_ids(&kim).await, vec![id.clone()], "the share keeps its id");
    assert_eq!(
        app.get(&format!("/s/{id}"), &app.anonymous()).await.status,
        StatusCode::OK,
        "the old link still serves"
    );

    // Within the caps, a rotate goes through.
    body["detail"] = json!("limited");
    body["expiresAt"] = json!((jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * 7)).to_string());
    assert_eq!(app.put(&format!("/shares/{id}"), &kim, &body).await.status, StatusCode::OK);
    let rotated = app.send(Method::POST, &format!("/shares/{id}/rotate"), &kim, None, &[]).await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.text());
}

async fn offsets_past_23_hours_are_not_date_times(app: TestApp) {
    let kim = app.member("kim", "contoso");
    for (field, value) in [("start", "2026-12-03T09:00:00+25:00"), ("end", "2026-12-03T10:00:00-24:00")] {
        let mut body = share_body("Offsets", 1);
        body["events"][0][field] = json!(value);
        let response = app.post("/shares", &kim, &body).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{value}: {}", response.text());
        assert_eq!(problem_pointers(&response.json()), [format!("/events/0/{field}")]);
    }
    let mut body = share_body("Offsets", 1);
    body["expiresAt"] = json!("2027-01-31T00:00:00+24:30");
    let response = app.post("/shares", &kim, &body).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_pointers(&response.json()), ["/expiresAt"]);
    assert!(app.share_ids(&kim).await.is_empty());
}

/// NUL, ESC, DEL and a C1 control in every text field a page or feed shows.
async fn control_characters_never_reach_pages_or_feeds(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let mut body = share_body("Con\u{0}trols\u{1b}[2J", 1);
    body["detail"] = json!("full");
    let event = &mut body["events"][0];
    for (field, text) in [
        ("title", "Tit\u{0}le\u{1b}]8;;x\u{7}"),
        ("location", "Ro\u{7f}om\u{8}"),
        ("description", "Line one\nLine\u{1b} two\u{9b}"),
        ("resource", "Tier\u{0} 1"),
        ("status", "Con\u{1}firmed"),
    ] {
        event[field] = json!(text);
    }
    let share = app.publish(&kim, &body).await;
    assert_eq!(share["title"], "Controls[2J");
    let id = share["id"].as_str().unwrap();
    let page = app.get(&format!("/s/{id}?view=agenda&date=2026-12-01"), &app.anonymous()).await.text();
    let feed = app.get(&format!("/s/{id}/calendar.ics"), &app.anonymous()).await.text();
    for (name, text) in [("page", &page), ("feed", &feed), ("store", &app.stored_text().await)] {
        let raw: Vec<char> = text.chars().filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')).collect();
        assert!(raw.is_empty(), "{name} carries raw control characters {raw:?}");
    }
    assert!(page.contains("Title]8;;x") && page.contains("Room") && page.contains("Tier 1"), "{page}");
    assert!(feed.contains("Line two") && feed.contains("LOCATION:Room"), "{feed}");
}

per_store!(app:
    too_many_events_are_refused_at_events_without_reading_each,
    error_lists_stop_at_100_and_say_more_were_found,
    anything_after_the_json_document_is_refused,
    rotate_applies_the_groups_current_caps,
    offsets_past_23_hours_are_not_date_times,
    control_characters_never_reach_pages_or_feeds,
);
