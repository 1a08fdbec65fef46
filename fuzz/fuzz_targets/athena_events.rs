//! Arbitrary bytes as the `events` of a `"format": "athena"` publish body, whose departments sit in
//! zones with and without daylight saving time.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|events: &[u8]| {
    let mut body = br#"{"departmentTimeZones":{"1":"America/New_York","2":"Europe/Berlin","3":"Australia/Lord_Howe","4":"UTC"},
        "departmentNames":{"1":"Harbor Street Clinic"},"providerNames":{"71":"Dr. Lee"},"#
        .to_vec();
    body.extend_from_slice(&common::body_with_events("athena", events)[1..]);
    common::check(&body);
});
