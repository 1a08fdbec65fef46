//! Arbitrary bytes as the `events` of a `"format": "normalized"` publish body.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|events: &[u8]| {
    common::check(&common::body_with_events("normalized", events));
});
