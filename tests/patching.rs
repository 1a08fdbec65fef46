//! `PATCH /shares/{id}` on every store: a merge patch of the options that need no events, which
//! keeps the events, the calendars followed and the snapshot's pieces; refusals that change nothing;
//! the group's caps; passwords; sealed shares; and writes that lose a race to a rotate or a `PUT`.

use crate::per_store;
use crate::sealed::{opaque_bytes, sealed_body};
use crate::support::{Backend, Principal, TestApp, TestResponse, share_body};
use hyper::{Method, StatusCode};
use serde_json::{Value, json};
use share_core::domain::{ShareRecord, SharingPolicy};
use share_core::service::{self, ServiceError, Standing};
use share_core::store::ShareReads;

const GROUP: &str = "contoso";
const MERGE_PATCH: (&str, &str) = ("content-type", "application/merge-patch+json");
const PASSWORD: &str = "correct horse battery";

per_store!(app:
    each_option_is_set_and_cleared_and_the_events_stay,
    refusals_change_nothing,
    the_groups_caps_apply_to_what_a_patch_sets,
    a_password_set_by_patch_locks_the_page_and_its_feed,
    a_sealed_share_patches_only_what_its_ciphertext_is_not_bound_to,
    a_patch_that_loses_a_race_changes_nothing,
    the_handler_reads_api_gateway_events,
);

async fn patch(app: &TestApp, id: &str, who: &Principal, body: &Value) -> TestResponse {
    app.send(Method::PATCH, &format!("/shares/{id}"), who, Some(body), &[MERGE_PATCH]).await
}

/// Patches as `who` and returns the share object, asserting 200.
async fn patched(app: &TestApp, id: &str, who: &Principal, body: &Value) -> Value {
    let response = patch(app, id, who, body).await;
    assert_eq!(response.status, StatusCode::OK, "{body}: {}", response.text());
    assert_eq!(response.header("content-type"), Some("application/json"));
    response.json()
}

fn pointers(response: &TestResponse) -> Vec<String> {
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", response.text());
    assert_eq!(response.header("content-type"), Some("application/problem+json"));
    let mut found: Vec<String> =
        response.json()["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap().into()).collect();
    found.sort();
    found
}

/// The recipient's view of a path: status, ETag, body.
async fn view(app: &TestApp, path: &str) -> (StatusCode, String, String) {
    let response = app.get(path, &app.anonymous()).await;
    (response.status, response.header("etag").unwrap_or_default().to_owned(), response.text())
}

fn id_of(share: &Value) -> String {
    share["id"].as_str().unwrap().to_owned()
}

fn in_days(days: i64) -> String {
    (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * days))
        .round(jiff::Unit::Second)
        .unwrap()
        .to_string()
}

/// A share with every option a patch changes, following one calendar.
fn full_body() -> Value {
    let mut body = share_body("Rota", 3);
    body["expiresAt"] = json!(in_days(60));
    body["embedOrigins"] = json!(["https://intranet.example.com"]);
    body["locale"] = json!("de");
    body["openOn"] = json!("2026-12-05");
    body["follow"] = json!({"calendars": ["AAMkAG-rota"]});
    body
}

async fn each_option_is_set_and_cleared_and_the_events_stay(app: TestApp) {
    let kim = app.member("kim", GROUP);
    let share = app.publish(&kim, &full_body()).await;
    let id = id_of(&share);
    let (page, feed) = (format!("/s/{id}"), format!("/s/{id}/calendar.ics"));
    let (_, page_tag, _) = view(&app, &page).await;
    let (_, feed_tag, _) = view(&app, &feed).await;
    let before = app.record(&id).await.unwrap();

    let body = json!({"title": "Renamed", "view": "agenda", "locale": "fr", "openOn": "2026-12-24",
        "embedOrigins": ["https://b.example.com", "https://c.example.com:8443"]});
    let renamed = patched(&app, &id, &kim, &body).await;
    assert_eq!(
        (renamed["id"].as_str(), &renamed["title"], &renamed["view"]),
        (Some(id.as_str()), &json!("Renamed"), &json!("agenda"))
    );
    assert_eq!((&renamed["locale"], &renamed["openOn"]), (&json!("fr"), &json!("2026-12-24")));
    assert_eq!(renamed["embedOrigins"], json!(["https://b.example.com", "https://c.example.com:8443"]));
    assert_eq!((&renamed["eventCount"], &renamed["follows"]), (&json!(3), &json!(1)), "events and follows stay");
    assert_eq!((&renamed["expiresAt"], &renamed["createdAt"]), (&share["expiresAt"], &share["createdAt"]));
    assert_ne!(renamed["updatedAt"], share["updatedAt"]);
    assert_eq!(app.get(&format!("/shares/{id}"), &kim).await.json(), renamed, "the answer is what is stored");

    // The record alone was written: same pieces, a new generation, so new ETags and the new title.
    let after = app.record(&id).await.unwrap();
    assert_eq!(after.pieces, before.pieces, "the events were not rewritten");
    assert_ne!(after.generation, before.generation);
    assert_eq!(after.follows, before.follows);
    let (status, tag, html) = view(&app, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(tag, page_tag, "a new ETag");
    assert!(html.contains("Renamed") && html.contains("<html lang=\"fr\""), "{html}");
    let (status, tag, ics) = view(&app, &feed).await;
    assert_eq!((status, ics.matches("BEGIN:VEVENT").count()), (StatusCode::OK, 3));
    assert!(ics.contains("X-WR-CALNAME:Renamed") && !ics.contains("X-WR-CALNAME:Rota"), "{ics}");
    assert_ne!(tag, feed_tag);

    // A new expiry is the pieces' and the index items' TTL: they are written again, none left over.
    let later = in_days(90);
    let extended = patched(&app, &id, &kim, &json!({"expiresAt": later})).await;
    assert_eq!(extended["expiresAt"], json!(later));
    let record = app.record(&id).await.unwrap();
    assert!(record.pieces.iter().all(|piece| piece.generation == record.generation), "pieces written anew");
    assert_eq!(app.stored_pieces(&id).await, items_of(&record), "no piece of the old expiry is left");

    let cleared =
        patched(&app, &id, &kim, &json!({"expiresAt": null, "embedOrigins": null, "locale": null, "openOn": null}))
            .await;
    assert_eq!(
        (&cleared["expiresAt"], &cleared["embedOrigins"], &cleared["locale"], &cleared["openOn"]),
        (&Value::Null, &json!([]), &Value::Null, &Value::Null)
    );
    assert_eq!(
        (&cleared["title"], &cleared["view"], &cleared["eventCount"]),
        (&json!("Renamed"), &json!("agenda"), &json!(3))
    );
    let record = app.record(&id).await.unwrap();
    assert_eq!(app.stored_pieces(&id).await, items_of(&record));
    let (_, _, ics) = view(&app, &feed).await;
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 3);

    // The source index still finds the share: live updates and followed calendars reach it.
    let changes = json!({"removed": ["ev-0"]});
    let changed = app.post("/me/changes", &kim, &changes).await.json();
    assert_eq!(changed["sharesUpdated"], json!([{"id": id, "eventCount": 2}]), "{changed}");
    let joining = json!({"calendar": "AAMkAG-rota", "changed": [{"id": "new-1", "title": "Joined",
        "start": "2026-12-20T09:00:00-05:00", "end": "2026-12-20T10:00:00-05:00"}]});
    let joined = app.post("/me/changes", &kim, &joining).await.json();
    assert_eq!(
        (&joined["addedMatched"], &joined["sharesUpdated"][0]["eventCount"]),
        (&json!(1), &json!(3)),
        "{joined}"
    );

    // `{}` changes nothing, not even `updatedAt`.
    let current = app.get(&format!("/shares/{id}"), &kim).await.json();
    assert_eq!(patched(&app, &id, &kim, &json!({})).await, current);
}

/// Items a share's record and pieces make.
fn items_of(record: &ShareRecord) -> usize {
    1 + record.pieces.iter().collect::<std::collections::BTreeSet<_>>().len()
}

async fn refusals_change_nothing(app: TestApp) {
    let kim = app.member("kim", GROUP);
    let share = app.publish(&kim, &full_body()).await;
    let id = id_of(&share);
    let stored = || async { app.get(&format!("/shares/{id}"), &kim).await.json() };
    let before = stored().await;

    for (body, expected) in [
        (json!({"events": [], "title": "X"}), vec!["/events"]),
        (
            json!({"detail": "full", "range": {"start": "2026-12-01", "end": "2026-12-02"}, "timeZone": "UTC"}),
            vec!["/detail", "/range", "/timeZone"],
        ),
        (
            json!({"format": "msgraph", "follow": null, "visibility": "public", "colour": "red"}),
            vec!["/colour", "/follow", "/format", "/visibility"],
        ),
        (json!({"title": null, "view": null}), vec!["/title", "/view"]),
        (json!({"openOn": "2027-01-01"}), vec!["/openOn"]),
        (json!({"openOn": "2026-11-30", "view": "week"}), vec!["/openOn"]),
        // Every broken rule at once: the members, the values and what the share decides.
        (
            json!({"events": [], "title": null, "openOn": "2027-01-01", "locale": "??"}),
            vec!["/events", "/locale", "/openOn", "/title"],
        ),
        (
            json!({"title": "   ", "view": "year", "password": "short", "expiresAt": "2020-01-01T00:00:00Z"}),
            vec!["/expiresAt", "/password", "/title", "/view"],
        ),
        (
            json!({"embedOrigins": ["http://plain.example.com"], "expiresAt": "tomorrow"}),
            vec!["/embedOrigins/0", "/expiresAt"],
        ),
    ] {
        let response = patch(&app, &id, &kim, &body).await;
        assert_eq!(pointers(&response), expected, "{body}");
        if expected.contains(&"/events") {
            assert!(response.text().contains("PUT"), "the answer says how: {}", response.text());
        }
    }
    for body in [json!({"title": 5}), json!({"embedOrigins": "https://a.example.com"}), json!([]), json!(null)] {
        let response = patch(&app, &id, &kim, &body).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{body}: {}", response.text());
    }
    let trailing = app
        .send_raw(Method::PATCH, &format!("/shares/{id}"), &kim, b"{\"title\": \"X\"} {}".to_vec(), &[MERGE_PATCH])
        .await;
    assert_eq!(trailing.status, StatusCode::BAD_REQUEST);

    // Only a merge patch is read: anything else is 415, and says which type to send.
    let title = json!({"title": "Typed"});
    for content_type in [Some("text/plain"), Some("application/json-patch+json"), Some("application/xml"), None] {
        let headers: Vec<(&str, &str)> = content_type.map(|t| ("content-type", t)).into_iter().collect();
        let bytes = title.to_string().into_bytes();
        let response = match content_type {
            Some(_) => app.send_raw(Method::PATCH, &format!("/shares/{id}"), &kim, bytes, &headers).await,
            // The test client types a JSON body unless told; a raw request without the header:
            None => untyped_patch(&app, &id, &kim, bytes).await,
        };
        assert_eq!(response.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{content_type:?}: {}", response.text());
        assert_eq!(response.header("content-type"), Some("application/problem+json"));
        assert_eq!(response.header("accept-patch"), Some("application/merge-patch+json"));
        assert_eq!(response.json()["status"], json!(415));
    }

    // Only the owner: another member and another group's member get 404, an admin 403, nobody 401.
    let admin = app.role_admin("ada", GROUP);
    for (who, status) in [
        (app.member("lee", GROUP), StatusCode::NOT_FOUND),
        (app.member("kim", "fabrikam"), StatusCode::NOT_FOUND),
        (app.role_admin("oda", "fabrikam"), StatusCode::NOT_FOUND),
        (admin, StatusCode::FORBIDDEN),
        (app.anonymous(), StatusCode::UNAUTHORIZED),
    ] {
        assert_eq!(patch(&app, &id, &who, &title).await.status, status, "{who:?}");
    }
    assert_eq!(patch(&app, "0123456789abcdef0123456789abcdef", &kim, &title).await.status, StatusCode::NOT_FOUND);
    assert_eq!(stored().await, before, "no refusal changed anything");

    // Plain JSON, as most HTTP clients label every JSON body, is read as the same merge patch.
    let plain = [("content-type", "application/json; charset=utf-8")];
    let bytes = title.to_string().into_bytes();
    let plain_json = app.send_raw(Method::PATCH, &format!("/shares/{id}"), &kim, bytes, &plain).await;
    assert_eq!(
        (plain_json.status, plain_json.json()["title"].clone()),
        (StatusCode::OK, json!("Typed")),
        "{}",
        plain_json.text()
    );

    let typed = app
        .send(
            Method::PATCH,
            &format!("/shares/{id}"),
            &kim,
            Some(&title),
            &[("content-type", "Application/Merge-Patch+JSON; charset=utf-8")],
        )
        .await;
    assert_eq!((typed.status, &typed.json()["title"]), (StatusCode::OK, &json!("Typed")));
}

/// A PATCH whose request carries no Content-Type at all.
async fn untyped_patch(app: &TestApp, id: &str, who: &Principal, body: Vec<u8>) -> TestResponse {
    use http_body_util::{BodyExt, Full};
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build_http();
    let request = hyper::Request::builder()
        .method(Method::PATCH)
        .uri(format!("{}/shares/{id}", app.base))
        .header("authorization", format!("Bearer {}", who.token.as_ref().unwrap()))
        .body(Full::new(bytes::Bytes::from(body)))
        .unwrap();
    let response = client.request(request).await.unwrap();
    let (parts, body) = response.into_parts();
    TestResponse { status: parts.status, headers: parts.headers, body: body.collect().await.unwrap().to_bytes() }
}

async fn the_groups_caps_apply_to_what_a_patch_sets(app: TestApp) {
    let admin = app.role_admin("ada", GROUP);
    let kim = app.member("kim", GROUP);
    let mut body = share_body("Capped", 2);
    body["expiresAt"] = json!(in_days(20));
    body["password"] = json!(PASSWORD);
    let id = id_of(&app.publish(&kim, &body).await);
    app.set_policy(&admin, json!({"sharing": "everyone", "maxExpiryDays": 30, "requirePassword": true})).await;

    assert_eq!(pointers(&patch(&app, &id, &kim, &json!({"expiresAt": in_days(45)})).await), ["/expiresAt"]);
    assert_eq!(pointers(&patch(&app, &id, &kim, &json!({"expiresAt": null})).await), ["/expiresAt"]);
    assert_eq!(pointers(&patch(&app, &id, &kim, &json!({"password": null, "title": "T"})).await), ["/password"]);
    let kept = patched(&app, &id, &kim, &json!({"expiresAt": in_days(29), "password": "another long one"})).await;
    assert_eq!(kept["hasPassword"], json!(true));

    // A share already out keeps its expiry: a patch that leaves it alone passes a tighter cap.
    app.set_policy(&admin, json!({"sharing": "everyone", "maxExpiryDays": 7})).await;
    assert_eq!(patched(&app, &id, &kim, &json!({"title": "Renamed"})).await["title"], json!("Renamed"));

    // A user who may not share may not patch either.
    app.set_user(&admin, "kim", false, false).await;
    let refused = patch(&app, &id, &kim, &json!({"title": "Again"})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
    assert_eq!(app.get(&format!("/shares/{id}"), &kim).await.json()["title"], json!("Renamed"));
}

async fn a_password_set_by_patch_locks_the_page_and_its_feed(app: TestApp) {
    let kim = app.member("kim", GROUP);
    let share = app.publish(&kim, &share_body("Open rota", 2)).await;
    let id = id_of(&share);
    let (page, feed) = (format!("/s/{id}"), format!("/s/{id}/calendar.ics"));
    let (status, open_tag, _) = view(&app, &page).await;
    assert_eq!(status, StatusCode::OK);

    let locked = patched(&app, &id, &kim, &json!({"password": PASSWORD})).await;
    assert_eq!(locked["hasPassword"], json!(true));
    assert!(locked.get("password").is_none(), "never returned");
    let (status, _, html) = view(&app, &page).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the page asks for the password");
    assert!(html.contains("type=\"password\"") && !html.contains("Open rota"), "{html}");
    assert_eq!(view(&app, &feed).await.0, StatusCode::NOT_FOUND, "the feed needs its key now");
    let keyed = locked["icsUrl"].as_str().unwrap();
    let keyed = &keyed[keyed.find("/s/").unwrap()..];
    assert_eq!(view(&app, keyed).await.0, StatusCode::OK);
    let form = format!("password={}", PASSWORD.replace(' ', "+")).into_bytes();
    let unlock = app
        .send_raw(
            Method::POST,
            &format!("{page}/unlock"),
            &app.anonymous(),
            form,
            &[("content-type", "application/x-www-form-urlencoded")],
        )
        .await;
    assert_eq!(unlock.status, StatusCode::SEE_OTHER, "{}", unlock.text());

    let reopened = patched(&app, &id, &kim, &json!({"password": null})).await;
    assert_eq!(
        (&reopened["hasPassword"], reopened["icsUrl"].as_str().unwrap().contains("key=")),
        (&json!(false), false)
    );
    let (status, tag, _) = view(&app, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(tag, open_tag, "the page before the password is not served from a cache");
    assert_eq!(view(&app, &feed).await.0, StatusCode::OK);
}

async fn a_sealed_share_patches_only_what_its_ciphertext_is_not_bound_to(app: TestApp) {
    let kim = app.member("kim", GROUP);
    let ciphertext = opaque_bytes(4_000);
    let share = app.publish(&kim, &sealed_body(&ciphertext, 5)).await;
    let id = id_of(&share);
    let sealed_path = format!("/s/{id}/sealed");
    let (_, tag, _) = view(&app, &sealed_path).await;

    // The envelope's view and locale are the ciphertext's additional data: a change would not open.
    assert_eq!(
        pointers(&patch(&app, &id, &kim, &json!({"view": "month", "locale": "en-US"})).await),
        ["/locale", "/view"]
    );
    assert_eq!(pointers(&patch(&app, &id, &kim, &json!({"openOn": "2027-01-05"})).await), ["/openOn"]);
    // The same values are no change, so they pass; the owner's label may be cleared.
    let expires = in_days(30);
    let body = json!({"view": "week", "locale": "de-DE", "title": null, "expiresAt": expires, "password": PASSWORD,
        "embedOrigins": ["https://intranet.example.com"], "openOn": "2026-12-10"});
    let changed = patched(&app, &id, &kim, &body).await;
    assert_eq!((&changed["title"], &changed["sealed"], &changed["eventCount"]), (&json!(""), &json!(true), &json!(5)));
    assert_eq!(
        (&changed["expiresAt"], &changed["hasPassword"], &changed["openOn"]),
        (&json!(expires), &json!(true), &json!("2026-12-10"))
    );

    let record = app.record(&id).await.unwrap();
    assert_eq!(
        app.stored_pieces(&id).await,
        items_of(&record),
        "the ciphertext's pieces moved to the new expiry whole"
    );
    let opened = patched(&app, &id, &kim, &json!({"password": null})).await;
    assert_eq!(opened["hasPassword"], json!(false));
    let (status, new_tag, answer) = view(&app, &sealed_path).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_ne!(new_tag, tag);
    let answer: Value = serde_json::from_str(&answer).unwrap();
    use base64::Engine;
    let served =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(answer["ciphertext"].as_str().unwrap()).unwrap();
    assert_eq!(served, ciphertext, "the ciphertext is served as given");
    assert_eq!((&answer["envelope"]["view"], &answer["openOn"]), (&json!("week"), &json!("2026-12-10")));
}

/// A patch computed from a record that a rotate or a `PUT` moved on meanwhile: 409, nothing changed.
async fn a_patch_that_loses_a_race_changes_nothing(app: TestApp) {
    let kim = app.member("kim", GROUP);
    let mut body = full_body();
    body["expiresAt"] = json!(in_days(10));
    let id = id_of(&app.publish(&kim, &body).await);
    let stale = app.record(&id).await.unwrap();
    let replaced = app.put(&format!("/shares/{id}"), &kim, &body).await;
    assert_eq!(replaced.status, StatusCode::OK);
    let standing = Standing { policy: SharingPolicy::default(), permission: None, is_admin: false };
    let now = jiff::Timestamp::now();
    for patch_body in [json!({"title": "Lost"}), json!({"expiresAt": in_days(20), "title": "Lost"})] {
        let change =
            share_core::http::publish_request::OptionsPatch::parse(patch_body.to_string().as_bytes(), now).unwrap();
        let outcome = match &app.backend {
            Backend::Memory(store) => service::patch_share(store, &standing, stale.clone(), change, now).await,
            Backend::Dynamo(store) => service::patch_share(store, &standing, stale.clone(), change, now).await,
        };
        assert!(matches!(outcome, Err(ServiceError::Conflict(_))), "{patch_body}: {outcome:?}");
    }
    let current = app.get(&format!("/shares/{id}"), &kim).await.json();
    assert_eq!(current["title"], json!("Rota"));
    let record = app.record(&id).await.unwrap();
    assert_eq!(app.stored_pieces(&id).await, items_of(&record), "the lost write left no piece behind");

    // A rotate moves the share to a new id: the patch of the old record finds nothing to switch.
    let fresh = app.record(&id).await.unwrap();
    let rotated = app.post(&format!("/shares/{id}/rotate"), &kim, &json!({})).await.json();
    let lost = share_core::http::publish_request::OptionsPatch::parse(br#"{"title": "Lost"}"#, now).unwrap();
    let outcome = match &app.backend {
        Backend::Memory(store) => service::patch_share(store, &standing, fresh, lost, now).await,
        Backend::Dynamo(store) => service::patch_share(store, &standing, fresh, lost, now).await,
    };
    assert!(matches!(outcome, Err(ServiceError::Conflict(_))), "{outcome:?}");
    assert_eq!(patch(&app, &id, &kim, &json!({"title": "Lost"})).await.status, StatusCode::NOT_FOUND);
    let new_id = id_of(&rotated);
    assert_eq!(app.get(&format!("/shares/{new_id}"), &kim).await.json()["title"], json!("Rota"));
    assert!(store_share(&app, &id).await.is_none(), "the old id holds no record");
}

async fn store_share(app: &TestApp, id: &str) -> Option<ShareRecord> {
    let id = share_core::domain::ShareId::parse(id).unwrap();
    match &app.backend {
        Backend::Memory(store) => store.share(&id).await.unwrap(),
        Backend::Dynamo(store) => store.share(&id).await.unwrap(),
    }
}

/// `PATCH` and the admins' revoke-all through publish-share's handler, with API Gateway HTTP API
/// (payload 2.0) events as recorded (the caller an admin of her group by the `ShareAdmin` role).
async fn the_handler_reads_api_gateway_events(app: TestApp) {
    match &app.backend {
        Backend::Memory(store) => handler_events(store).await,
        Backend::Dynamo(store) => handler_events(store).await,
    }
}

async fn handler_events<S: share_core::store::Store>(store: &S) {
    use crate::support::caller_events::{authenticated, body_json, body_text, on};
    let config = share_core::ServiceConfig::default();
    let publish = authenticated("POST /shares", "/shares").json_body(&share_body("Rota", 2));
    let created = publish_share::handle(store, &config, publish.into_request()).await;
    assert_eq!(created.status(), 201, "{}", body_text(&created));
    let id = body_json(&created)["id"].as_str().unwrap().to_owned();
    let path = format!("/shares/{id}");
    let event = |content_type: &str| {
        on("PATCH /shares/{id}", &path, ("id", &id))
            .without_header("content-type")
            .header("content-type", content_type)
            .json_body(&json!({"title": "Renamed", "openOn": null}))
    };

    // A JSON Patch is not a merge patch; the recorded request's own application/json is read as one.
    let refused = publish_share::handle(store, &config, event("application/json-patch+json").into_request()).await;
    assert_eq!(refused.status(), 415, "{}", body_text(&refused));
    assert_eq!(refused.headers()["accept-patch"], "application/merge-patch+json");
    let patched = publish_share::handle(store, &config, event("application/json").into_request()).await;
    assert_eq!(patched.status(), 200, "{}", body_text(&patched));
    assert_eq!(
        (body_json(&patched)["title"].as_str(), body_json(&patched)["eventCount"].as_u64()),
        (Some("Renamed"), Some(2))
    );
    assert!(
        body_json(&patched)["url"]
            .as_str()
            .unwrap()
            .starts_with("https://abc123defg.execute-api.eu-west-1.amazonaws.com/s/")
    );

    // Another member of the group: 404, as for PUT.
    let fixture = crate::support::caller_events::fixture("post_shares_jwt.json");
    let group = fixture["requestContext"]["authorizer"]["jwt"]["claims"]["tid"].as_str().unwrap().to_owned();
    let member = [("sub", "member"), ("tid", group.as_str()), ("scp", "Shares.ReadWrite")];
    let theirs = event("application/merge-patch+json").claims(member);
    assert_eq!(publish_share::handle(store, &config, theirs.into_request()).await.status(), 404);

    // Revoke-all: members may not; the admin revokes her own user's shares (here, her own).
    let owner = body_json(&created)["owner"]["userId"].as_str().unwrap().to_owned();
    let revoke_path = format!("/admin/users/{owner}/shares");
    let revoke = || on("DELETE /admin/users/{userId}/shares", &revoke_path, ("userId", &owner));
    let denied = publish_share::handle(store, &config, revoke().claims(member).into_request()).await;
    assert_eq!(denied.status(), 403, "{}", body_text(&denied));
    let revoked = publish_share::handle(store, &config, revoke().into_request()).await;
    assert_eq!(body_json(&revoked), json!({"revoked": 1, "more": false}), "{}", body_text(&revoked));
    let gone = authenticated("GET /shares/{id}", &path).path_parameters([("id", id.as_str())]);
    assert_eq!(publish_share::handle(store, &config, gone.into_request()).await.status(), 404);
}
