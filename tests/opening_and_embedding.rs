//! A share's `openOn`, and the embed page's `header=0` and `controls=0`, on every store.

use crate::per_store;
use crate::support::{TestApp, share_body};
use hyper::StatusCode;
use serde_json::json;

fn id_of(share: &serde_json::Value) -> String {
    share["id"].as_str().expect("id").to_owned()
}

fn pointers(response: crate::support::TestResponse) -> Vec<String> {
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", response.text());
    response.json()["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap().to_owned()).collect()
}

async fn a_share_opens_on_its_day_until_a_put_clears_it(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let mut body = share_body("Rota", 3);
    body["range"] = json!({"start": "2026-12-01", "end": "2027-03-01"});
    body["openOn"] = json!("2027-02-10");
    let share = app.publish(&kim, &body).await;
    assert_eq!(share["openOn"], "2027-02-10");
    let id = id_of(&share);
    let page = app.get(&format!("/s/{id}"), &app.anonymous()).await.text();
    assert!(page.contains("<h2 id=\"period\">February 2027</h2>"), "the page opens on openOn's month");
    let dated = app.get(&format!("/s/{id}?date=2026-12-03"), &app.anonymous()).await.text();
    assert!(dated.contains("<h2 id=\"period\">December 2026</h2>"), "an explicit date wins");

    body.as_object_mut().unwrap().remove("openOn");
    let replaced = app.put(&format!("/shares/{id}"), &kim, &body).await;
    assert_eq!((replaced.status, replaced.json()["openOn"].clone()), (StatusCode::OK, serde_json::Value::Null));

    let mut outside = share_body("Outside", 1);
    outside["range"] = json!({"start": "2026-12-01", "end": "2027-01-01"});
    outside["openOn"] = json!("2027-01-01");
    assert_eq!(pointers(app.post("/shares", &kim, &outside).await), ["/openOn"], "the range's end is outside it");
    outside["openOn"] = json!("first of may");
    assert_eq!(pointers(app.post("/shares", &kim, &outside).await), ["/openOn"]);
    outside["openOn"] = json!("2026-12-05");
    outside["range"] = json!({"rolling": {"pastDays": 0, "futureDays": 30}});
    assert_eq!(pointers(app.post("/shares", &kim, &outside).await), ["/openOn"], "not with a rolling range");
    let sealed = json!({
        "visibility": "public", "detail": "limited", "timeZone": "UTC", "openOn": "2027-05-01",
        "range": {"start": "2026-12-01", "end": "2027-01-01"},
        "sealed": {"v": 1, "ciphertext": "A".repeat(40), "eventCount": 0},
    });
    assert_eq!(pointers(app.post("/shares", &kim, &sealed).await), ["/openOn"], "a sealed body's too");
    let mut inside = sealed.clone();
    inside["openOn"] = json!("2026-12-24");
    let sealed_id = id_of(&app.publish(&kim, &inside).await);
    let ciphertext = app.get(&format!("/s/{sealed_id}/sealed"), &app.anonymous()).await.json();
    assert_eq!(ciphertext["openOn"], "2026-12-24", "the sealed page opens on it too");
}

async fn the_embed_page_drops_its_header_and_controls_on_request(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let mut body = share_body("Desk rota", 4);
    body["events"][0]["resource"] = json!("Tier 1");
    let id = id_of(&app.publish(&kim, &body).await);
    let get = |query: &'static str| {
        let app = &app;
        let id = id.clone();
        async move { app.get(&format!("/s/{id}?date=2026-12-01&{query}"), &app.anonymous()).await.text() }
    };
    let full = get("embed=1").await;
    assert!(
        full.contains("class=\"tzline\"") && full.contains("class=\"pager\"") && full.contains("class=\"filters\"")
    );
    let no_header = get("embed=1&header=0").await;
    assert!(!no_header.contains("class=\"tzline\"") && no_header.contains("class=\"pager\""));
    assert!(no_header.contains("name=\"header\" value=\"0\""), "its forms keep header=0");
    assert!(no_header.contains("&#38;embed=1&#38;header=0"), "its links keep header=0");
    let bare = get("embed=1&header=0&controls=0").await;
    for gone in ["class=\"tzline\"", "class=\"pager\"", "class=\"views\"", "class=\"filters\""] {
        assert!(!bare.contains(gone), "{gone}");
    }
    assert!(bare.contains("<h2 id=\"period\">December 2026</h2>"), "the view and date are the query's");
    assert!(bare.contains("embed=1&#38;header=0&#38;controls=0"), "event links keep both");
    let page = get("header=0&controls=0").await;
    assert!(page.contains("class=\"tzline\"") && page.contains("class=\"pager\""), "only the embed page takes them");
}

per_store!(app:
    a_share_opens_on_its_day_until_a_put_clears_it,
    the_embed_page_drops_its_header_and_controls_on_request,
);
