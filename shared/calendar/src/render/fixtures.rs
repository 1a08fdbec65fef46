//! Shares and events for the rendering tests.

use crate::domain::{
    DateRange, DefaultView, DetailLevel, EventTime, Generation, GroupId, LeftOut, Owner, ShareId, ShareOptions,
    ShareRecord, ShareTimeZone, SharedEvent, ShowAs, UserId,
};
use jiff::civil::Date;

pub fn record(title: &str, zone: &str, start: Date, end: Date, detail: DetailLevel) -> ShareRecord {
    ShareRecord {
        id: ShareId::parse("0123456789abcdef0123456789abcdef").unwrap(),
        group: GroupId::parse("g").unwrap(),
        owner: Owner { user_id: UserId::parse("u").unwrap(), email: None },
        options: ShareOptions {
            title: title.to_owned(),
            detail,
            view: DefaultView::Month,
            time_zone: ShareTimeZone::parse(zone).unwrap(),
            range: DateRange::new(start, end).unwrap(),
            rolling: None,
            open_on: None,
            expires_at: None,
            embed_origins: Vec::new(),
            locale: None,
        },
        event_count: 0,
        left_out: LeftOut::default(),
        created_at: "2026-11-20T10:00:00Z".parse().unwrap(),
        updated_at: "2026-11-21T10:00:00Z".parse().unwrap(),
        generation: Generation::parse("g1").expect("a generation"),
        pieces: Vec::new(),
        source_buckets: 0,
        rotated_from: None,
        follows: Vec::new(),
        sealed: false,
        lock: None,
    }
}

pub fn event(uid: &str, start: EventTime, end: EventTime) -> SharedEvent {
    SharedEvent {
        uid: uid.into(),
        start,
        end,
        show_as: ShowAs::Busy,
        title: None,
        location: None,
        description: None,
        resource: None,
        status: None,
        color: None,
        source: None,
    }
}

/// A timed event from RFC 3339 instants.
pub fn timed(title: &str, start: &str, end: &str) -> SharedEvent {
    let mut e = event(title, EventTime::At(start.parse().unwrap()), EventTime::At(end.parse().unwrap()));
    e.title = Some(title.to_owned());
    e
}

pub fn all_day(title: &str, start: Date, end: Date) -> SharedEvent {
    let mut e = event(title, EventTime::Day(start), EventTime::Day(end));
    e.title = Some(title.to_owned());
    e
}

/// An untitled busy event.
pub fn busy(start: EventTime, end: EventTime) -> SharedEvent {
    event("u", start, end)
}

/// An instant from RFC 3339.
pub fn at(instant: &str) -> EventTime {
    EventTime::At(instant.parse().unwrap())
}

pub fn new_york() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("America/New_York").unwrap()
}

/// Text that barely compresses, up to `bytes` long: printable ASCII with the feed's escaped `,` `;`
/// `\` mixed in, and two-byte letters, from a fixed-seed generator (splitmix64).
pub fn noise_text(seed: &mut u64, bytes: usize) -> String {
    let mut next = || {
        *seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut text = String::with_capacity(bytes);
    loop {
        let n = next();
        let c = match n % 10 {
            0..=2 => char::from_u32(0x400 + (n >> 8) as u32 % 256).expect("a Cyrillic letter"),
            3 => [',', ';', '\\'][(n >> 8) as usize % 3],
            _ => char::from(b' ' + ((n >> 8) % 95) as u8),
        };
        if text.len() + c.len_utf8() > bytes {
            return text;
        }
        text.push(c);
    }
}

/// An event at the text limits (500-character title and location, 16 KiB description) of
/// barely compressible text.
pub fn dense_event(seed: &mut u64, i: usize) -> SharedEvent {
    let start = jiff::Timestamp::from_second(1_785_000_000 + i as i64 * 3600).unwrap();
    let mut e = event(
        &format!("{i:032x}@calendar-share"),
        EventTime::At(start),
        EventTime::At(start + jiff::SignedDuration::from_mins(30)),
    );
    e.title = Some(noise_text(seed, 500));
    e.location = Some(noise_text(seed, 500));
    e.description = Some(crate::domain::Description::Text(noise_text(seed, 16 * 1024)));
    e
}
