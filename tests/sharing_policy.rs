//! Sharing policy on every store: the authorization matrix (every route × every kind of caller)
//! and the policy lifecycle (off/on, selected users, disabled users, caps, admins).

use crate::per_store;
use crate::support::{Principal, TestApp, share_body};
use hyper::{Method, StatusCode};
use serde_json::{Value, json};

const GROUP: &str = "contoso";
const OTHER_GROUP: &str = "fabrikam";

struct Cast {
    anonymous: Principal,
    member: Principal,
    owner: Principal,
    role_admin: Principal,
    settings_admin: Principal,
    other_member: Principal,
    other_admin: Principal,
    disabled: Principal,
    unselected: Principal,
}

/// Group `contoso` in `selected` mode: owner, member and the settings admin may share; the
/// role admin has no record (so may administer but not share); one user is disabled; one has no record.
async fn cast(app: &TestApp) -> Cast {
    let role_admin = app.role_admin("ria", GROUP);
    app.set_policy(
        &role_admin,
        json!({"sharing": "selected", "maxExpiryDays": null, "allowedDetail": ["availability", "limited", "full"]}),
    )
    .await;
    for user in ["olu", "mia"] {
        app.set_user(&role_admin, user, true, false).await;
    }
    app.set_user(&role_admin, "sam", true, true).await;
    app.set_user(&role_admin, "dan", false, false).await;
    Cast {
        anonymous: app.anonymous(),
        member: app.member("mia", GROUP),
        owner: app.member("olu", GROUP),
        role_admin,
        settings_admin: app.member("sam", GROUP),
        other_member: app.member("mia", OTHER_GROUP),
        other_admin: app.role_admin("oda", OTHER_GROUP),
        disabled: app.member("dan", GROUP),
        unselected: app.member("uma", GROUP),
    }
}

#[derive(Clone, Copy, Debug)]
enum Route {
    Publish,
    ListOwn,
    GetShare,
    ReplaceShare,
    DeleteShare,
    RotateShare,
    MySharing,
    GetSettings,
    PutSettings,
    ListUsers,
    PutUser,
    AdminShares,
    Page,
    Feed,
}

impl Route {
    const ALL: [Route; 14] = [
        Self::Publish,
        Self::ListOwn,
        Self::GetShare,
        Self::ReplaceShare,
        Self::DeleteShare,
        Self::RotateShare,
        Self::MySharing,
        Self::GetSettings,
        Self::PutSettings,
        Self::ListUsers,
        Self::PutUser,
        Self::AdminShares,
        Self::Page,
        Self::Feed,
    ];

    fn request(self, share: &str) -> (Method, String, Option<Value>) {
        let settings =
            json!({"sharing": "selected", "maxExpiryDays": null, "allowedDetail": ["availability", "limited", "full"]});
        match self {
            Self::Publish => (Method::POST, "/shares".into(), Some(share_body("matrix", 1))),
            Self::ListOwn => (Method::GET, "/shares".into(), None),
            Self::GetShare => (Method::GET, format!("/shares/{share}"), None),
            Self::ReplaceShare => (Method::PUT, format!("/shares/{share}"), Some(share_body("replaced", 2))),
            Self::DeleteShare => (Method::DELETE, format!("/shares/{share}"), None),
            Self::RotateShare => (Method::POST, format!("/shares/{share}/rotate"), None),
            Self::MySharing => (Method::GET, "/me/sharing".into(), None),
            Self::GetSettings => (Method::GET, "/settings".into(), None),
            Self::PutSettings => (Method::PUT, "/settings".into(), Some(settings)),
            Self::ListUsers => (Method::GET, "/settings/users".into(), None),
            Self::PutUser => {
                (Method::PUT, "/settings/users/temp".into(), Some(json!({"canShare": true, "admin": false})))
            }
            Self::AdminShares => (Method::GET, "/admin/shares".into(), None),
            Self::Page => (Method::GET, format!("/s/{share}"), None),
            Self::Feed => (Method::GET, format!("/s/{share}/calendar.ics"), None),
        }
    }
}

/// The contract's answer for each route and caller, as (caller name, status).
fn expected(route: Route, who: &str) -> u16 {
    use Route::*;
    let admin = matches!(who, "role_admin" | "settings_admin");
    let may_share = matches!(who, "member" | "owner" | "settings_admin" | "other_member" | "other_admin");
    if who == "anonymous" {
        return if matches!(route, Page | Feed) { 200 } else { 401 };
    }
    match route {
        Publish => {
            if may_share {
                201
            } else {
                403
            }
        }
        ListOwn | MySharing | Page | Feed => 200,
        GetShare => {
            if who == "owner" || admin {
                200
            } else {
                404
            }
        }
        ReplaceShare => {
            if who == "owner" {
                200
            } else if admin {
                403
            } else {
                404
            }
        }
        RotateShare => {
            if who == "owner" {
                200
            } else if admin {
                403
            } else {
                404
            }
        }
        DeleteShare => {
            if who == "owner" || admin {
                204
            } else {
                404
            }
        }
        // An admin of the other group administers their own group's settings.
        GetSettings | PutSettings | ListUsers | PutUser | AdminShares => {
            if admin || who == "other_admin" {
                200
            } else {
                403
            }
        }
    }
}

async fn authorization_matrix(app: TestApp) {
    let cast = cast(&app).await;
    let callers: [(&str, &Principal); 9] = [
        ("anonymous", &cast.anonymous),
        ("member", &cast.member),
        ("owner", &cast.owner),
        ("role_admin", &cast.role_admin),
        ("settings_admin", &cast.settings_admin),
        ("other_member", &cast.other_member),
        ("other_admin", &cast.other_admin),
        ("disabled", &cast.disabled),
        ("unselected", &cast.unselected),
    ];
    let mut mismatches = Vec::new();
    let mut cases = 0;
    for route in Route::ALL {
        for (name, who) in callers {
            // A fresh share for every case, so mutating routes never affect the next case.
            let share = app.publish(&cast.owner, &share_body("target", 1)).await["id"].as_str().unwrap().to_owned();
            let (method, path, body) = route.request(&share);
            let response = app.send(method, &path, who, body.as_ref(), &[]).await;
            cases += 1;
            let want = expected(route, name);
            if response.status.as_u16() != want {
                mismatches.push(format!(
                    "{route:?} as {name}: got {} want {want}: {}",
                    response.status,
                    response.text()
                ));
            }
            if response.status.is_client_error() && !matches!(route, Route::Page | Route::Feed) {
                assert_eq!(response.header("content-type"), Some("application/problem+json"), "{route:?} as {name}");
            }
        }
    }
    assert_eq!(cases, 14 * 9);
    assert!(mismatches.is_empty(), "{} of {cases} cases differ:\n{}", mismatches.len(), mismatches.join("\n"));
}

async fn status(app: &TestApp, path: &str) -> StatusCode {
    app.get(path, &app.anonymous()).await.status
}

async fn turning_sharing_off_stops_links_until_it_is_on_again(app: TestApp) {
    let admin = app.role_admin("ria", GROUP);
    let kim = app.member("kim", GROUP);
    let id = app.publish(&kim, &share_body("rota", 2)).await["id"].as_str().unwrap().to_owned();
    let page = format!("/s/{id}");
    let feed = format!("/s/{id}/calendar.ics");
    assert_eq!(status(&app, &page).await, StatusCode::OK);

    app.set_policy(&admin, json!({"sharing": "nobody"})).await;
    let refused = app.post("/shares", &kim, &share_body("more", 1)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.json()["detail"], "Sharing is turned off for your group");
    assert_eq!(status(&app, &page).await, StatusCode::NOT_FOUND);
    assert_eq!(status(&app, &feed).await, StatusCode::NOT_FOUND);
    let mine = app.get("/me/sharing", &kim).await.json();
    assert_eq!(mine["canShare"], false);
    assert_eq!(mine["reason"], "Sharing is turned off for your group");

    app.set_policy(&admin, json!({"sharing": "everyone"})).await;
    assert_eq!(status(&app, &page).await, StatusCode::OK);
    assert_eq!(status(&app, &feed).await, StatusCode::OK);
    assert_eq!(app.get("/me/sharing", &kim).await.json()["canShare"], true);
}

async fn selected_mode_and_disabled_users(app: TestApp) {
    let admin = app.role_admin("ria", GROUP);
    let kim = app.member("kim", GROUP);
    let lee = app.member("lee", GROUP);
    let kim_share = app.publish(&kim, &share_body("kim", 1)).await["id"].as_str().unwrap().to_owned();
    let lee_share = app.publish(&lee, &share_body("lee", 1)).await["id"].as_str().unwrap().to_owned();

    app.set_policy(&admin, json!({"sharing": "selected"})).await;
    app.set_user(&admin, "kim", true, false).await;
    assert_eq!(app.post("/shares", &kim, &share_body("k2", 1)).await.status, StatusCode::CREATED);
    let refused = app.post("/shares", &lee, &share_body("l2", 1)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.json()["detail"], "Your admin has not enabled sharing for you");
    assert_eq!(status(&app, &format!("/s/{kim_share}")).await, StatusCode::OK);
    assert_eq!(status(&app, &format!("/s/{lee_share}")).await, StatusCode::NOT_FOUND);

    app.set_policy(&admin, json!({"sharing": "everyone"})).await;
    app.set_user(&admin, "kim", false, false).await;
    let disabled = app.post("/shares", &kim, &share_body("k3", 1)).await;
    assert_eq!(disabled.status, StatusCode::FORBIDDEN);
    assert_eq!(disabled.json()["detail"], "Your admin has disabled sharing for you");
    assert_eq!(status(&app, &format!("/s/{kim_share}")).await, StatusCode::NOT_FOUND);
    assert_eq!(status(&app, &format!("/s/{lee_share}")).await, StatusCode::OK);

    let users = app.get("/settings/users", &admin).await.json();
    let kim_record =
        users["users"].as_array().unwrap().iter().find(|u| u["userId"] == "kim").expect("kim listed").clone();
    assert_eq!(kim_record, json!({"userId": "kim", "email": "kim@example.com", "canShare": false, "admin": false}));
    assert!(users["users"].as_array().unwrap().iter().all(|u| u["userId"] != "lee"), "only stored records are listed");
}

async fn caps_apply_when_publishing(app: TestApp) {
    let admin = app.role_admin("ria", GROUP);
    let kim = app.member("kim", GROUP);
    let unlimited = app.publish(&kim, &share_body("before caps", 1)).await["id"].as_str().unwrap().to_owned();
    app.set_policy(&admin, json!({"sharing": "everyone", "maxExpiryDays": 7, "allowedDetail": ["availability"]})).await;
    assert_eq!(
        app.get("/settings", &admin).await.json(),
        json!({"sharing": "everyone", "maxExpiryDays": 7, "allowedDetail": ["availability"], "requirePassword": false, "sealing": "allowed", "display": {}})
    );

    let mut body = share_body("capped", 1);
    body["detail"] = json!("availability");
    let missing = app.post("/shares", &kim, &body).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(missing.json()["errors"][0]["pointer"], "/expiresAt");
    let soon = |days: i64| (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * days)).to_string();
    body["expiresAt"] = json!(soon(8));
    assert_eq!(app.post("/shares", &kim, &body).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    body["expiresAt"] = json!(soon(6));
    assert_eq!(app.post("/shares", &kim, &body).await.status, StatusCode::CREATED);
    body["detail"] = json!("full");
    let detail = app.post("/shares", &kim, &body).await;
    assert_eq!(detail.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(detail.json()["errors"][0]["pointer"], "/detail");

    let mine = app.get("/me/sharing", &kim).await.json();
    assert_eq!(
        mine,
        json!({"canShare": true, "reason": "You may publish public shares", "maxExpiryDays": 7, "allowedDetail": ["availability"]})
    );
    assert_eq!(status(&app, &format!("/s/{unlimited}")).await, StatusCode::OK, "shares already out keep their expiry");
}

async fn admins_audit_promote_and_revoke(app: TestApp) {
    let admin = app.role_admin("ria", GROUP);
    let kim = app.member("kim", GROUP);
    let lee = app.member("lee", GROUP);
    let other = app.member("kim", OTHER_GROUP);
    let kim_share = app.publish(&kim, &share_body("kim", 3)).await["id"].as_str().unwrap().to_owned();
    app.publish(&other, &share_body("other group", 1)).await;

    let audit = app.get("/admin/shares", &admin).await.json();
    let shares = audit["shares"].as_array().unwrap();
    assert_eq!(shares.len(), 1, "only the admin's group: {audit}");
    assert_eq!(shares[0]["owner"], json!({"userId": "kim", "email": "kim@example.com"}));
    assert_eq!(shares[0]["eventCount"], 3);
    assert!(shares[0]["createdAt"].is_string() && shares[0].get("expiresAt").is_some());

    assert_eq!(app.get("/settings", &lee).await.status, StatusCode::FORBIDDEN);
    app.set_user(&admin, "lee", true, true).await;
    assert_eq!(app.get("/settings", &lee).await.status, StatusCode::OK);
    assert_eq!(app.get("/admin/shares", &lee).await.status, StatusCode::OK);
    app.set_user(&lee, "lee", true, false).await;
    assert_eq!(app.get("/settings", &lee).await.status, StatusCode::FORBIDDEN);

    assert_eq!(app.delete(&format!("/shares/{kim_share}"), &admin).await.status, StatusCode::NO_CONTENT);
    assert_eq!(status(&app, &format!("/s/{kim_share}")).await, StatusCode::NOT_FOUND);
    assert!(app.get("/admin/shares", &admin).await.json()["shares"].as_array().unwrap().is_empty());
}

async fn bad_settings_are_refused_and_change_nothing(app: TestApp) {
    let admin = app.role_admin("ria", GROUP);
    let before = app.get("/settings", &admin).await.json();
    assert_eq!(
        before,
        json!({"sharing": "everyone", "maxExpiryDays": null, "allowedDetail": ["availability", "limited", "full"], "requirePassword": false, "sealing": "allowed", "display": {}})
    );
    for (body, status) in [
        (json!({"sharing": "sometimes"}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"sharing": "everyone", "maxExpiryDays": 0}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"sharing": "everyone", "allowedDetail": []}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"sharing": "everyone", "allowedDetail": ["secret"]}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"sharing": 3}), StatusCode::BAD_REQUEST),
        (json!({"sharing": "everyone", "maxExpiryDays": "7"}), StatusCode::BAD_REQUEST),
    ] {
        let response = app.put("/settings", &admin, &body).await;
        assert_eq!(response.status, status, "{body}: {}", response.text());
        assert_eq!(response.header("content-type"), Some("application/problem+json"));
    }
    let bad_user = app.put("/settings/users/kim", &admin, &json!({"canShare": "yes", "admin": false})).await;
    assert_eq!(bad_user.status, StatusCode::BAD_REQUEST);
    let missing = app.put("/settings/users/kim", &admin, &json!({"email": "kim@example.com"})).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get("/settings", &admin).await.json(), before);
    assert!(app.get("/settings/users", &admin).await.json()["users"].as_array().unwrap().is_empty());
}

per_store!(app:
    authorization_matrix,
    turning_sharing_off_stops_links_until_it_is_on_again,
    selected_mode_and_disabled_users,
    caps_apply_when_publishing,
    admins_audit_promote_and_revoke,
    bad_settings_are_refused_and_change_nothing,
);
