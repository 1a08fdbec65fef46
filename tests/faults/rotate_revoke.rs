//! The owner rotates a share while an admin revokes it, at the same moment, many times. Whatever
//! order they land in, a DELETE that answers 204 leaves no id of the share serving and nothing
//! stored under either id: a delete that read the share before the rotation follows it to its new id.

use crate::support::{Backend, TestApp, share_body};
use hyper::{Method, StatusCode};
use std::collections::BTreeMap;
use std::sync::Arc;

const RUNS: usize = 30;

/// Whether anything is stored under the share id (its record, chunks, markers, leftovers).
async fn anything_stored_under(app: &TestApp, id: &str) -> bool {
    match &app.backend {
        Backend::Memory(store) => store.stored_items().iter().any(|(key, _)| key.to_string().contains(id)),
        Backend::Dynamo(store) => {
            let pk = aws_sdk_dynamodb::types::AttributeValue::S(format!("SHARE#{id}"));
            crate::support::dynamo_local::scan_all(store).await.iter().any(|item| item.get("pk") == Some(&pk))
        }
    }
}

async fn serves(app: &TestApp, id: &str) -> bool {
    let anyone = app.anonymous();
    let page = app.get(&format!("/s/{id}"), &anyone).await;
    let feed = app.get(&format!("/s/{id}/calendar.ics"), &anyone).await;
    assert!(
        [StatusCode::OK, StatusCode::NOT_FOUND].contains(&page.status) && page.status == feed.status,
        "{id}: page {} and feed {} agree",
        page.status,
        feed.status
    );
    page.status == StatusCode::OK
}

async fn rotate_and_revoke_race(app: TestApp) {
    let app = Arc::new(app);
    let owner = app.member("kim", "contoso");
    let admin = app.role_admin("ada", "contoso");
    let mut outcomes = BTreeMap::<(u16, u16), usize>::new();
    for run in 0..RUNS {
        let old = app.publish(&owner, &share_body("race", 3)).await["id"].as_str().expect("id").to_owned();
        let barrier = Arc::new(tokio::sync::Barrier::new(2));
        let rotate = tokio::spawn({
            let (app, barrier, owner, path) =
                (app.clone(), barrier.clone(), owner.clone(), format!("/shares/{old}/rotate"));
            async move {
                barrier.wait().await;
                app.send(Method::POST, &path, &owner, None, &[]).await
            }
        });
        let revoke = tokio::spawn({
            let (app, barrier, admin, path) = (app.clone(), barrier.clone(), admin.clone(), format!("/shares/{old}"));
            async move {
                barrier.wait().await;
                app.delete(&path, &admin).await
            }
        });
        let (rotate, revoke) = (rotate.await.expect("rotate"), revoke.await.expect("revoke"));
        *outcomes.entry((rotate.status.as_u16(), revoke.status.as_u16())).or_default() += 1;
        let new = (rotate.status == StatusCode::OK).then(|| rotate.json()["id"].as_str().expect("id").to_owned());
        let ids: Vec<&str> = std::iter::once(old.as_str()).chain(new.as_deref()).collect();
        let run = format!("run {run}: rotate {}, DELETE {} ({})", rotate.status, revoke.status, revoke.text());
        match revoke.status {
            StatusCode::NO_CONTENT => {
                assert!(
                    [StatusCode::OK, StatusCode::NOT_FOUND, StatusCode::CONFLICT].contains(&rotate.status),
                    "{run}: {}",
                    rotate.text()
                );
                for id in &ids {
                    assert!(!serves(&app, id).await, "{run}: a 204 leaves no id serving, yet {id} does");
                    assert!(!anything_stored_under(&app, id).await, "{run}: a 204 leaves nothing under {id}");
                }
                let listed = app.get("/admin/shares", &admin).await.json()["shares"].as_array().expect("list").len();
                assert_eq!(listed, 0, "{run}: no share of the group is left");
            }
            // The rotation finished before the revoke looked (404: the old id is dead, as after any
            // rotation), or the revoke gave up following it (409: nothing changed). Either way the
            // share lives on, under its new id only.
            StatusCode::NOT_FOUND | StatusCode::CONFLICT => {
                let new = new.as_deref().unwrap_or_else(|| panic!("{run}: only when the rotation won"));
                assert!(serves(&app, new).await && !serves(&app, &old).await, "{run}: the new id alone serves");
                assert_eq!(app.delete(&format!("/shares/{new}"), &admin).await.status, StatusCode::NO_CONTENT);
            }
            _ => panic!("{run}: not an answer to a revoke of a share that existed"),
        }
    }
    eprintln!("rotate-vs-revoke outcomes (rotate, DELETE) → runs: {outcomes:?}");
}

/// A rotated share re-published under its new id, then revoked: nothing is left under either id
/// (the old id's forwarding marker included).
async fn revoke_after_rotate_and_put_leaves_nothing(app: TestApp) {
    let owner = app.member("kim", "contoso");
    let old = app.publish(&owner, &share_body("first", 3)).await["id"].as_str().expect("id").to_owned();
    let rotated = app.send(Method::POST, &format!("/shares/{old}/rotate"), &owner, None, &[]).await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.text());
    let new = rotated.json()["id"].as_str().expect("id").to_owned();
    let put = app.put(&format!("/shares/{new}"), &owner, &share_body("second", 3)).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text());
    assert_eq!(app.delete(&format!("/shares/{new}"), &owner).await.status, StatusCode::NO_CONTENT);
    for id in [&old, &new] {
        assert!(!serves(&app, id).await, "{id} serves after the revoke");
        assert!(!anything_stored_under(&app, id).await, "the revoke leaves nothing under {id}");
    }
}

crate::per_store!(app: rotate_and_revoke_race, revoke_after_rotate_and_put_leaves_nothing);
