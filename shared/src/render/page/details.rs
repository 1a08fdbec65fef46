//! The details view (`?event=KEY`): one event with everything the share's detail level shows of
//! it, its times in the page's zone, and a way back to the page the reader came from.

use super::dates::LongDate;
use super::look::Look;
use super::{Body, PageContext, StepNames, ViewPage};
use crate::domain::{Description, DetailLevel, SharedEvent};
use crate::render::EventKey;
use crate::render::timeline::{Clock, Placed, WallClock};
use jiff::civil::{Date, DateTime, Time};
use std::fmt;

/// The details view has no pager; its page still names the steps.
const STEPS: StepNames = StepNames { earlier: "Previous", later: "Next", unit: "" };

/// When the event happens, written out in full: "Thursday 3 December 2026, 09:00 – 17:00".
#[derive(Debug, Clone, Copy)]
pub(super) enum Period {
    AllDay { first: Date, last: Date },
    Timed { start: DateTime, end: DateTime },
}

impl Period {
    fn of(placed: &Placed<'_>) -> Self {
        if placed.all_day {
            Self::AllDay { first: placed.start.date(), last: placed.last_day() }
        } else {
            Self::Timed { start: placed.start, end: placed.end }
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::AllDay { first, last } if first == last => write!(f, "{}, all day", LongDate(first)),
            Self::AllDay { first, last } => write!(f, "{} \u{2013} {}, all day", LongDate(first), LongDate(last)),
            Self::Timed { start, end } => {
                write!(f, "{}, {}", LongDate(start.date()), Clock::of(start.time()))?;
                if end == start {
                    return Ok(());
                }
                let same_day = end.date() == start.date()
                    || (end.time() == Time::midnight() && end.date().yesterday().ok() == Some(start.date()));
                if same_day {
                    write!(f, " \u{2013} {}", Clock::of(end.time()))
                } else {
                    write!(f, " \u{2013} {}, {}", LongDate(end.date()), Clock::of(end.time()))
                }
            }
        }
    }
}

pub(super) struct DetailsView<'a> {
    pub(super) when: Period,
    pub(super) show_as: &'static str,
    pub(super) location: Option<&'a str>,
    pub(super) resource: Option<&'a str>,
    pub(super) status: Option<&'a str>,
    pub(super) description: Option<&'a Description>,
    pub(super) look: Look,
}

/// The event of the page's events that has `key`, if any.
pub(super) fn find<'a>(mut events: impl Iterator<Item = &'a SharedEvent>, key: EventKey) -> Option<&'a SharedEvent> {
    events.find(|event| EventKey::of(&event.uid) == key)
}

/// The event's page, showing of it only what `detail` shows (what a level does not show is not
/// stored either; this holds even for a snapshot that broke that rule).
pub(super) fn details_page<'a>(page: &PageContext<'a>, event: &'a SharedEvent, detail: DetailLevel) -> ViewPage<'a> {
    let placed = Placed::new(event, &mut WallClock::new(page.zone));
    let title = event.title.as_deref().filter(|_| detail.shows_title());
    let view = DetailsView {
        when: Period::of(&placed),
        show_as: event.show_as.label(),
        location: event.location.as_deref().filter(|_| detail.shows_title()),
        resource: event.resource.as_deref(),
        status: event.status.as_deref(),
        description: event.description.as_ref().filter(|_| detail.shows_description()),
        look: page.looks.of(event),
    };
    ViewPage {
        body: Body::Details(view),
        period: title.unwrap_or(event.show_as.label()).to_owned(),
        prev: None,
        next: None,
        steps: STEPS,
    }
}
