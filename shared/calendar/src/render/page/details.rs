//! The details view (`?event=KEY`): one event with everything the share's detail level shows of
//! it, its times in the page's zone, and a way back to the page the reader came from.

use super::dates::{LongDate, write_time_range};
use super::look::EventFacts;
use super::{Body, PageContext, StepNames, ViewPage};
use crate::domain::{DetailLevel, SharedEvent};
use crate::render::EventKey;
use crate::render::locale::PageLocale;
use crate::render::timeline::{Placed, WallClock};
use jiff::civil::{Date, DateTime};
use std::fmt;

#[derive(Clone, Copy)]
enum PeriodSpan {
    AllDay { first: Date, last: Date },
    Timed { start: DateTime, end: DateTime },
}

/// When the event happens, written out in full: "Thursday, December 3, 2026, 9:00 AM – 5:00 PM".
#[derive(Clone, Copy)]
pub(super) struct Period {
    span: PeriodSpan,
    locale: PageLocale,
}

impl Period {
    fn of(placed: &Placed<'_>, locale: PageLocale) -> Self {
        let span = if placed.all_day {
            PeriodSpan::AllDay { first: placed.start.date(), last: placed.last_day() }
        } else {
            PeriodSpan::Timed { start: placed.start, end: placed.end }
        };
        Self { span, locale }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (t, formats, clock) = (self.locale.strings, self.locale.formats, self.locale.clock);
        let long = |day| LongDate(day, formats);
        match self.span {
            PeriodSpan::AllDay { first, last } if first == last => write!(f, "{}{}", long(first), t.comma_all_day),
            PeriodSpan::AllDay { first, last } => {
                write!(f, "{} \u{2013} {}{}", long(first), long(last), t.comma_all_day)
            }
            PeriodSpan::Timed { start, end } => {
                write_time_range(f, clock, (start, end), true, |f, day| write!(f, "{}, ", long(day)))
            }
        }
    }
}

pub(super) struct DetailsView<'a> {
    pub(super) when: Period,
    pub(super) show_as: &'static str,
    pub(super) facts: EventFacts<'a>,
    /// Names the event's own file, `/s/{id}/events/{key}.ics`, which the view links where the share
    /// offers its feed.
    pub(super) key: EventKey,
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
        facts: EventFacts::of(event, &page.looks).shown_at(detail),
        key: EventKey::of(&event.uid),
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
