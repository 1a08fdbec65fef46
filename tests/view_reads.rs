//! What a recipient's view reads from the store: a warm instance that holds a share's snapshot
//! reads the record alone; the chunks are read for a share it never served, and again only when a
//! re-publish moved the share to a new generation. Revoke, expiry and policy are still decided on
//! every view.

use crate::per_store;
use crate::support::instrumented_store::InstrumentedStore;
use crate::support::{Backend, TestApp, share_body};
use hyper::StatusCode;
use share_core::store::Store;

async fn a_held_snapshot_costs_one_record_read<S: Store + Clone + Into<Backend> + 'static>(inner: S) {
    let store = InstrumentedStore::new(inner.clone());
    let app = TestApp::spawn(store.clone(), inner.into()).await;
    let kim = app.member("kim", "contoso");
    let id = app.publish(&kim, &share_body("Before", 3)).await["id"].as_str().expect("id").to_owned();
    let page = format!("/s/{id}?view=agenda&date=2026-12-01");
    let feed = format!("/s/{id}/calendar.ics");
    let view = |url: String| {
        let (app, store) = (&app, &store);
        async move {
            store.take_share_reads();
            let response = app.get(&url, &app.anonymous()).await;
            assert_eq!(response.status, StatusCode::OK, "{url}");
            (response.text(), store.take_share_reads())
        }
    };

    let (_, reads) = view(page.clone()).await;
    assert_eq!(reads, (0, 1), "a share never served is read whole, in one read");
    let (_, reads) = view(page.clone()).await;
    assert_eq!(reads, (1, 0), "a held snapshot: the record alone");
    let (_, reads) = view(feed.clone()).await;
    assert_eq!(reads, (1, 0), "another representation of the same snapshot: the record alone");

    let mut renamed = share_body("After", 3);
    renamed["title"] = serde_json::json!("After");
    assert_eq!(app.put(&format!("/shares/{id}"), &kim, &renamed).await.status, StatusCode::OK);
    let (text, reads) = view(page.clone()).await;
    assert_eq!(reads, (1, 1), "a new generation: the record, then the whole share");
    assert!(text.contains("After") && !text.contains("Before"));
    let (_, reads) = view(feed).await;
    assert_eq!(reads, (1, 0), "and then the record alone again");

    assert_eq!(app.delete(&format!("/shares/{id}"), &kim).await.status, StatusCode::NO_CONTENT);
    store.take_share_reads();
    assert_eq!(app.get(&page, &app.anonymous()).await.status, StatusCode::NOT_FOUND, "revoked at once");
}

/// A sealed share's ciphertext is held like a snapshot: the shell page's view reads the share whole
/// once, and the `/s/{id}/sealed` request that follows it reads the record alone.
async fn a_held_ciphertext_costs_one_record_read<S: Store + Clone + Into<Backend> + 'static>(inner: S) {
    use crate::sealed::{opaque_bytes, sealed_body};
    let store = InstrumentedStore::new(inner.clone());
    let app = TestApp::spawn(store.clone(), inner.into()).await;
    let kim = app.member("kim", "contoso");
    let ciphertext = opaque_bytes(700_000);
    let id = app.publish(&kim, &sealed_body(&ciphertext, 40)).await["id"].as_str().expect("id").to_owned();
    let mut reads = Vec::new();
    for url in [format!("/s/{id}"), format!("/s/{id}/sealed"), format!("/s/{id}/sealed"), format!("/s/{id}")] {
        store.take_share_reads();
        let response = app.get(&url, &app.anonymous()).await;
        assert_eq!(response.status, StatusCode::OK, "{url}");
        reads.push(store.take_share_reads());
    }
    assert_eq!(reads, [(0, 1), (1, 0), (1, 0), (1, 0)], "once whole, then the record alone");
}

per_store!(store: a_held_snapshot_costs_one_record_read, a_held_ciphertext_costs_one_record_read);
