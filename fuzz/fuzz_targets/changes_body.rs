//! Arbitrary bytes as a `POST /me/changes` body: parsed or refused without a panic; what parses holds
//! at most 1,000 entries, every changed event has a source id, and reading the changes in another
//! zone (as a share in it would) gives no event the first reading did not.
#![no_main]

use jiff::tz::TimeZone;
use share_core::http::changes_request::{ChangesRequest, MAX_CHANGES};

libfuzzer_sys::fuzz_target!(|body: &[u8]| {
    let Ok(request) = ChangesRequest::parse(body) else { return };
    let in_utc = request.changed_in(&TimeZone::UTC);
    assert!(in_utc.len() + request.removed.len() <= MAX_CHANGES);
    assert!(in_utc.iter().all(|event| event.source_id.is_some()));
    let zone = TimeZone::get("America/New_York").expect("bundled");
    let ids = |events: Vec<share_core::sources::SourceEvent>| -> Vec<Option<String>> {
        events.into_iter().map(|event| event.source_id).collect()
    };
    let (in_zone, read) = (ids(request.changed_in(&zone)), ids(in_utc));
    assert!(in_zone.iter().all(|id| read.contains(id)), "{in_zone:?} / {read:?}");
});
