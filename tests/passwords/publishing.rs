//! The password as a publish option: kept as a hash, never returned, `hasPassword` and the feed key
//! in the owner's share object; bad passwords refused; the admin switch `requirePassword`.

use super::{PASSWORD, locked_body};
use crate::per_store;
use crate::support::{TestApp, share_body};
use hyper::StatusCode;
use serde_json::json;

async fn a_password_is_stored_as_a_hash_and_never_returned(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let response = app.post("/shares", &kim, &locked_body("Locked rota")).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
    assert!(!response.text().contains(PASSWORD), "never returned");
    let share = response.json();
    assert_eq!(share["hasPassword"], true);
    let id = share["id"].as_str().unwrap();
    let ics_url = share["icsUrl"].as_str().unwrap();
    let key = ics_url.split_once("/calendar.ics?key=").expect("the owner's icsUrl carries the key").1;
    assert!(key.len() >= 22, "at least 128 bits: {key}");
    let stored = app.stored_text().await;
    assert!(!stored.contains(PASSWORD), "only the hash is stored");
    assert!(stored.contains("$argon2id$"), "an argon2id PHC string");
    let listed = app.get("/shares", &kim).await;
    assert!(!listed.text().contains(PASSWORD) && !listed.text().contains("argon2"));
    assert_eq!(listed.json()["shares"][0]["hasPassword"], true);
    let admin_view = app.get(&format!("/shares/{id}"), &app.role_admin("ria", "contoso")).await;
    assert_eq!(admin_view.json()["icsUrl"], ics_url, "admins see the full icsUrl");

    let open = app.publish(&kim, &share_body("Open", 1)).await;
    assert_eq!(open["hasPassword"], false);
    assert!(open["icsUrl"].as_str().unwrap().ends_with("/calendar.ics"));
}

async fn put_keeps_changes_or_removes_the_password(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let share = app.publish(&kim, &locked_body("Rota")).await;
    let id = share["id"].as_str().unwrap();
    let path = format!("/shares/{id}");
    let kept = app.put(&path, &kim, &share_body("Rota", 1)).await.json();
    assert_eq!(kept["hasPassword"], true, "a PUT without password keeps it");
    assert_eq!(kept["icsUrl"], share["icsUrl"], "and its feed key");
    let changed = app.put(&path, &kim, &locked_body("Rota")).await.json();
    assert_eq!(changed["hasPassword"], true);
    assert_ne!(changed["icsUrl"], share["icsUrl"], "a password change issues a new feed key");
    let mut removing = share_body("Rota", 1);
    removing["password"] = json!(null);
    let removed = app.put(&path, &kim, &removing).await.json();
    assert_eq!(removed["hasPassword"], false);
    assert!(removed["icsUrl"].as_str().unwrap().ends_with("/calendar.ics"));
    assert!(!app.stored_text().await.contains("$argon2id$"), "the hash went with the password");
}

async fn bad_passwords_are_refused_and_change_nothing(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let share = app.publish(&kim, &locked_body("Rota")).await;
    let id = share["id"].as_str().unwrap();
    for (password, status) in [
        (json!("short"), StatusCode::UNPROCESSABLE_ENTITY),
        (json!("x".repeat(129)), StatusCode::UNPROCESSABLE_ENTITY),
        (json!(12345678), StatusCode::BAD_REQUEST),
        (json!(["a password"]), StatusCode::BAD_REQUEST),
    ] {
        let mut body = share_body("Rota", 1);
        body["password"] = password.clone();
        let published = app.post("/shares", &kim, &body).await;
        assert_eq!(published.status, status, "{password}: {}", published.text());
        assert_eq!(published.header("content-type"), Some("application/problem+json"));
        assert!(published.text().contains("/password"), "{}", published.text());
        let replaced = app.put(&format!("/shares/{id}"), &kim, &body).await;
        assert_eq!(replaced.status, status, "{password}");
    }
    assert_eq!(app.share_ids(&kim).await.len(), 1, "nothing published");
    assert_eq!(app.get(&format!("/shares/{id}"), &kim).await.json()["icsUrl"], share["icsUrl"], "nothing changed");
}

async fn require_password_refuses_publish_put_and_rotate_without_one(app: TestApp) {
    let admin = app.role_admin("ria", "contoso");
    let kim = app.member("kim", "contoso");
    let open = app.publish(&kim, &share_body("Open before", 1)).await;
    let open_id = open["id"].as_str().unwrap();
    let locked = app.publish(&kim, &locked_body("Locked")).await;
    let locked_id = locked["id"].as_str().unwrap();
    app.set_policy(&admin, json!({"sharing": "everyone", "requirePassword": true})).await;
    assert_eq!(app.get("/settings", &admin).await.json()["requirePassword"], true);

    let pointer_of = |response: &crate::support::TestResponse| response.json()["errors"][0]["pointer"].clone();
    let publish = app.post("/shares", &kim, &share_body("Open", 1)).await;
    assert_eq!(publish.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", publish.text());
    assert_eq!(pointer_of(&publish), "/password");
    let put = app.put(&format!("/shares/{open_id}"), &kim, &share_body("Open", 1)).await;
    assert_eq!(put.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(pointer_of(&put), "/password");
    let rotate = app.post(&format!("/shares/{open_id}/rotate"), &kim, &json!({})).await;
    assert_eq!(rotate.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(pointer_of(&rotate), "/password");
    let mut removing = share_body("Locked", 1);
    removing["password"] = json!(null);
    let remove = app.put(&format!("/shares/{locked_id}"), &kim, &removing).await;
    assert_eq!(remove.status, StatusCode::UNPROCESSABLE_ENTITY);

    assert_eq!(
        app.get(&format!("/s/{open_id}"), &app.anonymous()).await.status,
        StatusCode::OK,
        "shares out keep working"
    );
    assert_eq!(app.put(&format!("/shares/{locked_id}"), &kim, &share_body("Kept", 1)).await.status, StatusCode::OK);
    assert_eq!(app.post(&format!("/shares/{locked_id}/rotate"), &kim, &json!({})).await.status, StatusCode::OK);
    assert_eq!(app.post("/shares", &kim, &locked_body("New")).await.status, StatusCode::CREATED);
}

per_store!(app:
    a_password_is_stored_as_a_hash_and_never_returned,
    put_keeps_changes_or_removes_the_password,
    bad_passwords_are_refused_and_change_nothing,
    require_password_refuses_publish_put_and_rotate_without_one,
);
