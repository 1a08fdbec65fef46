//! Failure: a store that fails the k-th write (`InstrumentedStore`), for every k of a publish, a re-publish, a
//! rotation and a revoke (on every store), and a real outage of DynamoDB Local. After each failure
//! the share is wholly old, wholly new or wholly gone, and nothing is left behind.

use crate::support::instrumented_store::InstrumentedStore;
use crate::support::{Backend, TestApp, share_body};
use hyper::{Method, StatusCode};
use serde_json::{Value, json};
use share_core::store::*;

/// A snapshot big enough for several chunks, every title tagged.
fn tagged(tag: &str) -> Value {
    let mut body = share_body(tag, 500);
    body["detail"] = json!("full");
    for (i, event) in body["events"].as_array_mut().unwrap().iter_mut().enumerate() {
        event["title"] = json!(format!("{tag}#{i}"));
        event["description"] = json!((0..64).map(|_| uuid::Uuid::new_v4().simple().to_string()).collect::<String>());
    }
    body
}

async fn feed_tag(app: &TestApp, id: &str) -> Option<(String, usize)> {
    let feed = app.get(&format!("/s/{id}/calendar.ics"), &app.anonymous()).await;
    if feed.status == StatusCode::NOT_FOUND {
        return None;
    }
    assert_eq!(feed.status, StatusCode::OK);
    let text = feed.text();
    let titles: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("SUMMARY:")).collect();
    let tags: std::collections::BTreeSet<&str> = titles.iter().map(|t| t.split('#').next().unwrap()).collect();
    assert_eq!(tags.len(), 1, "mixed snapshot {tags:?}");
    Some((tags.into_iter().next().unwrap().to_owned(), titles.len()))
}

fn assert_unavailable(response: &crate::support::TestResponse, what: &str) {
    assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE, "{what}: {}", response.text());
    assert!(response.header("retry-after").is_some(), "{what}");
}

async fn every_failed_write_leaves_whole_state<S: Store + Clone + Into<Backend> + 'static>(inner: S) {
    let store = InstrumentedStore::new(inner.clone());
    let app = TestApp::spawn(store.clone(), inner.into()).await;
    let kim = app.member("kim", "contoso");
    let id = app.publish(&kim, &tagged("v1")).await["id"].as_str().unwrap().to_owned();
    let publish_writes = store.writes();
    assert!(publish_writes >= 2, "a multi-chunk publish writes chunks, then commits ({publish_writes})");
    store.arm(usize::MAX);
    let scratch = app.publish(&kim, &tagged("scratch")).await["id"].as_str().unwrap().to_owned();
    store.arm(usize::MAX);
    assert_eq!(app.put(&format!("/shares/{scratch}"), &kim, &tagged("scratch2")).await.status, StatusCode::OK);
    let replace_writes = store.writes();
    store.arm(usize::MAX);
    assert_eq!(app.delete(&format!("/shares/{scratch}"), &kim).await.status, StatusCode::NO_CONTENT);
    let revoke_writes = store.writes();
    let pieces_of_v1 = app.stored_pieces(&id).await;

    for k in 1..=publish_writes {
        store.arm(k);
        let response = app.post("/shares", &kim, &tagged("never")).await;
        store.arm(usize::MAX);
        assert_unavailable(&response, &format!("publish failing at write {k}"));
        assert_eq!(app.share_ids(&kim).await, vec![id.clone()], "no share half-published at write {k}");
        assert!(!app.stored_text().await.contains("never#"), "nothing of the failed publish is stored (write {k})");
    }
    // A re-publish writes its new pieces, commits, then deletes the pieces it dropped: a failure up to
    // the commit leaves the old share whole and nothing of the new; one of the clean-up after it
    // leaves the new share whole and the dropped pieces for the share's next sweep.
    for k in 1..replace_writes {
        store.arm(k);
        let response = app.put(&format!("/shares/{id}"), &kim, &tagged("v2")).await;
        store.arm(usize::MAX);
        assert_unavailable(&response, &format!("re-publish failing at write {k}"));
        assert_eq!(feed_tag(&app, &id).await, Some(("v1".to_owned(), 500)), "old snapshot whole after write {k}");
        assert_eq!(app.stored_pieces(&id).await, pieces_of_v1, "no orphans after write {k}");
    }
    store.arm(replace_writes);
    let response = app.put(&format!("/shares/{id}"), &kim, &tagged("v1")).await;
    store.arm(usize::MAX);
    assert_eq!(
        response.status,
        StatusCode::OK,
        "the clean-up after the commit failed, the switch stands: {}",
        response.text()
    );
    assert_eq!(feed_tag(&app, &id).await, Some(("v1".to_owned(), 500)), "the new snapshot whole");
    assert!(app.stored_pieces(&id).await > pieces_of_v1, "the dropped pieces wait for the next sweep");
    store.arm(1);
    let rotate = app.send(Method::POST, &format!("/shares/{id}/rotate"), &kim, None, &[]).await;
    store.arm(usize::MAX);
    assert_unavailable(&rotate, "rotate");
    assert_eq!(app.share_ids(&kim).await, vec![id.clone()]);
    assert_eq!(feed_tag(&app, &id).await, Some(("v1".to_owned(), 500)));
    for k in 1..=revoke_writes {
        store.arm(k);
        let response = app.delete(&format!("/shares/{id}"), &kim).await;
        store.arm(usize::MAX);
        assert_unavailable(&response, &format!("revoke failing at write {k}"));
        assert_eq!(feed_tag(&app, &id).await, Some(("v1".to_owned(), 500)), "share whole after failed revoke");
    }
    assert_eq!(app.delete(&format!("/shares/{id}"), &kim).await.status, StatusCode::NO_CONTENT);
    assert_eq!(feed_tag(&app, &id).await, None);
    assert_eq!(app.stored_pieces(&id).await, 0, "revoke leaves nothing");
}

crate::per_store!(store: every_failed_write_leaves_whole_state);

/// Stops a DynamoDB Local of its own mid-test: every route answers 503 with Retry-After, quickly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_outage_answers_503() {
    let mut server = crate::support::dynamo_process::DynamoLocalProcess::start().await;
    let store = DynamoStore::connect(&server.endpoint, "outage").await;
    store.create_table_if_missing().await.expect("table");
    let app = TestApp::over(store).await;
    let kim = app.member("kim", "contoso");
    let id = app.publish(&kim, &share_body("before", 2)).await["id"].as_str().unwrap().to_owned();
    server.stop();

    let started = std::time::Instant::now();
    assert_unavailable(&app.post("/shares", &kim, &share_body("during", 2)).await, "publish");
    assert_unavailable(&app.get("/shares", &kim).await, "list");
    assert_unavailable(&app.delete(&format!("/shares/{id}"), &kim).await, "revoke");
    let page = app.get(&format!("/s/{id}"), &app.anonymous()).await;
    assert_unavailable(&page, "page");
    assert!(page.header("content-type").unwrap().starts_with("text/html"));
    let json = app.get("/shares", &kim).await;
    assert_eq!(json.header("content-type"), Some("application/problem+json"));
    assert!(started.elapsed() < std::time::Duration::from_secs(30), "fails fast: {:?}", started.elapsed());
}
