//! Share lifecycle on every store: re-publish, rotate, idempotent publish, expiry, the 10,000-event
//! limit, and concurrent readers and writers that must never see a mixed snapshot.

use crate::per_store;
use crate::support::{TestApp, share_body};
use hyper::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;

fn id_of(share: &Value) -> String {
    share["id"].as_str().expect("id").to_owned()
}

/// A full-detail share whose snapshot spans several chunks: every event's title carries `tag`,
/// and random descriptions keep it from compressing into one chunk.
fn tagged_body(tag: &str, events: usize) -> Value {
    let mut body = share_body(tag, events);
    body["detail"] = json!("full");
    for (i, event) in body["events"].as_array_mut().unwrap().iter_mut().enumerate() {
        event["title"] = json!(format!("{tag}#{i}"));
        let noise: String = (0..64).map(|_| uuid::Uuid::new_v4().simple().to_string()).collect();
        event["description"] = json!(noise);
    }
    body
}

/// The feed's event titles, checking that they all come from one snapshot; returns (tag, count).
fn snapshot_in_feed(ics: &str) -> (String, usize) {
    let titles: Vec<&str> = ics.lines().filter_map(|l| l.strip_prefix("SUMMARY:")).collect();
    let tags: std::collections::BTreeSet<&str> = titles.iter().map(|t| t.split('#').next().unwrap()).collect();
    assert_eq!(tags.len(), 1, "mixed snapshot: {tags:?}");
    (tags.into_iter().next().unwrap().to_owned(), titles.len())
}

/// The items a share's record and pieces make.
fn items_of(record: &share_core::domain::ShareRecord) -> usize {
    1 + record.pieces.iter().collect::<std::collections::BTreeSet<_>>().len()
}

async fn republish_replaces_atomically_and_leaves_no_orphans(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let first = app.publish(&kim, &tagged_body("old", 600)).await;
    let id = id_of(&first);
    let old_record = app.record(&id).await.unwrap();
    assert!(old_record.pieces.len() > 1, "the test needs a snapshot of several pieces");
    assert_eq!(app.stored_pieces(&id).await, items_of(&old_record));

    let mut body = share_body("new", 2);
    body["title"] = json!("Renamed");
    body["view"] = json!("agenda");
    let replaced = app.put(&format!("/shares/{id}"), &kim, &body).await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text());
    let replaced = replaced.json();
    assert_eq!(replaced["id"], id.as_str());
    assert_eq!(replaced["title"], "Renamed");
    assert_eq!(replaced["view"], "agenda");
    assert_eq!(replaced["eventCount"], 2);
    assert_eq!(replaced["createdAt"], first["createdAt"]);
    let feed = app.get(&format!("/s/{id}/calendar.ics"), &app.anonymous()).await.text();
    assert_eq!(feed.matches("BEGIN:VEVENT").count(), 2);
    assert!(!feed.contains("old#"));
    assert_eq!(app.stored_pieces(&id).await, 2, "the record and its one piece: the old pieces removed");

    let mut invalid = share_body("bad", 1);
    invalid["events"][0]["end"] = json!("2026-11-01T00:00:00Z");
    assert_eq!(app.put(&format!("/shares/{id}"), &kim, &invalid).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let feed_after = app.get(&format!("/s/{id}/calendar.ics"), &app.anonymous()).await.text();
    assert_eq!(feed_after.matches("BEGIN:VEVENT").count(), 2, "a refused update changes nothing");
}

async fn rotate_moves_the_share_and_kills_the_old_link(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let old = app.publish(&kim, &tagged_body("rot", 600)).await;
    let old_id = id_of(&old);
    let rotated = app.send(Method::POST, &format!("/shares/{old_id}/rotate"), &kim, None, &[]).await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.text());
    let rotated = rotated.json();
    let new_id = id_of(&rotated);
    assert_ne!(new_id, old_id);
    assert!(rotated["url"].as_str().unwrap().ends_with(&format!("/s/{new_id}")));
    assert_eq!(rotated["eventCount"], old["eventCount"]);
    for path in [format!("/s/{old_id}"), format!("/s/{old_id}/calendar.ics")] {
        assert_eq!(app.get(&path, &app.anonymous()).await.status, StatusCode::NOT_FOUND);
    }
    let feed = app.get(&format!("/s/{new_id}/calendar.ics"), &app.anonymous()).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert_eq!(snapshot_in_feed(&feed.text()), ("rot".to_owned(), 600));
    assert_eq!(app.share_ids(&kim).await, vec![new_id.clone()]);
    assert_eq!(app.stored_pieces(&old_id).await, 1, "the old id keeps only its forwarding marker");
    assert_eq!(app.stored_pieces(&new_id).await, items_of(&app.record(&new_id).await.unwrap()));

    assert_eq!(app.delete(&format!("/shares/{new_id}"), &kim).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.stored_pieces(&old_id).await, 0, "the revoke takes the marker too");
    assert_eq!(app.stored_pieces(&new_id).await, 0);
}

async fn idempotent_publish_returns_the_first_share(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let lee = app.member("lee", "contoso");
    let body = share_body("once", 2);
    let key = [("idempotency-key", "retry-7f3a")];
    let first = app.send(Method::POST, "/shares", &kim, Some(&body), &key).await;
    let again = app.send(Method::POST, "/shares", &kim, Some(&body), &key).await;
    assert_eq!((first.status, again.status), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!(first.json()["id"], again.json()["id"]);
    let reordered = serde_json::to_vec_pretty(&body).unwrap();
    let same_json = app.send_raw(Method::POST, "/shares", &kim, reordered, &key).await;
    assert_eq!(same_json.json()["id"], first.json()["id"], "the same JSON, formatted differently");
    assert_eq!(app.share_ids(&kim).await.len(), 1);
    let other_body = app.send(Method::POST, "/shares", &kim, Some(&share_body("twice", 2)), &key).await;
    assert_eq!(other_body.status, StatusCode::CONFLICT);
    assert_eq!(other_body.header("content-type"), Some("application/problem+json"));
    let someone_else = app.send(Method::POST, "/shares", &lee, Some(&body), &key).await;
    assert_eq!(someone_else.status, StatusCode::CREATED, "keys are scoped to the caller");
    assert_ne!(someone_else.json()["id"], first.json()["id"]);
    assert_eq!(app.share_ids(&kim).await.len(), 1);
}

async fn concurrent_retries_with_one_key_make_one_share(app: TestApp) {
    let app = Arc::new(app);
    let kim = app.member("kim", "contoso");
    let body = share_body("race", 3);
    let attempts = (0..6).map(|_| {
        let (app, kim, body) = (Arc::clone(&app), kim.clone(), body.clone());
        tokio::spawn(async move {
            app.send(Method::POST, "/shares", &kim, Some(&body), &[("idempotency-key", "same")]).await
        })
    });
    let mut ids = std::collections::BTreeSet::new();
    for attempt in attempts {
        let response = attempt.await.unwrap();
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
        ids.insert(response.json()["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 1);
    assert_eq!(app.share_ids(&kim).await.len(), 1);
}

async fn expired_shares_answer_410_to_the_second(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let mut body = share_body("brief", 1);
    let expires_at = jiff::Timestamp::now() + jiff::SignedDuration::from_millis(1500);
    body["expiresAt"] = json!(expires_at.to_string());
    let id = id_of(&app.publish(&kim, &body).await);
    assert_eq!(app.get(&format!("/s/{id}"), &app.anonymous()).await.status, StatusCode::OK);
    let remaining = expires_at.duration_since(jiff::Timestamp::now());
    tokio::time::sleep(std::time::Duration::try_from(remaining).unwrap_or_default()).await;
    for path in [format!("/s/{id}"), format!("/s/{id}/calendar.ics")] {
        let response = app.get(&path, &app.anonymous()).await;
        assert_eq!(response.status, StatusCode::GONE, "{path}");
        assert!(response.text().contains("expired"));
    }
    let record = app.record(&id).await.expect("kept until the TTL sweep");
    assert!(record.options.expires_at.is_some());
    assert_eq!(app.get(&format!("/shares/{id}"), &kim).await.status, StatusCode::OK);
    let mut past = share_body("past", 1);
    past["expiresAt"] = json!("2020-01-01T00:00:00Z");
    assert_eq!(app.post("/shares", &kim, &past).await.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn ten_thousand_events_publish_and_render(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let body = share_body("big", 10_000);
    assert!(serde_json::to_vec(&body).unwrap().len() > 400 * 1024, "past DynamoDB's item cap");
    let share = app.publish(&kim, &body).await;
    let id = id_of(&share);
    assert_eq!(share["eventCount"], 10_000);
    let page = app.get(&format!("/s/{id}?view=agenda"), &app.anonymous()).await;
    assert_eq!(page.status, StatusCode::OK);
    let feed = app.get(&format!("/s/{id}/calendar.ics"), &app.anonymous()).await;
    assert_eq!(feed.text().matches("BEGIN:VEVENT").count(), 10_000);
    let too_many = app.post("/shares", &kim, &share_body("too big", 10_001)).await;
    assert_eq!(too_many.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(too_many.json()["errors"][0]["pointer"], "/events");
    assert_eq!(app.share_ids(&kim).await, vec![id]);
}

async fn readers_never_see_a_mixed_snapshot(app: TestApp) {
    let app = Arc::new(app);
    let kim = app.member("kim", "contoso");
    let id = id_of(&app.publish(&kim, &tagged_body("v0", 600)).await);
    let writer = {
        let (app, kim, id) = (Arc::clone(&app), kim.clone(), id.clone());
        tokio::spawn(async move {
            for version in 1..=4 {
                let body = tagged_body(&format!("v{version}"), 600 + version * 10);
                let response = app.put(&format!("/shares/{id}"), &kim, &body).await;
                assert_eq!(response.status, StatusCode::OK, "{}", response.text());
            }
        })
    };
    let mut seen = std::collections::BTreeSet::new();
    while !writer.is_finished() {
        let feed = app.get(&format!("/s/{id}/calendar.ics"), &app.anonymous()).await;
        assert_eq!(feed.status, StatusCode::OK);
        let (tag, count) = snapshot_in_feed(&feed.text());
        let version: usize = tag.trim_start_matches('v').parse().unwrap();
        assert_eq!(count, 600 + version * 10, "a whole snapshot of {tag}");
        seen.insert(tag);
    }
    writer.await.unwrap();
    assert_eq!(snapshot_in_feed(&app.get(&format!("/s/{id}/calendar.ics"), &app.anonymous()).await.text()).0, "v4");
    assert_eq!(app.stored_pieces(&id).await, items_of(&app.record(&id).await.unwrap()), "no orphans");
    assert!(!seen.is_empty());
}

async fn concurrent_updates_leave_one_complete_winner(app: TestApp) {
    let app = Arc::new(app);
    let kim = app.member("kim", "contoso");
    let id = id_of(&app.publish(&kim, &tagged_body("base", 600)).await);
    let updates = ["left", "right"].map(|tag| {
        let (app, kim, id) = (Arc::clone(&app), kim.clone(), id.clone());
        tokio::spawn(async move { app.put(&format!("/shares/{id}"), &kim, &tagged_body(tag, 650)).await })
    });
    let mut statuses = Vec::new();
    for update in updates {
        let response = update.await.unwrap();
        assert!(matches!(response.status.as_u16(), 200 | 409), "{}", response.text());
        statuses.push(response.status.as_u16());
    }
    assert!(statuses.contains(&200));
    let (tag, count) = snapshot_in_feed(&app.get(&format!("/s/{id}/calendar.ics"), &app.anonymous()).await.text());
    assert!(tag == "left" || tag == "right");
    assert_eq!(count, 650);
    assert_eq!(app.stored_pieces(&id).await, items_of(&app.record(&id).await.unwrap()), "no orphans");
}

/// The view function keeps rendered pages warm between requests: a change of content, a policy
/// that pauses the owner, and a revoke must each show at the very next view of the same URL.
async fn warm_views_never_serve_what_changed(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let admin = app.role_admin("ada", "contoso");
    let id = id_of(&app.publish(&kim, &share_body("Before", 3)).await);
    let page_url = format!("/s/{id}?view=agenda&date=2026-12-01");
    for _ in 0..2 {
        assert!(app.get(&page_url, &app.anonymous()).await.text().contains("Before"));
    }
    let mut renamed = share_body("After", 3);
    renamed["title"] = json!("After");
    assert_eq!(app.put(&format!("/shares/{id}"), &kim, &renamed).await.status, StatusCode::OK);
    let page = app.get(&page_url, &app.anonymous()).await.text();
    assert!(page.contains("After") && !page.contains("Before"), "the new snapshot shows at once");

    app.set_policy(&admin, json!({"sharing": "nobody"})).await;
    assert_eq!(app.get(&page_url, &app.anonymous()).await.status, StatusCode::NOT_FOUND);
    app.set_policy(&admin, json!({"sharing": "everyone"})).await;
    assert_eq!(app.get(&page_url, &app.anonymous()).await.status, StatusCode::OK);

    assert_eq!(app.delete(&format!("/shares/{id}"), &kim).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&page_url, &app.anonymous()).await.status, StatusCode::NOT_FOUND);
}

per_store!(app:
    warm_views_never_serve_what_changed,
    republish_replaces_atomically_and_leaves_no_orphans,
    rotate_moves_the_share_and_kills_the_old_link,
    idempotent_publish_returns_the_first_share,
    concurrent_retries_with_one_key_make_one_share,
    expired_shares_answer_410_to_the_second,
    ten_thousand_events_publish_and_render,
    readers_never_see_a_mixed_snapshot,
    concurrent_updates_leave_one_complete_winner,
);
