//! A sealed share's page in the browser: the service's own renderer (`share_calendar::render`),
//! compiled to WebAssembly, over what the page's script decrypted with the link's key.
//!
//! The module is plain WebAssembly with a C ABI (no wasm-bindgen glue), driven by
//! `browser/page/sealed-page.js`: the script writes its input into memory from [`alloc`], calls
//! [`additional_data`] (the envelope's AES-GCM additional data, for WebCrypto) and then [`render`]
//! (the decrypted, still deflated plaintext → the page's HTML), and reads the answer at
//! [`output_ptr`]/[`output_len`].

use serde::Deserialize;
use share_calendar::domain::DisplaySettings;
use share_calendar::domain::sealed::SealedEnvelope;
use share_calendar::render::{self, FeedOffer, PageQuery, PageShare};
use share_calendar::seal::{self, OpenError};
use std::cell::RefCell;

/// What the script knows besides the plaintext: `/s/{id}/sealed`'s envelope and display settings,
/// the page's query, the browser's languages and clock.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageRequest {
    share_id: String,
    envelope: SealedEnvelope,
    #[serde(default)]
    display: Option<DisplaySettings>,
    /// The day the page opens on when the query names none (inside the range, as the service checked).
    #[serde(default)]
    open_on: Option<jiff::civil::Date>,
    /// The query's pairs, decoded (as API Gateway hands them to the service).
    #[serde(default)]
    query: Vec<(String, String)>,
    /// `navigator.languages`, in the browser's order of preference.
    #[serde(default)]
    languages: Vec<String>,
    /// `Date.now()`.
    now_ms: i64,
}

/// Why a page could not be rendered, as the script tells the reader (the shell holds the words).
#[repr(u32)]
enum Outcome {
    Rendered = 0,
    /// The request or envelope is not what `/s/{id}/sealed` serves.
    BadRequest = 1,
    /// The plaintext is not a sealed share's content, or holds what the service would not store.
    Unreadable = 2,
}

thread_local! {
    static OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Room for `len` bytes of input, which the script fills and a call then takes over.
#[unsafe(no_mangle)]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut buffer = Vec::<u8>::with_capacity(len);
    let pointer = buffer.as_mut_ptr();
    std::mem::forget(buffer);
    pointer
}

#[unsafe(no_mangle)]
pub extern "C" fn output_ptr() -> *const u8 {
    OUTPUT.with_borrow(|output| output.as_ptr())
}

#[unsafe(no_mangle)]
pub extern "C" fn output_len() -> usize {
    OUTPUT.with_borrow(Vec::len)
}

/// Takes back the input the script wrote at `pointer` (from [`alloc`]).
///
/// # Safety
/// `pointer` came from `alloc(len)` and is passed here once.
unsafe fn take_input(pointer: *mut u8, len: usize) -> Vec<u8> {
    unsafe { Vec::from_raw_parts(pointer, len, len) }
}

fn answer(outcome: Outcome, bytes: Vec<u8>) -> u32 {
    OUTPUT.with_borrow_mut(|output| *output = bytes);
    outcome as u32
}

/// The AES-GCM additional data of the envelope JSON at `pointer` (as `/s/{id}/sealed` serves it):
/// the bytes the ciphertext was sealed with, made by the code that sealed it.
///
/// # Safety
/// `pointer` came from `alloc(len)` and was filled by the caller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn additional_data(pointer: *mut u8, len: usize) -> u32 {
    let input = unsafe { take_input(pointer, len) };
    match serde_json::from_slice::<SealedEnvelope>(&input) {
        Ok(envelope) => answer(Outcome::Rendered, envelope.additional_data()),
        Err(_) => answer(Outcome::BadRequest, Vec::new()),
    }
}

/// The page's HTML for the request JSON at `request` and the decrypted (deflated) plaintext at
/// `plaintext`.
///
/// # Safety
/// Both pointers came from `alloc` with their lengths and were filled by the caller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn render(request: *mut u8, request_len: usize, plaintext: *mut u8, plaintext_len: usize) -> u32 {
    let (request, plaintext) = unsafe { (take_input(request, request_len), take_input(plaintext, plaintext_len)) };
    match render_page(&request, &plaintext) {
        Ok(html) => answer(Outcome::Rendered, html.into_bytes()),
        Err(outcome) => answer(outcome, Vec::new()),
    }
}

fn render_page(request: &[u8], plaintext: &[u8]) -> Result<String, Outcome> {
    let request: PageRequest = serde_json::from_slice(request).map_err(|_| Outcome::BadRequest)?;
    let content =
        seal::read_plaintext(plaintext).and_then(|content| content.checked()).map_err(|error| match error {
            OpenError::MalformedKey | OpenError::DoesNotOpen | OpenError::TooLarge | OpenError::Unreadable(_) => {
                Outcome::Unreadable
            }
        })?;
    Ok(page_html(request, content))
}

fn page_html(request: PageRequest, content: seal::SealedContent) -> String {
    let now = jiff::Timestamp::from_millisecond(request.now_ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let mut options = request.envelope.into_options(content.title);
    options.open_on = request.open_on.filter(|day| options.range.contains(*day));
    let accept_language = request.languages.join(",");
    let query = PageQuery::parse(request.query.iter().map(|(name, value)| (name.as_str(), value.as_str())))
        .with_accept_language(Some(&accept_language));
    let display = request.display.unwrap_or_default();
    let share = PageShare { id: &request.share_id, options: &options, feed: FeedOffer::NoFeed };
    render::share_page(share, &content.events, &display, &query, "", now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use share_calendar::domain::{DetailLevel, ShareRecord};
    use share_calendar::render::fixtures;
    use share_calendar::seal::SealedContent;

    fn record() -> ShareRecord {
        let date = |text: &str| text.parse::<jiff::civil::Date>().unwrap();
        let mut record =
            fixtures::record("Team rota", "Europe/Berlin", date("2026-12-01"), date("2027-01-01"), DetailLevel::Full);
        record.sealed = true;
        record
    }

    fn content() -> SealedContent {
        let mut event = fixtures::timed("Standup", "2026-12-02T09:00:00Z", "2026-12-02T09:15:00Z");
        event.description = Some(Description::SanitizedHtml("<b>Agenda</b>".into()));
        SealedContent { title: "Team rota".into(), events: vec![event] }
    }

    fn request(record: &ShareRecord, query: serde_json::Value) -> Vec<u8> {
        let request = serde_json::json!({
            "shareId": record.id.as_str(),
            "envelope": SealedEnvelope::of(&record.options),
            "query": query,
            "languages": ["de-DE", "en"],
            "nowMs": 1_796_212_800_000_i64,
        });
        serde_json::to_vec(&request).unwrap()
    }

    use share_calendar::domain::Description;

    #[test]
    fn the_browser_renders_the_page_the_service_renders() {
        let record = record();
        let query = serde_json::json!([["view", "agenda"], ["date", "2026-12-02"]]);
        let in_browser = render_page(&request(&record, query), &seal::deflated_plaintext(content())).ok().unwrap();
        let service_query =
            PageQuery::parse([("view", "agenda"), ("date", "2026-12-02")]).with_accept_language(Some("de-DE,en"));
        let events = content().events;
        let now = jiff::Timestamp::from_millisecond(1_796_212_800_000).unwrap();
        let by_service = render::share_page(&record, &events, &DisplaySettings::default(), &service_query, "", now);
        assert_eq!(in_browser, by_service);
        assert!(in_browser.contains("lang=\"de\"") && in_browser.contains("Standup"));
        assert!(in_browser.contains("<b>Agenda</b>"));
        assert!(!in_browser.contains("calendar.ics") && !in_browser.contains("Passwort"), "a sealed share has no feed");
    }

    #[test]
    fn what_the_service_would_not_store_is_not_shown() {
        let record = record();
        let mut long_title = content();
        long_title.events[0].title = Some("x".repeat(501));
        let mut control = content();
        control.title = "Team\u{7}".into();
        let mut backwards = content();
        backwards.events[0].end = backwards.events[0].start;
        backwards.events[0].start = fixtures::timed("x", "2026-12-03T09:00:00Z", "2026-12-03T10:00:00Z").start;
        let mut script = content();
        script.events[0].description =
            Some(Description::SanitizedHtml("<b>Agenda</b><img src=x onerror=alert(1)>".into()));
        for content in [long_title, control, backwards, script] {
            let rendered = render_page(&request(&record, serde_json::json!([])), &seal::deflated_plaintext(content));
            assert!(matches!(rendered, Err(Outcome::Unreadable)));
        }
        assert!(matches!(
            render_page(&request(&record, serde_json::json!([])), b"not deflate"),
            Err(Outcome::Unreadable)
        ));
        assert!(matches!(render_page(b"{}", &seal::deflated_plaintext(content())), Err(Outcome::BadRequest)));
    }
}
