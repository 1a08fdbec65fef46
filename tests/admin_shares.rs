//! The admins' share routes on every store: `GET /admin/shares?owner=` (one owner's shares of the
//! group, paged as every list) and `DELETE /admin/users/{userId}/shares` (revoke all of a user's
//! shares, at most 100 a call).

use crate::per_store;
use crate::support::{Principal, TestApp, share_body};
use futures_util::{StreamExt, stream};
use hyper::StatusCode;
use serde_json::Value;
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

per_store!(app: an_admin_lists_one_owners_shares_paged, a_malformed_owner_is_a_bad_request);
