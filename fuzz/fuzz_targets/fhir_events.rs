//! Arbitrary bytes as the `events` of a `"format": "fhir"` publish body.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|events: &[u8]| {
    common::check(&common::body_with_events("fhir", events));
});
