//! The files a recipient takes away, on every store: one event ("Add to my calendar"), the share's
//! free/busy, and its QR code, under the feed's rules for password and sealed shares.

use crate::passwords::publish_locked;
use crate::per_store;
use crate::sealed::sealed_body;
use crate::support::{TestApp, share_body};
use hyper::{Method, StatusCode};
use serde_json::{Value, json};

/// Content lines with folds joined.
fn lines(ics: &str) -> Vec<String> {
    ics.replace("\r\n ", "").split("\r\n").filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// The "Add to my calendar" links of the details views of every event on the share's month page.
async fn event_links(app: &TestApp, id: &str) -> Vec<String> {
    let month = app.get(&format!("/s/{id}?view=month&date=2026-12-01"), &app.anonymous()).await.text();
    let keys: Vec<String> = month.split("&#38;event=").skip(1).map(|rest| rest[..16].to_owned()).collect();
    let mut links = Vec::new();
    for key in keys {
        let details = app.get(&format!("/s/{id}?event={key}"), &app.anonymous()).await.text();
        let href = format!("href=\"/s/{id}/events/{key}.ics\"");
        assert!(details.contains(&href), "{details}");
        assert!(details.contains("Add to my calendar"), "{details}");
        links.push(format!("/s/{id}/events/{key}.ics"));
    }
    links
}

async fn one_event_is_the_feeds_vevent_alone(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let id = app.publish(&kim, &share_body("Rota", 3)).await["id"].as_str().unwrap().to_owned();
    let links = event_links(&app, &id).await;
    assert_eq!(links.len(), 3);
    let feed = lines(&app.get(&format!("/s/{id}/calendar.ics"), &app.anonymous()).await.text());
    let answer = app.get(&links[1], &app.anonymous()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.header("content-type"), Some("text/calendar; charset=utf-8"));
    assert_eq!(answer.header("content-disposition"), Some("attachment; filename=\"event.ics\""));
    assert!(answer.header("etag").is_some() && answer.header("cache-control").unwrap().contains("max-age"));
    let ics = lines(&answer.text());
    assert_eq!(ics.iter().filter(|l| *l == "BEGIN:VEVENT").count(), 1);
    assert!(ics.contains(&"METHOD:PUBLISH".to_owned()));
    // Exactly the feed's lines for that event: the feed's second VEVENT.
    let vevent = |lines: &[String], nth: usize| -> Vec<String> {
        let begin = lines.iter().enumerate().filter(|(_, l)| *l == "BEGIN:VEVENT").nth(nth).unwrap().0;
        let end = begin + lines[begin..].iter().position(|l| l == "END:VEVENT").unwrap();
        lines[begin..=end].to_vec()
    };
    assert_eq!(vevent(&ics, 0), vevent(&feed, 1));
    assert!(ics.contains(&"SUMMARY:Rota event 1".to_owned()), "{ics:?}");

    let etag = answer.header("etag").unwrap().to_owned();
    let again = app.send(Method::GET, &links[1], &app.anonymous(), None, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_ne!(app.get(&links[0], &app.anonymous()).await.header("etag"), Some(etag.as_str()));
    let head = app.send(Method::HEAD, &links[1], &app.anonymous(), None, &[]).await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.body.is_empty());

    let without_suffix = links[1].rsplit('/').next().unwrap().replace(".ics", "");
    for unknown in ["0000000000000000.ics", "not-a-key.ics", without_suffix.as_str()] {
        let answer = app.get(&format!("/s/{id}/events/{unknown}"), &app.anonymous()).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{unknown}");
    }
}

fn timed(start: &str, end: &str, show_as: &str) -> Value {
    json!({"id": format!("{start}-{show_as}"), "title": show_as, "start": start, "end": end, "showAs": show_as})
}

async fn free_busy_merges_periods_by_kind_and_leaves_free_time_out(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let mut body = share_body("Rota", 0);
    body["events"] = json!([
        timed("2026-12-03T09:00:00Z", "2026-12-03T10:00:00Z", "busy"),
        timed("2026-12-03T09:30:00Z", "2026-12-03T11:00:00Z", "busy"),
        timed("2026-12-03T10:30:00Z", "2026-12-03T12:00:00Z", "tentative"),
        timed("2026-12-04T09:00:00Z", "2026-12-04T17:00:00Z", "oof"),
        timed("2026-12-04T12:00:00Z", "2026-12-04T18:00:00Z", "busy"),
        timed("2026-12-05T09:00:00Z", "2026-12-05T10:00:00Z", "free"),
        timed("2026-12-05T11:00:00Z", "2026-12-05T12:00:00Z", "workingElsewhere"),
        {"id": "holiday", "title": "Holiday", "start": "2026-12-24", "end": "2026-12-26", "allDay": true, "showAs": "oof"},
    ]);
    let id = app.publish(&kim, &body).await["id"].as_str().unwrap().to_owned();
    let path = format!("/s/{id}/freebusy.ics");
    let answer = app.get(&path, &app.anonymous()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.header("content-type"), Some("text/calendar; charset=utf-8"));
    let ics = lines(&answer.text());
    assert_eq!(ics.iter().filter(|l| *l == "BEGIN:VFREEBUSY").count(), 1);
    assert!(!ics.iter().any(|l| l.starts_with("BEGIN:VEVENT") || l.starts_with("SUMMARY")), "{ics:?}");
    // The range's days in New York, in UTC.
    assert!(ics.contains(&"DTSTART:20261201T050000Z".to_owned()), "{ics:?}");
    assert!(ics.contains(&"DTEND:20270101T050000Z".to_owned()), "{ics:?}");
    let periods: Vec<&str> = ics.iter().filter(|l| l.starts_with("FREEBUSY")).map(String::as_str).collect();
    assert_eq!(
        periods,
        [
            "FREEBUSY;FBTYPE=BUSY:20261203T090000Z/20261203T110000Z",
            "FREEBUSY;FBTYPE=BUSY-TENTATIVE:20261203T110000Z/20261203T120000Z",
            "FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20261204T090000Z/20261204T170000Z",
            "FREEBUSY;FBTYPE=BUSY:20261204T170000Z/20261204T180000Z",
            "FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20261224T050000Z/20261226T050000Z",
        ]
    );
    let etag = answer.header("etag").unwrap().to_owned();
    assert!(answer.header("cache-control").unwrap().contains("max-age"));
    let again = app.send(Method::GET, &path, &app.anonymous(), None, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    let feed = app.get(&format!("/s/{id}/calendar.ics"), &app.anonymous()).await;
    assert_ne!(feed.header("etag"), Some(etag.as_str()), "free/busy is a variant of its own");
}

/// A password share's files open with its feed key alone; a sealed share has none of them.
async fn password_shares_need_the_feed_key_and_sealed_shares_have_no_files(app: TestApp) {
    let share = publish_locked(&app).await;
    let id = share["id"].as_str().unwrap();
    let key = share["icsUrl"].as_str().unwrap().split_once("?key=").unwrap().1.to_owned();
    let free_busy = format!("/s/{id}/freebusy.ics");
    assert_eq!(app.get(&free_busy, &app.anonymous()).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("{free_busy}?key=wrong"), &app.anonymous()).await.status, StatusCode::NOT_FOUND);
    let opened = app.get(&format!("{free_busy}?key={key}"), &app.anonymous()).await;
    assert_eq!(opened.status, StatusCode::OK);
    assert_eq!(opened.header("cache-control"), Some("private, no-store"));
    let feed = app.get(&format!("/s/{id}/calendar.ics?key={key}"), &app.anonymous()).await.text();
    let uid = lines(&feed).into_iter().find_map(|l| l.strip_prefix("UID:").map(str::to_owned)).unwrap();
    let event = format!("/s/{id}/events/{}.ics", share_core::render::EventKey::of(&uid));
    assert_eq!(app.get(&event, &app.anonymous()).await.status, StatusCode::NOT_FOUND);
    let opened = app.get(&format!("{event}?key={key}"), &app.anonymous()).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.text());
    assert_eq!(lines(&opened.text()).iter().filter(|l| *l == "BEGIN:VEVENT").count(), 1);

    let kim = app.member("kim", "contoso");
    let sealed = app.publish(&kim, &sealed_body(&[7; 64], 1)).await;
    let id = sealed["id"].as_str().unwrap();
    for path in ["freebusy.ics", "events/0000000000000000.ics", "qr.svg"] {
        assert_eq!(app.get(&format!("/s/{id}/{path}"), &app.anonymous()).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

/// The QR code is an SVG of the page's link and nothing else; the page links it and prints it.
async fn the_qr_code_is_a_script_free_svg_the_page_links_and_prints(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let id = app.publish(&kim, &share_body("Rota", 1)).await["id"].as_str().unwrap().to_owned();
    let answer = app.get(&format!("/s/{id}/qr.svg"), &app.anonymous()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.header("content-type"), Some("image/svg+xml"));
    assert_eq!(answer.header("content-security-policy"), Some("default-src 'none'"));
    assert_eq!(answer.header("x-content-type-options"), Some("nosniff"));
    assert!(answer.header("etag").is_some());
    let svg = answer.text();
    assert!(svg.contains("<svg") && !svg.to_ascii_lowercase().contains("script"), "{svg}");
    let page = app.get(&format!("/s/{id}"), &app.anonymous()).await.text();
    assert!(page.contains(&format!("href=\"/s/{id}/qr.svg\"")), "{page}");
    assert!(page.contains("<img src=\"data:image/svg+xml,%3C"), "printed with the page");
    assert!(page.contains(&format!("/s/{id}</figcaption>")), "the link beside it");

    // A password share's code is its page's link, the same for everyone: never its feed key.
    let locked = publish_locked(&app).await;
    let locked_id = locked["id"].as_str().unwrap();
    let code = app.get(&format!("/s/{locked_id}/qr.svg"), &app.anonymous()).await;
    assert_eq!(code.status, StatusCode::OK);
    let with_key = app.get(&format!("/s/{locked_id}/qr.svg?key=anything"), &app.anonymous()).await;
    assert_eq!(with_key.text(), code.text(), "no query reaches the code");
}

per_store!(app:
    one_event_is_the_feeds_vevent_alone,
    free_busy_merges_periods_by_kind_and_leaves_free_time_out,
    password_shares_need_the_feed_key_and_sealed_shares_have_no_files,
    the_qr_code_is_a_script_free_svg_the_page_links_and_prints,
);
