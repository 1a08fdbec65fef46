//! Arbitrary bytes as the `events` of a `"format": "salesforce"` publish body.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|events: &[u8]| {
    common::check(&common::body_with_events("salesforce", events));
});
