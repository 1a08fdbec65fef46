//! What a recipient's view reads from the store: a warm instance that holds a share's snapshot
//! reads the record alone; the chunks are read for a share it never served, and again only when a
//! re-publish moved the share to a new generation. Revoke, expiry and policy are still decided on
//! every view.

use crate::per_store;
use crate::support::{Backend, TestApp, share_body};
use hyper::StatusCode;
use share_core::domain::{Generation, GroupId, ShareId, ShareRecord, SharingPolicy, UserId, UserPermission};
use share_core::store::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Test-only: passes everything through and counts the two ways a share is read.
#[derive(Clone)]
struct CountingReads<S> {
    inner: S,
    record_reads: Arc<AtomicUsize>,
    whole_reads: Arc<AtomicUsize>,
}

impl<S> CountingReads<S> {
    /// (record alone, record with its chunks) since the last call.
    fn take(&self) -> (usize, usize) {
        (self.record_reads.swap(0, Ordering::SeqCst), self.whole_reads.swap(0, Ordering::SeqCst))
    }
}

impl<S: ShareReads> ShareReads for CountingReads<S> {
    async fn share(&self, id: &ShareId) -> StoreResult<Option<ShareRecord>> {
        self.record_reads.fetch_add(1, Ordering::SeqCst);
        self.inner.share(id).await
    }
    async fn published(&self, id: &ShareId) -> StoreResult<Option<PublishedShare>> {
        self.whole_reads.fetch_add(1, Ordering::SeqCst);
        self.inner.published(id).await
    }
    async fn owner_shares(
        &self,
        group: &GroupId,
        owner: &UserId,
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<SharePage> {
        self.inner.owner_shares(group, owner, after, limit).await
    }
    async fn group_shares(&self, group: &GroupId, after: Option<&ListCursor>, limit: usize) -> StoreResult<SharePage> {
        self.inner.group_shares(group, after, limit).await
    }
    async fn idempotency(&self, key_digest: &str) -> StoreResult<Option<IdempotencyRecord>> {
        self.inner.idempotency(key_digest).await
    }
}

impl<S: ShareWrites> ShareWrites for CountingReads<S> {
    async fn put_chunk(&self, record: &ShareRecord, index: u32, bytes: &[u8]) -> StoreResult<()> {
        self.inner.put_chunk(record, index, bytes).await
    }
    async fn commit(&self, commit: ShareCommit) -> StoreResult<()> {
        self.inner.commit(commit).await
    }
    async fn delete_chunks(&self, id: &ShareId, generation: &Generation, chunk_count: u32) -> StoreResult<()> {
        self.inner.delete_chunks(id, generation, chunk_count).await
    }
    async fn delete_share(&self, record: &ShareRecord) -> StoreResult<()> {
        self.inner.delete_share(record).await
    }
}

impl<S: PolicyReads> PolicyReads for CountingReads<S> {
    async fn sharing_state(
        &self,
        group: &GroupId,
        user: &UserId,
    ) -> StoreResult<(Option<SharingPolicy>, Option<UserPermission>)> {
        self.inner.sharing_state(group, user).await
    }
    async fn users(&self, group: &GroupId) -> StoreResult<Vec<UserPermission>> {
        self.inner.users(group).await
    }
}

impl<S: PolicyWrites> PolicyWrites for CountingReads<S> {
    async fn put_policy(&self, group: &GroupId, policy: &SharingPolicy) -> StoreResult<()> {
        self.inner.put_policy(group, policy).await
    }
    async fn put_user(&self, group: &GroupId, user: &UserPermission) -> StoreResult<()> {
        self.inner.put_user(group, user).await
    }
}

async fn a_held_snapshot_costs_one_record_read<S: Store + Clone + Into<Backend> + 'static>(inner: S) {
    let store = CountingReads { inner: inner.clone(), record_reads: Arc::default(), whole_reads: Arc::default() };
    let app = TestApp::spawn(store.clone(), inner.into()).await;
    let kim = app.member("kim", "contoso");
    let id = app.publish(&kim, &share_body("Before", 3)).await["id"].as_str().expect("id").to_owned();
    let page = format!("/s/{id}?view=agenda&date=2026-12-01");
    let feed = format!("/s/{id}/calendar.ics");
    let view = |url: String| {
        let (app, store) = (&app, &store);
        async move {
            store.take();
            let response = app.get(&url, &app.anonymous()).await;
            assert_eq!(response.status, StatusCode::OK, "{url}");
            (response.text(), store.take())
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
    store.take();
    assert_eq!(app.get(&page, &app.anonymous()).await.status, StatusCode::NOT_FOUND, "revoked at once");
}

per_store!(store: a_held_snapshot_costs_one_record_read);
