//! The store's lockout counts: every instance's tries land in one window; a new window starts after
//! the old one ends, or once a refund leaves it counting none; shares count apart.

use crate::per_store;
use jiff::{SignedDuration, Timestamp};
use share_core::domain::ShareId;
use share_core::store::Store;

const WINDOW: SignedDuration = SignedDuration::from_mins(15);

async fn concurrent_tries_all_count_in_one_window<S: Store + Clone + 'static>(store: S) {
    let (id, other) = (ShareId::generate(), ShareId::generate());
    let now = Timestamp::now();
    let tries: Vec<_> = (0..12)
        .map(|i| {
            let (store, id) = (store.clone(), id.clone());
            tokio::spawn(async move { store.count_wrong_try(&id, now + SignedDuration::from_millis(i), WINDOW).await })
        })
        .collect();
    let mut counted = Vec::new();
    for attempt in tries {
        counted.push(attempt.await.unwrap().unwrap());
    }
    let mut counts: Vec<u32> = counted.iter().map(|tries| tries.count).collect();
    counts.sort_unstable();
    assert_eq!(counts, (1..=12).collect::<Vec<_>>(), "each try counted once, none lost to a race");
    let window_start = counted[0].window_start;
    assert!(counted.iter().all(|tries| tries.window_start == window_start), "one window");
    // DynamoDB keeps the window's start to the millisecond.
    let earliest = now - SignedDuration::from_millis(1);
    assert!(window_start > earliest && window_start < now + SignedDuration::from_secs(1));
    assert_eq!(store.count_wrong_try(&other, now, WINDOW).await.unwrap().count, 1, "each share counts apart");

    let later = window_start + WINDOW;
    let fresh = store.count_wrong_try(&id, later, WINDOW).await.unwrap();
    assert_eq!((fresh.count, fresh.window_start), (1, later), "a try after the window opens a new one");
}

/// A right try is counted, then taken back; a window it leaves counting none ends, so the next
/// wrong try opens its own (the contract's window runs from the first wrong try).
async fn a_refund_takes_a_try_back_and_an_empty_window_ends<S: Store + Clone + 'static>(store: S) {
    let id = ShareId::generate();
    // Whole milliseconds: DynamoDB keeps a window's start to the millisecond.
    let start = Timestamp::from_millisecond(Timestamp::now().as_millisecond()).unwrap();
    let right = store.count_wrong_try(&id, start, WINDOW).await.unwrap();
    store.refund_try(&id, right.window_start).await.unwrap();
    let first_wrong = start + SignedDuration::from_secs(60);
    let wrong = store.count_wrong_try(&id, first_wrong, WINDOW).await.unwrap();
    assert_eq!((wrong.count, wrong.window_start), (1, first_wrong), "a new window from the first wrong try");
    let second = store.count_wrong_try(&id, first_wrong + SignedDuration::from_secs(1), WINDOW).await.unwrap();
    store.refund_try(&id, second.window_start).await.unwrap();
    let third = store.count_wrong_try(&id, first_wrong + SignedDuration::from_secs(2), WINDOW).await.unwrap();
    assert_eq!((third.count, third.window_start), (2, first_wrong), "a refund leaves the other tries counted");
    store.refund_try(&id, start).await.unwrap();
    let fourth = store.count_wrong_try(&id, first_wrong + SignedDuration::from_secs(3), WINDOW).await.unwrap();
    assert_eq!(fourth.count, 3, "a refund for a window that is over takes nothing back");
}

per_store!(store: concurrent_tries_all_count_in_one_window, a_refund_takes_a_try_back_and_an_empty_window_ends);
