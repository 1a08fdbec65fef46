//! The week view: seven days by the hour, timed events as blocks on a quarter-hour grid (side by side
//! where they overlap), all-day and day-long events in a row above, paged a week at a time; and the
//! day view, the same grid for one day, paged a day at a time.

use super::chip::Chip;
use super::dates::{LongDate, week_start};
use super::look::{CellClasses, Look, html_safe_display, label, show_as_tag};
use super::{Body, PageContext, StepNames, ViewPage};
use crate::domain::{DefaultView, SharedEvent};
use crate::render::EventKey;
use crate::render::locale::{ClockPattern, PageLocale};
use crate::render::query::PageStart;
use crate::render::style::{DAY_ROWS, LANE_COLUMNS};
use crate::render::timeline::{self, Clock, Segment, WallClock, Window};
use jiff::civil::Date;
use std::fmt;

/// Timed blocks a week column shows before linking to the rest.
const WEEK_BLOCKS: usize = 40;
/// All-day and day-long events a day's row shows before linking to the rest.
const WEEK_ALL_DAY: usize = 8;
/// Quarter-hour rows a block running past the grid's edge keeps, however little of it is inside.
const EDGE_ROWS: u16 = 2;
/// The week grid shows at least these working hours.
const WORKDAY: (u16, u16) = (8, 18);

/// The event's own start and end times, shown on each piece of it.
#[derive(Clone, Copy)]
pub(super) struct TimeRange {
    start: Clock,
    end: Option<Clock>,
    clock: &'static ClockPattern,
}

impl TimeRange {
    fn write_range(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        match self.end {
            Some(end) => self.clock.write_range(self.start, end, f),
            None => self.clock.write(self.start, f),
        }
    }
}

html_safe_display!(TimeRange, write_range);

/// An hour down the grid's side.
#[derive(Clone, Copy)]
pub(super) struct HourLabel {
    hour: Clock,
    clock: &'static ClockPattern,
}

impl HourLabel {
    fn write_hour(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        self.clock.write(self.hour, f)
    }
}

html_safe_display!(HourLabel, write_hour);

pub(super) struct Block<'a> {
    pub(super) key: EventKey,
    pub(super) time: TimeRange,
    pub(super) label: &'a str,
    pub(super) tag: Option<&'static str>,
    pub(super) location: Option<&'a str>,
    pub(super) look: Look,
    pub(super) row: u16,
    pub(super) span: u16,
    /// The block runs before the grid's first hour or past its last (the group's day hours).
    pub(super) past_start: bool,
    pub(super) past_end: bool,
    pub(super) column: u8,
    pub(super) width: u8,
}

pub(super) struct WeekDay<'a> {
    pub(super) date: Date,
    pub(super) today: bool,
    pub(super) in_range: bool,
    pub(super) all_day: Vec<Chip<'a>>,
    pub(super) blocks: Vec<Block<'a>>,
    pub(super) more: usize,
    pub(super) more_href: String,
    locale: PageLocale,
}

impl WeekDay<'_> {
    pub(super) fn weekday(&self) -> &'static str {
        self.locale.formats.weekday_short(self.date)
    }

    pub(super) fn month(&self) -> &'static str {
        self.locale.formats.month(self.date)
    }

    pub(super) fn classes(&self) -> CellClasses {
        CellClasses { in_month: true, in_range: self.in_range, today: self.today, empty: false }
    }
}

pub(super) struct WeekView<'a> {
    pub(super) days: Vec<WeekDay<'a>>,
    /// Labels down the side: (row, time).
    pub(super) hours: Vec<(u16, HourLabel)>,
    pub(super) hour_count: u16,
    pub(super) empty: bool,
    locale: PageLocale,
}

impl WeekView<'_> {
    /// The grid's columns: seven days, or the day view's one.
    pub(super) fn layout(&self) -> &'static str {
        if self.days.len() == 1 { "week one" } else { "week" }
    }

    pub(super) fn none_text(&self) -> &'static str {
        let t = self.locale.strings;
        if self.days.len() == 1 { t.no_events_day } else { t.no_events_week }
    }
}

/// The week holding the page's anchor, and the weeks either side that start in the range.
pub(super) fn week_page<'a>(page: &PageContext<'a>, events: impl Iterator<Item = &'a SharedEvent>) -> ViewPage<'a> {
    let range = page.range;
    let first = week_start(page.anchor, page.locale.week_start);
    let last = first.saturating_add(jiff::Span::new().days(6));
    let prev = (first > range.start).then(|| first.saturating_sub(jiff::Span::new().days(7)).max(range.start));
    let next = Some(first.saturating_add(jiff::Span::new().days(7))).filter(|d| *d < range.end);
    ViewPage {
        body: Body::Week(grid_view(page, events, Window { from: first, days: 7 })),
        period: page.locale.formats.week_period(first, last),
        prev: prev.map(PageStart::day),
        next: next.map(PageStart::day),
        steps: StepNames::paging(page.locale.strings, page.locale.strings.unit_week),
    }
}

/// The page's anchor day, and the days either side in the range.
pub(super) fn day_page<'a>(page: &PageContext<'a>, events: impl Iterator<Item = &'a SharedEvent>) -> ViewPage<'a> {
    let (day, range) = (page.anchor, page.range);
    let prev = (day > range.start).then(|| day.yesterday().ok()).flatten();
    let next = day.tomorrow().ok().filter(|d| *d < range.end);
    ViewPage {
        body: Body::Week(grid_view(page, events, Window { from: day, days: 1 })),
        period: LongDate(day, page.locale.formats).to_string(),
        prev: prev.map(PageStart::day),
        next: next.map(PageStart::day),
        steps: StepNames::paging(page.locale.strings, page.locale.strings.unit_day),
    }
}

fn grid_view<'a>(
    page: &PageContext<'a>,
    events: impl Iterator<Item = &'a SharedEvent>,
    window: Window,
) -> WeekView<'a> {
    let first = window.from;
    let placed = window.collect(&mut WallClock::new(page.zone), events);
    let segments = window.segments(&placed);

    // Rows cover the group's day when it sets one (blocks outside it sit at its edge, marked), else
    // the working day widened to every timed block of the week.
    let (first_hour, last_hour) = match page.day_hours {
        Some((start, end)) => (start.hour(), end.hour()),
        None => segments.iter().filter(|s| s.on_grid()).fold(WORKDAY, |(first, last), segment| {
            (first.min(segment.from.hour()), last.max(segment.to.0.div_ceil(60).max(segment.from.hour() + 1)))
        }),
    };
    let last_hour = last_hour.min(DAY_ROWS / 4);
    let origin = first_hour * 4;
    let row_count = (last_hour - first_hour) * 4;

    let mut days: Vec<WeekDay<'a>> = (0..i64::from(window.days))
        .map(|offset| {
            let date = first.saturating_add(jiff::Span::new().days(offset));
            WeekDay {
                date,
                today: date == page.today,
                in_range: page.range.contains(date),
                all_day: Vec::new(),
                blocks: Vec::new(),
                more: 0,
                more_href: String::new(),
                locale: page.locale,
            }
        })
        .collect();
    let mut intervals: Vec<(u16, u16)> = Vec::new();
    for (index, day) in days.iter_mut().enumerate() {
        let of_day = segments.iter().filter(|s| usize::from(s.day) == index);
        intervals.clear();
        let mut grid: Vec<&Segment<'_, 'a>> = Vec::new();
        for segment in of_day {
            if !segment.on_grid() {
                if day.all_day.len() < WEEK_ALL_DAY {
                    day.all_day.push(Chip::new(segment, &page.locale, &page.looks));
                } else {
                    day.more += 1;
                }
            } else if grid.len() < WEEK_BLOCKS {
                let row = (segment.from.0 / 15).saturating_sub(origin).min(row_count - 1);
                let end = segment.to.0.div_ceil(15).saturating_sub(origin).min(row_count).max(row + 1);
                // A block cut down to a sliver at the grid's edge keeps room for its time.
                let past_edge = segment.from.0 < first_hour * 60 || segment.to.0 > last_hour * 60;
                let (row, end) = if past_edge && end - row < EDGE_ROWS {
                    let end = (row + EDGE_ROWS).min(row_count);
                    (end.saturating_sub(EDGE_ROWS), end)
                } else {
                    (row, end)
                };
                intervals.push((row, end));
                grid.push(segment);
            } else {
                day.more += 1;
            }
        }
        let lanes = timeline::lanes(&intervals);
        for ((segment, &(row, end)), lane) in grid.iter().zip(&intervals).zip(lanes) {
            let (column, width) = lane_columns(lane);
            let placed = segment.placed;
            let event = placed.event;
            let start = Clock::of(placed.start.time());
            let end_clock = Clock::of(placed.end.time());
            day.blocks.push(Block {
                key: EventKey::of(&event.uid),
                time: TimeRange {
                    start,
                    end: (placed.end > placed.start).then_some(end_clock),
                    clock: page.locale.clock,
                },
                label: label(event, page.locale.strings),
                tag: show_as_tag(event, page.locale.strings),
                location: event.location.as_deref(),
                look: page.looks.of(event),
                row: row + 1,
                span: end - row,
                past_start: segment.from.0 < first_hour * 60,
                past_end: segment.to.0 > last_hour * 60,
                column,
                width,
            });
        }
        if day.more > 0 {
            day.more_href = page.links.href(DefaultView::Agenda, Some(day.date.max(page.range.start)));
        }
    }
    let clock = page.locale.clock;
    let hours = (first_hour..last_hour)
        .map(|hour| ((hour - first_hour) * 4 + 1, HourLabel { hour: Clock(hour * 60), clock }))
        .collect();
    WeekView { days, hours, hour_count: last_hour - first_hour, empty: segments.is_empty(), locale: page.locale }
}

/// Grid columns for a lane: lanes share the 12 columns evenly, rounding the lane count up to 1, 2,
/// 3, 4, 6 or 12 (beyond 12, the last lanes overlap).
fn lane_columns(lane: timeline::Lane) -> (u8, u8) {
    let lanes = match lane.count {
        0..=4 => lane.count.max(1),
        5 | 6 => 6,
        _ => LANE_COLUMNS,
    };
    let unit = LANE_COLUMNS / lanes;
    let index = lane.index.min(lanes - 1);
    let span = lane.span.clamp(1, lanes - index);
    (index * unit + 1, span * unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lane_columns_divide_twelve() {
        let lane = |index, count, span| timeline::Lane { index, count, span };
        assert_eq!(lane_columns(lane(0, 1, 1)), (1, 12));
        assert_eq!(lane_columns(lane(1, 2, 1)), (7, 6));
        assert_eq!(lane_columns(lane(2, 3, 1)), (9, 4));
        assert_eq!(lane_columns(lane(1, 3, 2)), (5, 8));
        assert_eq!(lane_columns(lane(4, 5, 1)), (9, 2));
        assert_eq!(lane_columns(lane(13, 14, 1)), (12, 1));
    }
}
