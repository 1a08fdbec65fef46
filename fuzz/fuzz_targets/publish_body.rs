//! Arbitrary bytes as a whole publish body.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|body: &[u8]| {
    common::check(body);
});
