//! The agenda view: events listed day by day from the page's anchor with all their details, a
//! page of whole days at a time (a day too full for one page goes on on the next).

use super::dates::{LongDate, ShortDate, write_time_range};
use super::look::{EventFacts, label, show_as_tag};
use super::{Body, PageContext, StepNames, ViewPage};
use crate::domain::{Description, SharedEvent};
use crate::render::locale::PageLocale;
use crate::render::query::PageStart;
use crate::render::timeline::{self, AgendaLimits, Placed, WallClock};
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
enum ItemSpan {
    AllDay { last: Option<Date> },
    Timed { start: DateTime, end: DateTime, listed: Date },
}

/// ItemTime an item happens, as its day's list shows it.
#[derive(Clone, Copy)]
pub(super) struct ItemTime {
    span: ItemSpan,
    locale: PageLocale,
}

impl ItemTime {
    fn of(placed: &Placed<'_>, listed: Date, locale: PageLocale) -> Self {
        let span = if placed.all_day {
            let last = placed.last_day();
            ItemSpan::AllDay { last: (last > placed.start.date()).then_some(last) }
        } else {
            ItemSpan::Timed { start: placed.start, end: placed.end, listed }
        };
        Self { span, locale }
    }
}

impl fmt::Display for ItemTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (t, formats, clock) = (self.locale.strings, self.locale.formats, self.locale.clock);
        match self.span {
            ItemSpan::AllDay { last: None } => f.write_str(t.all_day),
            ItemSpan::AllDay { last: Some(last) } => write!(f, "{}{}", t.all_day_until, ShortDate(last, formats)),
            ItemSpan::Timed { start, end, listed } => {
                let dated = |f: &mut fmt::Formatter<'_>, day| write!(f, "{} ", ShortDate(day, formats));
                write_time_range(f, clock, (start, end), start.date() != listed, dated)
            }
        }
    }
}

pub(super) struct AgendaItem<'a> {
    pub(super) when: ItemTime,
    pub(super) label: &'a str,
    pub(super) tag: Option<&'static str>,
    pub(super) facts: EventFacts<'a>,
}

impl AgendaItem<'_> {
    pub(super) fn has_meta(&self) -> bool {
        self.facts.location.is_some() || self.facts.resource.is_some() || self.facts.status.is_some()
    }

    pub(super) fn folded(&self) -> bool {
        matches!(self.facts.description, Some(Description::Text(d) | Description::SanitizedHtml(d)) if d.len() > LONG_DESCRIPTION)
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
            when: ItemTime::of(placed, *listed, page.locale),
            label: label(event, page.locale.strings),
            tag: show_as_tag(event, page.locale.strings),
            facts: EventFacts::of(event, &page.looks),
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
