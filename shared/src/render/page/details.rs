//! The details view (`?event=KEY`): one event with everything the share's detail level shows of
//! it, its times in the page's zone, and a way back to the page the reader came from.

use super::dates::{LongDate, ends_on_its_first_day};
use super::look::Look;
use super::{Body, PageContext, StepNames, ViewPage};
use crate::domain::{Description, DetailLevel, SharedEvent};
use crate::render::EventKey;
use crate::render::locale::PageLocale;
use crate::render::timeline::{Clock, Placed, WallClock};
use jiff::civil::{Date, DateTime};
use std::fmt;

#[derive(Clone, Copy)]
enum Span {
    AllDay { first: Date, last: Date },
    Timed { start: DateTime, end: DateTime },
}

/// When the event happens, written out in full: "Thursday, December 3, 2026, 9:00 AM – 5:00 PM".
#[derive(Clone, Copy)]
pub(super) struct Period {
    span: Span,
    locale: PageLocale,
}

impl Period {
    fn of(placed: &Placed<'_>, locale: PageLocale) -> Self {
        let span = if placed.all_day {
            Span::AllDay { first: placed.start.date(), last: placed.last_day() }
        } else {
            Span::Timed { start: placed.start, end: placed.end }
        };
        Self { span, locale }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (t, formats, clock) = (self.locale.strings, self.locale.formats, self.locale.clock);
        let long = |day| LongDate(day, formats);
        match self.span {
            Span::AllDay { first, last } if first == last => write!(f, "{}{}", long(first), t.comma_all_day),
            Span::AllDay { first, last } => write!(f, "{} \u{2013} {}{}", long(first), long(last), t.comma_all_day),
            Span::Timed { start, end } => {
                write!(f, "{}, ", long(start.date()))?;
                clock.write(Clock::of(start.time()), f)?;
                if end == start {
                    return Ok(());
                }
                let same_day = ends_on_its_first_day(start, end);
                if same_day {
                    f.write_str(" \u{2013} ")?;
                } else {
                    write!(f, " \u{2013} {}, ", long(end.date()))?;
                }
                clock.write(Clock::of(end.time()), f)
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
    let t = page.locale.strings;
    let view = DetailsView {
        when: Period::of(&placed, page.locale),
        show_as: t.show_as(event.show_as),
        location: event.location.as_deref().filter(|_| detail.shows_title()),
        resource: event.resource.as_deref(),
        status: event.status.as_deref(),
        description: event.description.as_ref().filter(|_| detail.shows_description()),
        look: page.looks.of(event),
    };
    ViewPage {
        body: Body::Details(view),
        period: title.unwrap_or(t.show_as(event.show_as)).to_owned(),
        prev: None,
        next: None,
        // No pager; its page still names the steps.
        steps: StepNames::paging(t, ""),
    }
}
