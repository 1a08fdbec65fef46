//! The share object's `state` on every store: "live", "expired" or "paused", decided at the time of
//! the request by the rule the view applies, so each share's link answers as its state says (200,
//! 410, 404). Owners are told by their own standing; admins by each owner's record, read for a
//! whole page at once.

use crate::per_store;
use crate::support::instrumented_store::InstrumentedStore;
use crate::support::{Backend, Principal, TestApp, share_body};
use hyper::{Method, StatusCode};
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use share_core::store::Store;
use std::collections::BTreeMap;

const GROUP: &str = "contoso";
const OTHER_GROUP: &str = "fabrikam";

fn id_of(share: &Value) -> String {
    share["id"].as_str().expect("id").to_owned()
}

/// What a recipient gets from a link in each state.
fn link_answer(state: &str) -> StatusCode {
    match state {
        "live" => StatusCode::OK,
        "expired" => StatusCode::GONE,
        "paused" => StatusCode::NOT_FOUND,
        other => panic!("not a share state: {other}"),
    }
}

/// Each listed share's state by id, after checking that its page and feed answer as it says.
async fn listed_states(app: &TestApp, path: &str, who: &Principal) -> BTreeMap<String, String> {
    let response = app.get(path, who).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let mut states = BTreeMap::new();
    for share in response.json()["shares"].as_array().expect("list") {
        let (id, state) = (id_of(share), share["state"].as_str().expect("a state").to_owned());
        assert_links_answer(app, &id, &state).await;
        states.insert(id, state);
    }
    states
}

async fn assert_links_answer(app: &TestApp, id: &str, state: &str) {
    for path in [format!("/s/{id}"), format!("/s/{id}/calendar.ics")] {
        assert_eq!(app.get(&path, &app.anonymous()).await.status, link_answer(state), "{path} of a {state} share");
    }
}

/// `GET /shares/{id}` as `who`: the share's state.
async fn shown_state(app: &TestApp, id: &str, who: &Principal) -> String {
    let response = app.get(&format!("/shares/{id}"), who).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    response.json()["state"].as_str().expect("a state").to_owned()
}

fn states<const N: usize>(entries: [(&String, &str); N]) -> BTreeMap<String, String> {
    entries.into_iter().map(|(id, state)| (id.clone(), state.to_owned())).collect()
}

async fn own_shares_show_live_expired_and_paused_as_their_links_answer<S: Store + Clone + Into<Backend> + 'static>(
    store: S,
) {
    let app = TestApp::over(store).await;
    let admin = app.role_admin("ria", GROUP);
    let kim = app.member("kim", GROUP);
    let mut brief_body = share_body("brief", 1);
    let expires_at = Timestamp::now() + SignedDuration::from_millis(1500);
    brief_body["expiresAt"] = json!(expires_at.to_string());
    let brief = app.publish(&kim, &brief_body).await;
    assert_eq!(brief["state"], "live", "{brief}");
    let brief = id_of(&brief);

    let lasting = app.publish(&kim, &share_body("lasting", 2)).await;
    assert_eq!(lasting["state"], "live");
    let rotated = app.send(Method::POST, &format!("/shares/{}/rotate", id_of(&lasting)), &kim, None, &[]).await;
    assert_eq!((rotated.status, &rotated.json()["state"]), (StatusCode::OK, &json!("live")), "{}", rotated.text());
    let lasting = id_of(&rotated.json());
    let replaced = app.put(&format!("/shares/{lasting}"), &kim, &share_body("lasting", 3)).await;
    assert_eq!((replaced.status, &replaced.json()["state"]), (StatusCode::OK, &json!("live")));
    assert_eq!(listed_states(&app, "/shares", &kim).await, states([(&brief, "live"), (&lasting, "live")]));

    let remaining = expires_at.duration_since(Timestamp::now());
    tokio::time::sleep(std::time::Duration::try_from(remaining).unwrap_or_default()).await;
    assert_eq!(listed_states(&app, "/shares", &kim).await, states([(&brief, "expired"), (&lasting, "live")]));
    assert_eq!(shown_state(&app, &brief, &kim).await, "expired");
    assert_eq!(shown_state(&app, &brief, &admin).await, "expired");

    app.set_user(&admin, "kim", false, false).await;
    let paused = states([(&brief, "expired"), (&lasting, "paused")]);
    assert_eq!(listed_states(&app, "/shares", &kim).await, paused, "expiry wins over the owner's standing");
    assert_eq!(listed_states(&app, "/admin/shares", &admin).await, paused);
    assert_eq!(shown_state(&app, &lasting, &kim).await, "paused");
    assert_eq!(shown_state(&app, &lasting, &admin).await, "paused");

    app.set_user(&admin, "kim", true, false).await;
    assert_eq!(listed_states(&app, "/shares", &kim).await, states([(&brief, "expired"), (&lasting, "live")]));

    app.set_policy(&admin, json!({"sharing": "nobody"})).await;
    assert_eq!(listed_states(&app, "/shares", &kim).await, paused);
    assert_eq!(listed_states(&app, "/admin/shares", &admin).await, paused);
    app.set_policy(&admin, json!({"sharing": "everyone"})).await;
    assert_eq!(listed_states(&app, "/admin/shares", &admin).await, states([(&brief, "expired"), (&lasting, "live")]));
    assert_eq!(shown_state(&app, &lasting, &admin).await, "live");
}

async fn admins_see_each_owners_state_read_in_one_round_trip<S: Store + Clone + Into<Backend> + 'static>(inner: S) {
    let store = InstrumentedStore::new(inner.clone());
    let app = TestApp::spawn(store.clone(), inner.into()).await;
    let admin = app.role_admin("ria", GROUP);
    let owners = ["kim", "lee", "max", "noa", "ria"];
    let mut shares: BTreeMap<String, &str> = BTreeMap::new();
    for owner in owners {
        let who = if owner == "ria" { admin.clone() } else { app.member(owner, GROUP) };
        for n in 0..2 {
            shares.insert(id_of(&app.publish(&who, &share_body(&format!("{owner} {n}"), 1)).await), owner);
        }
    }
    // The same user id has a record in another group too: it never decides anything here.
    app.set_user(&app.role_admin("sam", OTHER_GROUP), "lee", true, false).await;
    app.set_policy(&admin, json!({"sharing": "selected"})).await;
    app.set_user(&admin, "kim", true, false).await;
    app.set_user(&admin, "lee", false, false).await;
    app.set_user(&admin, "max", true, false).await;
    // noa and ria have no record: not selected.
    let expected = |live: &[&str]| -> BTreeMap<String, String> {
        let state = |owner: &str| if live.contains(&owner) { "live" } else { "paused" };
        shares.iter().map(|(id, owner)| (id.clone(), state(owner).to_owned())).collect()
    };

    store.take_policy_reads();
    let audit = app.get("/admin/shares", &admin).await;
    assert_eq!(store.take_policy_reads(), 2, "the admin's standing, then every owner's record at once");
    assert_eq!(audit.json()["shares"].as_array().unwrap().len(), shares.len());
    assert_eq!(listed_states(&app, "/admin/shares", &admin).await, expected(&["kim", "max"]));

    let of = |wanted: &str| shares.iter().find(|(_, owner)| **owner == wanted).map(|(id, _)| id.clone()).unwrap();
    store.take_policy_reads();
    assert_eq!(shown_state(&app, &of("lee"), &admin).await, "paused");
    assert_eq!(store.take_policy_reads(), 2, "another member's share: the owner's record is read");
    assert_eq!(shown_state(&app, &of("kim"), &admin).await, "live");
    assert_eq!(shown_state(&app, &of("ria"), &admin).await, "paused", "the admin's own, by their own standing");
    assert_eq!(shown_state(&app, &of("lee"), &app.member("lee", GROUP)).await, "paused");
    store.take_policy_reads();
    let own = app.get("/shares", &app.member("noa", GROUP)).await;
    assert_eq!(store.take_policy_reads(), 1, "an owner's own list: their standing alone");
    let own = own.json();
    let own_states: Vec<&str> =
        own["shares"].as_array().unwrap().iter().map(|s| s["state"].as_str().unwrap()).collect();
    assert_eq!(own_states, ["paused", "paused"]);

    app.set_policy(&admin, json!({"sharing": "everyone"})).await;
    let everyone_but_lee = expected(&["kim", "max", "noa", "ria"]);
    assert_eq!(listed_states(&app, "/admin/shares", &admin).await, everyone_but_lee, "disabled under any mode");
}

per_store!(store:
    own_shares_show_live_expired_and_paused_as_their_links_answer,
    admins_see_each_owners_state_read_in_one_round_trip,
);
