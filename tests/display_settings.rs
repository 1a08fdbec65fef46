//! The group's `display` settings on every store: kept as sent, refused with pointers when invalid
//! (changing nothing), and applied at view time to every share of the group, the ETag changing
//! with them.

use crate::per_store;
use crate::support::{TestApp, share_body};
use hyper::{Method, StatusCode};
use serde_json::{Value, json};

const GROUP: &str = "contoso";

fn display() -> Value {
    json!({"locale": "en-US", "weekStart": "sunday", "timeFormat": "12h", "dayStart": "07:00", "dayEnd": "19:00",
        "statusColors": {"Confirmed": "#2e7d32", "Tentative": "#f9a825"},
        "resourceFolders": [{"name": "Support", "resources": ["Tier 1", "Tier 2"]}]})
}

async fn display_settings_are_kept_and_returned_as_sent(app: TestApp) {
    let admin = app.role_admin("ria", GROUP);
    assert_eq!(app.get("/settings", &admin).await.json()["display"], json!({}), "a new group has none");

    let response = app.put("/settings", &admin, &json!({"sharing": "everyone", "display": display()})).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert_eq!(response.json()["display"], display());
    assert_eq!(app.get("/settings", &admin).await.json()["display"], display());

    // `PUT` replaces the whole object: left out, the display settings go back to none.
    app.set_policy(&admin, json!({"sharing": "everyone"})).await;
    assert_eq!(app.get("/settings", &admin).await.json()["display"], json!({}));
    app.set_policy(&admin, json!({"sharing": "everyone", "display": {"locale": "pt-br"}})).await;
    assert_eq!(app.get("/settings", &admin).await.json()["display"], json!({"locale": "pt-BR"}), "canonical case");
    app.set_policy(&admin, json!({"sharing": "everyone", "display": null})).await;
    assert_eq!(app.get("/settings", &admin).await.json()["display"], json!({}));
}

async fn invalid_display_settings_are_refused_with_pointers_and_change_nothing(app: TestApp) {
    let admin = app.role_admin("ria", GROUP);
    app.set_policy(&admin, json!({"sharing": "everyone", "display": display()})).await;
    let before = app.get("/settings", &admin).await.json();

    let bad = json!({"sharing": "everyone", "display": {
        "locale": "not a tag", "weekStart": "friday", "timeFormat": 24, "dayStart": "19:00", "dayEnd": "07:00",
        "statusColors": {"Confirmed": "green"}, "resourceFolders": [{"name": "Support", "resources": []}]}});
    let response = app.put("/settings", &admin, &bad).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", response.text());
    assert_eq!(response.header("content-type"), Some("application/problem+json"));
    let pointers: Vec<String> = response.json()["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|error| error["pointer"].as_str().expect("pointer").to_owned())
        .collect();
    for pointer in [
        "/display/locale",
        "/display/weekStart",
        "/display/timeFormat",
        "/display/dayEnd",
        "/display/statusColors/Confirmed",
        "/display/resourceFolders/0/resources",
    ] {
        assert!(pointers.iter().any(|p| p == pointer), "{pointer} in {pointers:?}");
    }
    for body in [
        json!({"sharing": "everyone", "display": "dark"}),
        json!({"sharing": "everyone", "display": {"dayStart": "07:30"}}),
        json!({"sharing": "everyone", "display": {"theme": "dark"}}),
    ] {
        let response = app.put("/settings", &admin, &body).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", response.text());
    }
    assert_eq!(app.get("/settings", &admin).await.json(), before);
}

/// Events on 7 December 2026 (a Monday), New York: one coloured, one coloured by its status only, one
/// before the group's day and one after it; resources in and out of the group's folder.
fn week_share() -> Value {
    let event = |id: &str, title: &str, from: &str, to: &str, resource: &str, status: &str| {
        json!({"id": id, "title": title, "start": format!("2026-12-07T{from}:00-05:00"),
            "end": format!("2026-12-07T{to}:00-05:00"), "resource": resource, "status": status})
    };
    let mut own_colour = event("a", "Own colour", "09:00", "10:00", "Tier 1", "Confirmed");
    own_colour["color"] = json!("#e53935");
    let mut body = share_body("Display", 0);
    body["view"] = json!("week");
    body["range"] = json!({"start": "2026-12-01", "end": "2027-01-01"});
    body["events"] = json!([
        own_colour,
        event("b", "Status colour", "11:00", "12:00", "Tier 2", "Confirmed"),
        event("c", "Early bird", "05:00", "06:00", "Tier 3", "Tentative"),
        event("d", "Night shift", "18:00", "21:00", "Tier 3", "Tentative"),
    ]);
    body
}

/// The week grid's first hour label.
fn first_hour_label(page: &str) -> String {
    let gutter = &page[page.find("<div class=\"gut\"").expect("the week grid")..];
    let label = &gutter[gutter.find("<span class=\"ts1 td4\">").expect("a first hour") + 22..];
    label[..label.find("</span>").expect("its end")].to_owned()
}

async fn the_groups_display_applies_to_its_share_pages_at_view_time(app: TestApp) {
    let admin = app.role_admin("ria", GROUP);
    let kim = app.member("kim", GROUP);
    let id = app.publish(&kim, &week_share()).await["id"].as_str().expect("id").to_owned();
    let path = format!("/s/{id}?date=2026-12-07");
    let plain = app.get(&path, &app.anonymous()).await;
    assert_eq!(plain.status, StatusCode::OK);
    let plain_tag = plain.header("etag").expect("etag").to_owned();
    let plain = plain.text();
    assert!(!plain.contains(" past-s") && !plain.contains("name=\"folder\""), "no display settings yet");
    let first_plain = first_hour_label(&plain);
    assert!(first_plain.starts_with('5'), "without settings the grid widens to the earliest event: {first_plain}");

    app.set_policy(&admin, json!({"sharing": "everyone", "display": display()})).await;
    let shown = app.send(Method::GET, &path, &app.anonymous(), None, &[("if-none-match", &plain_tag)]).await;
    assert_eq!(shown.status, StatusCode::OK, "the settings changed the page, so the old ETag does not match");
    assert_ne!(shown.header("etag"), Some(plain_tag.as_str()));
    let page = shown.text();
    let block = |title: &str| {
        let at = page.find(&format!("<bdi>{title}</bdi>")).unwrap_or_else(|| panic!("{title} shown"));
        let start = page[..at].rfind("<li class=\"ev ").expect("its block");
        page[start..at].to_owned()
    };
    let plain_block = |title: &str| {
        let at = plain.find(&format!("<bdi>{title}</bdi>")).expect("shown");
        let start = plain[..at].rfind("<li class=\"ev ").expect("its block");
        plain[start..at].to_owned()
    };
    assert!(plain_block("Status colour").contains("ev k0 "), "no colour of its own: {}", plain_block("Status colour"));
    assert!(!block("Status colour").contains("ev k0 "), "coloured by its status: {}", block("Status colour"));
    assert_eq!(
        block("Own colour").split(' ').nth(2),
        plain_block("Own colour").split(' ').nth(2),
        "an event's own colour wins over its status's"
    );
    assert!(block("Early bird").contains("past-s"), "before dayStart: at the grid's edge, marked");
    assert!(block("Night shift").contains("past-e"), "past dayEnd: marked");
    let first_set = first_hour_label(&page);
    assert!(first_set.starts_with('7') && first_set.contains("AM"), "from dayStart, on the 12-hour clock: {first_set}");

    // The folder groups the resource filter and narrows to its resources.
    assert!(page.contains("<optgroup label=\"Support\">"), "resources grouped by folder");
    let support = app.get(&format!("{path}&folder=Support"), &app.anonymous()).await.text();
    assert!(support.contains("Own colour") && support.contains("Status colour"));
    assert!(!support.contains("Early bird") && !support.contains("Night shift"), "Tier 3 is in no folder");
    let unknown = app.get(&format!("{path}&folder=Nope"), &app.anonymous()).await.text();
    assert!(unknown.contains("Early bird"), "an unknown folder is ignored");
}

per_store!(app:
    display_settings_are_kept_and_returned_as_sent,
    invalid_display_settings_are_refused_with_pointers_and_change_nothing,
    the_groups_display_applies_to_its_share_pages_at_view_time,
);
