//! Arbitrary bytes as the iCalendar text of a `"format": "ical"` publish body (with the range its
//! recurrences are expanded within), checked as every format is; each input's work is bounded by
//! the reader's budget, so `-timeout=` finds a rule that escapes it.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|text: &[u8]| {
    let mut body = String::from(
        r#"{"title":"Fuzz","visibility":"public","detail":"full","timeZone":"America/New_York","format":"ical","range":{"start":"2026-12-01","end":"2027-01-01"},"events":""#,
    );
    for c in String::from_utf8_lossy(text).chars() {
        match c {
            '"' => body.push_str("\\\""),
            '\\' => body.push_str("\\\\"),
            c if u32::from(c) < 0x20 => body.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => body.push(c),
        }
    }
    body.push_str("\"}");
    common::check(body.as_bytes());
});
