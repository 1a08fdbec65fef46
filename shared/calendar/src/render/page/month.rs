//! The month view: a grid of the month's weeks from the page's week start, each day listing its events as chips,
//! paged a month at a time.

use super::chip::Chip;
use super::dates::days_since;
use super::look::CellClasses;
use super::{Body, PageContext, StepNames, ViewPage};
use crate::domain::{DefaultView, SharedEvent};
use crate::render::locale::{Formats, PageLocale};
use crate::render::query::PageStart;
use crate::render::timeline::{WallClock, Window};
use jiff::civil::Date;

/// Events a month cell shows before linking to the rest.
const MONTH_CHIPS: usize = 8;

pub(super) struct MonthCell<'a> {
    pub(super) date: Date,
    pub(super) in_month: bool,
    pub(super) in_range: bool,
    pub(super) today: bool,
    pub(super) chips: Vec<Chip<'a>>,
    pub(super) more: usize,
    pub(super) more_href: String,
    formats: &'static Formats,
}

impl MonthCell<'_> {
    pub(super) fn classes(&self) -> CellClasses {
        CellClasses {
            in_month: self.in_month,
            in_range: self.in_range,
            today: self.today,
            empty: self.chips.is_empty(),
        }
    }

    pub(super) fn weekday(&self) -> &'static str {
        self.formats.weekday_short(self.date)
    }

    pub(super) fn month(&self) -> &'static str {
        self.formats.month(self.date)
    }
}

pub(super) struct MonthView<'a> {
    pub(super) weeks: Vec<Vec<MonthCell<'a>>>,
    pub(super) empty: bool,
    locale: PageLocale,
}

impl MonthView<'_> {
    /// The columns' weekdays, from the week start: (full name, abbreviation).
    pub(super) fn weekday_header(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        let formats = self.locale.formats;
        let start = self.locale.week_start;
        (0..7).map(move |offset| formats.weekday_names(start.wrapping_add(offset)))
    }
}

/// The month holding the page's anchor, and the months either side that are in the range.
pub(super) fn month_page<'a>(page: &PageContext<'a>, events: impl Iterator<Item = &'a SharedEvent>) -> ViewPage<'a> {
    let (anchor, range) = (page.anchor, page.range);
    let first = anchor.first_of_month();
    let prev =
        (first > range.start).then(|| first.yesterday().map(|d| d.first_of_month().max(range.start)).ok()).flatten();
    let next = first.last_of_month().tomorrow().ok().filter(|d| *d < range.end);
    ViewPage {
        body: Body::Month(month_view(page, events)),
        period: page.locale.formats.month_year(anchor),
        prev: prev.map(PageStart::day),
        next: next.map(PageStart::day),
        steps: StepNames::paging(page.locale.strings, page.locale.strings.unit_month),
    }
}

fn month_view<'a>(page: &PageContext<'a>, events: impl Iterator<Item = &'a SharedEvent>) -> MonthView<'a> {
    let first = page.anchor.first_of_month();
    let lead = days_since(first.weekday(), page.locale.week_start);
    let week_count = (i16::from(lead) + i16::from(first.days_in_month()) + 6) / 7;
    let window = Window { from: first.saturating_sub(jiff::Span::new().days(lead)), days: week_count as u16 * 7 };
    let placed = window.collect(&mut WallClock::new(page.zone), events);
    let segments = window.segments(&placed);
    let mut cells: Vec<MonthCell<'a>> = Vec::with_capacity(usize::from(window.days));
    let mut day = window.from;
    for _ in 0..window.days {
        cells.push(MonthCell {
            date: day,
            in_month: day.month() == first.month(),
            in_range: page.range.contains(day),
            today: day == page.today,
            chips: Vec::new(),
            more: 0,
            more_href: String::new(),
            formats: page.locale.formats,
        });
        day = day.tomorrow().unwrap_or(day);
    }
    for segment in &segments {
        let cell = &mut cells[usize::from(segment.day)];
        if cell.chips.len() < MONTH_CHIPS {
            cell.chips.push(Chip::new(segment, &page.locale, &page.looks));
        } else {
            cell.more += 1;
        }
    }
    for cell in cells.iter_mut().filter(|cell| cell.more > 0) {
        cell.more_href = page.links.href(DefaultView::Agenda, Some(cell.date.max(page.range.start)));
    }
    let empty = segments.is_empty();
    let mut weeks = Vec::with_capacity(week_count as usize);
    let mut cells = cells.into_iter();
    for _ in 0..week_count {
        weeks.push(cells.by_ref().take(7).collect());
    }
    MonthView { weeks, empty, locale: page.locale }
}
