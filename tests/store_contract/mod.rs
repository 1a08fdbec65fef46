//! The store contract: one behaviour suite, run against the embedded store and DynamoDB Local.
//! Each test is written once, generic over the store, and instantiated for both by `per_store!`.

mod dynamodb_layout;
mod fixtures;

use fixtures::*;
use jiff::{SignedDuration, Timestamp};
use share_core::domain::{
    DetailLevel, Generation, GroupId, ShareId, ShareRecord, SharedEvent, SharingMode, SharingPolicy, UserId,
    UserPermission,
};
use share_core::snapshot;
use share_core::store::{
    LIST_PAGE_SIZE, Precondition, ShareCommit, ShareListPage, SnapshotWrite, Store, StoreError, Superseded,
};

crate::per_store!(
    store:
    commit_then_read_back,
    absent_precondition_keeps_the_first,
    republish_replaces_and_deletes_old_chunks,
    stale_generation_conflicts_and_changes_nothing,
    uncommitted_chunks_stay_invisible_until_deleted,
    rotation_leaves_the_old_id_forwarding_until_the_revoke,
    a_change_writes_only_the_pieces_it_changed,
    a_commit_whose_pending_piece_is_gone_changes_nothing,
    a_rotation_seals_its_pieces_and_deletes_the_old_ones,
    revoke_removes_leftovers_and_young_ones_survive_a_sweep,
    rotation_of_a_changed_share_conflicts,
    delete_share_removes_every_item,
    idempotency_entry_commits_with_the_share,
    expired_idempotency_key_is_free_again,
    policy_and_users,
    permissions_of_many_users_at_once,
    owner_and_group_share_scoping,
    share_lists_page_with_cursors_that_stay_in_scope,
    expired_share_is_still_served_to_answer_gone,
    ten_thousand_events_round_trip,
    missing_chunk_is_inconsistent,
);

async fn commit_then_read_back<S: Store + StoredItems>(store: S) {
    let events = multi_chunk_events();
    let (record, chunks) = publish_new(&store, record("g1", "alice", Timestamp::now()), &events).await;
    assert!(chunks.len() > 2, "the fixture should need more than two chunks, got {}", chunks.len());

    assert_serves(&store, &record, &chunks).await;
    let published = store.published(&record.id).await.unwrap().unwrap();
    assert_eq!(snapshot::decode(&published.chunks).unwrap(), events);
    assert_eq!(store.items_of(&record.id).await, item_names(&record));

    let unknown = ShareId::generate();
    assert!(store.published(&unknown).await.unwrap().is_none());
    assert!(store.share(&unknown).await.unwrap().is_none());
}

async fn absent_precondition_keeps_the_first<S: Store + StoredItems>(store: S) {
    let (first, first_chunks) =
        publish_new(&store, record("g1", "alice", Timestamp::now()), &events(3, |i| format!("first {i}"))).await;

    let mut intruder = record("g1", "mallory", Timestamp::now());
    intruder.id = first.id.clone();
    let (intruder, _) = snapshot_of(intruder, &events(1, |_| "second".into()));
    let result = store.commit(commit_of(&intruder, Precondition::Absent)).await;

    assert!(matches!(result, Err(StoreError::Conflict)), "{result:?}");
    assert_serves(&store, &first, &first_chunks).await;
}

async fn republish_replaces_and_deletes_old_chunks<S: Store + StoredItems>(store: S) {
    let (old, _) = publish_new(&store, record("g1", "alice", Timestamp::now()), &multi_chunk_events()).await;
    let new_events = events(2, |i| format!("replacement {i}"));
    let (new, new_chunks) = next_generation(&old, &new_events);
    let commit = ShareCommit {
        superseded: superseding(&old),
        ..commit_of(&new, Precondition::Generation(old.generation.clone()))
    };
    publish(&store, commit, &new_chunks).await.unwrap();

    assert_serves(&store, &new, &new_chunks).await;
    let published = store.published(&new.id).await.unwrap().unwrap();
    assert_eq!(snapshot::decode(&published.chunks).unwrap(), new_events);
    assert_eq!(store.items_of(&new.id).await, item_names(&new), "old chunks must not be left behind");
    let listed = store.owner_shares(&new.group, &new.owner.user_id, None, LIST_PAGE_SIZE).await.unwrap();
    assert_eq!(listed, ShareListPage { records: vec![new], next: None });
}

async fn stale_generation_conflicts_and_changes_nothing<S: Store + StoredItems>(store: S) {
    let (current, current_chunks) =
        publish_new(&store, record("g1", "alice", Timestamp::now()), &multi_chunk_events()).await;
    let before = store.items_of(&current.id).await;

    let (late, late_chunks) = next_generation(&current, &multi_chunk_events());
    let commit = ShareCommit {
        superseded: Some(Superseded {
            generation: Generation::parse("stale").expect("a generation"),
            ..superseding(&current).unwrap()
        }),
        ..commit_of(&late, Precondition::Generation(Generation::parse("stale").expect("a generation")))
    };
    let result = publish(&store, commit, &late_chunks).await;

    assert!(matches!(result, Err(StoreError::Conflict)), "{result:?}");
    assert_serves(&store, &current, &current_chunks).await;
    // The loser cleans up the pieces it wrote; then the store is as it was.
    delete_pieces_of(&store, &late).await;
    assert_eq!(store.items_of(&current.id).await, before);
}

async fn uncommitted_chunks_stay_invisible_until_deleted<S: Store + StoredItems>(store: S) {
    let (current, current_chunks) =
        publish_new(&store, record("g1", "alice", Timestamp::now()), &events(5, |i| format!("e{i}"))).await;
    let (pending, pending_chunks) = next_generation(&current, &multi_chunk_events());
    put_chunks(&store, &pending, &pending_chunks).await;

    assert_serves(&store, &current, &current_chunks).await;
    assert_eq!(
        store.items_of(&current.id).await.len(),
        item_names(&current).len() + pending_chunks.len(),
        "the share's items + the uncommitted generation's pieces"
    );

    delete_pieces_of(&store, &pending).await;
    assert_eq!(store.items_of(&current.id).await, item_names(&current));
}

/// Rotates `from` to a new id, returning the rotated record and its chunks.
async fn rotate<S: Store>(store: &S, from: &ShareRecord, events: &[SharedEvent]) -> (ShareRecord, Vec<Vec<u8>>) {
    let mut rotated = from.clone();
    rotated.id = ShareId::generate();
    rotated.rotated_from = Some(from.id.clone());
    let (rotated, chunks) = next_generation(&rotated, events);
    let commit = ShareCommit { superseded: superseding(from), ..commit_of(&rotated, Precondition::Absent) };
    publish(store, commit, &chunks).await.unwrap();
    (rotated, chunks)
}

/// The old id serves nothing and holds only a marker that forwards to the new one (a revoke racing
/// the rotation follows it); each rotation retires the marker of the one before, and the revoke
/// removes the last.
async fn rotation_leaves_the_old_id_forwarding_until_the_revoke<S: Store + StoredItems>(store: S) {
    let events = multi_chunk_events();
    let (old, _) = publish_new(&store, record("g1", "alice", Timestamp::now()), &events).await;
    let (rotated, chunks) = rotate(&store, &old, &events).await;

    assert!(store.published(&old.id).await.unwrap().is_none());
    assert!(store.share(&old.id).await.unwrap().is_none());
    assert_eq!(store.items_of(&old.id).await, vec!["MOVED".to_owned()]);
    assert_eq!(store.forwarded_to(&old.id).await.unwrap(), Some(rotated.id.clone()));
    assert_serves(&store, &rotated, &chunks).await;
    assert_eq!(store.items_of(&rotated.id).await, item_names(&rotated));
    assert_eq!(store.group_shares(&old.group, None, LIST_PAGE_SIZE).await.unwrap().records, vec![rotated.clone()]);

    let (again, _) = rotate(&store, &rotated, &events).await;
    assert_eq!(store.items_of(&old.id).await, Vec::<String>::new(), "the first marker is retired");
    assert_eq!(store.forwarded_to(&rotated.id).await.unwrap(), Some(again.id.clone()));

    store.delete_share(&again).await.unwrap();
    assert_gone(&store, &again.id).await;
    assert_gone(&store, &rotated.id).await;
    assert_eq!(store.forwarded_to(&rotated.id).await.unwrap(), None);
}

/// A new snapshot that differs from the current one in one event keeps every piece but the one that
/// holds it: the write stores one piece, and the commit's cleanup removes the one it replaced.
async fn a_change_writes_only_the_pieces_it_changed<S: Store + StoredItems>(store: S) {
    let mut events = events(10_000, |i| format!("Shift {i}"));
    let (current, _) = publish_new(&store, record("g1", "alice", Timestamp::now()), &events).await;
    assert!(current.pieces.len() > 20, "{} pieces", current.pieces.len());
    events[4_321].title = Some("Shift swapped".into());
    let mut next = current.clone();
    next.generation = Generation::generate();
    let write = SnapshotWrite::lay_out(snapshot::encode(&events), &next.generation, &current.pieces);
    assert_eq!(write.fresh.len(), 1, "one piece holds the changed event");
    next.pieces = write.pieces.clone();
    let commit = ShareCommit {
        superseded: superseding(&current),
        ..commit_of(&next, Precondition::Generation(current.generation.clone()))
    };
    store.put_pieces(&next, &write.fresh, false).await.unwrap();
    let dropped = superseding(&current).unwrap().dropped_by(&next);
    assert_eq!(dropped.len(), 1);
    store.commit(commit).await.unwrap();
    store.delete_pieces(&current.id, &dropped).await.unwrap();

    let published = store.published(&next.id).await.unwrap().expect("served");
    assert_eq!(snapshot::decode(&published.chunks).unwrap(), events);
    assert_eq!(store.items_of(&next.id).await, item_names(&next), "the replaced piece is gone, the rest kept");
    let kept = next.pieces.iter().filter(|piece| piece.generation == current.generation).count();
    assert_eq!(kept, next.pieces.len() - 1);
}

/// A commit seals the pending pieces it lists: if one is gone (its TTL, a sweep), the commit
/// conflicts and changes nothing.
async fn a_commit_whose_pending_piece_is_gone_changes_nothing<S: Store + StoredItems>(store: S) {
    let (current, current_chunks) =
        publish_new(&store, record("g1", "alice", Timestamp::now()), &events(2, |i| format!("e{i}"))).await;
    let (next, next_chunks) = next_generation(&current, &multi_chunk_events());
    store.put_pieces(&next, &fresh_of(&next, &next_chunks), true).await.unwrap();
    store.delete_pieces(&next.id, &next.pieces[1..2]).await.unwrap();

    let commit = ShareCommit {
        superseded: superseding(&current),
        ..commit_of(&next, Precondition::Generation(current.generation.clone()))
    }
    .sealing(next.pieces.clone());
    let result = store.commit(commit).await;
    assert!(matches!(result, Err(StoreError::Conflict)), "{result:?}");
    assert_serves(&store, &current, &current_chunks).await;
}

/// A rotation's pieces are written pending under the new id and sealed by its commit, which also
/// deletes the old id's pieces: the old id keeps only its forwarding marker.
async fn a_rotation_seals_its_pieces_and_deletes_the_old_ones<S: Store + StoredItems>(store: S) {
    let events = multi_chunk_events();
    let (old, _) = publish_new(&store, record("g1", "alice", Timestamp::now()), &events).await;
    let mut moved = old.clone();
    moved.id = ShareId::generate();
    moved.rotated_from = Some(old.id.clone());
    let (moved, chunks) = next_generation(&moved, &events);
    store.put_pieces(&moved, &fresh_of(&moved, &chunks), true).await.unwrap();
    let commit = ShareCommit { superseded: superseding(&old), ..commit_of(&moved, Precondition::Absent) }
        .sealing(moved.pieces.clone());
    store.commit(commit).await.unwrap();

    assert_serves(&store, &moved, &chunks).await;
    assert_eq!(store.items_of(&old.id).await, vec!["MOVED".to_owned()]);
    assert_eq!(store.items_of(&moved.id).await, item_names(&moved));
}

/// Chunks of a write that never committed: a sweep leaves the young ones (their attempt may still
/// commit them), and a revoke removes every item under the share's id, leftovers included.
async fn revoke_removes_leftovers_and_young_ones_survive_a_sweep<S: Store + StoredItems>(store: S) {
    let (current, current_chunks) =
        publish_new(&store, record("g1", "alice", Timestamp::now()), &multi_chunk_events()).await;
    let (abandoned, abandoned_chunks) = next_generation(&current, &multi_chunk_events());
    put_chunks(&store, &abandoned, &abandoned_chunks).await;
    let held = store.items_of(&current.id).await;
    assert_eq!(held.len(), item_names(&current).len() + abandoned_chunks.len());

    store.sweep_leftovers(&current.id, Some(&current)).await.unwrap();
    assert_eq!(store.items_of(&current.id).await, held, "a young piece no record lists is not swept");
    assert_serves(&store, &current, &current_chunks).await;

    store.delete_share(&current).await.unwrap();
    assert_gone(&store, &current.id).await;
}

async fn rotation_of_a_changed_share_conflicts<S: Store + StoredItems>(store: S) {
    let (old, old_chunks) =
        publish_new(&store, record("g1", "alice", Timestamp::now()), &events(3, |i| format!("e{i}"))).await;

    let mut rotated = old.clone();
    rotated.id = ShareId::generate();
    let (rotated, _) = next_generation(&rotated, &events(3, |i| format!("e{i}")));
    let stale =
        Superseded { generation: Generation::parse("stale").expect("a generation"), ..superseding(&old).unwrap() };
    let commit = ShareCommit { superseded: Some(stale), ..commit_of(&rotated, Precondition::Absent) };
    let result = store.commit(commit).await;

    assert!(matches!(result, Err(StoreError::Conflict)), "{result:?}");
    assert_serves(&store, &old, &old_chunks).await;
    assert_gone(&store, &rotated.id).await;
}

async fn delete_share_removes_every_item<S: Store + StoredItems>(store: S) {
    let (doomed, _) = publish_new(&store, record("g1", "alice", Timestamp::now()), &multi_chunk_events()).await;
    let (kept, kept_chunks) =
        publish_new(&store, record("g1", "alice", Timestamp::now()), &events(1, |_| "kept".into())).await;

    let mut stale = doomed.clone();
    stale.generation = Generation::parse("stale").expect("a generation");
    let result = store.delete_share(&stale).await;
    assert!(matches!(result, Err(StoreError::Conflict)), "{result:?}");
    assert_eq!(store.items_of(&doomed.id).await, item_names(&doomed));

    store.delete_share(&doomed).await.unwrap();
    assert_gone(&store, &doomed.id).await;
    assert_serves(&store, &kept, &kept_chunks).await;
    assert_eq!(store.group_shares(&doomed.group, None, LIST_PAGE_SIZE).await.unwrap().records, vec![kept]);
}

async fn idempotency_entry_commits_with_the_share<S: Store + StoredItems>(store: S) {
    let (first, _) = snapshot_of(record("g1", "alice", Timestamp::now()), &events(2, |i| format!("e{i}")));
    let entry = idempotency_entry("key-1", &first.id, a_day_from_now());
    let commit = ShareCommit { idempotency: Some(entry.clone()), ..commit_of(&first, Precondition::Absent) };
    store.commit(commit).await.unwrap();

    assert_eq!(store.idempotency("key-1").await.unwrap(), Some(entry.clone()));
    assert!(store.idempotency("key-2").await.unwrap().is_none());

    let (second, _) = snapshot_of(record("g1", "alice", Timestamp::now()), &events(2, |i| format!("e{i}")));
    let reused = idempotency_entry("key-1", &second.id, a_day_from_now());
    let commit = ShareCommit { idempotency: Some(reused), ..commit_of(&second, Precondition::Absent) };
    let result = store.commit(commit).await;

    assert!(matches!(result, Err(StoreError::Conflict)), "{result:?}");
    assert_gone(&store, &second.id).await;
    assert_eq!(store.idempotency("key-1").await.unwrap(), Some(entry));
}

async fn expired_idempotency_key_is_free_again<S: Store + StoredItems>(store: S) {
    let (first, _) = snapshot_of(record("g1", "alice", Timestamp::now()), &events(1, |_| "first".into()));
    let past = Timestamp::from_second(Timestamp::now().as_second() - 60).unwrap();
    let expired = idempotency_entry("key-1", &first.id, past);
    let commit = ShareCommit { idempotency: Some(expired), ..commit_of(&first, Precondition::Absent) };
    store.commit(commit).await.unwrap();
    assert!(store.idempotency("key-1").await.unwrap().is_none(), "an expired entry no longer answers");

    let (second, _) = snapshot_of(record("g1", "alice", Timestamp::now()), &events(1, |_| "second".into()));
    let fresh = idempotency_entry("key-1", &second.id, a_day_from_now());
    let commit = ShareCommit { idempotency: Some(fresh.clone()), ..commit_of(&second, Precondition::Absent) };
    store.commit(commit).await.unwrap();
    assert_eq!(store.idempotency("key-1").await.unwrap(), Some(fresh));
}

async fn policy_and_users<S: Store + StoredItems>(store: S) {
    let g1 = GroupId::parse("g1").unwrap();
    let g2 = GroupId::parse("g2").unwrap();
    let alice = UserId::parse("alice").unwrap();
    let user = |id: &str, can_share: bool, admin: bool| UserPermission {
        user_id: UserId::parse(id).unwrap(),
        email: (id != "carol").then(|| format!("{id}@example.com")),
        can_share,
        admin,
    };

    assert_eq!(store.sharing_state(&g1, &alice).await.unwrap(), (None, None));
    assert!(store.users(&g1).await.unwrap().is_empty());

    let policy = SharingPolicy::new(SharingMode::Selected, Some(30), vec![DetailLevel::Availability]).unwrap();
    store.put_policy(&g1, &policy).await.unwrap();
    store.put_user(&g1, &user("bob", true, false)).await.unwrap();
    store.put_user(&g1, &user("alice", false, true)).await.unwrap();
    store.put_user(&g1, &user("carol", true, false)).await.unwrap();
    store.put_user(&g2, &user("alice", true, true)).await.unwrap();

    assert_eq!(
        store.sharing_state(&g1, &alice).await.unwrap(),
        (Some(policy.clone()), Some(user("alice", false, true)))
    );
    assert_eq!(store.sharing_state(&g2, &alice).await.unwrap(), (None, Some(user("alice", true, true))));
    let dave = UserId::parse("dave").unwrap();
    assert_eq!(store.sharing_state(&g1, &dave).await.unwrap(), (Some(policy), None));
    assert_eq!(
        store.users(&g1).await.unwrap(),
        vec![user("alice", false, true), user("bob", true, false), user("carol", true, false)],
        "the group's users, by id"
    );
    assert_eq!(store.users(&g2).await.unwrap(), vec![user("alice", true, true)]);

    // Writes replace.
    store.put_user(&g1, &user("bob", false, true)).await.unwrap();
    store.put_policy(&g1, &SharingPolicy::default()).await.unwrap();
    let bob = UserId::parse("bob").unwrap();
    assert_eq!(
        store.sharing_state(&g1, &bob).await.unwrap(),
        (Some(SharingPolicy::default()), Some(user("bob", false, true)))
    );
    assert_eq!(store.users(&g1).await.unwrap().len(), 3);
}

/// The owners of a page of shares (up to 100, repeated) and more: each stored record of the group
/// once, a user without one left out, another group's record never.
async fn permissions_of_many_users_at_once<S: Store + StoredItems>(store: S) {
    let (g1, g2) = (GroupId::parse("g1").unwrap(), GroupId::parse("g2").unwrap());
    let user_id = |i: usize| UserId::parse(&format!("user-{i:03}")).unwrap();
    let permission =
        |i: usize, can_share: bool| UserPermission { user_id: user_id(i), email: None, can_share, admin: false };
    let mut stored = Vec::new();
    for i in (0..130usize).filter(|i| !i.is_multiple_of(3)) {
        stored.push(permission(i, i.is_multiple_of(2)));
        store.put_user(&g1, stored.last().unwrap()).await.unwrap();
    }
    store.put_user(&g2, &permission(1, false)).await.unwrap();
    store.put_user(&g2, &permission(3, true)).await.unwrap();

    assert!(store.permissions(&g1, &[]).await.unwrap().is_empty());
    let page: Vec<UserId> = (0..100).map(|i| user_id(i % 40)).collect();
    let mut read = store.permissions(&g1, &page).await.unwrap();
    read.sort_by(|a, b| a.user_id.cmp(&b.user_id));
    let expected: Vec<UserPermission> = stored.iter().filter(|p| p.user_id < user_id(40)).cloned().collect();
    assert_eq!(read, expected, "a page's owners, repeated: each record once");

    let everyone: Vec<UserId> = (0..130).map(user_id).collect();
    let mut read = store.permissions(&g1, &everyone).await.unwrap();
    read.sort_by(|a, b| a.user_id.cmp(&b.user_id));
    assert_eq!(read, stored, "more users than one batch holds");
    assert_eq!(store.permissions(&g2, &[user_id(1), user_id(2)]).await.unwrap(), vec![permission(1, false)]);
}

async fn owner_and_group_share_scoping<S: Store + StoredItems>(store: S) {
    let day = |d: u8| at(&format!("2026-11-0{d}T09:00:00Z"));
    let few = events(1, |_| "e".into());
    let (alice_old, _) = publish_new(&store, record("g1", "alice", day(1)), &few).await;
    let (alice_new_a, _) = publish_new(&store, record("g1", "alice", day(3)), &few).await;
    let (alice_new_b, _) = publish_new(&store, record("g1", "alice", day(3)), &few).await;
    let (bob, _) = publish_new(&store, record("g1", "bob", day(2)), &few).await;
    let (alice_elsewhere, _) = publish_new(&store, record("g2", "alice", day(4)), &few).await;
    // An owner id that shares a prefix with another owner's.
    let (alicia, _) = publish_new(&store, record("g1", "alice2", day(5)), &few).await;

    let g1 = GroupId::parse("g1").unwrap();
    let g2 = GroupId::parse("g2").unwrap();
    let alice = UserId::parse("alice").unwrap();
    let (tie_first, tie_second) =
        if alice_new_a.id > alice_new_b.id { (&alice_new_a, &alice_new_b) } else { (&alice_new_b, &alice_new_a) };

    assert_eq!(
        owner_list(&store, &g1, &alice).await,
        vec![tie_first.clone(), tie_second.clone(), alice_old.clone()],
        "newest first, ties by id (descending)"
    );
    assert_eq!(owner_list(&store, &g2, &alice).await, vec![alice_elsewhere.clone()]);
    assert!(owner_list(&store, &g2, &bob.owner.user_id).await.is_empty());
    assert_eq!(
        group_list(&store, &g1).await,
        vec![alicia, tie_first.clone(), tie_second.clone(), bob, alice_old],
        "every share of the group, newest first"
    );
    assert_eq!(group_list(&store, &g2).await, vec![alice_elsewhere]);
    assert!(group_list(&store, &GroupId::parse("g3").unwrap()).await.is_empty());
}

async fn share_lists_page_with_cursors_that_stay_in_scope<S: Store + StoredItems>(store: S) {
    let minute = |m: u8| at(&format!("2026-11-02T09:{m:02}:00Z"));
    let few = events(1, |_| "e".into());
    let mut alice_shares = Vec::new();
    for m in [1, 2, 3, 3, 4, 5, 6] {
        alice_shares.push(publish_new(&store, record("g1", "alice", minute(m)), &few).await.0);
        publish_new(&store, record("g1", "bob", minute(m)), &few).await;
    }
    publish_new(&store, record("g2", "alice", minute(7)), &few).await;
    let (g1, g2) = (GroupId::parse("g1").unwrap(), GroupId::parse("g2").unwrap());
    let (alice, bob) = (UserId::parse("alice").unwrap(), UserId::parse("bob").unwrap());
    let expected = owner_list(&store, &g1, &alice).await;
    assert_eq!(expected.len(), 7);

    // Pages of two: 2, 2, 2, 1, and no cursor after the last.
    let mut paged = Vec::new();
    let mut after = None;
    let mut sizes = Vec::new();
    loop {
        let page = store.owner_shares(&g1, &alice, after.as_ref(), 2).await.unwrap();
        sizes.push(page.records.len());
        paged.extend(page.records);
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(sizes, [2, 2, 2, 1]);
    assert_eq!(paged, expected, "pages join up into the whole list, in order");

    // A page that ends exactly at the end of the list says so: no empty page follows.
    let six = store.owner_shares(&g1, &alice, None, 6).await.unwrap();
    let rest = store.owner_shares(&g1, &alice, six.next.as_ref(), 6).await.unwrap();
    assert_eq!((rest.records.len(), rest.next), (1, None));
    let seven = store.owner_shares(&g1, &alice, None, 7).await.unwrap();
    assert_eq!((seven.records.len(), seven.next), (7, None));

    // The group's list pages the same way, over every owner.
    let group_all = group_list(&store, &g1).await;
    assert_eq!(group_all.len(), 14);
    let first = store.group_shares(&g1, None, 5).await.unwrap();
    let second = store.group_shares(&g1, first.next.as_ref(), 5).await.unwrap();
    assert_eq!([first.records, second.records].concat(), group_all[..10]);

    // A cursor is a position, never a scope: bob's cursor lists alice's shares after that point,
    // and a cursor from group g1 lists only g2's shares in g2.
    let bobs = store.owner_shares(&g1, &bob, None, 3).await.unwrap();
    let cursor = bobs.next.expect("bob has more");
    let from_bobs = store.owner_shares(&g1, &alice, Some(&cursor), 100).await.unwrap();
    assert!(from_bobs.records.iter().all(|r| r.owner.user_id == alice && r.group == g1));
    assert_eq!(from_bobs.records, expected[expected.len() - from_bobs.records.len()..]);
    let elsewhere = store.group_shares(&g2, Some(&cursor), 100).await.unwrap();
    assert!(elsewhere.records.iter().all(|r| r.group == g2));

    // The share a cursor names may be gone by the next request: the list goes on after its place.
    let page = store.owner_shares(&g1, &alice, None, 3).await.unwrap();
    store.delete_share(&page.records[2]).await.unwrap();
    let next = store.owner_shares(&g1, &alice, page.next.as_ref(), 100).await.unwrap();
    assert_eq!(next.records, expected[3..]);
}

async fn expired_share_is_still_served_to_answer_gone<S: Store + StoredItems>(store: S) {
    let mut expired = record("g1", "alice", Timestamp::now() - SignedDuration::from_hours(48));
    expired.options.expires_at = Some(Timestamp::now() - SignedDuration::from_hours(1));
    let (expired, chunks) = publish_new(&store, expired, &events(2, |i| format!("e{i}"))).await;

    assert_serves(&store, &expired, &chunks).await;
    assert!(expired.is_expired(Timestamp::now()));
}

async fn ten_thousand_events_round_trip<S: Store + StoredItems>(store: S) {
    let events = events(10_000, |i| format!("On call: person {i}"));
    let json_bytes = serde_json::to_vec(&events).unwrap().len();
    assert!(json_bytes > 400 * 1024, "the fixture should exceed an item's 400 KB as JSON, is {json_bytes}");
    let (record, chunks) = publish_new(&store, record("g1", "alice", Timestamp::now()), &events).await;

    let published = store.published(&record.id).await.unwrap().unwrap();
    assert_eq!(published.record, record);
    assert_eq!(snapshot::decode(&published.chunks).unwrap(), events);
    assert_eq!(published.chunks.len(), chunks.len());
}

async fn missing_chunk_is_inconsistent<S: Store + StoredItems>(store: S) {
    let (share, _) = publish_new(&store, record("g1", "alice", Timestamp::now()), &multi_chunk_events()).await;
    // Only a bug (or a hand-edited table) removes pieces a record lists.
    delete_pieces_of(&store, &share).await;

    let result = store.published(&share.id).await;
    assert!(matches!(result, Err(StoreError::Inconsistent(_))), "{result:?}");
    assert_eq!(store.share(&share.id).await.unwrap(), Some(share));
}
