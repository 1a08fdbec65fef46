//! The share lists (`GET /shares`, `GET /admin/shares`) on every store: pages of at most 100,
//! newest first, joined by cursors that only ever move within the caller's own list.

use crate::per_store;
use crate::support::{Principal, TestApp, share_body};
use hyper::StatusCode;
use serde_json::Value;

const PAGE: usize = 100;

/// Publishes `count` one-event shares, returning their ids in publish order.
async fn publish_many(app: &TestApp, who: &Principal, count: usize) -> Vec<String> {
    let mut ids = Vec::with_capacity(count);
    for i in 0..count {
        let share = app.publish(who, &share_body(&format!("share {i}"), 1)).await;
        ids.push(share["id"].as_str().unwrap().to_owned());
    }
    ids
}

/// Every page of a list route, following `next` until it is null.
async fn all_pages(app: &TestApp, path: &str, who: &Principal) -> Vec<Value> {
    let mut pages = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let url = match &next {
            Some(cursor) => format!("{path}?cursor={cursor}"),
            None => path.to_owned(),
        };
        let response = app.get(&url, who).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
        let page = response.json();
        next = page["next"].as_str().map(str::to_owned);
        assert!(next.is_some() || page["next"].is_null(), "next is a cursor or null: {}", page["next"]);
        pages.push(page);
        if next.is_none() {
            return pages;
        }
        assert!(pages.len() < 10, "the list never ends");
    }
}

fn ids(page: &Value) -> Vec<String> {
    page["shares"].as_array().unwrap().iter().map(|share| share["id"].as_str().unwrap().to_owned()).collect()
}

async fn lists_page_newest_first_with_cursors(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let lee = app.member("lee", "contoso");
    let admin = app.role_admin("ada", "contoso");
    let mut kims = publish_many(&app, &kim, PAGE + 1).await;
    let lees = publish_many(&app, &lee, 2).await;

    let pages = all_pages(&app, "/shares", &kim).await;
    let sizes: Vec<usize> = pages.iter().map(|page| ids(page).len()).collect();
    assert_eq!(sizes, [PAGE, 1]);
    kims.reverse();
    assert_eq!(pages.iter().flat_map(ids).collect::<Vec<_>>(), kims, "newest first, no share twice or missing");

    let audit = all_pages(&app, "/admin/shares", &admin).await;
    let sizes: Vec<usize> = audit.iter().map(|page| ids(page).len()).collect();
    assert_eq!(sizes, [PAGE, 3]);
    let audited: Vec<String> = audit.iter().flat_map(ids).collect();
    assert_eq!(&audited[..2], &[lees[1].clone(), lees[0].clone()], "every owner's shares, newest first");
    assert_eq!(audited[2..], kims[..]);

    // A list that fits one page has no cursor.
    assert_eq!(all_pages(&app, "/shares", &lee).await.len(), 1);
}

async fn bad_cursors_are_refused_and_cursors_never_widen_a_list(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let lee = app.member("lee", "contoso");
    let stranger = app.role_admin("sam", "fabrikam");
    let admin = app.role_admin("ada", "contoso");
    // Older than any position in Lee's list, so a cursor of Lee's would pass them if it could.
    let mut kims = publish_many(&app, &kim, 2).await;
    let theirs = publish_many(&app, &stranger, 1).await;
    publish_many(&app, &lee, PAGE + 1).await;

    for path in ["/shares", "/admin/shares"] {
        for query in ["cursor=", "cursor=not-a-cursor", "cursor=%00%01", "cursor=AAAA&cursor=AAAA"] {
            let response = app.get(&format!("{path}?{query}"), &admin).await;
            assert_eq!(response.status, StatusCode::BAD_REQUEST, "{path}?{query}: {}", response.text());
            assert_eq!(response.header("content-type"), Some("application/problem+json"));
            assert!(response.json()["detail"].as_str().unwrap().contains("cursor"));
        }
    }

    // Lee's cursor, sent by Kim or by another group's admin, lists their own shares only.
    let lees_first = app.get("/shares", &lee).await.json();
    let cursor = lees_first["next"].as_str().expect("lee has a second page").to_owned();
    let kim_after = app.get(&format!("/shares?cursor={cursor}"), &kim).await.json();
    kims.reverse();
    assert_eq!(ids(&kim_after), kims);
    assert!(kim_after["next"].is_null());
    let elsewhere = app.get(&format!("/admin/shares?cursor={cursor}"), &stranger).await.json();
    assert_eq!(ids(&elsewhere), theirs);
}

per_store!(app: lists_page_newest_first_with_cursors, bad_cursors_are_refused_and_cursors_never_widen_a_list);
