//! Sealed shares on every store, as the service sees them: a ciphertext it stores as given and serves
//! to the page, no feed, no live updates, and the group's `sealing` rule.

use crate::per_store;
use crate::support::{TestApp, share_body};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hyper::{Method, StatusCode};
use serde_json::{Value, json};

const GROUP: &str = "contoso";

/// Bytes no one can tell from a ciphertext (what the service gets is opaque to it either way).
pub(crate) fn opaque_bytes(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i.wrapping_mul(2_654_435_761) >> 7) as u8).collect()
}

/// A sealed publish body as share-seal writes it: the envelope in the clear, the rest sealed.
pub(crate) fn sealed_body(ciphertext: &[u8], event_count: u32) -> Value {
    json!({
        "title": "Rota (sealed)", "visibility": "public", "detail": "limited", "view": "week",
        "timeZone": "America/New_York", "range": {"start": "2026-12-01", "end": "2027-01-01"},
        "locale": "de-DE",
        "sealed": {"v": 1, "ciphertext": URL_SAFE_NO_PAD.encode(ciphertext), "eventCount": event_count},
    })
}

fn id_of(share: &Value) -> String {
    share["id"].as_str().expect("id").to_owned()
}

per_store!(app:
    a_sealed_share_is_stored_as_given_and_served_to_its_page,
    a_sealed_share_has_no_feed_and_an_open_one_no_ciphertext,
    sealed_bodies_are_checked_and_refusals_change_nothing,
    put_and_rotate_keep_a_sealed_share_sealed,
    live_updates_leave_sealed_shares_alone,
    the_group_decides_whether_shares_may_or_must_be_sealed,
    what_share_seal_seals_only_its_key_opens,
    every_format_sealed_at_every_level_leaves_nothing_readable,
);

/// `share-seal`'s answer to `body`: its output, or its exit status and stderr.
pub(crate) fn share_seal(body: &Value, args: &[&str]) -> Result<Value, (i32, String)> {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_share-seal"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("share-seal runs");
    child.stdin.take().unwrap().write_all(body.to_string().as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    match output.status.success() {
        true => Ok(serde_json::from_slice(&output.stdout).expect("share-seal prints JSON")),
        false => Err((output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stderr).into_owned())),
    }
}

async fn a_sealed_share_is_stored_as_given_and_served_to_its_page(app: TestApp) {
    let kim = app.member("kim", GROUP);
    let ciphertext = opaque_bytes(700_000);
    let share = app.publish(&kim, &sealed_body(&ciphertext, 42)).await;
    let id = id_of(&share);
    assert_eq!(share["sealed"], json!(true));
    assert_eq!(share["icsUrl"], Value::Null, "a sealed share has no feed");
    assert_eq!(share["eventCount"], json!(42));
    assert!(!share["url"].as_str().unwrap().contains('#'), "the key never comes back: {}", share["url"]);

    let sealed = app.get(&format!("/s/{id}/sealed"), &app.anonymous()).await;
    assert_eq!(sealed.status, StatusCode::OK, "{}", sealed.text());
    assert_eq!(sealed.header("content-type"), Some("application/json"));
    assert!(sealed.header("cache-control").unwrap().contains("max-age"), "cached like the page");
    let answer = sealed.json();
    assert_eq!(URL_SAFE_NO_PAD.decode(answer["ciphertext"].as_str().unwrap()).unwrap(), ciphertext);
    assert_eq!(answer["v"], json!(1));
    assert_eq!(answer["eventCount"], json!(42));
    let envelope = &answer["envelope"];
    assert_eq!(
        (&envelope["timeZone"], &envelope["detail"], &envelope["view"], &envelope["locale"]),
        (&json!("America/New_York"), &json!("limited"), &json!("week"), &json!("de-DE"))
    );
    assert_eq!(envelope["range"], json!({"start": "2026-12-01", "end": "2027-01-01"}));
    assert!(answer["display"].is_object(), "the group's display settings come with it");
    assert!(!answer.to_string().contains("Rota (sealed)"), "the owner's label stays off the recipients' answers");

    let etag = sealed.header("etag").expect("an ETag").to_owned();
    let again =
        app.send(Method::GET, &format!("/s/{id}/sealed"), &app.anonymous(), None, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);

    let page = app.get(&format!("/s/{id}"), &app.anonymous()).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("<html lang=\"de\"") && html.contains("Versiegelter Kalender"), "{html}");
    assert!(html.contains("<noscript>"), "the page says it needs scripts");
    assert!(!html.contains("Rota (sealed)"), "the owner's label is not on the page");
    let listed = app.get("/shares", &kim).await.json();
    assert_eq!(listed["shares"][0]["title"], json!("Rota (sealed)"), "the owner sees the label");
}

async fn a_sealed_share_has_no_feed_and_an_open_one_no_ciphertext(app: TestApp) {
    let kim = app.member("kim", GROUP);
    let sealed = id_of(&app.publish(&kim, &sealed_body(&opaque_bytes(64), 1)).await);
    for path in [format!("/s/{sealed}/calendar.ics"), format!("/s/{sealed}/calendar.ics?key=x")] {
        assert_eq!(app.get(&path, &app.anonymous()).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let head = app.send(Method::HEAD, &format!("/s/{sealed}/calendar.ics"), &app.anonymous(), None, &[]).await;
    assert_eq!(head.status, StatusCode::NOT_FOUND);
    let open = id_of(&app.publish(&kim, &share_body("Open", 3)).await);
    assert_eq!(app.get(&format!("/s/{open}/sealed"), &app.anonymous()).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/s/{open}/calendar.ics"), &app.anonymous()).await.status, StatusCode::OK);
}

async fn sealed_bodies_are_checked_and_refusals_change_nothing(app: TestApp) {
    let kim = app.member("kim", GROUP);
    let refused = |body: Value, pointer: &'static str| {
        let app = &app;
        let kim = kim.clone();
        async move {
            let response = app.post("/shares", &kim, &body).await;
            assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{pointer}: {}", response.text());
            let problem = response.json();
            let pointers: Vec<&str> =
                problem["errors"].as_array().unwrap().iter().filter_map(|e| e["pointer"].as_str()).collect();
            assert!(pointers.contains(&pointer), "{pointer}: {problem}");
        }
    };
    // One byte over 3 MiB once decoded: refused, and the answer does not echo it.
    let mut over = sealed_body(&opaque_bytes(3_145_729), 1);
    refused(over.clone(), "/sealed/ciphertext").await;
    over["sealed"]["ciphertext"] = json!("not base64!");
    refused(over.clone(), "/sealed/ciphertext").await;
    let mut wrong_version = sealed_body(&opaque_bytes(64), 1);
    wrong_version["sealed"]["v"] = json!(2);
    refused(wrong_version, "/sealed/v").await;
    let mut with_events = sealed_body(&opaque_bytes(64), 1);
    with_events["events"] = share_body("x", 1)["events"].clone();
    refused(with_events, "/events").await;
    let mut without_range = sealed_body(&opaque_bytes(64), 1);
    without_range.as_object_mut().unwrap().remove("range");
    refused(without_range, "/range").await;
    let mut too_many = sealed_body(&opaque_bytes(64), 1);
    too_many["sealed"]["eventCount"] = json!(10_001);
    refused(too_many, "/sealed/eventCount").await;
    assert!(app.share_ids(&kim).await.is_empty(), "nothing was stored");
    // The largest ciphertext allowed is taken, and its answer fits a response.
    let largest = app.publish(&kim, &sealed_body(&opaque_bytes(3_145_728), 1)).await;
    let sealed = app.get(&format!("/s/{}/sealed", id_of(&largest)), &app.anonymous()).await;
    assert_eq!(sealed.status, StatusCode::OK);
}

async fn put_and_rotate_keep_a_sealed_share_sealed(app: TestApp) {
    let kim = app.member("kim", GROUP);
    let id = id_of(&app.publish(&kim, &sealed_body(&opaque_bytes(400_000), 5)).await);
    let replacement = opaque_bytes(300_000).into_iter().rev().collect::<Vec<u8>>();
    let put = app.put(&format!("/shares/{id}"), &kim, &sealed_body(&replacement, 6)).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text());
    let served = |id: String| {
        let app = &app;
        async move {
            let answer = app.get(&format!("/s/{id}/sealed"), &app.anonymous()).await.json();
            URL_SAFE_NO_PAD.decode(answer["ciphertext"].as_str().unwrap()).unwrap()
        }
    };
    assert_eq!(served(id.clone()).await, replacement);
    let rotated = app.send(Method::POST, &format!("/shares/{id}/rotate"), &kim, None, &[]).await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.text());
    let rotated = rotated.json();
    assert_eq!(rotated["sealed"], json!(true));
    assert_eq!(served(id_of(&rotated)).await, replacement, "the same key opens the new id");
    assert_eq!(app.get(&format!("/s/{id}/sealed"), &app.anonymous()).await.status, StatusCode::NOT_FOUND);
    // A PUT of an open body makes it an open share again.
    let open = app.put(&format!("/shares/{}", id_of(&rotated)), &kim, &share_body("Open again", 2)).await;
    assert_eq!(open.json()["sealed"], json!(false));
}

async fn live_updates_leave_sealed_shares_alone(app: TestApp) {
    let kim = app.member("kim", GROUP);
    let sealed = app.publish(&kim, &sealed_body(&opaque_bytes(64), 1)).await;
    let open = app.publish(&kim, &share_body("Open", 3)).await;
    let changed = app.post("/me/changes", &kim, &json!({"removed": ["ev-0"]})).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text());
    let answer = changed.json();
    assert_eq!(answer["sharesUpdated"], json!([{"id": id_of(&open), "eventCount": 2}]), "{answer}");
    let listed = app.get("/shares", &kim).await.json();
    let by_id = |id: &str| listed["shares"].as_array().unwrap().iter().find(|s| s["id"] == id).unwrap().clone();
    assert_eq!(by_id(&id_of(&sealed))["updatedAt"], sealed["updatedAt"], "the sealed share was not rewritten");
    assert_ne!(by_id(&id_of(&open))["updatedAt"], open["updatedAt"]);
}

async fn the_group_decides_whether_shares_may_or_must_be_sealed(app: TestApp) {
    let admin = app.role_admin("ria", GROUP);
    let kim = app.member("kim", GROUP);
    assert_eq!(app.get("/settings", &admin).await.json()["sealing"], json!("allowed"));
    let open_id = id_of(&app.publish(&kim, &share_body("Open", 1)).await);

    let required = app.put("/settings", &admin, &json!({"sharing": "everyone", "sealing": "required"})).await;
    assert_eq!(required.status, StatusCode::OK, "{}", required.text());
    assert_eq!(app.get("/settings", &admin).await.json()["sealing"], json!("required"));
    let refused = app.post("/shares", &kim, &share_body("Open", 1)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["errors"][0]["pointer"], json!("/sealed"));
    let rotate = app.send(Method::POST, &format!("/shares/{open_id}/rotate"), &kim, None, &[]).await;
    assert_eq!(rotate.status, StatusCode::UNPROCESSABLE_ENTITY, "an open share cannot move to a new link");
    app.publish(&kim, &sealed_body(&opaque_bytes(64), 1)).await;

    app.put("/settings", &admin, &json!({"sharing": "everyone", "sealing": "forbidden"})).await;
    let refused = app.post("/shares", &kim, &sealed_body(&opaque_bytes(64), 1)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["errors"][0]["pointer"], json!("/sealed"));
    let bad = app.put("/settings", &admin, &json!({"sharing": "everyone", "sealing": "sometimes"})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["errors"][0]["pointer"], json!("/sealing"));
}

/// Sealed at each level with markers in every field: nothing stored, served or logged holds a marker
/// or the key; the key opens what the service serves into the events it would have stored itself.
async fn what_share_seal_seals_only_its_key_opens(app: TestApp) {
    use share_core::seal;
    let kim = app.member("kim", GROUP);
    let mut sealed_shares = Vec::new();
    for detail in ["availability", "limited", "full"] {
        let mut body = share_body("MARKER-TITLE", 4);
        body["detail"] = json!(detail);
        for (i, event) in body["events"].as_array_mut().unwrap().iter_mut().enumerate() {
            event["title"] = json!(format!("MARKER-EVENT-{i}"));
            event["location"] = json!("MARKER-PLACE");
            event["description"] = json!("MARKER-NOTES");
        }
        let sealed = share_seal(&body, &[]).expect("share-seal seals a valid body");
        let key = sealed["key"].as_str().unwrap().to_owned();
        assert_eq!(sealed["fragment"], json!(format!("#k={key}")));
        assert!(sealed["body"].get("title").is_none(), "no label unless asked: the title is sealed");
        assert!(!sealed["body"].to_string().contains("MARKER"), "{}", sealed["body"]);
        let share = app.publish(&kim, &sealed["body"]).await;
        let id = id_of(&share);
        let served = app.get(&format!("/s/{id}/sealed"), &app.anonymous()).await.text();
        let page = app.get(&format!("/s/{id}"), &app.anonymous()).await.text();
        let stored = app.stored_text().await;
        for text in [&served, &page, &stored, &share.to_string()] {
            assert!(!text.contains("MARKER") && !text.contains(&key), "{detail}: a marker or the key got out");
        }
        sealed_shares.push((detail, body, id, key, served));
    }
    // Then, the same bodies published open: the key opens what the service would have stored.
    for (detail, body, id, key, served) in sealed_shares {
        let open = app.publish(&kim, &body).await;
        let record = app.record(&id).await.unwrap();
        let answer: Value = serde_json::from_str(&served).unwrap();
        let ciphertext = URL_SAFE_NO_PAD.decode(answer["ciphertext"].as_str().unwrap()).unwrap();
        let opened =
            seal::open(&ciphertext, &record.options, &seal::decode_key(&key).unwrap()).expect("the key opens it");
        assert_eq!(opened.title, "MARKER-TITLE");
        let feed = app.get(&format!("/s/{}/calendar.ics", id_of(&open)), &app.anonymous()).await.text();
        for event in &opened.events {
            assert!(event.source.is_none(), "no source key travels in a sealed share");
            match detail {
                "availability" => assert!(event.title.is_none() && event.location.is_none()),
                "limited" => assert!(event.title.is_some() && event.description.is_none()),
                _ => assert!(event.description.is_some()),
            }
            if let Some(title) = &event.title {
                assert!(feed.contains(title.as_str()), "{detail}: the service stores the same title");
            }
        }
        assert_eq!(opened.events.len(), 4);
    }
    let (status, problem) = share_seal(&json!({"title": "x", "visibility": "public"}), &[]).unwrap_err();
    assert_eq!(status, 1);
    let problem: Value = serde_json::from_str(problem.trim()).expect("problem+json on stderr");
    assert_eq!(problem["status"], json!(422));
    let labelled = share_seal(&share_body("Rota", 1), &["--label", "My rota"]).unwrap();
    assert_eq!(labelled["body"]["title"], json!("My rota"));
}

/// The source fixtures of every format, sealed at every level: no title, place, body, person or
/// patient value of theirs is stored or served, and the key opens each into events.
async fn every_format_sealed_at_every_level_leaves_nothing_readable(app: TestApp) {
    use crate::{athena, fhir, source_formats as formats};
    use share_core::domain::DetailLevel;
    let kim = app.member("kim", GROUP);
    let mut markers: Vec<&str> = Vec::new();
    for list in [
        formats::GRAPH_NEVER,
        formats::GRAPH_TITLES,
        formats::GRAPH_BODIES,
        formats::SALESFORCE_NEVER,
        formats::SALESFORCE_TITLES,
        formats::SALESFORCE_BODIES,
        athena::PATIENT_VALUES,
        athena::TITLES,
        athena::ALWAYS,
        fhir::PATIENT_VALUES,
        &fhir::TITLES,
        &fhir::LOCATIONS,
        &fhir::RESOURCES,
    ] {
        markers.extend(list);
    }
    // Markup the GRAPH_NEVER list holds against stored bodies is also the page's own; and a marker of
    // a few characters turns up in random bytes by chance (the open-share tests check those).
    markers.retain(|marker| !marker.contains(['<', '=']) && marker.len() >= 6);
    let fhir_bundle: Value = serde_json::from_str(fhir::SEARCHSET).unwrap();
    let mut sealed_shares = Vec::new();
    for detail in DetailLevel::ALL {
        let bodies: [Value; 4] = [
            serde_json::from_slice(&formats::publish_body(
                "msgraph",
                detail,
                formats::fixture(formats::GRAPH_CALENDAR_VIEW),
            ))
            .unwrap(),
            serde_json::from_slice(&formats::publish_body(
                "salesforce",
                detail,
                formats::fixture(formats::SALESFORCE_EVENT_QUERY),
            ))
            .unwrap(),
            athena::body(detail, athena::fixture()),
            fhir::publish_body(detail.as_str(), fhir_bundle.clone()),
        ];
        for body in bodies {
            let sealed = share_seal(&body, &[]).unwrap_or_else(|refusal| panic!("{detail:?}: {refusal:?}"));
            let share = app.publish(&kim, &sealed["body"]).await;
            let id = id_of(&share);
            let served = app.get(&format!("/s/{id}/sealed"), &app.anonymous()).await.text();
            let page = app.get(&format!("/s/{id}"), &app.anonymous()).await.text();
            let key = sealed["key"].as_str().unwrap().to_owned();
            // The ciphertext's own base64url may spell a short marker by chance: it is left out.
            let ciphertext = sealed["body"]["sealed"]["ciphertext"].as_str().unwrap();
            let served_text = served.replace(ciphertext, "");
            let body_text = sealed["body"].to_string().replace(ciphertext, "");
            for text in [&served_text, &page, &share.to_string(), &body_text] {
                let leaked: Vec<&&str> = markers.iter().filter(|marker| text.contains(**marker)).collect();
                assert!(leaked.is_empty(), "{detail:?} {}: {leaked:?}", body["format"]);
                assert!(!text.contains(&key));
            }
            sealed_shares.push((id, key, served));
        }
    }
    let stored = app.stored_text().await;
    let leaked: Vec<&&str> = markers.iter().filter(|marker| stored.contains(**marker)).collect();
    assert!(leaked.is_empty(), "stored: {leaked:?}");
    for (id, key, served) in sealed_shares {
        assert!(!stored.contains(&key), "a key is stored");
        let record = app.record(&id).await.unwrap();
        let answer: Value = serde_json::from_str(&served).unwrap();
        let ciphertext = URL_SAFE_NO_PAD.decode(answer["ciphertext"].as_str().unwrap()).unwrap();
        let opened = share_core::seal::open(&ciphertext, &record.options, &share_core::seal::decode_key(&key).unwrap());
        let opened = opened.expect("the key opens its share");
        assert_eq!(opened.events.len() as u64, answer["eventCount"].as_u64().unwrap());
        assert!(!opened.events.is_empty());
    }
}
