//! The admins' share routes on every store: `GET /admin/shares?owner=` (one owner's shares of the
//! group, paged as every list) and `DELETE /admin/users/{userId}/shares` (revoke all of a user's
//! shares, at most 100 a call).

use crate::per_store;
use crate::support::{Backend, Principal, TestApp, dynamo_local, share_body};
use futures_util::{StreamExt, stream};
use hyper::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;

const GROUP: &str = "contoso";
const OTHER_GROUP: &str = "fabrikam";

/// Publishes `count` one-event shares (a few at once); returns their ids as the owner's own list
/// orders them (newest first).
async fn publish_many(app: &TestApp, who: &Principal, count: usize) -> Vec<String> {
    let published: Vec<String> = stream::iter(0..count)
        .map(|i| async move {
            let share = app.publish(who, &share_body(&format!("share {i}"), 1)).await;
            share["id"].as_str().unwrap().to_owned()
        })
        .buffer_unordered(8)
        .collect()
        .await;
    let listed: Vec<String> = all_pages(app, "/shares", who).await.iter().flat_map(ids).collect();
    assert_eq!(listed.iter().collect::<BTreeSet<_>>(), published.iter().collect::<BTreeSet<_>>());
    listed
}

fn ids(page: &Value) -> Vec<String> {
    page["shares"].as_array().unwrap().iter().map(|share| share["id"].as_str().unwrap().to_owned()).collect()
}

/// Every page of `path` (which may carry a query already), following `next` until it is null.
async fn all_pages(app: &TestApp, path: &str, who: &Principal) -> Vec<Value> {
    let joiner = if path.contains('?') { '&' } else { '?' };
    let mut pages = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let url = match &next {
            Some(cursor) => format!("{path}{joiner}cursor={cursor}"),
            None => path.to_owned(),
        };
        let response = app.get(&url, who).await;
        assert_eq!(response.status, StatusCode::OK, "{url}: {}", response.text());
        let page = response.json();
        next = page["next"].as_str().map(str::to_owned);
        pages.push(page);
        if next.is_none() {
            return pages;
        }
        assert!(pages.len() < 10, "the list never ends");
    }
}

async fn an_admin_lists_one_owners_shares_paged(app: TestApp) {
    let kim = app.member("kim", GROUP);
    let lee = app.member("lee", GROUP);
    let admin = app.role_admin("ada", GROUP);
    let stranger = app.role_admin("kim", OTHER_GROUP);
    let kims = publish_many(&app, &kim, 101).await;
    let lees = publish_many(&app, &lee, 2).await;
    publish_many(&app, &stranger, 1).await;

    let pages = all_pages(&app, "/admin/shares?owner=kim", &admin).await;
    assert_eq!(pages.iter().map(|page| ids(page).len()).collect::<Vec<_>>(), [100, 1]);
    assert_eq!(pages.iter().flat_map(ids).collect::<Vec<_>>(), kims, "newest first, each once");
    for share in pages.iter().flat_map(|page| page["shares"].as_array().unwrap().clone()) {
        assert_eq!(share["owner"]["userId"], "kim");
        assert_eq!(share["state"], "live");
    }
    let lee_page = app.get("/admin/shares?owner=lee", &admin).await.json();
    assert_eq!(ids(&lee_page), lees);
    assert!(lee_page["next"].is_null());

    // An owner with no shares (here: one of another group only) is an empty list, not an error.
    for owner in ["nobody", "kim%20"] {
        let empty = app.get(&format!("/admin/shares?owner={owner}"), &admin).await;
        assert_eq!(empty.status, StatusCode::OK, "{}", empty.text());
        assert_eq!((ids(&empty.json()).len(), empty.json()["next"].is_null()), (0, true));
    }
    // The other group's admin narrowing to "kim" sees their own group's kim only.
    let theirs = app.get("/admin/shares?owner=kim", &stranger).await.json();
    assert_eq!(ids(&theirs).len(), 1);

    // A cursor holds a position only: one from the whole group's list (Lee's two, then Kim's
    // newest 98) narrows to Kim's shares after that position.
    let whole = app.get("/admin/shares", &admin).await.json();
    let cursor = whole["next"].as_str().expect("a second page").to_owned();
    assert_eq!(ids(&whole)[..2], lees[..]);
    let after = app.get(&format!("/admin/shares?owner=kim&cursor={cursor}"), &admin).await.json();
    assert_eq!(ids(&after), kims[98..]);

    // Members may not audit, with or without `owner`.
    let refused = app.get("/admin/shares?owner=kim", &kim).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
}

async fn a_malformed_owner_is_a_bad_request(app: TestApp) {
    let admin = app.role_admin("ada", GROUP);
    let long = "u".repeat(257);
    for query in ["owner=", "owner=a%23b", "owner=a%0Ab", &format!("owner={long}"), "owner=kim&owner=lee"] {
        let response = app.get(&format!("/admin/shares?{query}"), &admin).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{query}: {}", response.text());
        assert_eq!(response.header("content-type"), Some("application/problem+json"));
        let detail = response.json()["detail"].as_str().unwrap().to_owned();
        assert!(detail.starts_with("owner "), "{detail}");
    }
}

/// The shares with items stored under their own key (record, pieces, forwarding marker), and those
/// the owners' source indexes list: one read of the whole store.
async fn stored_shares(app: &TestApp) -> (BTreeSet<String>, BTreeSet<String>) {
    use share_core::store::EmbeddedKey;
    let (mut own, mut indexed) = (BTreeSet::new(), BTreeSet::new());
    match &app.backend {
        Backend::Memory(store) => {
            for (key, _) in store.stored_items() {
                match key {
                    EmbeddedKey::Record(share) | EmbeddedKey::Chunk { share, .. } | EmbeddedKey::Forward(share) => {
                        own.insert(share.as_str().to_owned());
                    }
                    EmbeddedKey::Sources { share, .. } => {
                        indexed.insert(share.as_str().to_owned());
                    }
                    _ => {}
                }
            }
        }
        Backend::Dynamo(store) => {
            use aws_sdk_dynamodb::types::AttributeValue;
            for item in dynamo_local::scan_all(store).await {
                let (Some(AttributeValue::S(pk)), Some(AttributeValue::S(sk))) = (item.get("pk"), item.get("sk"))
                else {
                    continue;
                };
                if let Some(share) = pk.strip_prefix("SHARE#") {
                    own.insert(share.to_owned());
                } else if pk.starts_with("SOURCES#") {
                    indexed.insert(sk.clone());
                }
            }
        }
    }
    (own, indexed)
}

async fn revoke_all(app: &TestApp, admin: &Principal, user: &str) -> (StatusCode, Value) {
    let response = app.delete(&format!("/admin/users/{user}/shares"), admin).await;
    let body = if response.status == StatusCode::OK { response.json() } else { Value::Null };
    if response.status == StatusCode::OK {
        assert_eq!(response.header("content-type"), Some("application/json"));
    }
    (response.status, body)
}

/// Every stored trace of the shares is gone: their links, their items, their index entries.
async fn assert_revoked(app: &TestApp, ids: &[String]) {
    let (own, indexed) = stored_shares(app).await;
    for id in ids {
        assert_eq!(app.get(&format!("/s/{id}"), &app.anonymous()).await.status, StatusCode::NOT_FOUND, "{id}");
        assert!(!own.contains(id), "{id}: items of it are still stored");
        assert!(!indexed.contains(id), "{id}: the source index still lists it");
    }
}

async fn assert_live(app: &TestApp, ids: &[String]) {
    let (own, indexed) = stored_shares(app).await;
    for id in ids {
        let page = app.get(&format!("/s/{id}"), &app.anonymous()).await;
        assert_eq!(page.status, StatusCode::OK, "{id}: {}", page.text());
        assert!(own.contains(id) && indexed.contains(id), "{id}: its items and index entries stay");
    }
}

async fn an_admin_revokes_every_share_of_one_user(app: TestApp) {
    let kim = app.member("kim", GROUP);
    let lee = app.member("lee", GROUP);
    let admin = app.role_admin("ada", GROUP);
    let kim_elsewhere = app.member("kim", OTHER_GROUP);
    let stranger = app.role_admin("oda", OTHER_GROUP);
    assert_eq!(revoke_all(&app, &admin, "kim").await, (StatusCode::OK, json!({"revoked": 0, "more": false})));

    let kims = publish_many(&app, &kim, 3).await;
    let lees = publish_many(&app, &lee, 2).await;
    let elsewhere = publish_many(&app, &kim_elsewhere, 2).await;

    // Members (the user included) may not; another group's admin reaches only their own group.
    for who in [&kim, &lee] {
        let (status, _) = revoke_all(&app, who, "kim").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    assert_eq!(revoke_all(&app, &stranger, "lee").await.1, json!({"revoked": 0, "more": false}));
    assert_live(&app, &kims).await;
    assert_live(&app, &lees).await;

    assert_eq!(revoke_all(&app, &admin, "kim").await, (StatusCode::OK, json!({"revoked": 3, "more": false})));
    assert_revoked(&app, &kims).await;
    assert_live(&app, &lees).await;
    assert_live(&app, &elsewhere).await;
    assert!(app.share_ids(&kim).await.is_empty());
    assert_eq!(app.share_ids(&kim_elsewhere).await.len(), 2);
    assert_eq!(revoke_all(&app, &admin, "kim").await.1, json!({"revoked": 0, "more": false}));

    // A user id no identity provider issues is 422 at its pointer, as for `/settings/users/{userId}`.
    let refused = app.delete("/admin/users/a%23b/shares", &admin).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text());
    assert_eq!(refused.json()["errors"][0]["pointer"], "/userId");
}

async fn revoking_many_shares_takes_a_call_per_hundred(app: TestApp) {
    let kim = app.member("kim", GROUP);
    let admin = app.member("sam", GROUP);
    app.set_user(&app.role_admin("ada", GROUP), "sam", true, true).await;
    let kims = publish_many(&app, &kim, 205).await;
    let lees = publish_many(&app, &app.member("lee", GROUP), 1).await;

    let mut calls = Vec::new();
    loop {
        let (status, answer) = revoke_all(&app, &admin, "kim").await;
        assert_eq!(status, StatusCode::OK);
        calls.push((answer["revoked"].as_u64().unwrap(), answer["more"].as_bool().unwrap()));
        if calls.len() == 1 {
            // The newest hundred went first; the others still serve.
            assert_revoked(&app, &kims[..100]).await;
            assert_live(&app, &kims[100..]).await;
        }
        if calls.last().is_some_and(|(_, more)| !more) || calls.len() > 4 {
            break;
        }
    }
    assert_eq!(calls, [(100, true), (100, true), (5, false)]);
    assert_revoked(&app, &kims).await;
    assert_live(&app, &lees).await;
}

per_store!(
    app: an_admin_lists_one_owners_shares_paged,
    a_malformed_owner_is_a_bad_request,
    an_admin_revokes_every_share_of_one_user,
    revoking_many_shares_takes_a_call_per_hundred
);
