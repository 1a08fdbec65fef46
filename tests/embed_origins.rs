//! `embedOrigins` through the API on every store: validated with pointers (nothing stored on a
//! refusal), shown in the share object, the embed page's `frame-ancestors` lists exactly them while
//! the page itself stays unframeable, and a `PUT` without them clears them.

use crate::per_store;
use crate::support::{TestApp, share_body};
use hyper::StatusCode;
use serde_json::json;

fn frame_ancestors(csp: &str) -> &str {
    csp.split(';').map(str::trim).find_map(|part| part.strip_prefix("frame-ancestors ")).expect("frame-ancestors")
}

async fn the_embed_page_may_be_framed_by_the_listed_origins_only(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let mut body = share_body("Embedded", 2);
    body["embedOrigins"] = json!(["https://Intranet.example.com", "https://portal.example.com:8443"]);
    let share = app.publish(&kim, &body).await;
    assert_eq!(share["embedOrigins"], json!(["https://intranet.example.com", "https://portal.example.com:8443"]));
    let id = share["id"].as_str().unwrap();
    assert_eq!(app.get(&format!("/shares/{id}"), &kim).await.json()["embedOrigins"], share["embedOrigins"]);

    let embed = app.get(&format!("/s/{id}?embed=1"), &app.anonymous()).await;
    assert_eq!(embed.status, StatusCode::OK);
    let csp = embed.header("content-security-policy").unwrap();
    assert_eq!(frame_ancestors(csp), "https://intranet.example.com https://portal.example.com:8443");
    assert_eq!(embed.header("x-frame-options"), None, "X-Frame-Options cannot name sites");
    for path in [format!("/s/{id}"), format!("/s/{id}/calendar.ics")] {
        let response = app.get(&path, &app.anonymous()).await;
        assert_eq!(frame_ancestors(response.header("content-security-policy").unwrap()), "'none'", "{path}");
        assert_eq!(response.header("x-frame-options"), Some("DENY"), "{path}");
    }

    let put = app.put(&format!("/shares/{id}"), &kim, &share_body("Embedded", 2)).await;
    assert_eq!(
        (put.status, &put.json()["embedOrigins"]),
        (StatusCode::OK, &json!([])),
        "a PUT without them clears them"
    );
    let embed = app.get(&format!("/s/{id}?embed=1"), &app.anonymous()).await;
    assert_eq!(frame_ancestors(embed.header("content-security-policy").unwrap()), "*", "any site, as before");
}

async fn bad_embed_origins_are_refused_and_nothing_is_stored(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let before = app.stored_text().await;
    let eleven: Vec<String> = (0..11).map(|i| format!("https://s{i}.example")).collect();
    let cases = [
        (json!(["https://ok.example", "http://plain.example", "https://x.example/path", "https://*.example"]), 422),
        (json!(eleven), 422),
        (json!(["https://ok.example", 7]), 400),
        (json!("https://ok.example"), 400),
    ];
    for (origins, status) in cases {
        let mut body = share_body("Refused", 1);
        body["embedOrigins"] = origins.clone();
        let response = app.post("/shares", &kim, &body).await;
        assert_eq!(response.status.as_u16(), status, "{origins}: {}", response.text());
        assert_eq!(response.header("content-type"), Some("application/problem+json"));
    }
    let mut body = share_body("Refused", 1);
    body["embedOrigins"] = json!(["https://ok.example", "http://plain.example", "https://x.example/path"]);
    let pointers: Vec<String> = app.post("/shares", &kim, &body).await.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| error["pointer"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(pointers, ["/embedOrigins/1", "/embedOrigins/2"]);
    assert_eq!(app.stored_text().await, before, "nothing stored");
}

per_store!(app: the_embed_page_may_be_framed_by_the_listed_origins_only, bad_embed_origins_are_refused_and_nothing_is_stored);
