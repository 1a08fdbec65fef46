//! The agenda view: events listed day by day from the page's anchor with all their details, a
//! page of whole days at a time (a day too full for one page goes on on the next).

use super::dates::{LongDate, ShortDate, ends_on_its_first_day};
use super::look::{Look, label, show_as_tag};
use super::{Body, PageContext, StepNames, ViewPage};
use crate::domain::{Description, SharedEvent};
use crate::render::locale::PageLocale;
use crate::render::query::PageStart;
use crate::render::timeline::{self, AgendaLimits, Clock, Placed, WallClock};
use jiff::civil::{Date, DateTime};
use std::fmt;

/// Events an agenda page holds (whole days; an overfull day is cut at the hard caps and goes on on
/// the next page), and the bytes their items may render to: a page of events with the longest
/// texts stays well inside the size every response keeps to, beside the filters and the chrome.
pub(super) const AGENDA_PAGE: usize = 200;
const LIMITS: AgendaLimits =
    AgendaLimits { soft_items: AGENDA_PAGE, hard_items: 500, soft_bytes: 1 << 20, hard_bytes: 2 << 20 };
/// An item's markup besides its texts, about.
const ITEM_MARKUP_BYTES: usize = 400;
/// Descriptions longer than this fold away behind a disclosure.
const LONG_DESCRIPTION: usize = 280;

#[derive(Clone, Copy)]
enum Span {
    AllDay { last: Option<Date> },
    Timed { start: DateTime, end: DateTime, listed: Date },
}

/// When an item happens, as its day's list shows it.
#[derive(Clone, Copy)]
pub(super) struct When {
    span: Span,
    locale: PageLocale,
}

impl When {
    fn of(placed: &Placed<'_>, listed: Date, locale: PageLocale) -> Self {
        let span = if placed.all_day {
            let last = placed.last_day();
            Span::AllDay { last: (last > placed.start.date()).then_some(last) }
        } else {
            Span::Timed { start: placed.start, end: placed.end, listed }
        };
        Self { span, locale }
    }
}

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (t, formats, clock) = (self.locale.strings, self.locale.formats, self.locale.clock);
        match self.span {
            Span::AllDay { last: None } => f.write_str(t.all_day),
            Span::AllDay { last: Some(last) } => write!(f, "{}{}", t.all_day_until, ShortDate(last, formats)),
            Span::Timed { start, end, listed } => {
                if start.date() != listed {
                    write!(f, "{} ", ShortDate(start.date(), formats))?;
                }
                clock.write(Clock::of(start.time()), f)?;
                if end == start {
                    return Ok(());
                }
                f.write_str(" \u{2013} ")?;
                let same_day = ends_on_its_first_day(start, end);
                if !same_day {
                    write!(f, "{} ", ShortDate(end.date(), formats))?;
                }
                clock.write(Clock::of(end.time()), f)
            }
        }
    }
}

pub(super) struct AgendaItem<'a> {
    pub(super) when: When,
    pub(super) label: &'a str,
    pub(super) tag: Option<&'static str>,
    pub(super) location: Option<&'a str>,
    pub(super) resource: Option<&'a str>,
    pub(super) status: Option<&'a str>,
    pub(super) description: Option<&'a Description>,
    pub(super) look: Look,
}

impl AgendaItem<'_> {
    pub(super) fn has_meta(&self) -> bool {
        self.location.is_some() || self.resource.is_some() || self.status.is_some()
    }

    pub(super) fn folded(&self) -> bool {
        matches!(self.description, Some(Description::Text(d) | Description::SanitizedHtml(d)) if d.len() > LONG_DESCRIPTION)
    }
}

pub(super) struct AgendaDay<'a> {
    pub(super) date: Date,
    pub(super) today: bool,
    pub(super) items: Vec<AgendaItem<'a>>,
    locale: PageLocale,
}

impl AgendaDay<'_> {
    pub(super) fn heading(&self) -> LongDate {
        LongDate(self.date, self.locale.formats)
    }
}

pub(super) struct AgendaView<'a> {
    pub(super) days: Vec<AgendaDay<'a>>,
    pub(super) cut: usize,
}

/// A page of events from the page's anchor on; the previous page starts where one would hold about
/// as many events, the next right after this one.
pub(super) fn agenda_page<'a>(page: &PageContext<'a>, events: impl Iterator<Item = &'a SharedEvent>) -> ViewPage<'a> {
    let mut clock = WallClock::new(page.zone);
    let start = PageStart { date: page.anchor, skip: page.skip };
    let listing = timeline::agenda(&mut clock, events, start, page.range.start, &LIMITS, item_bytes);
    let mut days: Vec<AgendaDay<'a>> = Vec::new();
    for (listed, placed) in &listing.items {
        if days.last().is_none_or(|day| day.date != *listed) {
            days.push(AgendaDay {
                date: *listed,
                today: *listed == page.today,
                items: Vec::new(),
                locale: page.locale,
            });
        }
        let event = placed.event;
        let item = AgendaItem {
            when: When::of(placed, *listed, page.locale),
            label: label(event, page.locale.strings),
            tag: show_as_tag(event, page.locale.strings),
            location: event.location.as_deref(),
            resource: event.resource.as_deref(),
            status: event.status.as_deref(),
            description: event.description.as_ref(),
            look: page.looks.of(event),
        };
        if let Some(day) = days.last_mut() {
            day.items.push(item);
        }
    }
    ViewPage {
        body: Body::Agenda(AgendaView { days, cut: listing.cut }),
        period: format!("{}{}", page.locale.strings.from, LongDate(page.anchor, page.locale.formats)),
        prev: listing.prev.filter(|prev| prev.date < page.anchor || prev.skip < page.skip),
        next: listing.next.filter(|next| next.date < page.range.end),
        steps: StepNames { earlier: page.locale.strings.earlier, later: page.locale.strings.later, unit: "" },
    }
}

/// About the bytes an event's agenda item renders to: its texts as escaped (five bytes for each of
/// `<>&"'`), a sanitised description as kept, and the markup around them.
fn item_bytes(event: &SharedEvent) -> usize {
    let texts = [&event.title, &event.location, &event.resource, &event.status];
    let description = match &event.description {
        Some(Description::Text(text)) => escaped_len(text),
        Some(Description::SanitizedHtml(html)) => html.len(),
        None => 0,
    };
    ITEM_MARKUP_BYTES + texts.into_iter().flatten().map(|text| escaped_len(text)).sum::<usize>() + description
}

fn escaped_len(text: &str) -> usize {
    text.len() + 4 * text.bytes().filter(|b| matches!(b, b'<' | b'>' | b'&' | b'"' | b'\'')).count()
}
