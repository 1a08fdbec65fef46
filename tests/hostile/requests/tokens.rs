//! Hostile tokens and claims: the delegated scope, role values read whole, and the local runner's
//! checks of `iss`, `aud`, `nbf` and `iat`.

use crate::per_store;
use crate::support::{Principal, TestApp, share_body};
use hyper::StatusCode;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use local_api::{DEFAULT_SECRET, TOKEN_ISSUER};
use serde_json::{Value, json};

/// The claims of a valid delegated token of `user` in group `contoso`, to vary one at a time.
fn claims(user: &str) -> Value {
    let now = jiff::Timestamp::now().as_second();
    json!({"sub": user, "tid": "contoso", "iss": TOKEN_ISSUER, "aud": TOKEN_ISSUER, "iat": now, "nbf": now,
           "exp": now + 3600, "scp": "Shares.ReadWrite"})
}

fn bearer(claims: &Value) -> Principal {
    let key = EncodingKey::from_secret(DEFAULT_SECRET.as_bytes());
    Principal { token: Some(jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &key).unwrap()) }
}

fn with(mut claims: Value, name: &str, value: Value) -> Value {
    claims[name] = value;
    claims
}

fn without(mut claims: Value, name: &str) -> Value {
    claims.as_object_mut().unwrap().remove(name);
    claims
}

async fn tokens_need_the_delegated_scope(app: TestApp) {
    let kim = claims("kim");
    let app_only = with(without(kim.clone(), "scp"), "roles", json!(["ShareAdmin"]));
    for (case, token) in [
        ("no scp", without(kim.clone(), "scp")),
        ("empty scp", with(kim.clone(), "scp", json!(""))),
        ("another scope", with(kim.clone(), "scp", json!("User.Read"))),
        ("a scope that merely contains it", with(kim.clone(), "scp", json!("Shares.ReadWrite.All"))),
        ("app-only token", app_only),
    ] {
        let who = bearer(&token);
        for (path, body) in [("/shares", Some(share_body("Scope", 1))), ("/me/sharing", None), ("/settings", None)] {
            let response = match &body {
                Some(body) => app.post(path, &who, body).await,
                None => app.get(path, &who).await,
            };
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{case}: {path}: {}", response.text());
            assert_eq!(response.header("content-type"), Some("application/problem+json"));
            assert!(response.json()["detail"].as_str().unwrap().contains("Shares.ReadWrite"), "{case}: says why");
        }
    }
    assert!(app.share_ids(&bearer(&kim)).await.is_empty(), "nothing published without the scope");
    let among_others = bearer(&with(kim.clone(), "scp", json!("User.Read Shares.ReadWrite openid")));
    assert_eq!(app.post("/shares", &among_others, &share_body("Scope", 1)).await.status, StatusCode::CREATED);
    let no_user = bearer(&without(kim, "sub"));
    assert_eq!(app.get("/me/sharing", &no_user).await.status, StatusCode::UNAUTHORIZED, "identity first: 401");
}

async fn only_an_exact_role_value_makes_an_admin(app: TestApp) {
    let admin_status = |roles: Value| {
        let who = bearer(&with(claims("ria"), "roles", roles));
        let app = &app;
        async move { app.get("/settings", &who).await.status }
    };
    for roles in [json!("Viewer,ShareAdmin"), json!(["Viewer,ShareAdmin"]), json!("shareadmin"), json!(["ShareAdmins"])]
    {
        assert_eq!(admin_status(roles.clone()).await, StatusCode::FORBIDDEN, "{roles}");
    }
    for roles in [json!("Not ShareAdmin"), json!(["Not ShareAdmin"]), json!(["Reader", "Share\tAdmin"])] {
        assert_eq!(admin_status(roles.clone()).await, StatusCode::UNAUTHORIZED, "no issuer sends {roles}");
    }
    for roles in [json!("ShareAdmin"), json!(["Reader", "ShareAdmin"])] {
        assert_eq!(admin_status(roles.clone()).await, StatusCode::OK, "{roles}");
    }
}

async fn the_runner_checks_issuer_audience_and_time_claims(app: TestApp) {
    let now = jiff::Timestamp::now().as_second();
    let kim = claims("kim");
    assert_eq!(app.get("/me/sharing", &bearer(&kim)).await.status, StatusCode::OK);
    for (case, token) in [
        ("no iss", without(kim.clone(), "iss")),
        ("no aud", without(kim.clone(), "aud")),
        ("no exp", without(kim.clone(), "exp")),
        ("another issuer", with(kim.clone(), "iss", json!("https://evil.example"))),
        ("another audience", with(kim.clone(), "aud", json!("api://other"))),
        ("nbf in an hour", with(kim.clone(), "nbf", json!(now + 3600))),
        ("iat in an hour", with(kim.clone(), "iat", json!(now + 3600))),
        ("expired", with(kim.clone(), "exp", json!(now - 3600))),
    ] {
        let response = app.get("/me/sharing", &bearer(&token)).await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{case}");
        assert_eq!(response.header("content-type"), Some("application/problem+json"), "{case}");
    }
}

per_store!(app:
    tokens_need_the_delegated_scope,
    only_an_exact_role_value_makes_an_admin,
    the_runner_checks_issuer_audience_and_time_claims,
);

/// `local-api token` carries the default scope; `--scope VALUE` sets another, `--scope ""` none.
#[test]
fn the_token_command_sets_the_scope() {
    let scope_of = |extra: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_local-api"))
            .args(["token", "--user", "kim", "--group", "contoso"])
            .args(extra)
            .env_remove("LOCAL_API_SECRET")
            .env_remove("REQUIRED_SCOPE")
            .output()
            .expect("local-api runs");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let token = String::from_utf8(output.stdout).unwrap();
        let claims = local_api::verify_token(DEFAULT_SECRET, "roles", token.trim()).expect("a valid token");
        claims.get("scp").cloned()
    };
    assert_eq!(scope_of(&[]).as_deref(), Some("Shares.ReadWrite"));
    assert_eq!(scope_of(&["--scope", "Calendars.Share"]).as_deref(), Some("Calendars.Share"));
    assert_eq!(scope_of(&["--scope", ""]), None);
}
