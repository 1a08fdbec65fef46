//! Shares that follow their calendars, on every store: a changed event from a followed calendar joins
//! the caller's followers whose range or window covers it, minimised at each one's level, and no
//! other share; the index keeps the calendars through every kind of write; a rolling window leaves
//! out what it has moved past.

use super::{assert_index_exact, feed, graph, graph_share, id_of, push, pushed, updated_ids};
use crate::per_store;
use crate::support::TestApp;
use hyper::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// A Graph share of December that follows `calendars`, starting with `events`.
fn following(title: &str, detail: &str, calendars: &[&str], events: Vec<Value>) -> Value {
    let mut body = graph_share(title, detail, events);
    body["follow"] = json!({"calendars": calendars});
    body
}

fn joined(calendar: &str, events: Vec<Value>) -> Value {
    json!({"format": "msgraph", "calendar": calendar, "changed": events})
}

async fn event_count(app: &TestApp, id: &str) -> u64 {
    app.record(id).await.expect("the share").event_count.into()
}

async fn a_follower_gains_new_events_of_its_calendar_and_of_no_other(app: TestApp) {
    let (kim, lee) = (app.member("kim", "contoso"), app.member("lee", "contoso"));
    let rota = app.publish(&kim, &following("Rota", "limited", &["cal-rota"], vec![])).await;
    assert_eq!((rota["follows"].as_u64(), rota["eventCount"].as_u64()), (Some(1), Some(0)));
    let rota = id_of(&rota);
    let other = id_of(&app.publish(&kim, &following("Other", "limited", &["cal-other"], vec![])).await);
    let plain = id_of(&app.publish(&kim, &graph_share("Plain", "limited", vec![graph("p1", "Held", 3)])).await);
    let lees = id_of(&app.publish(&lee, &following("Lee's", "limited", &["cal-rota"], vec![])).await);

    let answer = pushed(&app, &kim, joined("cal-rota", vec![graph("n1", "Booked tomorrow", 8)])).await;
    assert_eq!(updated_ids(&answer), BTreeSet::from([rota.clone()]));
    assert_eq!((answer["addedMatched"].as_u64(), answer["changedMatched"].as_u64()), (Some(1), Some(0)));
    assert!(feed(&app, &rota).await.contains("SUMMARY:Booked tomorrow"));
    for id in [&other, &plain, &lees] {
        assert!(!feed(&app, id).await.contains("Booked tomorrow"), "{id}");
    }
    assert_eq!(event_count(&app, &lees).await, 0, "another user's share that follows the same id");

    // Held now: the same event again is a change, not a join; without `calendar` nothing joins.
    let answer = pushed(&app, &kim, joined("cal-rota", vec![graph("n1", "Moved", 9)])).await;
    assert_eq!((answer["addedMatched"].as_u64(), answer["changedMatched"].as_u64()), (Some(0), Some(1)));
    let answer = pushed(&app, &kim, json!({"format": "msgraph", "changed": [graph("n2", "Unannounced", 10)]})).await;
    assert_eq!((updated_ids(&answer), answer["addedMatched"].as_u64()), (BTreeSet::new(), Some(0)));

    // Beyond its range: nothing joins. A removed id leaves.
    let mut january = graph("n3", "Next year", 3);
    january["start"]["dateTime"] = json!("2027-01-03T14:00:00.0000000");
    january["end"]["dateTime"] = json!("2027-01-03T15:00:00.0000000");
    let answer = pushed(&app, &kim, joined("cal-rota", vec![january])).await;
    assert_eq!((updated_ids(&answer), answer["addedMatched"].as_u64()), (BTreeSet::new(), Some(0)));
    let answer = pushed(&app, &kim, json!({"format": "msgraph", "removed": ["n1"]})).await;
    assert_eq!((answer["removedMatched"].as_u64(), event_count(&app, &rota).await), (Some(1), 0));
    assert_index_exact(&app, &[&rota, &other, &plain, &lees]).await;
}

async fn a_private_event_joins_as_busy_and_the_level_holds(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let full = id_of(&app.publish(&kim, &following("Full", "full", &["cal"], vec![])).await);
    let availability = id_of(&app.publish(&kim, &following("Busy", "availability", &["cal"], vec![])).await);
    let mut private = graph("s1", "Therapy MARKER-91", 4);
    private["sensitivity"] = json!("private");
    let answer = pushed(&app, &kim, joined("cal", vec![private, graph("s2", "Team lunch", 5)])).await;
    assert_eq!((answer["addedMatched"].as_u64(), updated_ids(&answer).len()), (Some(2), 2));
    let (full_feed, busy_feed) = (feed(&app, &full).await, feed(&app, &availability).await);
    assert!(full_feed.contains("SUMMARY:Team lunch") && full_feed.contains("Room 1"), "{full_feed}");
    assert!(!full_feed.contains("MARKER-91") && !busy_feed.contains("Team lunch"), "{busy_feed}");
    assert_eq!(full_feed.matches("BEGIN:VEVENT").count(), 2);
    assert!(!app.stored_text().await.contains("MARKER-91"), "a private event's title is never stored");
}

async fn following_survives_put_and_rotate_and_goes_with_revoke(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let id = id_of(
        &app.publish(&kim, &following("Rota", "limited", &["cal-a", "cal-b"], vec![graph("e1", "One", 3)])).await,
    );
    assert_index_exact(&app, &[&id]).await;
    let replaced = app.put(&format!("/shares/{id}"), &kim, &following("Rota", "limited", &["cal-b"], vec![])).await;
    assert_eq!((replaced.status, replaced.json()["follows"].as_u64()), (StatusCode::OK, Some(1)));
    assert_index_exact(&app, &[&id]).await;
    let answer = pushed(&app, &kim, joined("cal-a", vec![graph("e2", "Unfollowed", 4)])).await;
    assert_eq!(answer["addedMatched"].as_u64(), Some(0), "cal-a is no longer followed");

    let rotated = id_of(&app.send(Method::POST, &format!("/shares/{id}/rotate"), &kim, None, &[]).await.json());
    assert_index_exact(&app, &[&rotated]).await;
    let answer = pushed(&app, &kim, joined("cal-b", vec![graph("e3", "After rotation", 5)])).await;
    assert_eq!(updated_ids(&answer), BTreeSet::from([rotated.clone()]));
    assert_index_exact(&app, &[&rotated]).await;

    let unfollowed = app.put(&format!("/shares/{rotated}"), &kim, &graph_share("Rota", "limited", vec![])).await;
    assert_eq!(unfollowed.json()["follows"].as_u64(), Some(0), "a PUT without `follow` stops following");
    assert_index_exact(&app, &[&rotated]).await;
    let refollowed = following("Rota", "limited", &["cal-b"], vec![]);
    assert_eq!(app.put(&format!("/shares/{rotated}"), &kim, &refollowed).await.status, StatusCode::OK);
    assert_eq!(app.delete(&format!("/shares/{rotated}"), &kim).await.status, StatusCode::NO_CONTENT);
    assert_index_exact(&app, &[]).await;
    let answer = pushed(&app, &kim, joined("cal-b", vec![graph("e4", "Nobody", 6)])).await;
    assert_eq!((updated_ids(&answer), answer["addedMatched"].as_u64()), (BTreeSet::new(), Some(0)));
}

/// Days from today in UTC, as Graph writes a time on them.
fn day(offset: i64, hour: u8) -> String {
    let today = jiff::tz::TimeZone::UTC.to_datetime(jiff::Timestamp::now()).date();
    format!("{}T{hour:02}:00:00.0000000", today.saturating_add(jiff::Span::new().days(offset)))
}

fn graph_on(id: &str, subject: &str, offset: i64) -> Value {
    let mut event = graph(id, subject, 3);
    event["start"]["dateTime"] = json!(day(offset, 9));
    event["end"]["dateTime"] = json!(day(offset, 10));
    event
}

async fn a_rolling_window_leaves_out_what_it_has_moved_past(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let mut body = following(
        "Next week",
        "limited",
        &["cal"],
        vec![graph_on("y1", "Ended yesterday", -1), graph_on("t1", "Today", 0), graph_on("w1", "In a week", 7)],
    );
    body["range"] = json!({"rolling": {"pastDays": 0, "futureDays": 7}});
    let share = app.publish(&kim, &body).await;
    assert_eq!(share["range"], json!({"rolling": {"pastDays": 0, "futureDays": 7}}));
    assert_eq!((share["eventCount"].as_u64(), share["leftOutReasons"]["outsideRange"].as_u64()), (Some(1), Some(2)));
    let id = id_of(&share);
    let page = app.get(&format!("/s/{id}?view=agenda"), &app.anonymous()).await.text();
    assert!(page.contains("Today") && !page.contains("Ended yesterday") && !page.contains("In a week"));
    let answer =
        pushed(&app, &kim, joined("cal", vec![graph_on("t2", "Tomorrow", 1), graph_on("x2", "Too late", 8)])).await;
    assert_eq!(answer["addedMatched"].as_u64(), Some(1));
    let feed = feed(&app, &id).await;
    assert!(feed.contains("SUMMARY:Tomorrow") && !feed.contains("Too late") && !feed.contains("Ended yesterday"));
    let stale = app.get(&format!("/s/{id}?view=agenda&date={}", &day(-1, 0)[..10]), &app.anonymous()).await;
    assert!(!stale.text().contains("Ended yesterday"), "a date outside the window shows the window");
}

async fn following_and_rolling_bodies_are_checked(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let pointers = |response: crate::support::TestResponse| -> Vec<String> {
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", response.text());
        response.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["pointer"].as_str().unwrap().to_owned())
            .collect()
    };
    let mut no_range = following("Empty", "limited", &["cal"], vec![]);
    no_range.as_object_mut().unwrap().remove("range");
    assert_eq!(pointers(app.post("/shares", &kim, &no_range).await), ["/range"]);
    let too_many: Vec<String> = (0..21).map(|i| format!("cal-{i}")).collect();
    let too_many = following("Many", "limited", &too_many.iter().map(String::as_str).collect::<Vec<_>>(), vec![]);
    assert_eq!(pointers(app.post("/shares", &kim, &too_many).await), ["/follow/calendars"]);
    let long = "x".repeat(1025);
    assert_eq!(
        pointers(app.post("/shares", &kim, &following("Long", "limited", &["ok", &long], vec![])).await),
        ["/follow/calendars/1"]
    );
    let mut both = following("Both", "limited", &["cal"], vec![]);
    both["range"]["rolling"] = json!({"pastDays": 0, "futureDays": 7});
    assert_eq!(pointers(app.post("/shares", &kim, &both).await), ["/range"]);
    let mut bad_window = graph_share("Window", "limited", vec![]);
    bad_window["range"] = json!({"rolling": {"pastDays": -1, "futureDays": 0}});
    assert_eq!(
        pointers(app.post("/shares", &kim, &bad_window).await),
        ["/range/rolling/pastDays", "/range/rolling/futureDays"]
    );
    let sealed = json!({
        "visibility": "public", "detail": "limited", "timeZone": "UTC", "follow": {"calendars": ["cal"]},
        "range": {"rolling": {"pastDays": 0, "futureDays": 7}},
        "sealed": {"v": 1, "ciphertext": "A".repeat(40), "eventCount": 0},
    });
    assert_eq!(pointers(app.post("/shares", &kim, &sealed).await), ["/range/rolling", "/follow"]);
    assert_eq!(pointers(push(&app, &kim, json!({"calendar": "", "removed": ["a"]})).await), ["/calendar"]);
    assert!(app.share_ids(&kim).await.is_empty(), "nothing was stored");
}

per_store!(app:
    a_follower_gains_new_events_of_its_calendar_and_of_no_other,
    a_private_event_joins_as_busy_and_the_level_holds,
    following_survives_put_and_rotate_and_goes_with_revoke,
    a_rolling_window_leaves_out_what_it_has_moved_past,
    following_and_rolling_bodies_are_checked,
);
