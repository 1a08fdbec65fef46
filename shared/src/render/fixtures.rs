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
            expires_at: None,
        },
        event_count: 0,
        left_out: LeftOut::default(),
        created_at: "2026-11-20T10:00:00Z".parse().unwrap(),
        updated_at: "2026-11-21T10:00:00Z".parse().unwrap(),
        generation: Generation::parse("g1").expect("a generation"),
        chunk_count: 1,
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
