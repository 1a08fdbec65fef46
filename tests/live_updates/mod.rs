//! Live updates (`POST /me/changes`) on every store, through the API: only the caller's shares that
//! hold an event change, each at its own detail level; events leave when moved out of range,
//! cancelled or removed; retries are idempotent; the owner's source index stays exactly what the
//! snapshots hold through publish, PUT, rotate, revoke and expiry; bad input and failures change
//! nothing, or say what they changed.

mod following;
mod model;

use crate::per_store;
use crate::support::instrumented_store::InstrumentedStore;
use crate::support::{Backend, TestApp, TestResponse, dynamo_local};
use hyper::{Method, StatusCode};
use serde_json::{Value, json};
use share_core::domain::{ShareId, SharedEvent, SourceIndex};
use share_core::snapshot;
use share_core::store::{EmbeddedKey, ShareReads, Store};
use std::collections::BTreeSet;

fn graph(id: &str, subject: &str, day: u32) -> Value {
    json!({
        "id": id, "subject": subject, "showAs": "busy", "sensitivity": "normal",
        "start": {"dateTime": format!("2026-12-{day:02}T14:00:00.0000000"), "timeZone": "UTC"},
        "end": {"dateTime": format!("2026-12-{day:02}T15:00:00.0000000"), "timeZone": "UTC"},
        "location": {"displayName": "Room 1"},
    })
}

fn graph_share(title: &str, detail: &str, events: Vec<Value>) -> Value {
    json!({
        "title": title, "visibility": "public", "detail": detail, "timeZone": "UTC", "format": "msgraph",
        "range": {"start": "2026-12-01", "end": "2027-01-01"}, "events": events,
    })
}

fn id_of(share: &Value) -> String {
    share["id"].as_str().expect("id").to_owned()
}

async fn push(app: &TestApp, who: &crate::support::Principal, body: Value) -> TestResponse {
    app.post("/me/changes", who, &body).await
}

/// Pushes and returns the answer, asserting 200.
async fn pushed(app: &TestApp, who: &crate::support::Principal, body: Value) -> Value {
    let response = push(app, who, body).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    response.json()
}

fn updated_ids(answer: &Value) -> BTreeSet<String> {
    answer["sharesUpdated"].as_array().expect("list").iter().map(id_of).collect()
}

fn ids(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|id| (*id).to_owned()).collect()
}

async fn feed(app: &TestApp, id: &str) -> String {
    let response = app.get(&format!("/s/{id}/calendar.ics"), &app.anonymous()).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    response.text()
}

async fn snapshot_of(app: &TestApp, id: &str) -> Vec<SharedEvent> {
    let id = ShareId::parse(id).unwrap();
    let published = match &app.backend {
        Backend::Memory(store) => store.published(&id).await,
        Backend::Dynamo(store) => store.published(&id).await,
    };
    snapshot::decode(&published.unwrap().expect("published").chunks).unwrap()
}

/// Every stored item of the source index, as (share, bucket, tags).
async fn stored_index(app: &TestApp) -> BTreeSet<(String, u8, Vec<u8>)> {
    match &app.backend {
        Backend::Memory(store) => store
            .stored_items()
            .into_iter()
            .filter_map(|(key, tags)| match key {
                EmbeddedKey::Sources { share, bucket } => Some((share.as_str().to_owned(), bucket, tags)),
                _ => None,
            })
            .collect(),
        Backend::Dynamo(store) => {
            use aws_sdk_dynamodb::types::AttributeValue;
            let mut index = BTreeSet::new();
            for item in dynamo_local::scan_all(store).await {
                let Some(AttributeValue::S(pk)) = item.get("pk") else { continue };
                let Some(bucket) = pk.strip_prefix("SOURCES#").and_then(|rest| rest.rsplit('#').next()) else {
                    continue;
                };
                let Some(AttributeValue::S(share)) = item.get("sk") else { panic!("index item without sk") };
                let Some(AttributeValue::B(tags)) = item.get("tags") else { panic!("index item without tags") };
                index.insert((share.clone(), u8::from_str_radix(bucket, 16).unwrap(), tags.as_ref().to_vec()));
            }
            index
        }
    }
}

/// Asserts that the index holds exactly what the snapshots of `live` hold, and nothing else; and
/// that each record names its buckets.
async fn assert_index_exact(app: &TestApp, live: &[&str]) {
    let mut expected = BTreeSet::new();
    for id in live {
        let events = snapshot_of(app, id).await;
        let record = app.record(id).await.unwrap();
        // The calendars a share follows are indexed beside its events' ids.
        let index = SourceIndex::of(events.iter().filter_map(|event| event.source.as_ref()).chain(&record.follows));
        assert_eq!(record.source_buckets, index.mask(), "{id}'s record names its buckets");
        for (bucket, tags) in index.buckets() {
            expected.insert(((*id).to_owned(), bucket, tags.iter().flatten().copied().collect::<Vec<u8>>()));
        }
    }
    assert_eq!(stored_index(app).await, expected);
}

async fn changes_reach_only_the_callers_shares_that_hold_the_event(app: TestApp) {
    let (kim, lee) = (app.member("kim", "contoso"), app.member("lee", "contoso"));
    let both = id_of(
        &app.publish(&kim, &graph_share("Both", "limited", vec![graph("G1", "Standup", 3), graph("G2", "Review", 4)]))
            .await,
    );
    let other = id_of(&app.publish(&kim, &graph_share("Other", "limited", vec![graph("G2", "Review", 4)])).await);
    let mut normalized = crate::support::share_body("Normalized", 1);
    normalized["events"][0]["id"] = json!("G1");
    let same_text_other_format = id_of(&app.publish(&kim, &normalized).await);
    let lees = id_of(&app.publish(&lee, &graph_share("Lee's", "limited", vec![graph("G1", "Standup", 3)])).await);
    let before = (app.record(&other).await.unwrap(), app.record(&same_text_other_format).await.unwrap());

    let answer = pushed(&app, &kim, json!({"format": "msgraph", "changed": [graph("G1", "Moved standup", 5)]})).await;
    assert_eq!(updated_ids(&answer), ids(&[&both]));
    assert_eq!(answer["sharesUpdated"][0]["eventCount"], 2);
    assert_eq!((answer["changedMatched"].as_u64(), answer["removedMatched"].as_u64()), (Some(1), Some(0)));
    let changed = feed(&app, &both).await;
    assert!(changed.contains("SUMMARY:Moved standup") && changed.contains("DTSTART:20261205T140000Z"), "{changed}");
    assert!(!changed.contains("SUMMARY:Standup"));
    assert!(feed(&app, &lees).await.contains("SUMMARY:Standup"), "another user's share is never touched");
    assert_eq!(app.record(&other).await.unwrap(), before.0, "a share without the event is not rewritten");
    assert_eq!(app.record(&same_text_other_format).await.unwrap(), before.1, "ids match with their format");
    assert_index_exact(&app, &[&both, &other, &same_text_other_format, &lees]).await;
}

async fn each_share_keeps_only_what_its_level_shows(app: TestApp) {
    const GRAPH_ID: &str = "AAMkAGI2THVSAAA=";
    let kim = app.member("kim", "contoso");
    let busy =
        id_of(&app.publish(&kim, &graph_share("Busy", "availability", vec![graph(GRAPH_ID, "Standup", 3)])).await);
    let titled =
        id_of(&app.publish(&kim, &graph_share("Titled", "limited", vec![graph(GRAPH_ID, "Standup", 3)])).await);
    let busy_before = app.record(&busy).await.unwrap();

    let answer = pushed(&app, &kim, json!({"format": "msgraph", "changed": [graph(GRAPH_ID, "Secret plan", 3)]})).await;
    assert_eq!(updated_ids(&answer), ids(&[&titled]), "a title the level does not show changes nothing there");
    assert_eq!(answer["changedMatched"], 1);
    assert_eq!(app.record(&busy).await.unwrap(), busy_before, "not rewritten");
    assert!(snapshot_of(&app, &busy).await.iter().all(|event| event.title.is_none()));

    let mut private = graph(GRAPH_ID, "Secret plan", 6);
    private["sensitivity"] = json!("private");
    let answer = pushed(&app, &kim, json!({"format": "msgraph", "changed": [private]})).await;
    assert_eq!(updated_ids(&answer), ids(&[&busy, &titled]), "the time moved in both");
    for id in [&busy, &titled] {
        let events = snapshot_of(&app, id).await;
        assert_eq!((events[0].title.as_ref(), events[0].location.as_ref()), (None, None), "private: busy only");
    }
    let stored = app.stored_text().await;
    assert!(!stored.contains("Secret plan") && !stored.contains(GRAPH_ID), "neither the title nor the id is stored");
}

async fn events_leave_when_moved_out_cancelled_or_removed(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let events = vec![graph("a1", "One", 3), graph("a2", "Two", 4), graph("a3", "Three", 5), graph("a4", "Four", 6)];
    let id = id_of(&app.publish(&kim, &graph_share("Rota", "limited", events)).await);
    let mut moved = graph("a1", "One", 3);
    moved["start"]["dateTime"] = json!("2027-02-03T14:00:00.0000000");
    moved["end"]["dateTime"] = json!("2027-02-03T15:00:00.0000000");
    let mut cancelled = graph("a2", "Two", 4);
    cancelled["isCancelled"] = json!(true);
    let not_held = graph("zz", "Never held", 7);
    let body = json!({"format": "msgraph", "changed": [moved, cancelled, not_held], "removed": ["a3", "nope"]});
    let answer = pushed(&app, &kim, body).await;
    assert_eq!(answer["sharesUpdated"], json!([{"id": id, "eventCount": 1}]));
    assert_eq!((answer["changedMatched"].as_u64(), answer["removedMatched"].as_u64()), (Some(2), Some(1)));
    let share = app.get(&format!("/shares/{id}"), &kim).await.json();
    assert_eq!(share["eventCount"], 1);
    assert_eq!(share["leftOut"], 2, "{share}");
    let kept = feed(&app, &id).await;
    assert_eq!(kept.matches("BEGIN:VEVENT").count(), 1);
    assert!(
        kept.contains("SUMMARY:Four") && !kept.contains("Never held"),
        "events a share does not hold are not added"
    );
    assert_index_exact(&app, &[&id]).await;
}

async fn a_retry_with_the_same_key_answers_the_same(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let id = id_of(&app.publish(&kim, &graph_share("Rota", "limited", vec![graph("a1", "One", 3)])).await);
    let body = json!({"format": "msgraph", "changed": [graph("a1", "Renamed", 3)]});
    let send = |body: Value, key: &'static str| {
        let app = &app;
        let kim = kim.clone();
        async move { app.send(Method::POST, "/me/changes", &kim, Some(&body), &[("idempotency-key", key)]).await }
    };
    let first = send(body.clone(), "k1").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    let after_first = app.record(&id).await.unwrap();
    let again = send(body.clone(), "k1").await;
    assert_eq!((again.status, again.json()), (StatusCode::OK, first.json()), "the same answer, 200 again");
    assert_eq!(app.record(&id).await.unwrap(), after_first, "nothing is written again");
    let other = send(json!({"format": "msgraph", "removed": ["a1"]}), "k1").await;
    assert_eq!(other.status, StatusCode::CONFLICT, "{}", other.text());
    assert_eq!(other.header("content-type"), Some("application/problem+json"));
    let publish_key = app
        .send(Method::POST, "/shares", &kim, Some(&graph_share("x", "full", vec![])), &[("idempotency-key", "k2")])
        .await;
    assert_eq!(publish_key.status, StatusCode::CREATED);
    assert_eq!(send(body, "k2").await.status, StatusCode::CONFLICT, "a key used to publish is not reused here");
    assert_eq!(app.record(&id).await.unwrap(), after_first);
}

/// A change that reaches more shares than one call rewrites goes on in rounds under its key, each
/// share rewritten once; without a key it is refused before anything changes.
async fn a_change_past_one_calls_work_goes_on_in_rounds(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let mut shares = BTreeSet::new();
    for n in 0..21 {
        shares.insert(id_of(
            &app.publish(&kim, &graph_share(&format!("Rota {n}"), "limited", vec![graph("a1", "One", 3)])).await,
        ));
    }
    let before: Vec<_> = futures_util::future::join_all(shares.iter().map(|id| app.record(id))).await;
    let body = json!({"format": "msgraph", "changed": [graph("a1", "Renamed", 3)]});
    let unkeyed = push(&app, &kim, body.clone()).await;
    assert_eq!(unkeyed.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", unkeyed.text());
    assert_eq!(unkeyed.json()["errors"][0]["pointer"], "/");
    assert!(unkeyed.json()["detail"].as_str().unwrap().contains("Idempotency-Key"), "{}", unkeyed.text());
    let after: Vec<_> = futures_util::future::join_all(shares.iter().map(|id| app.record(id))).await;
    assert_eq!(after, before, "nothing changed");

    let keyed = || app.send(Method::POST, "/me/changes", &kim, Some(&body), &[("idempotency-key", "rounds")]);
    let first = keyed().await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    let (first, first_ids) = (first.json(), updated_ids(&first.json()));
    assert_eq!((first_ids.len(), &first["more"], &first["changedMatched"]), (20, &json!(true), &json!(1)), "{first}");
    let second = keyed().await.json();
    let second_ids = updated_ids(&second);
    assert_eq!(
        (second_ids.len(), &second["more"], &second["changedMatched"]),
        (1, &json!(false), &json!(1)),
        "{second}"
    );
    assert!(first_ids.is_disjoint(&second_ids), "no share is rewritten twice for one change");
    assert_eq!(first_ids.union(&second_ids).cloned().collect::<BTreeSet<_>>(), shares);
    let settled: Vec<_> = futures_util::future::join_all(shares.iter().map(|id| app.record(id))).await;
    assert_eq!(keyed().await.json(), second, "the call is over: its last answer again");
    let again: Vec<_> = futures_util::future::join_all(shares.iter().map(|id| app.record(id))).await;
    assert_eq!(again, settled, "nothing is written again");
    for id in &shares {
        assert!(feed(&app, id).await.contains("SUMMARY:Renamed"), "{id}");
    }
}

async fn the_index_follows_put_rotate_revoke_and_expiry(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let id = id_of(
        &app.publish(&kim, &graph_share("Rota", "limited", vec![graph("a1", "One", 3), graph("b1", "Two", 4)])).await,
    );
    let replaced =
        app.put(&format!("/shares/{id}"), &kim, &graph_share("Rota", "limited", vec![graph("c1", "Three", 5)])).await;
    assert_eq!(replaced.status, StatusCode::OK);
    assert_index_exact(&app, &[&id]).await;
    let answer = pushed(&app, &kim, json!({"format": "msgraph", "changed": [graph("a1", "Gone", 3)]})).await;
    assert_eq!((updated_ids(&answer), answer["changedMatched"].as_u64()), (BTreeSet::new(), Some(0)));

    let rotated = app.send(Method::POST, &format!("/shares/{id}/rotate"), &kim, None, &[]).await.json();
    let new_id = id_of(&rotated);
    assert_index_exact(&app, &[&new_id]).await;
    let answer = pushed(&app, &kim, json!({"format": "msgraph", "changed": [graph("c1", "Rotated", 5)]})).await;
    assert_eq!(updated_ids(&answer), ids(&[&new_id]));
    assert_eq!(app.delete(&format!("/shares/{new_id}"), &kim).await.status, StatusCode::NO_CONTENT);
    assert_index_exact(&app, &[]).await;
    let answer = pushed(&app, &kim, json!({"format": "msgraph", "removed": ["c1"]})).await;
    assert_eq!((updated_ids(&answer), answer["removedMatched"].as_u64()), (BTreeSet::new(), Some(0)));

    let admin = app.role_admin("ada", "contoso");
    let audited = id_of(&app.publish(&kim, &graph_share("Audited", "limited", vec![graph("e1", "Five", 6)])).await);
    assert_index_exact(&app, &[&audited]).await;
    assert_eq!(app.delete(&format!("/shares/{audited}"), &admin).await.status, StatusCode::NO_CONTENT);
    assert_index_exact(&app, &[]).await;

    let mut brief = graph_share("Brief", "limited", vec![graph("d1", "Soon", 3)]);
    let expires_at = jiff::Timestamp::now() + jiff::SignedDuration::from_millis(1500);
    brief["expiresAt"] = json!(expires_at.to_string());
    let brief = id_of(&app.publish(&kim, &brief).await);
    let remaining = expires_at.duration_since(jiff::Timestamp::now());
    tokio::time::sleep(std::time::Duration::try_from(remaining).unwrap_or_default()).await;
    let before = app.record(&brief).await.unwrap();
    let answer = pushed(&app, &kim, json!({"format": "msgraph", "changed": [graph("d1", "Late", 3)]})).await;
    assert_eq!(updated_ids(&answer), BTreeSet::new(), "an expired share is not updated");
    assert_eq!(app.record(&brief).await.unwrap(), before);
    assert_eq!(app.get(&format!("/s/{brief}"), &app.anonymous()).await.status, StatusCode::GONE);
}

async fn recipients_see_the_change_on_their_next_view(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let id = id_of(&app.publish(&kim, &graph_share("Rota", "limited", vec![graph("a1", "Standup", 3)])).await);
    let page = format!("/s/{id}?date=2026-12-03");
    let (page_before, feed_before) =
        (app.get(&page, &app.anonymous()).await, app.get(&format!("/s/{id}/calendar.ics"), &app.anonymous()).await);
    pushed(&app, &kim, json!({"format": "msgraph", "changed": [graph("a1", "Retro", 3)]})).await;
    let page_after = app.get(&page, &app.anonymous()).await;
    let feed_after = app.get(&format!("/s/{id}/calendar.ics"), &app.anonymous()).await;
    assert!(page_after.text().contains("Retro") && !page_after.text().contains("Standup"));
    assert!(feed_after.text().contains("SUMMARY:Retro"));
    assert_ne!(page_after.header("etag"), page_before.header("etag"));
    assert_ne!(feed_after.header("etag"), feed_before.header("etag"));
}

async fn bad_input_is_refused_and_changes_nothing(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let first = id_of(&app.publish(&kim, &graph_share("A", "full", vec![graph("a1", "One", 3)])).await);
    let second = id_of(
        &app.publish(&kim, &graph_share("B", "limited", vec![graph("a1", "One", 3), graph("b1", "Two", 4)])).await,
    );
    let state = || async {
        let mut state = Vec::new();
        for id in [&first, &second] {
            state.push((app.record(id).await.unwrap(), feed(&app, id).await));
        }
        state
    };
    let before = state().await;
    let mut broken = graph("a1", "Broken", 3);
    broken["end"]["dateTime"] = json!("2026-12-01T00:00:00.0000000");
    let many: Vec<String> = (0..1001).map(|i| format!("id-{i}")).collect();
    let cases: Vec<(Vec<u8>, StatusCode)> = vec![
        (serde_json::to_vec(&json!({"format": "vcard", "removed": ["a1"]})).unwrap(), StatusCode::UNPROCESSABLE_ENTITY),
        (serde_json::to_vec(&json!({"format": "msgraph", "removed": [1]})).unwrap(), StatusCode::BAD_REQUEST),
        (serde_json::to_vec(&json!({"format": "msgraph", "removed": many})).unwrap(), StatusCode::UNPROCESSABLE_ENTITY),
        (
            serde_json::to_vec(&json!({"format": "msgraph", "changed": [graph("b1", "Fine", 4), broken]})).unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (serde_json::to_vec(&json!({"format": "msgraph", "changed": {"id": "a1"}})).unwrap(), StatusCode::BAD_REQUEST),
        (b"{\"format\": \"msgraph\", \"removed\": [\"a1\"".to_vec(), StatusCode::BAD_REQUEST),
        (vec![b' '; 5_000_001], StatusCode::PAYLOAD_TOO_LARGE),
    ];
    for (body, status) in cases {
        let shown = String::from_utf8_lossy(&body[..body.len().min(80)]).into_owned();
        let response = app.send_raw(Method::POST, "/me/changes", &kim, body, &[]).await;
        assert_eq!(response.status, status, "{shown}: {}", response.text());
        assert_eq!(response.header("content-type"), Some("application/problem+json"), "{shown}");
    }
    let invalid = push(
        &app,
        &kim,
        json!({"format": "msgraph", "changed": [graph("b1", "Fine", 4), {
        "id": "a1", "subject": "x", "start": {"dateTime": "2026-12-03T14:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2026-12-01T00:00:00", "timeZone": "UTC"}}]}),
    )
    .await;
    assert!(invalid.json()["errors"][0]["pointer"].as_str().unwrap().starts_with("/changed/1"), "{}", invalid.text());
    let ids: Vec<String> = (0..1001).map(|i| format!("id-{i}")).collect();
    let too_many = push(&app, &kim, json!({"format": "msgraph", "removed": ids})).await;
    assert_eq!(too_many.json()["errors"][0]["pointer"], "/changed", "the contract's pointer for the count");
    assert_eq!(state().await, before, "no share changed");
}

async fn only_callers_who_may_share_push_changes(app: TestApp) {
    let (admin, kim) = (app.role_admin("ada", "contoso"), app.member("kim", "contoso"));
    let id = id_of(&app.publish(&kim, &graph_share("Rota", "full", vec![graph("a1", "One", 3)])).await);
    app.set_policy(&admin, json!({"sharing": "everyone", "allowedDetail": ["availability"], "maxExpiryDays": 30}))
        .await;
    let answer = pushed(&app, &kim, json!({"format": "msgraph", "changed": [graph("a1", "Renamed", 3)]})).await;
    assert_eq!(updated_ids(&answer), ids(&[&id]), "caps that tightened since publish do not block updates");
    assert!(snapshot_of(&app, &id).await[0].title.as_deref() == Some("Renamed"), "the share keeps its own level");
    app.set_user(&admin, "kim", false, false).await;
    let before = app.record(&id).await.unwrap();
    let refused = push(&app, &kim, json!({"format": "msgraph", "changed": [graph("a1", "Again", 3)]})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
    assert_eq!(refused.header("content-type"), Some("application/problem+json"));
    assert_eq!(app.record(&id).await.unwrap(), before);
}

/// A PUT and a change racing on one share: each applies whole or is told 409; the share ends as one
/// snapshot (the PUT's, with or without the change) and the index matches it.
async fn concurrent_puts_and_changes_never_half_write(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let tagged = |tag: &str| {
        graph_share("Race", "limited", (1..=20).map(|i| graph(&format!("e{i}"), &format!("{tag}#{i}"), i)).collect())
    };
    let id = id_of(&app.publish(&kim, &tagged("old")).await);
    for round in 0..6 {
        let tag = format!("put{round}");
        let (path, replacement) = (format!("/shares/{id}"), tagged(&tag));
        let put = app.put(&path, &kim, &replacement);
        let change =
            push(&app, &kim, json!({"format": "msgraph", "changed": [graph("e1", &format!("{tag}#changed"), 1)]}));
        let (put, change) = tokio::join!(put, change);
        assert!(matches!(put.status, StatusCode::OK | StatusCode::CONFLICT), "{}", put.text());
        assert!(matches!(change.status, StatusCode::OK | StatusCode::CONFLICT), "{}", change.text());
        let titles: Vec<String> = snapshot_of(&app, &id).await.into_iter().map(|event| event.title.unwrap()).collect();
        let tags: BTreeSet<&str> = titles.iter().map(|title| title.split('#').next().unwrap()).collect();
        assert_eq!(titles.len(), 20);
        if put.status == StatusCode::OK {
            assert_eq!(tags, BTreeSet::from([tag.as_str()]), "round {round}: one snapshot, the PUT's");
        }
        assert_index_exact(&app, &[&id]).await;
    }
}

/// A store that fails the second share's commit: 503 naming the share already switched; a retry with
/// the same key completes the rest.
async fn a_failure_midway_says_what_switched_and_a_retry_completes<S: Store + Clone + Into<Backend> + 'static>(
    inner: S,
) {
    let store = InstrumentedStore::new(inner.clone());
    let app = TestApp::spawn(store.clone(), inner.into()).await;
    let kim = app.member("kim", "contoso");
    let first = id_of(&app.publish(&kim, &graph_share("A", "limited", vec![graph("a1", "One", 3)])).await);
    let second = id_of(&app.publish(&kim, &graph_share("B", "limited", vec![graph("a1", "One", 3)])).await);
    let lone = id_of(&app.publish(&kim, &graph_share("C", "limited", vec![graph("z1", "Lone", 3)])).await);
    store.arm(1);
    let lone_body = json!({"format": "msgraph", "changed": [graph("z1", "Lone renamed", 3)]});
    let failed = app.post("/me/changes", &kim, &lone_body).await;
    store.arm(usize::MAX);
    assert_eq!(failed.status, StatusCode::SERVICE_UNAVAILABLE, "{}", failed.text());
    assert_eq!(failed.json()["sharesUpdated"], json!([]), "a store failure says what was switched: nothing");
    assert!(feed(&app, &lone).await.contains("SUMMARY:Lone\r\n"), "unchanged");

    let body = json!({"format": "msgraph", "changed": [graph("a1", "Renamed", 3)]});
    store.arm(2);
    let stopped = app.send(Method::POST, "/me/changes", &kim, Some(&body), &[("idempotency-key", "mid")]).await;
    store.arm(usize::MAX);
    assert_eq!(stopped.status, StatusCode::SERVICE_UNAVAILABLE, "{}", stopped.text());
    assert_eq!(stopped.header("content-type"), Some("application/problem+json"));
    let detail = stopped.json()["detail"].as_str().expect("a detail").to_owned();
    assert!(detail.contains("sharesUpdated") && !detail.contains("nothing was changed"), "{detail}");
    let switched = updated_ids(&stopped.json());
    assert_eq!(switched.len(), 1, "{}", stopped.text());
    let done = switched.iter().next().unwrap().clone();
    let rest = if done == first { &second } else { &first };
    assert!(feed(&app, &done).await.contains("SUMMARY:Renamed"));
    assert!(feed(&app, rest).await.contains("SUMMARY:One"), "the other share is whole and old");

    let retried = app.send(Method::POST, "/me/changes", &kim, Some(&body), &[("idempotency-key", "mid")]).await;
    assert_eq!(retried.status, StatusCode::OK, "{}", retried.text());
    assert_eq!(updated_ids(&retried.json()), ids(&[rest]));
    assert!(feed(&app, rest).await.contains("SUMMARY:Renamed"));
    assert_index_exact(&app, &[&first, &second, &lone]).await;
}

/// The index read just before a rotation names the old id: the change follows the share to its new
/// id, and a share named twice (old and new id) is written once.
async fn a_share_rotated_after_the_index_was_read_still_takes_the_change<S: Store + Clone + Into<Backend> + 'static>(
    inner: S,
) {
    let store = InstrumentedStore::new(inner.clone());
    let app = TestApp::spawn(store.clone(), inner.into()).await;
    let kim = app.member("kim", "contoso");
    let old_id = id_of(&app.publish(&kim, &graph_share("A", "limited", vec![graph("a1", "One", 3)])).await);
    let rotated = app.send(Method::POST, &format!("/shares/{old_id}/rotate"), &kim, None, &[]).await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.text());
    let new_id = id_of(&rotated.json());

    for (round, stale) in [vec![old_id.clone()], vec![old_id.clone(), new_id.clone()]].into_iter().enumerate() {
        let ids = stale.iter().map(|id| ShareId::parse(id).expect("an id")).collect();
        store.answer_next_lookup_with(ids);
        let title = format!("Renamed {round}");
        let body = json!({"format": "msgraph", "changed": [graph("a1", &title, 3)]});
        let answer = app.post("/me/changes", &kim, &body).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        assert_eq!(answer.json()["sharesUpdated"], json!([{"id": new_id, "eventCount": 1}]), "round {round}");
        assert!(feed(&app, &new_id).await.contains(&format!("SUMMARY:{title}")), "round {round}");
    }
    assert_index_exact(&app, &[&new_id]).await;
}

mod rotated_meanwhile {
    crate::per_store!(store: a_share_rotated_after_the_index_was_read_still_takes_the_change);
    use super::a_share_rotated_after_the_index_was_read_still_takes_the_change;
}

per_store!(app:
    changes_reach_only_the_callers_shares_that_hold_the_event,
    each_share_keeps_only_what_its_level_shows,
    events_leave_when_moved_out_cancelled_or_removed,
    a_retry_with_the_same_key_answers_the_same,
    a_change_past_one_calls_work_goes_on_in_rounds,
    the_index_follows_put_rotate_revoke_and_expiry,
    recipients_see_the_change_on_their_next_view,
    bad_input_is_refused_and_changes_nothing,
    only_callers_who_may_share_push_changes,
    concurrent_puts_and_changes_never_half_write,
);

mod midway {
    crate::per_store!(store: a_failure_midway_says_what_switched_and_a_retry_completes);
    use super::a_failure_midway_says_what_switched_and_a_retry_completes;
}

/// Kim of contoso, who may share, as the service sees her, with the development source-id key.
fn kim_may_share() -> (share_core::service::Caller, share_core::service::Standing, share_core::domain::SourceIdSecret) {
    use share_core::domain::{GroupId, SharingPolicy, SourceIdSecret, UserId};
    let caller = share_core::service::Caller {
        user_id: UserId::parse("kim").unwrap(),
        email: None,
        group: GroupId::parse("contoso").unwrap(),
        roles: Vec::new(),
        scopes: Vec::new(),
    };
    let standing =
        share_core::service::Standing { policy: SharingPolicy::default(), permission: None, is_admin: false };
    (caller, standing, SourceIdSecret::development())
}

/// Past its memory budget a call keeps no more new snapshots in hand: it plans each further share
/// again just before writing it (one more read of that share), and ends as a call within budget does.
async fn a_call_past_its_memory_budget_plans_again_and_ends_the_same<S: Store + Clone + 'static>(inner: S) {
    use share_core::http::changes_request::ChangesRequest;
    use share_core::http::publish_request::PublishRequest;
    use share_core::service::{ChangeLimits, Publisher, apply_changes, publish_share};

    let store = InstrumentedStore::new(inner);
    let (caller, standing, secret) = kim_may_share();
    let publisher = Publisher { caller: &caller, standing: &standing, secret: &secret };
    let now = jiff::Timestamp::now();
    let mut shares = Vec::new();
    for title in ["A", "B", "C"] {
        let body = graph_share(title, "limited", vec![graph("x1", "One", 3), graph("y1", "Other", 4)]);
        let request = PublishRequest::parse(&serde_json::to_vec(&body).unwrap(), now).unwrap();
        shares.push(publish_share(&store, &publisher, request, None, now).await.unwrap().id);
    }
    let change = |title: &str| {
        let body = json!({"format": "msgraph", "changed": [graph("x1", title, 3)]});
        ChangesRequest::parse(&serde_json::to_vec(&body).unwrap()).unwrap()
    };
    store.take_share_reads();
    let within = apply_changes(&store, &publisher, change("Held"), None, ChangeLimits::default(), now).await.unwrap();
    assert_eq!(store.take_share_reads().1, 3, "each share read once");
    let past = ChangeLimits { held_bytes: 0, ..ChangeLimits::default() };
    let planned_again = apply_changes(&store, &publisher, change("Planned again"), None, past, now).await.unwrap();
    assert_eq!(store.take_share_reads().1, 6, "each share read again before it is written");
    assert_eq!(planned_again, within);
    assert_eq!(
        within.shares_updated.iter().map(|share| share.id.clone()).collect::<BTreeSet<_>>(),
        shares.iter().cloned().collect()
    );
    for id in &shares {
        let published = store.published(id).await.unwrap().unwrap();
        let titles: Vec<String> =
            snapshot::decode(&published.chunks).unwrap().into_iter().filter_map(|e| e.title).collect();
        assert!(titles.contains(&"Planned again".to_owned()), "{titles:?}");
    }
}

/// A round takes shares in id order while their stored events fit the round's budget (a share
/// larger than the whole budget goes alone), and the next round under the same key the rest.
async fn a_round_takes_the_shares_whose_events_fit_its_budget<S: Store + Clone + 'static>(store: S) {
    use share_core::http::changes_request::ChangesRequest;
    use share_core::http::publish_request::PublishRequest;
    use share_core::service::{ChangeLimits, IdempotencyClaim, Publisher, apply_changes, publish_share};

    let (caller, standing, secret) = kim_may_share();
    let publisher = Publisher { caller: &caller, standing: &standing, secret: &secret };
    let now = jiff::Timestamp::now();
    let mut sizes = std::collections::BTreeMap::new();
    for (title, events) in [("A", 2), ("B", 2), ("C", 2), ("D", 6)] {
        let events = (0..events).map(|n| graph(if n == 0 { "x1" } else { "other" }, title, 3 + n)).collect();
        let request = PublishRequest::parse(&serde_json::to_vec(&graph_share(title, "limited", events)).unwrap(), now);
        let id = publish_share(&store, &publisher, request.unwrap(), None, now).await.unwrap().id;
        sizes.insert(id, 0);
    }
    let body = serde_json::to_vec(&json!({"format": "msgraph", "changed": [graph("x1", "Renamed", 3)]})).unwrap();
    let limits = ChangeLimits { events_per_round: 5, ..ChangeLimits::default() };
    let mut rounds = Vec::new();
    loop {
        let claim = IdempotencyClaim::new(&caller, "budget", &body);
        let request = ChangesRequest::parse(&body).unwrap();
        let answer = apply_changes(&store, &publisher, request, Some(claim), limits, now).await.unwrap();
        for share in &answer.shares_updated {
            *sizes.get_mut(&share.id).unwrap() += 1;
        }
        rounds.push(answer.shares_updated.iter().map(|share| share.event_count).collect::<Vec<_>>());
        if !answer.more {
            break;
        }
    }
    let events_per_round: Vec<u32> = rounds.iter().map(|round| round.iter().sum()).collect();
    assert!(events_per_round.iter().all(|&events| events <= 5 || rounds.iter().any(|r| r == &[6])), "{rounds:?}");
    assert!(rounds.len() >= 3, "2 + 2 fit one round, 2 + 6 do not: {rounds:?}");
    assert!(sizes.values().all(|&rewrites| rewrites == 1), "each share rewritten exactly once: {sizes:?}");
}

mod budget {
    crate::per_store!(store:
        a_call_past_its_memory_budget_plans_again_and_ends_the_same,
        a_round_takes_the_shares_whose_events_fit_its_budget,
    );
    use super::{
        a_call_past_its_memory_budget_plans_again_and_ends_the_same,
        a_round_takes_the_shares_whose_events_fit_its_budget,
    };
}
