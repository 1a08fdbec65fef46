//! The share's `locale` and the page's language on every store: kept, returned and listed, cleared
//! by a `PUT` without it, refused with its pointer when malformed (nothing stored); the browser's
//! `Accept-Language` changes the page, its ETag and `Vary`; week headings and times as CLDR writes
//! them; the unlock form and the error pages speak the language too.

use crate::passwords::{PASSWORD, publish_locked};
use crate::per_store;
use crate::support::{TestApp, TestResponse, share_body};
use hyper::{Method, StatusCode};
use serde_json::json;

fn html_lang(response: &TestResponse) -> String {
    let html = response.text();
    let start = html.find("<html lang=\"").expect("html lang") + 12;
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

async fn page(app: &TestApp, path: &str, accept_language: Option<&str>) -> TestResponse {
    let headers: Vec<(&str, &str)> = accept_language.map(|value| ("accept-language", value)).into_iter().collect();
    app.send(Method::GET, path, &app.anonymous(), None, &headers).await
}

async fn the_shares_locale_is_kept_listed_and_cleared_by_a_put_without_it(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let mut body = share_body("Dienstplan", 2);
    body["locale"] = json!("de-de");
    let share = app.publish(&kim, &body).await;
    assert_eq!(share["locale"], "de-DE", "in canonical case");
    let id = share["id"].as_str().unwrap();
    assert_eq!(app.get(&format!("/shares/{id}"), &kim).await.json()["locale"], "de-DE");
    let listed = app.get("/shares", &kim).await.json();
    assert_eq!(listed["shares"][0]["locale"], "de-DE", "{listed}");
    let german = page(&app, &format!("/s/{id}"), Some("fr")).await;
    assert_eq!(html_lang(&german), "de", "the share's locale before the browser's");
    assert!(german.text().contains(">Monat</a>"));

    body["locale"] = json!("pt-BR");
    let put = app.put(&format!("/shares/{id}"), &kim, &body).await;
    assert_eq!((put.status, &put.json()["locale"]), (StatusCode::OK, &json!("pt-BR")));
    let put = app.put(&format!("/shares/{id}"), &kim, &share_body("Dienstplan", 2)).await;
    assert_eq!(put.status, StatusCode::OK);
    assert!(put.json()["locale"].is_null(), "a PUT without it clears it: {}", put.text());
    assert_eq!(html_lang(&page(&app, &format!("/s/{id}"), None).await), "en-US");
}

async fn a_malformed_locale_is_refused_at_its_pointer_and_nothing_is_stored(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let share = app.publish(&kim, &share_body("Rota", 1)).await;
    let id = share["id"].as_str().unwrap();
    let before = app.record(id).await;
    for (locale, status) in [(json!("not a tag"), 422), (json!("en_US"), 422), (json!(""), 422), (json!(7), 400)] {
        let mut body = share_body("Refused", 1);
        body["locale"] = locale.clone();
        for response in [app.post("/shares", &kim, &body).await, app.put(&format!("/shares/{id}"), &kim, &body).await] {
            assert_eq!(response.status.as_u16(), status, "{locale}: {}", response.text());
            assert_eq!(response.header("content-type"), Some("application/problem+json"));
            if status == 422 {
                assert_eq!(response.json()["errors"][0]["pointer"], "/locale", "{}", response.text());
            }
        }
    }
    assert_eq!(app.record(id).await, before, "the share is as it was");
    assert_eq!(app.share_ids(&kim).await, [id], "no other share");
}

async fn accept_language_changes_the_page_its_etag_and_vary(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let id = app.publish(&kim, &share_body("Rota", 2)).await["id"].as_str().unwrap().to_owned();
    let path = format!("/s/{id}?date=2026-12-01");
    let english = page(&app, &path, None).await;
    let french = page(&app, &path, Some("fr-CH, fr;q=0.9, en;q=0.8")).await;
    let japanese = page(&app, &path, Some("ja")).await;
    assert_eq!(
        (html_lang(&english), html_lang(&french), html_lang(&japanese)),
        ("en-US".into(), "fr".into(), "en-US".into())
    );
    assert!(french.text().contains("décembre 2026") && french.text().contains(">Mois</a>"), "{}", french.text());
    assert_ne!(english.header("etag"), french.header("etag"), "another language, another variant");
    assert_eq!(english.header("etag"), japanese.header("etag"), "an unsupported language is no variant");
    for response in [&english, &french] {
        let vary = response.header("vary").unwrap_or_default();
        assert!(vary.contains("Accept-Language") && vary.contains("Accept-Encoding"), "{vary}");
    }
    let etag = french.header("etag").unwrap().to_owned();
    let headers = [("accept-language", "fr"), ("if-none-match", etag.as_str())];
    let again = app.send(Method::GET, &path, &app.anonymous(), None, &headers).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    let picked = page(&app, &format!("{path}&lang=nl"), Some("fr")).await;
    assert_eq!(html_lang(&picked), "nl", "the recipient's pick first");
    let feed = page(&app, &format!("/s/{id}/calendar.ics"), Some("fr")).await;
    assert!(!feed.header("vary").unwrap_or_default().contains("Accept-Language"), "the feed has no language");
}

async fn weeks_read_as_cldrs_intervals_and_times_as_its_patterns(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let id = app.publish(&kim, &share_body("Rota", 2)).await["id"].as_str().unwrap().to_owned();
    // (language, date, heading, the 09:00–10:00 event): CLDR 48's intervals and short times.
    let expected = [
        ("en-GB", "2026-12-01", "30 November\u{2009}\u{2013}\u{2009}6 December 2026", "09:00\u{2013}10:00"),
        (
            "en-US",
            "2026-12-01",
            "November 29\u{2009}\u{2013}\u{2009}December 5, 2026",
            "9:00\u{2009}\u{2013}\u{2009}10:00\u{202f}AM",
        ),
        ("de", "2026-12-08", "7.\u{2013}13. Dezember 2026", ""),
        ("es", "2026-12-01", "30 de noviembre\u{2009}\u{2013}\u{2009}6 de diciembre de 2026", ">9:00\u{2013}10:00"),
        ("pt-BR", "2026-12-28", "27 de dezembro de 2026\u{2009}\u{2013}\u{2009}2 de janeiro de 2027", ""),
    ];
    for (lang, date, heading, times) in expected {
        let week = page(&app, &format!("/s/{id}?view=week&date={date}&lang={lang}"), Some("fr")).await;
        let html = week.text();
        assert!(html.contains(&format!("<h2 id=\"period\">{heading}</h2>")), "{lang}: {html}");
        assert!(html.contains(times), "{lang}: {html}");
    }
    let spanish = page(&app, &format!("/s/{id}?view=agenda&date=2026-12-01"), Some("es-ES")).await.text();
    assert!(spanish.contains(">9:00") && !spanish.contains("09:00"), "CLDR's es short time is H:mm: {spanish}");
}

async fn the_unlock_form_speaks_the_browsers_language_or_the_pick(app: TestApp) {
    let id = publish_locked(&app).await["id"].as_str().unwrap().to_owned();
    let locked = page(&app, &format!("/s/{id}"), Some("es-MX")).await;
    assert_eq!(locked.status, StatusCode::UNAUTHORIZED);
    assert_eq!(html_lang(&locked), "es");
    assert!(locked.text().contains("Se necesita contraseña"), "{}", locked.text());
    let picked = page(&app, &format!("/s/{id}?lang=de"), Some("es")).await;
    assert!(picked.text().contains(&format!(r#"action="/s/{id}/unlock?lang=de""#)), "{}", picked.text());

    let form = ("content-type", "application/x-www-form-urlencoded");
    let wrong = app
        .send_raw(
            Method::POST,
            &format!("/s/{id}/unlock?lang=de"),
            &app.anonymous(),
            b"password=nope".to_vec(),
            &[form],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.text().contains("Das Passwort ist nicht richtig"), "{}", wrong.text());
    let body = format!("password={}", PASSWORD.replace(' ', "+")).into_bytes();
    let right = app.send_raw(Method::POST, &format!("/s/{id}/unlock?lang=de"), &app.anonymous(), body, &[form]).await;
    assert_eq!(right.status, StatusCode::SEE_OTHER);
    assert_eq!(right.header("location"), Some(format!("/s/{id}?lang=de").as_str()), "the page after keeps the pick");
}

async fn error_pages_speak_the_pick_or_the_browsers_language(app: TestApp) {
    let missing = "/s/0123456789abcdef0123456789abcdef";
    let dutch = page(&app, missing, Some("nl-NL")).await;
    assert_eq!(dutch.status, StatusCode::NOT_FOUND);
    assert_eq!(html_lang(&dutch), "nl");
    assert!(dutch.text().contains("<h1>Agenda niet gevonden</h1>"), "{}", dutch.text());
    let picked = page(&app, &format!("{missing}?lang=pt-BR"), Some("nl-NL")).await;
    assert!(picked.text().contains("<h1>Calendário não encontrado</h1>"), "{}", picked.text());
    let english = page(&app, &format!("{missing}/calendar.ics"), None).await;
    assert_eq!((english.status, html_lang(&english)), (StatusCode::NOT_FOUND, "en-US".to_owned()));
}

per_store!(
    app: the_shares_locale_is_kept_listed_and_cleared_by_a_put_without_it,
    error_pages_speak_the_pick_or_the_browsers_language,
    a_malformed_locale_is_refused_at_its_pointer_and_nothing_is_stored,
    accept_language_changes_the_page_its_etag_and_vary,
    weeks_read_as_cldrs_intervals_and_times_as_its_patterns,
    the_unlock_form_speaks_the_browsers_language_or_the_pick
);
