//! The store's lockout counts: every instance's wrong tries land in one window; a new window
//! starts after the old one ends; shares count apart.

use crate::per_store;
use jiff::{SignedDuration, Timestamp};
use share_core::domain::ShareId;
use share_core::store::Store;

const WINDOW: SignedDuration = SignedDuration::from_mins(15);

async fn concurrent_wrong_tries_all_count_in_one_window<S: Store + Clone + 'static>(store: S) {
    let (id, other) = (ShareId::generate(), ShareId::generate());
    assert_eq!(store.wrong_tries(&id).await.unwrap(), None);
    let now = Timestamp::now();
    let tries: Vec<_> = (0..12)
        .map(|i| {
            let (store, id) = (store.clone(), id.clone());
            tokio::spawn(async move { store.count_wrong_try(&id, now + SignedDuration::from_millis(i), WINDOW).await })
        })
        .collect();
    for attempt in tries {
        attempt.await.unwrap().unwrap();
    }
    let counted = store.wrong_tries(&id).await.unwrap().expect("counted");
    assert_eq!(counted.count, 12, "no try is lost to a race");
    // DynamoDB keeps the window's start to the millisecond.
    let earliest = now - SignedDuration::from_millis(1);
    assert!(counted.window_start > earliest && counted.window_start < now + SignedDuration::from_secs(1));
    assert_eq!(store.wrong_tries(&other).await.unwrap(), None, "each share counts apart");

    let later = counted.window_start + WINDOW;
    let fresh = store.count_wrong_try(&id, later, WINDOW).await.unwrap();
    assert_eq!((fresh.count, fresh.window_start), (1, later), "a try after the window opens a new one");
}

per_store!(store: concurrent_wrong_tries_all_count_in_one_window);
