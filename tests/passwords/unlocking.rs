//! Recipients of a password share: the locked page (form only), wrong and right passwords, the
//! cookie and its reuse, what voids it, the lockout and its end, the feed key, and cache headers.

use super::{PASSWORD, locked_body, publish_locked};
use crate::per_store;
use crate::support::{TestApp, TestResponse, share_body};
use hyper::{Method, StatusCode};
use serde_json::json;
use share_core::domain::LockoutRule;
use share_core::store::{DynamoStore, EmbeddedStore};

const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");

async fn unlock(app: &TestApp, id: &str, password: &str) -> TestResponse {
    let body = format!("password={}", password.replace(' ', "+")).into_bytes();
    app.send_raw(Method::POST, &format!("/s/{id}/unlock"), &app.anonymous(), body, &[FORM]).await
}

/// The `name=value` of an unlock's cookie, as a browser sends it back.
fn cookie_of(response: &TestResponse) -> String {
    let set_cookie = response.header("set-cookie").expect("a cookie");
    set_cookie.split(';').next().unwrap().to_owned()
}

async fn page_with(app: &TestApp, path: &str, cookie: &str) -> TestResponse {
    app.send(Method::GET, path, &app.anonymous(), None, &[("cookie", cookie)]).await
}

fn assert_not_shared_by_caches(response: &TestResponse, what: &str) {
    let cache_control = response.header("cache-control").unwrap_or_default();
    assert!(cache_control.contains("private") && cache_control.contains("no-store"), "{what}: {cache_control}");
    let vary = response.header("vary").unwrap_or_default();
    assert!(vary.to_ascii_lowercase().contains("cookie"), "{what}: {vary}");
}

fn assert_form_only(response: &TestResponse, id: &str) {
    let html = response.text();
    assert!(html.contains(&format!(r#"action="/s/{id}/unlock""#)) && html.contains(r#"name="password""#), "{html}");
    for hidden in ["Locked rota", "event 0", "event 1", "Room 0", "2 events"] {
        assert!(!html.contains(hidden), "the form page shows nothing of the share: {hidden}");
    }
}

async fn a_locked_share_shows_only_the_form_and_opens_with_its_password(app: TestApp) {
    let share = publish_locked(&app).await;
    let id = share["id"].as_str().unwrap();
    for path in [format!("/s/{id}"), format!("/s/{id}?view=agenda"), format!("/s/{id}?date=2026-12-03&view=week")] {
        let locked = app.get(&path, &app.anonymous()).await;
        assert_eq!(locked.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(locked.header("content-type"), Some("text/html; charset=utf-8"));
        assert!(locked.header("content-security-policy").unwrap().contains("frame-ancestors 'none'"));
        assert_form_only(&locked, id);
        assert_not_shared_by_caches(&locked, "the locked page");
    }
    let embed = app.get(&format!("/s/{id}?embed=1"), &app.anonymous()).await;
    assert_eq!(embed.status, StatusCode::UNAUTHORIZED);
    assert!(!embed.text().contains("<form") && embed.text().contains(r#"target="_blank""#), "{}", embed.text());
    assert!(!embed.text().contains("Locked rota"));

    let wrong = unlock(&app, id, "not the password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.header("set-cookie").is_none());
    assert_form_only(&wrong, id);

    let right = unlock(&app, id, PASSWORD).await;
    assert_eq!(right.status, StatusCode::SEE_OTHER, "{}", right.text());
    assert_eq!(right.header("location"), Some(format!("/s/{id}").as_str()));
    let set_cookie = right.header("set-cookie").unwrap();
    for attribute in ["HttpOnly", "Secure", "SameSite=Lax", &format!("Path=/s/{id};")] {
        assert!(set_cookie.contains(attribute), "{attribute} in {set_cookie}");
    }
    let max_age: i64 = set_cookie.split("Max-Age=").nth(1).unwrap().split(';').next().unwrap().parse().unwrap();
    assert!(0 < max_age && max_age <= 12 * 3600, "{set_cookie}");
    assert!(!set_cookie.contains(PASSWORD));

    let cookie = cookie_of(&right);
    for path in [format!("/s/{id}?date=2026-12-01"), format!("/s/{id}?view=agenda")] {
        let open = page_with(&app, &path, &cookie).await;
        assert_eq!(open.status, StatusCode::OK, "the cookie opens every view: {path}");
        assert!(open.text().contains("Locked rota"));
        assert_not_shared_by_caches(&open, "the unlocked page");
    }
    let other = publish_locked(&app).await;
    let other_id = other["id"].as_str().unwrap();
    let elsewhere = page_with(&app, &format!("/s/{other_id}"), &cookie).await;
    assert_eq!(elsewhere.status, StatusCode::UNAUTHORIZED, "a cookie opens its own share only");
    assert_eq!(page_with(&app, &format!("/s/{id}"), "share_unlock=1.forged").await.status, StatusCode::UNAUTHORIZED);
}

async fn password_change_removal_rotate_and_revoke_void_earlier_cookies(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let share = publish_locked(&app).await;
    let id = share["id"].as_str().unwrap().to_owned();
    let page = format!("/s/{id}");
    let cookie = cookie_of(&unlock(&app, &id, PASSWORD).await);
    assert_eq!(app.put(&format!("/shares/{id}"), &kim, &share_body("Locked rota", 2)).await.status, StatusCode::OK);
    assert_eq!(
        page_with(&app, &page, &cookie).await.status,
        StatusCode::OK,
        "a PUT that keeps the password keeps cookies"
    );

    let mut changed = locked_body("Locked rota");
    changed["password"] = json!("a brand new password");
    assert_eq!(app.put(&format!("/shares/{id}"), &kim, &changed).await.status, StatusCode::OK);
    assert_eq!(page_with(&app, &page, &cookie).await.status, StatusCode::UNAUTHORIZED, "changed");
    assert_eq!(unlock(&app, &id, PASSWORD).await.status, StatusCode::UNAUTHORIZED, "the old password is gone");
    let cookie = cookie_of(&unlock(&app, &id, "a brand new password").await);

    let mut removed = share_body("Locked rota", 2);
    removed["password"] = json!(null);
    assert_eq!(app.put(&format!("/shares/{id}"), &kim, &removed).await.status, StatusCode::OK);
    assert_eq!(app.get(&page, &app.anonymous()).await.status, StatusCode::OK, "open to anyone now");
    assert_eq!(app.put(&format!("/shares/{id}"), &kim, &changed).await.status, StatusCode::OK);
    assert_eq!(page_with(&app, &page, &cookie).await.status, StatusCode::UNAUTHORIZED, "removed, then set again");

    let cookie = cookie_of(&unlock(&app, &id, "a brand new password").await);
    let rotated = app.post(&format!("/shares/{id}/rotate"), &kim, &json!({})).await.json();
    let new_id = rotated["id"].as_str().unwrap().to_owned();
    assert_eq!(rotated["hasPassword"], true);
    let new_page = format!("/s/{new_id}");
    assert_eq!(page_with(&app, &new_page, &cookie).await.status, StatusCode::UNAUTHORIZED, "rotated");
    let cookie = cookie_of(&unlock(&app, &new_id, "a brand new password").await);
    assert_eq!(page_with(&app, &new_page, &cookie).await.status, StatusCode::OK);

    assert_eq!(app.delete(&format!("/shares/{new_id}"), &kim).await.status, StatusCode::NO_CONTENT);
    assert_eq!(page_with(&app, &new_page, &cookie).await.status, StatusCode::NOT_FOUND, "revoked");
    assert_eq!(unlock(&app, &new_id, "a brand new password").await.status, StatusCode::NOT_FOUND);
}

/// A window of a few seconds stands in for the 15 minutes; the count is the contract's 10.
const SHORT_WINDOW: LockoutRule = LockoutRule {
    window: jiff::SignedDuration::from_secs(3),
    max_wrong: 10,
    check_window: jiff::SignedDuration::from_mins(1),
    max_checks: 30,
};

/// Three checks a day stand in for the contract's 30 a minute: a test never straddles two windows.
const FEW_CHECKS: LockoutRule = LockoutRule {
    window: jiff::SignedDuration::from_mins(15),
    max_wrong: 10,
    check_window: jiff::SignedDuration::from_hours(24),
    max_checks: 3,
};

/// Past its checks in a window, a share answers 429 to every try, the right password too, without
/// checking it; `Retry-After` is the rest of the window. Other shares are not affected.
async fn a_share_checks_only_so_many_passwords_a_window(app: TestApp) {
    let share = publish_locked(&app).await;
    let id = share["id"].as_str().unwrap();
    assert_eq!(unlock(&app, id, PASSWORD).await.status, StatusCode::SEE_OTHER);
    assert_eq!(unlock(&app, id, "wrong guess").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unlock(&app, id, PASSWORD).await.status, StatusCode::SEE_OTHER);
    for password in [PASSWORD, "wrong guess"] {
        let refused = unlock(&app, id, password).await;
        assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{password}: unchecked");
        let retry_after: i64 = refused.header("retry-after").unwrap().parse().unwrap();
        assert!((1..=24 * 3600).contains(&retry_after), "the rest of the window: {retry_after} s");
    }
    let other = publish_locked(&app).await;
    assert_eq!(unlock(&app, other["id"].as_str().unwrap(), PASSWORD).await.status, StatusCode::SEE_OTHER);
}

async fn ten_wrong_tries_lock_unlocking_until_the_window_ends(app: TestApp) {
    let share = publish_locked(&app).await;
    let id = share["id"].as_str().unwrap();
    let holder = cookie_of(&unlock(&app, id, PASSWORD).await);
    for attempt in 1..=10 {
        assert_eq!(unlock(&app, id, "wrong guess").await.status, StatusCode::UNAUTHORIZED, "try {attempt}");
    }
    for password in ["wrong guess", PASSWORD] {
        let locked = unlock(&app, id, password).await;
        assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "{password}: {}", locked.text());
        let retry_after: u64 = locked.header("retry-after").expect("Retry-After").parse().unwrap();
        assert!((1..=3).contains(&retry_after), "{retry_after}");
        assert!(locked.header("set-cookie").is_none());
    }
    assert_eq!(page_with(&app, &format!("/s/{id}"), &holder).await.status, StatusCode::OK, "cookie holders still read");
    let other = publish_locked(&app).await;
    assert_eq!(
        unlock(&app, other["id"].as_str().unwrap(), PASSWORD).await.status,
        StatusCode::SEE_OTHER,
        "the lockout is the share's alone"
    );
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    assert_eq!(unlock(&app, id, PASSWORD).await.status, StatusCode::SEE_OTHER, "the window is over");
    assert_eq!(unlock(&app, id, "wrong guess").await.status, StatusCode::UNAUTHORIZED, "a new window counts afresh");
}

/// Tries sent at once cannot all be checked: each is counted before its password is, so at most the
/// window's ten are; a right one is taken back off the count.
async fn tries_at_once_are_counted_before_they_are_checked(app: TestApp) {
    let share = publish_locked(&app).await;
    let id = share["id"].as_str().unwrap();
    for _ in 0..9 {
        assert_eq!(unlock(&app, id, "wrong guess").await.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(unlock(&app, id, PASSWORD).await.status, StatusCode::SEE_OTHER, "the tenth try, right");
    assert_eq!(
        unlock(&app, id, "wrong guess").await.status,
        StatusCode::UNAUTHORIZED,
        "a right try is not a wrong one"
    );
    assert_eq!(unlock(&app, id, "wrong guess").await.status, StatusCode::TOO_MANY_REQUESTS);

    let other = publish_locked(&app).await;
    let other_id = other["id"].as_str().unwrap();
    let tries = (0..25).map(|i| {
        let app = &app;
        async move { unlock(app, other_id, &format!("guess number {i}")).await.status }
    });
    let answers = futures_util::future::join_all(tries).await;
    let checked = answers.iter().filter(|status| **status == StatusCode::UNAUTHORIZED).count();
    let refused = answers.iter().filter(|status| **status == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((checked, refused), (10, 15), "{answers:?}");

    // The window runs from the first wrong try, not from a right one before it.
    let third = publish_locked(&app).await;
    let third_id = third["id"].as_str().unwrap();
    assert_eq!(unlock(&app, third_id, PASSWORD).await.status, StatusCode::SEE_OTHER);
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    for _ in 0..10 {
        assert_eq!(unlock(&app, third_id, "wrong guess").await.status, StatusCode::UNAUTHORIZED);
    }
    let locked = unlock(&app, third_id, "wrong guess").await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = locked.header("retry-after").unwrap().parse().unwrap();
    assert!(retry_after >= 2, "the window started at the first wrong try: {retry_after} s left");
}

async fn memory_lockout() {
    a_share_checks_only_so_many_passwords_a_window(TestApp::over_with_lockout(EmbeddedStore::new(), FEW_CHECKS).await)
        .await;
    ten_wrong_tries_lock_unlocking_until_the_window_ends(
        TestApp::over_with_lockout(EmbeddedStore::new(), SHORT_WINDOW).await,
    )
    .await;
    tries_at_once_are_counted_before_they_are_checked(
        TestApp::over_with_lockout(EmbeddedStore::new(), SHORT_WINDOW).await,
    )
    .await;
}

async fn dynamodb_lockout() {
    let store: DynamoStore = crate::support::dynamo_local::fresh_store().await;
    a_share_checks_only_so_many_passwords_a_window(TestApp::over_with_lockout(store, FEW_CHECKS).await).await;
    let store: DynamoStore = crate::support::dynamo_local::fresh_store().await;
    ten_wrong_tries_lock_unlocking_until_the_window_ends(TestApp::over_with_lockout(store, SHORT_WINDOW).await).await;
    let store: DynamoStore = crate::support::dynamo_local::fresh_store().await;
    tries_at_once_are_counted_before_they_are_checked(TestApp::over_with_lockout(store, SHORT_WINDOW).await).await;
}

mod lockout {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn memory() {
        super::memory_lockout().await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn dynamodb() {
        super::dynamodb_lockout().await
    }
}

async fn the_feed_of_a_password_share_needs_its_key(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let share = publish_locked(&app).await;
    let id = share["id"].as_str().unwrap();
    let key = share["icsUrl"].as_str().unwrap().split("?key=").nth(1).unwrap().to_owned();
    let feed = |query: String| {
        let path = format!("/s/{id}/calendar.ics{query}");
        let app = &app;
        async move { app.get(&path, &app.anonymous()).await }
    };
    assert_eq!(feed(String::new()).await.status, StatusCode::NOT_FOUND);
    assert_eq!(feed("?key=".into()).await.status, StatusCode::NOT_FOUND);
    assert_eq!(feed(format!("?key={}", &key[..key.len() - 1])).await.status, StatusCode::NOT_FOUND);
    let opened = feed(format!("?key={key}")).await;
    assert_eq!(opened.status, StatusCode::OK);
    assert!(opened.text().contains("BEGIN:VEVENT"));
    assert_not_shared_by_caches(&opened, "the feed");

    let rotated = app.post(&format!("/shares/{id}/rotate"), &kim, &json!({})).await.json();
    let new_id = rotated["id"].as_str().unwrap();
    let new_key = rotated["icsUrl"].as_str().unwrap().split("?key=").nth(1).unwrap().to_owned();
    assert_ne!(new_key, key, "rotate issues a new key");
    let old_key_on_new_id = app.get(&format!("/s/{new_id}/calendar.ics?key={key}"), &app.anonymous()).await;
    assert_eq!(old_key_on_new_id.status, StatusCode::NOT_FOUND);
    let new_feed = app.get(&format!("/s/{new_id}/calendar.ics?key={new_key}"), &app.anonymous()).await;
    assert_eq!(new_feed.status, StatusCode::OK);
}

type RequestHeaders = Vec<(&'static str, &'static str)>;

async fn bad_unlock_requests_are_4xx_and_count_nothing(app: TestApp) {
    let share = publish_locked(&app).await;
    let id = share["id"].as_str().unwrap();
    let path = format!("/s/{id}/unlock");
    let anonymous = app.anonymous();
    let cases: Vec<(Vec<u8>, RequestHeaders)> = vec![
        (b"password=wrong+guess".to_vec(), vec![("content-type", "application/json")]),
        (br#"{"password":"wrong guess"}"#.to_vec(), vec![]),
        (b"password=wrong+guess".to_vec(), vec![("content-type", "text/plain")]),
        (b"pass=wrong+guess".to_vec(), vec![FORM]),
        (Vec::new(), vec![FORM]),
        (b"password=a&password=b".to_vec(), vec![FORM]),
        (format!("password={}", "x".repeat(4100)).into_bytes(), vec![FORM]),
    ];
    for _ in 0..2 {
        for (body, headers) in &cases {
            let response = app.send_raw(Method::POST, &path, &anonymous, body.clone(), headers).await;
            assert!(response.status.is_client_error(), "{}: {}", response.status, response.text());
            assert_ne!(response.status, StatusCode::TOO_MANY_REQUESTS);
            assert_eq!(response.header("content-type"), Some("application/problem+json"), "{}", response.text());
        }
    }
    assert_eq!(unlock(&app, id, PASSWORD).await.status, StatusCode::SEE_OTHER, "14 bad requests counted as no tries");
    let unknown = unlock(&app, "nosuchshare0000000000000", PASSWORD).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let open = app.publish(&app.member("kim", "contoso"), &share_body("Open", 1)).await;
    let open_id = open["id"].as_str().unwrap();
    assert_eq!(unlock(&app, open_id, "anything at all").await.status, StatusCode::SEE_OTHER);
}

per_store!(app:
    a_locked_share_shows_only_the_form_and_opens_with_its_password,
    password_change_removal_rotate_and_revoke_void_earlier_cookies,
    the_feed_of_a_password_share_needs_its_key,
    bad_unlock_requests_are_4xx_and_count_nothing,
);

/// The right password opens the share even when taking its try back fails: the count is then one
/// too high until the window ends, which refuses nobody who knows the password.
async fn a_right_password_opens_even_when_its_try_cannot_be_taken_back<
    S: share_core::store::Store + Clone + Into<crate::support::Backend> + 'static,
>(
    inner: S,
) {
    use crate::support::instrumented_store::InstrumentedStore;
    let store = InstrumentedStore::new(inner.clone());
    let app = TestApp::spawn(store.clone(), inner.into()).await;
    let share = publish_locked(&app).await;
    let id = share["id"].as_str().unwrap();
    store.arm(3); // the check (write 1) and the try (write 2) are counted, then the try is taken back (write 3, failing)
    let opened = unlock(&app, id, PASSWORD).await;
    store.arm(usize::MAX);
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.text());
    assert_eq!(page_with(&app, &format!("/s/{id}"), &cookie_of(&opened)).await.status, StatusCode::OK);
}

mod refund_fails {
    crate::per_store!(store: a_right_password_opens_even_when_its_try_cannot_be_taken_back);
    use super::a_right_password_opens_even_when_its_try_cannot_be_taken_back;
}
