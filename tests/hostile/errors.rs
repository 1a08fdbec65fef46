//! Error answers do not grow with what was sent: each quotes at most 100 characters of it, and no
//! problem+json body exceeds 64 KiB, however large the offending value (the outside test got a 39 MB
//! 422 for a 4.9 MB `timeZone`, and 19.6 MB 400s for serde's type errors).

use crate::per_store;
use crate::support::{TestApp, TestResponse, share_body};
use hyper::{Method, StatusCode};
use serde_json::{Value, json};

const MAX_PROBLEM_BYTES: usize = 64 * 1024;
/// A combining mark: two bytes in UTF-8, four times that when escaped as `\u{301}`.
const MARK: &str = "\u{301}";

/// A value of combining marks that fills most of a 5,000,000-byte body.
fn huge() -> String {
    MARK.repeat(2_300_000)
}

fn assert_small_problem(response: &TestResponse, status: StatusCode, case: &str) {
    assert_eq!(response.status, status, "{case}: {}", &response.text()[..response.text().len().min(300)]);
    assert_eq!(response.header("content-type"), Some("application/problem+json"), "{case}");
    assert!(response.body.len() <= MAX_PROBLEM_BYTES, "{case}: a {}-byte problem", response.body.len());
    let text = response.text();
    assert!(!text.contains(&MARK.repeat(101)), "{case}: quotes more than 100 characters of what was sent");
    assert!(!text.contains(&"\\u{301}".repeat(101)), "{case}: quotes more than 100 escaped characters");
    let problem: Value = serde_json::from_str(&text).unwrap();
    assert!(problem["detail"].as_str().is_some_and(|detail| !detail.is_empty()), "{case}: {problem}");
}

async fn errors_quote_little_of_what_was_sent(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let admin = app.role_admin("ria", "contoso");
    let body = |change: &dyn Fn(&mut Value)| {
        let mut body = share_body("Rota", 1);
        change(&mut body);
        body
    };

    let zone = body(&|body| body["timeZone"] = json!(huge()));
    assert_small_problem(&app.post("/shares", &kim, &zone).await, StatusCode::UNPROCESSABLE_ENTITY, "timeZone");
    let all_day = body(&|body| body["events"][0]["allDay"] = json!(huge()));
    assert_small_problem(&app.post("/shares", &kim, &all_day).await, StatusCode::BAD_REQUEST, "allDay");
    let fhir = body(&|body| {
        body["format"] = json!("fhir");
        body["events"] = json!([{"resourceType": "Appointment", "status": "booked",
            "start": "2026-12-03T09:00:00Z", "minutesDuration": huge()}]);
    });
    assert_small_problem(&app.post("/shares", &kim, &fhir).await, StatusCode::BAD_REQUEST, "minutesDuration");
    let athena_key = body(&|body| {
        body["format"] = json!("athena");
        body["events"] = json!([]);
        body["departmentNames"] = json!({ huge(): "Main clinic" });
    });
    let answer = app.post("/shares", &kim, &athena_key).await;
    assert!(answer.status.is_client_error(), "a department id of 2.3 million characters: {}", answer.status);
    assert_small_problem(&answer, answer.status, "departmentNames key");
    let format = body(&|body| body["format"] = json!(huge()));
    assert_small_problem(&app.post("/shares", &kim, &format).await, StatusCode::UNPROCESSABLE_ENTITY, "format");

    let day_start = json!({"sharing": "everyone", "display": {"dayStart": huge()}});
    let answer = app.put("/settings", &admin, &day_start).await;
    assert_small_problem(&answer, StatusCode::UNPROCESSABLE_ENTITY, "display.dayStart");
    // Too deep to read: the pointer holds every key on the way, each cut to 100 characters, and
    // the answer quotes 100 characters of it in all.
    let mut deep = json!(1);
    for _ in 0..200 {
        deep = json!({ MARK.repeat(100): deep });
    }
    let answer = app.put("/settings", &admin, &json!({"sharing": "everyone", "display": deep})).await;
    assert_small_problem(&answer, StatusCode::BAD_REQUEST, "a deep display");
    let quoted = answer.text().matches(MARK).count();
    assert!(quoted <= 100, "a deep pointer: {quoted} characters of what was sent");
    let can_share = json!({"canShare": huge(), "admin": false});
    let answer = app.put("/settings/users/lee", &admin, &can_share).await;
    assert_small_problem(&answer, StatusCode::BAD_REQUEST, "canShare");

    let changes = json!({"format": "normalized", "changed": [{"id": "a", "title": "t", "start": huge()}]});
    let answer = app.post("/me/changes", &kim, &changes).await;
    assert!(answer.status.is_client_error(), "a start of 2.3 million characters: {}", answer.status);
    assert_small_problem(&answer, answer.status, "changed start");

    // A hundred errors, each at the longest it may quote, in four-byte characters.
    let wide = "\u{10348}".repeat(3_500);
    let many = body(&|body| {
        body["events"] = json!((0..150).map(|_| json!({"title": "t", "start": wide, "end": wide})).collect::<Vec<_>>())
    });
    let answer = app.send(Method::POST, "/shares", &kim, Some(&many), &[]).await;
    assert!(answer.status.is_client_error(), "{}", answer.status);
    assert!(answer.body.len() <= MAX_PROBLEM_BYTES, "a {}-byte problem", answer.body.len());
    assert!(app.share_ids(&kim).await.is_empty(), "nothing was published");
}

per_store!(app: errors_quote_little_of_what_was_sent);
