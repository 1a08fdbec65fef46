//! Publish → view, on every store: the contract's core promises to publishers and recipients.

use crate::per_store;
use crate::support::{TestApp, share_body};
use hyper::{Method, StatusCode};
use serde_json::json;

async fn published_share_is_served_as_page_and_feed(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let mut body = share_body("Support <rota>", 3);
    body["events"][0]["title"] = json!("<script>alert(1)</script> On call");
    let response = app.post("/shares", &kim, &body).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
    let share = response.json();
    let id = share["id"].as_str().unwrap();
    assert_eq!(response.header("location"), Some(format!("/shares/{id}").as_str()));
    assert_eq!(share["eventCount"], 3);
    assert_eq!(share["leftOut"], 0);
    assert_eq!(share["detail"], "limited");
    assert_eq!(share["owner"]["userId"], "kim");
    assert!(share["url"].as_str().unwrap().ends_with(&format!("/s/{id}")));
    assert!(share["icsUrl"].as_str().unwrap().ends_with(&format!("/s/{id}/calendar.ics")));

    let page = app.get(&format!("/s/{id}?date=2026-12-01"), &app.anonymous()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    let html = page.text();
    assert!(html.contains("rota&#62; event 1") && html.contains("rota&#62; event 2"), "{html}");
    assert!(!html.contains("<script>alert(1)</script>"), "titles are escaped");
    assert!(!html.contains("Support <rota>"), "share title is escaped");
    let csp = page.header("content-security-policy").expect("CSP");
    assert!(!csp.contains("'unsafe-inline'") || !csp.contains("script-src"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    assert!(page.header("x-robots-tag").unwrap().contains("noindex"));
    assert!(page.header("etag").is_some());
    let cache = page.header("cache-control").unwrap();
    let max_age: u32 = cache.split("max-age=").nth(1).unwrap().split(',').next().unwrap().parse().unwrap();
    assert!(max_age <= 60, "{cache}");

    let feed = app.get(&format!("/s/{id}/calendar.ics"), &app.anonymous()).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert_eq!(feed.header("content-type"), Some("text/calendar; charset=utf-8"));
    let ics = feed.text();
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 3);
    assert!(ics.contains("Support <rota> event 2"), "{ics}");
}

/// `CATEGORIES` and `COLOR` come from fields kept at every detail level, so even an availability
/// share's feed carries them (folded lines joined before looking).
async fn feed_carries_categories_and_css_colour_names_at_every_level(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let mut body = share_body("Rota", 2);
    body["detail"] = json!("availability");
    body["events"][0]["resource"] = json!("Tier 1, east; \\ wing");
    body["events"][0]["color"] = json!("#1E88E5");
    body["events"][1]["showAs"] = json!("free");
    let id = app.publish(&kim, &body).await["id"].as_str().unwrap().to_owned();
    let ics = app.get(&format!("/s/{id}/calendar.ics"), &app.anonymous()).await.text().replace("\r\n ", "");
    let values = |name: &str| -> Vec<String> {
        ics.split("\r\n").filter_map(|line| line.strip_prefix(name)).map(str::to_owned).collect()
    };
    assert_eq!(values("CATEGORIES:"), ["Tier 1\\, east\\; \\\\ wing,Confirmed", "Tier 2,Confirmed"]);
    assert_eq!(values("COLOR:"), ["dodgerblue"]);
    assert_eq!(values("TRANSP:"), ["OPAQUE", "TRANSPARENT"]);
}

async fn unchanged_snapshot_answers_304(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let id = app.publish(&kim, &share_body("Rota", 2)).await["id"].as_str().unwrap().to_owned();
    for path in [format!("/s/{id}"), format!("/s/{id}/calendar.ics")] {
        let first = app.get(&path, &app.anonymous()).await;
        let etag = first.header("etag").expect("etag").to_owned();
        let again = app.send(Method::GET, &path, &app.anonymous(), None, &[("if-none-match", &etag)]).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
        assert!(again.body.is_empty());
        let other = app.send(Method::GET, &path, &app.anonymous(), None, &[("if-none-match", "\"stale\"")]).await;
        assert_eq!(other.status, StatusCode::OK);
    }
}

async fn refusals_store_nothing(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let before = app.share_ids(&kim).await;
    let no_token = app.post("/shares", &app.anonymous(), &share_body("x", 1)).await;
    assert_eq!(no_token.status, StatusCode::UNAUTHORIZED);
    assert_eq!(no_token.header("content-type"), Some("application/problem+json"));
    let mut bad_token = kim.clone();
    bad_token.token = Some("not.a.token".into());
    assert_eq!(app.post("/shares", &bad_token, &share_body("x", 1)).await.status, StatusCode::UNAUTHORIZED);

    for visibility in ["me", "group"] {
        let mut body = share_body("private bookmark", 1);
        body["visibility"] = json!(visibility);
        let response = app.post("/shares", &kim, &body).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(response.header("content-type"), Some("application/problem+json"));
        let problem = response.json();
        assert!(problem["detail"].as_str().unwrap().contains("stay in the calendar platform"), "{problem}");
        assert_eq!(problem["status"], 422);
    }
    let malformed = app.send_raw(Method::POST, "/shares", &kim, b"{\"title\": ".to_vec(), &[]).await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert_eq!(malformed.json()["status"], 400);
    let wrong_type = app.post("/shares", &kim, &json!({"title": 5, "visibility": "public"})).await;
    assert_eq!(wrong_type.status, StatusCode::BAD_REQUEST);

    let mut broken = share_body("broken", 4);
    broken["events"][3]["start"] = json!("next tuesday");
    broken["events"][1]["color"] = json!("blue");
    let invalid = app.post("/shares", &kim, &broken).await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    let pointers: Vec<String> = invalid.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(pointers, ["/events/1/color", "/events/3/start"]);

    // 5,000,000 bytes at most: Lambda's 6 MB cap covers the whole event, not just the body.
    let oversized = vec![b' '; 5_000_001];
    let refused = app.send_raw(Method::POST, "/shares", &kim, oversized, &[]).await;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(refused.header("content-type"), Some("application/problem+json"));
    let at_the_limit = app.send_raw(Method::POST, "/shares", &kim, vec![b' '; 5_000_000], &[]).await;
    assert_eq!(at_the_limit.status, StatusCode::BAD_REQUEST, "read, and refused as no JSON at all");
    assert_eq!(app.share_ids(&kim).await, before, "no refusal stored anything");
}

async fn shares_are_visible_to_their_owner_only(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let lee = app.member("lee", "contoso");
    let stranger = app.member("kim", "fabrikam");
    let id = app.publish(&kim, &share_body("Kim's", 1)).await["id"].as_str().unwrap().to_owned();
    app.publish(&lee, &share_body("Lee's", 1)).await;
    assert_eq!(app.share_ids(&kim).await, vec![id.clone()]);
    assert_eq!(app.get(&format!("/shares/{id}"), &kim).await.status, StatusCode::OK);
    for other in [&lee, &stranger] {
        let response = app.get(&format!("/shares/{id}"), other).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND);
        assert_eq!(response.header("content-type"), Some("application/problem+json"));
        assert_eq!(app.delete(&format!("/shares/{id}"), other).await.status, StatusCode::NOT_FOUND);
    }
    assert!(app.share_ids(&stranger).await.is_empty());
}

async fn revoked_link_is_dead_at_once(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let id = app.publish(&kim, &share_body("Rota", 2)).await["id"].as_str().unwrap().to_owned();
    assert_eq!(app.get(&format!("/s/{id}"), &app.anonymous()).await.status, StatusCode::OK);
    let deleted = app.delete(&format!("/shares/{id}"), &kim).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert!(deleted.body.is_empty());
    for path in [format!("/s/{id}"), format!("/s/{id}/calendar.ics")] {
        let gone = app.get(&path, &app.anonymous()).await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND, "{path}");
        assert!(gone.header("content-type").unwrap().starts_with("text/html"));
    }
    assert_eq!(app.get(&format!("/shares/{id}"), &kim).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.delete(&format!("/shares/{id}"), &kim).await.status, StatusCode::NOT_FOUND);
    assert!(app.share_ids(&kim).await.is_empty());
}

async fn unknown_and_malformed_ids_are_404_without_echo(app: TestApp) {
    let kim = app.member("kim", "contoso");
    for raw in ["0123456789abcdef0123456789abcdef", "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "abc"] {
        for path in [format!("/s/{raw}"), format!("/s/{raw}/calendar.ics")] {
            let response = app.get(&path, &app.anonymous()).await;
            assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
            let text = response.text();
            assert!(!text.contains("<script>") && !text.contains(raw), "echoed {raw}: {text}");
            assert!(text.len() < 24 * 1024, "a small page (one sentence and the stylesheet): {} bytes", text.len());
            assert!(response.header("content-security-policy").is_some());
        }
    }
    for who in [&app.anonymous(), &kim] {
        for path in ["/nope", "/shares/abc/def", "/s", "/settings/x/y/z"] {
            let response = app.get(path, who).await;
            assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
        }
        assert_eq!(app.send(Method::PATCH, "/shares", who, None, &[]).await.status, StatusCode::NOT_FOUND);
    }
}

async fn json_routes_answer_cors_preflight(app: TestApp) {
    let anyone = app.anonymous();
    let preflight = app
        .send(
            Method::OPTIONS,
            "/shares",
            &anyone,
            None,
            &[
                ("origin", "https://app.example.com"),
                ("access-control-request-method", "POST"),
                ("access-control-request-headers", "authorization,content-type"),
            ],
        )
        .await;
    assert!(preflight.status.is_success());
    assert_eq!(preflight.header("access-control-allow-origin"), Some("https://app.example.com"));
    assert!(preflight.header("access-control-allow-headers").unwrap().contains("Authorization"));
    let foreign = app.send(Method::OPTIONS, "/shares", &anyone, None, &[("origin", "https://evil.example")]).await;
    assert_eq!(foreign.header("access-control-allow-origin"), None);
    let kim = app.member("kim", "contoso");
    let listed = app.send(Method::GET, "/shares", &kim, None, &[("origin", "https://app.example.com")]).await;
    assert_eq!(listed.header("access-control-allow-origin"), Some("https://app.example.com"));
}

/// The subscribe links name the feed on the origin the page is served from, and a page cached for
/// one host is never sent to another.
async fn subscribe_links_name_the_feed_on_the_pages_origin(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let response = app.post("/shares", &kim, &share_body("Rota", 2)).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
    let id = response.json()["id"].as_str().unwrap().to_owned();
    let page = |host: &'static str| {
        let path = format!("/s/{id}?date=2026-12-01");
        let app = &app;
        async move {
            app.send(Method::GET, &path, &app.anonymous(), None, &[("x-forwarded-proto", "https"), ("host", host)])
                .await
        }
    };
    let first = page("share.example.com").await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(
        first.text().contains(&format!("href=\"webcal://share.example.com/s/{id}/calendar.ics\"")),
        "{}",
        first.text()
    );
    let other = page("calendar.example.org").await;
    assert!(other.text().contains(&format!("href=\"webcal://calendar.example.org/s/{id}/calendar.ics\"")));
    assert!(!other.text().contains("share.example.com"));
    assert_ne!(first.header("etag"), other.header("etag"));
}

/// Every event on the month page links to its details (`?event=KEY`), a variant of its own in the
/// ETag; a key no event has is the normal page. `"day"` is a default view a share may have.
async fn events_link_to_their_details_and_day_is_a_default_view(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let mut body = share_body("Rota", 2);
    body["detail"] = json!("full");
    body["view"] = json!("day");
    let share = app.publish(&kim, &body).await;
    assert_eq!(share["view"], "day");
    let id = share["id"].as_str().unwrap();
    let day = app.get(&format!("/s/{id}?date=2026-12-02"), &app.anonymous()).await.text();
    assert!(day.contains("<h2 id=\"period\">Wednesday, December 2, 2026</h2>"), "{day}");
    assert!(day.contains("Rota event 1") && !day.contains("Rota event 0"), "that day's event only");

    let month_path = format!("/s/{id}?view=month&date=2026-12-02");
    let month = app.get(&month_path, &app.anonymous()).await;
    let html = month.text();
    let keys: Vec<&str> = html.split("&#38;event=").skip(1).map(|rest| &rest[..16]).collect();
    assert_eq!(keys.len(), 2, "{html}");
    let details_path = format!("{month_path}&event={}", keys[1]);
    let details = app.get(&details_path, &app.anonymous()).await;
    assert_eq!(details.status, StatusCode::OK);
    let text = details.text();
    assert!(text.contains("<h2 id=\"period\">Rota event 1</h2>") && text.contains("Notes 1"), "{text}");
    assert!(!text.contains("Rota event 0"));
    assert!(text.contains("href=\"?view=month&#38;date=2026-12-02\""), "back to the month");
    let etag = details.header("etag").expect("etag").to_owned();
    assert_ne!(Some(etag.as_str()), month.header("etag"), "the details view has its own ETag");
    let again = app.send(Method::GET, &details_path, &app.anonymous(), None, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);

    let unknown = app.get(&format!("{month_path}&event=0000000000000000"), &app.anonymous()).await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert_eq!(unknown.text(), html, "an unknown key shows the page itself");
}

async fn health_check_answers(app: TestApp) {
    let health = app.get("/healthz", &app.anonymous()).await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.json()["status"], "ok", "{}", health.text());
}

per_store!(app:
    published_share_is_served_as_page_and_feed,
    feed_carries_categories_and_css_colour_names_at_every_level,
    unchanged_snapshot_answers_304,
    refusals_store_nothing,
    shares_are_visible_to_their_owner_only,
    revoked_link_is_dead_at_once,
    unknown_and_malformed_ids_are_404_without_echo,
    json_routes_answer_cors_preflight,
    subscribe_links_name_the_feed_on_the_pages_origin,
    events_link_to_their_details_and_day_is_a_default_view,
    health_check_answers,
);
