//! The iCalendar files a share serves beside its page, all under the feed's rules (its key for a
//! password share, none for a sealed one): the whole feed, one event of it, and its free/busy.

use jiff::Timestamp;
use lambda_http::Request;
use share_core::domain::{ShareRecord, SharedEvent, served_at};
use share_core::http::path_parameter;
use share_core::render::{self, EventKey};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CalendarFile {
    /// `/s/{id}/calendar.ics`, for calendar apps to subscribe to.
    Feed,
    /// `/s/{id}/events/{KEY}.ics`: the details view's "Add to my calendar".
    Event(EventKey),
    /// `/s/{id}/freebusy.ics`, for scheduling tools.
    FreeBusy,
}

impl CalendarFile {
    /// The file a route names; `Some(None)` for an event path that holds no event key.
    pub(crate) fn of_route(route: &str, request: &Request) -> Option<Option<Self>> {
        match route {
            "GET /s/{id}/calendar.ics" | "HEAD /s/{id}/calendar.ics" => Some(Some(Self::Feed)),
            "GET /s/{id}/freebusy.ics" | "HEAD /s/{id}/freebusy.ics" => Some(Some(Self::FreeBusy)),
            "GET /s/{id}/events/{event}" | "HEAD /s/{id}/events/{event}" => {
                let event = path_parameter(request, "event");
                let key = event.as_deref().and_then(|name| name.strip_suffix(".ics")).and_then(EventKey::parse);
                Some(key.map(Self::Event))
            }
            _ => None,
        }
    }

    /// The file as served at `now` (a rolling share serves only today's window); `None` for an
    /// event it does not serve.
    pub(crate) fn render(self, record: &ShareRecord, events: &[SharedEvent], now: Timestamp) -> Option<String> {
        let served = served_at(&record.options, events, now);
        match self {
            Self::Feed => Some(render::calendar_feed(record, &served)),
            // The feed's own writer over a one-event slice: the event exactly as the feed has it.
            Self::Event(key) => {
                let event = served.iter().find(|event| EventKey::of(&event.uid) == key)?;
                Some(render::calendar_feed(record, std::slice::from_ref(event)))
            }
            Self::FreeBusy => Some(render::free_busy(record, &served, record.options.range_at(now))),
        }
    }

    /// Whether an event file names an event the share serves at `now` (every other file exists).
    pub(crate) fn exists(self, record: &ShareRecord, events: &[SharedEvent], now: Timestamp) -> bool {
        match self {
            Self::Event(key) => served_at(&record.options, events, now).iter().any(|e| EventKey::of(&e.uid) == key),
            Self::Feed | Self::FreeBusy => true,
        }
    }

    /// A single event is a file to open or save, not a feed to subscribe to.
    pub(crate) fn disposition(self) -> Option<&'static str> {
        matches!(self, Self::Event(_)).then_some("attachment; filename=\"event.ics\"")
    }

    /// What tells this file's entity tag from the others' of the same snapshot.
    pub(crate) fn tag(self) -> String {
        match self {
            Self::Feed => "feed".to_owned(),
            Self::Event(key) => format!("event {key}"),
            Self::FreeBusy => "freebusy".to_owned(),
        }
    }
}
