//! Worst-case responses: every representation of the largest shares the limits allow stays within 4 MiB as sent,
//! and a share whose feed could not be sent even compressed is refused at publish.
//! Each share is built to maximise what it is measured for: text of the characters the output
//! escapes (`<` is five bytes in HTML), every cap of a view reached, and for the feed text that does
//! not compress (random printable characters with iCalendar's escaped ones mixed in), at the limits
//! (10,000 events, 500-character titles and locations, 16 KiB descriptions, 5,000,000-byte bodies).
//! Run with `--nocapture` to see the sizes.

use crate::per_store;
use crate::support::{Backend, TestApp, TestResponse};
use hyper::{Method, StatusCode};
use serde_json::{Value, json};
use share_core::store::ShareReads;
use std::io::Read;
use std::sync::OnceLock;

/// What every response body must fit as sent.
const MAX_SENT: usize = 4 * 1024 * 1024;
const MAX_BODY: usize = 5_000_000;
const MAX_TEXT: usize = 500;
const MAX_DESCRIPTION: usize = 16 * 1024;

/// A fixed-seed generator (splitmix64): the same "random" text on every run.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Printable ASCII but `"` and `\` (two bytes each in JSON), with `,` and `;` (two bytes each in
    /// iCalendar) five times as likely as the rest: each costs the body one byte.
    fn ascii_char(&mut self) -> char {
        const PLAIN: usize = 93;
        match self.next() as usize % (PLAIN + 8) {
            n if n >= PLAIN => [',', ';'][n % 2],
            // ' ' (0x20) and '!' (0x21), then '#' (0x23) to '[' (0x5B), then ']' (0x5D) to '~' (0x7E).
            n if n < 2 => char::from(b' ' + n as u8),
            n if n < 59 => char::from(b'#' + (n - 2) as u8),
            n => char::from(b']' + (n - 59) as u8),
        }
    }

    /// Mostly `ascii_char`, three in ten a two-byte letter (Latin Extended, Cyrillic): bytes that
    /// gzip's byte-wise coding compresses least.
    fn dense_char(&mut self) -> char {
        if self.next() % 10 < 3 {
            // U+0100..=U+024F and U+0400..=U+04FF: 336 + 256 letters.
            let n = (self.next() % 592) as u32;
            char::from_u32(if n < 336 { 0x100 + n } else { 0x400 + n - 336 }).expect("a letter")
        } else {
            self.ascii_char()
        }
    }

    fn text(&mut self, bytes: usize, mut next: impl FnMut(&mut Self) -> char) -> String {
        let mut text = String::with_capacity(bytes);
        loop {
            let c = next(self);
            if text.len() + c.len_utf8() > bytes {
                return text;
            }
            text.push(c);
        }
    }
}

fn body_len(body: &Value) -> usize {
    serde_json::to_vec(body).unwrap().len()
}

/// `<`, escaped to five bytes in HTML, with a distinct prefix where values must differ.
fn angle_text(tag: &str) -> String {
    format!("{tag}{}", "<".repeat(MAX_TEXT - tag.chars().count()))
}

/// A share whose month, week and agenda of August 2026 reach every cap with the most expensive text:
/// every cell of the six-week month grid over its 8 chips, the week of 3 August over 40 timed
/// blocks and 8 all-day events a day, 3 August's agenda items with 16 KiB descriptions, and more
/// distinct resources and statuses than the filters offer.
fn page_share() -> &'static Value {
    static BODY: OnceLock<Value> = OnceLock::new();
    BODY.get_or_init(|| {
        let mut events = Vec::new();
        let mut n = 0;
        let mut event = |day: jiff::civil::Date, hour: Option<i8>, description: bool| {
            n += 1;
            let (start, end, all_day) = match hour {
                Some(h) => (format!("{day}T{h:02}:00:00Z"), format!("{day}T{h:02}:30:00Z"), false),
                None => (day.to_string(), day.tomorrow().unwrap().to_string(), true),
            };
            let mut event = json!({
                "id": format!("p{n}"), "title": angle_text(""), "location": angle_text(""),
                "resource": angle_text(&format!("r{}", n % 120)), "status": angle_text(&format!("s{}", n % 120)),
                "start": start, "end": end, "allDay": all_day,
            });
            if description {
                event["description"] = json!("<".repeat(MAX_DESCRIPTION));
            }
            events.push(event);
        };
        let grid_start = jiff::civil::date(2026, 7, 27);
        for offset in 0..42 {
            let day = grid_start.checked_add(jiff::Span::new().days(offset)).unwrap();
            let week_of_third = (7..14).contains(&offset);
            let timed = if week_of_third { 41 } else { 9 };
            for i in 0..timed {
                event(day, Some(6 + (i % 14) as i8), offset == 7);
            }
            if week_of_third {
                for _ in 0..9 {
                    event(day, None, offset == 7);
                }
            }
        }
        let body = json!({
            "title": angle_text(""), "visibility": "public", "detail": "full", "view": "month", "timeZone": "UTC",
            "range": {"start": "2026-07-27", "end": "2026-09-07"}, "events": events,
        });
        assert!(body_len(&body) <= MAX_BODY, "{}", body_len(&body));
        body
    })
}

/// The security test's shape: 10,000 events whose descriptions of random printable text with
/// `,` and `;` mixed in fill a 5,000,000-byte body.
fn many_events_feed_share() -> &'static Value {
    static BODY: OnceLock<Value> = OnceLock::new();
    BODY.get_or_init(|| {
        let event = |i: usize, description: String| {
            json!({"title": "x", "start": format!("2026-08-{:02}T{:02}:00:00Z", 1 + i % 28, i % 24),
                   "end": format!("2026-08-{:02}T{:02}:30:00Z", 1 + i % 28, i % 24), "description": description})
        };
        let shell = |events: Vec<Value>| {
            json!({"title": "Feed", "visibility": "public", "detail": "full", "view": "agenda", "timeZone": "UTC",
                   "range": {"start": "2026-08-01", "end": "2026-09-01"}, "events": events})
        };
        let bare = body_len(&shell((0..10_000).map(|i| event(i, String::new())).collect()));
        let each = (MAX_BODY - 64 - bare) / 10_000;
        let mut noise = Noise(1);
        let body = shell((0..10_000).map(|i| event(i, noise.text(each, Noise::ascii_char))).collect());
        assert!((MAX_BODY - 100_000..=MAX_BODY).contains(&body_len(&body)), "{}", body_len(&body));
        body
    })
}

/// The densest feed: as few events as carry a full body, each with a 16 KiB description and a
/// 500-character title and location of the least compressible text.
fn dense_feed_share() -> &'static Value {
    static BODY: OnceLock<Value> = OnceLock::new();
    BODY.get_or_init(|| {
        let mut noise = Noise(2);
        let mut events = Vec::new();
        let mut size = 300;
        loop {
            let chars = |noise: &mut Noise| (0..MAX_TEXT).map(|_| noise.dense_char()).collect::<String>();
            let i = events.len();
            let event = json!({
                "title": chars(&mut noise), "location": chars(&mut noise),
                "description": noise.text(MAX_DESCRIPTION, Noise::dense_char),
                "start": format!("2026-08-{:02}T{:02}:00:00Z", 1 + i % 28, i % 24),
                "end": format!("2026-08-{:02}T{:02}:30:00Z", 1 + i % 28, i % 24),
            });
            let grown = size + body_len(&event) + 1;
            if grown > MAX_BODY {
                break;
            }
            size = grown;
            events.push(event);
        }
        let body = json!({"title": "Dense", "visibility": "public", "detail": "full", "view": "agenda",
                          "timeZone": "UTC", "range": {"start": "2026-08-01", "end": "2026-09-01"}, "events": events});
        assert!((MAX_BODY - 20_000..=MAX_BODY).contains(&body_len(&body)), "{}", body_len(&body));
        body
    })
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut plain).expect("a gzip body");
    plain
}

async fn fetch(app: &TestApp, path: &str, accept_encoding: Option<&str>) -> TestResponse {
    let headers: Vec<(&str, &str)> = accept_encoding.map(|value| ("accept-encoding", value)).into_iter().collect();
    app.send(Method::GET, path, &app.anonymous(), None, &headers).await
}

/// Fetches a page or feed plainly and gzipped: both fit as sent, say how they vary, and carry one
/// content under two entity tags. Returns the plain body.
async fn both_codings_fit(app: &TestApp, path: &str) -> Vec<u8> {
    let plain = fetch(app, path, None).await;
    let gzipped = fetch(app, path, Some("gzip, deflate")).await;
    assert_eq!((plain.status, gzipped.status), (StatusCode::OK, StatusCode::OK), "{path}");
    eprintln!("{path}: {} bytes plain, {} gzipped", plain.body.len(), gzipped.body.len());
    assert!(plain.body.len() <= MAX_SENT, "{path}: {} bytes plain", plain.body.len());
    assert!(gzipped.body.len() <= MAX_SENT, "{path}: {} bytes gzipped", gzipped.body.len());
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(gzipped.header("content-encoding"), Some("gzip"));
    // A page also varies by the browser's language; a feed has none.
    let vary = if path.contains("calendar.ics") { "Accept-Encoding" } else { "Accept-Encoding, Accept-Language" };
    for response in [&plain, &gzipped] {
        assert_eq!(response.header("vary"), Some(vary), "{path}");
    }
    assert_ne!(plain.header("etag"), gzipped.header("etag"), "{path}: one tag for two representations");
    assert_eq!(gunzip(&gzipped.body), plain.body.to_vec(), "{path}");
    plain.body.to_vec()
}

async fn every_view_of_the_largest_pages_fits(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let id = app.publish(&kim, page_share()).await["id"].as_str().unwrap().to_owned();
    // In German: its words are longer than English ones, and its weeks start on Monday (a full
    // six-week grid for August 2026).
    for embed in ["&lang=de", "&embed=1&lang=de"] {
        let month = both_codings_fit(&app, &format!("/s/{id}?view=month&date=2026-08-03{embed}")).await;
        let month = String::from_utf8(month).unwrap();
        assert_eq!(month.matches("<li class=\"ev").count(), 42 * 8, "every cell at its cap");
        assert_eq!(month.matches("<a class=\"more\"").count(), 42);
        assert_eq!(month.matches("<option value=\"r").count(), 100, "the filters at theirs");

        let week = both_codings_fit(&app, &format!("/s/{id}?view=week&date=2026-08-03{embed}")).await;
        let week = String::from_utf8(week).unwrap();
        assert_eq!(week.matches("<li class=\"ev").count(), 7 * (40 + 8), "every day at both caps");
        assert_eq!(week.matches(">2 weitere</a>").count(), 7, "one timed and one all-day event past the caps");

        let day = both_codings_fit(&app, &format!("/s/{id}?view=day&date=2026-08-03{embed}")).await;
        let day = String::from_utf8(day).unwrap();
        assert_eq!(day.matches("<li class=\"ev").count(), 40 + 8, "the day at both caps");
        assert_eq!(day.matches(">2 weitere</a>").count(), 1);
        let key = &day.split("&#38;event=").nth(1).expect("events link to their details")[..16];
        let details = both_codings_fit(&app, &format!("/s/{id}?view=day&date=2026-08-03{embed}&event={key}")).await;
        assert!(String::from_utf8(details).unwrap().contains("<dt>Wann</dt>"), "the details view");

        let agenda = both_codings_fit(&app, &format!("/s/{id}?view=agenda&date=2026-08-03{embed}")).await;
        let agenda = String::from_utf8(agenda).unwrap();
        assert!(agenda.contains("weitere Termine an diesem Tag</a>"), "the page is full before the day ends");
        assert!(agenda.len() > 2 << 20, "{} bytes: the budget was not reached", agenda.len());
    }
}

async fn the_largest_feed_is_sent_compressed_and_complete(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let id = app.publish(&kim, many_events_feed_share()).await["id"].as_str().unwrap().to_owned();
    let path = format!("/s/{id}/calendar.ics");

    let gzipped = fetch(&app, &path, Some("gzip")).await;
    assert_eq!(gzipped.status, StatusCode::OK);
    assert_eq!(gzipped.header("content-encoding"), Some("gzip"));
    let feed = gunzip(&gzipped.body);
    eprintln!("{path} (10,000 events): {} bytes plain, {} gzipped", feed.len(), gzipped.body.len());
    assert!(gzipped.body.len() <= MAX_SENT, "{} bytes gzipped", gzipped.body.len());
    assert!(feed.len() > MAX_SENT, "{} bytes: plain, this feed would not fit", feed.len());
    let feed = String::from_utf8(feed).unwrap();
    assert_eq!(feed.matches("BEGIN:VEVENT").count(), 10_000, "complete");
    assert_eq!(feed.matches("DESCRIPTION:").count(), 10_000);

    // A client that takes only br gets it (view-share's own encoder; its tests decode it).
    let brotli = fetch(&app, &path, Some("br, gzip;q=0")).await;
    assert_eq!((brotli.status, brotli.header("content-encoding")), (StatusCode::OK, Some("br")));
    assert!(brotli.body.len() <= MAX_SENT, "{} bytes as br", brotli.body.len());

    for refusing in [None, Some(""), Some("identity"), Some("gzip;q=0"), Some("deflate, gzip;q=0")] {
        let plain = fetch(&app, &path, refusing).await;
        assert_eq!(plain.status, StatusCode::NOT_ACCEPTABLE, "{refusing:?}");
        assert!(plain.body.len() <= MAX_SENT);
        assert_eq!(plain.header("vary"), Some("Accept-Encoding"));
        assert!(plain.text().contains("too large"));
    }
}

async fn stored_items(app: &TestApp) -> usize {
    match &app.backend {
        Backend::Memory(store) => store.stored_items().len(),
        Backend::Dynamo(store) => crate::support::dynamo_local::scan_all(store).await.len(),
    }
}

/// The refusal of a publish whose feed would not fit: 422 at `/events`, saying how large it would be.
/// Returns that size.
fn feed_too_large(response: &TestResponse) -> usize {
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", response.text());
    assert_eq!(response.header("content-type"), Some("application/problem+json"));
    let problem = response.json();
    assert_eq!(problem["errors"][0]["pointer"], "/events", "{problem}");
    let message = problem["errors"][0]["message"].as_str().unwrap();
    let size = message.split("would be ").nth(1).and_then(|rest| rest.split(' ').next());
    let size: usize = size.and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("no size in {message:?}"));
    let limit = format!(
        "even compressed; at most {} bytes (4 MiB) can be sent: publish fewer or shorter events",
        MAX_SENT - 4096
    );
    assert!(message.ends_with(&limit), "{message}");
    size
}

/// The densest contract-valid feed would not fit 4 MiB even gzipped (see the figures printed), so
/// the share is refused at publish, and every share that is published has a feed a client that
/// accepts gzip gets: the line is drawn at 4 MiB less the few KiB a rotation's new stamp may add,
/// measured as the view sends the feed.
async fn a_feed_too_large_even_compressed_is_refused_at_publish(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let small = app.publish(&kim, &crate::support::share_body("Rota", 3)).await["id"].as_str().unwrap().to_owned();
    let before = (stored_items(&app).await, app.record(&small).await);
    let gzipped = feed_too_large(&app.post("/shares", &kim, dense_feed_share()).await);
    assert!(gzipped > MAX_SENT, "{gzipped} bytes gzipped");
    feed_too_large(&app.put(&format!("/shares/{small}"), &kim, dense_feed_share()).await);
    let after = (stored_items(&app).await, app.record(&small).await);
    assert_eq!(after, before, "a refused publish stores nothing and changes nothing");

    // Just under the line: the most of its events that publish, one more being refused.
    let events = dense_feed_share()["events"].as_array().unwrap();
    eprintln!("dense feed ({} events): {gzipped} bytes gzipped", events.len());
    let with = |count: usize| {
        let mut body = dense_feed_share().clone();
        body["events"] = Value::Array(events[..count].to_vec());
        body
    };
    let mut count = events.len() * (MAX_SENT - 4096) / gzipped;
    let mut published = loop {
        let response = app.post("/shares", &kim, &with(count)).await;
        if response.status == StatusCode::CREATED {
            break response.json();
        }
        feed_too_large(&response);
        count -= 1;
    };
    loop {
        let response = app.post("/shares", &kim, &with(count + 1)).await;
        if response.status != StatusCode::CREATED {
            feed_too_large(&response);
            break;
        }
        (published, count) = (response.json(), count + 1);
    }

    let id = published["id"].as_str().unwrap().to_owned();
    let path = format!("/s/{id}/calendar.ics");
    let sent = fetch(&app, &path, Some("gzip")).await;
    assert_eq!((sent.status, sent.header("content-encoding")), (StatusCode::OK, Some("gzip")));
    eprintln!("{count} of its events publish: {} bytes gzipped", sent.body.len());
    let one_event = gzipped / events.len();
    assert!(sent.body.len() <= MAX_SENT, "{} bytes gzipped", sent.body.len());
    assert!(sent.body.len() > MAX_SENT - 4096 - 2 * one_event, "{} bytes: far from the line", sent.body.len());
    let feed = String::from_utf8(gunzip(&sent.body)).unwrap();
    assert_eq!(feed.matches("BEGIN:VEVENT").count(), count, "complete");
    assert!(feed.len() > MAX_SENT, "{} bytes: it would fit uncompressed", feed.len());
    let plain = fetch(&app, &path, None).await;
    assert_eq!(plain.status, StatusCode::NOT_ACCEPTABLE, "only gzip can carry it");

    // The publish measured this feed as the view sends it, byte for byte.
    let share_id = share_core::domain::ShareId::parse(&id).unwrap();
    let stored = match &app.backend {
        Backend::Memory(store) => store.published(&share_id).await,
        Backend::Dynamo(store) => store.published(&share_id).await,
    };
    let stored = stored.unwrap().unwrap();
    let stored_events = share_core::snapshot::decode(&stored.chunks).unwrap();
    let measured = share_core::render::feed_size::check_feed_size(
        &stored.record.options,
        stored.record.updated_at,
        &stored_events,
    );
    assert_eq!(measured, Ok(share_core::render::feed_size::FeedFit::Gzipped { bytes: sent.body.len() }));

    // A rotation serves the same snapshot under a new stamp: it still fits.
    let rotated = app.send(Method::POST, &format!("/shares/{id}/rotate"), &kim, None, &[]).await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.text());
    let rotated_id = rotated.json()["id"].as_str().unwrap().to_owned();
    let sent = fetch(&app, &format!("/s/{rotated_id}/calendar.ics"), Some("gzip")).await;
    assert_eq!(sent.status, StatusCode::OK);
    assert!(sent.body.len() <= MAX_SENT, "{} bytes gzipped after a rotation", sent.body.len());
    // Its pages are capped like any other.
    both_codings_fit(&app, &format!("/s/{rotated_id}?view=agenda")).await;
}

async fn share_lists_fit_a_page_at_a_time(app: TestApp) {
    let kim = app.member("kim", "contoso");
    let admin = app.role_admin("ada", "contoso");
    // Four bytes of JSON a character: the longest titles a list can hold.
    let mut body = crate::support::share_body("x", 1);
    body["title"] = json!("\u{1F5D3}".repeat(MAX_TEXT));
    for _ in 0..120 {
        app.publish(&kim, &body).await;
    }
    for path in ["/shares", "/admin/shares"] {
        let response = app.get(path, if path == "/shares" { &kim } else { &admin }).await;
        assert_eq!(response.status, StatusCode::OK);
        eprintln!(
            "{path}: {} bytes for {} shares",
            response.body.len(),
            response.json()["shares"].as_array().unwrap().len()
        );
        assert!(response.body.len() <= MAX_SENT);
        assert_eq!(response.json()["shares"].as_array().unwrap().len(), 100);
        assert!(response.json()["next"].is_string());
    }
}

per_store!(app:
    every_view_of_the_largest_pages_fits,
    the_largest_feed_is_sent_compressed_and_complete,
    a_feed_too_large_even_compressed_is_refused_at_publish,
    share_lists_fit_a_page_at_a_time,
);
