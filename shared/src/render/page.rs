//! The share page (month grid, week by the hour, agenda list) and the recipients' error pages.
//! View structs borrow from the snapshot; the templates in `templates/` escape everything they print
//! except descriptions sanitised at write time.

use super::query::{LinkState, PageQuery};
use super::style::{DAY_ROWS, LANE_COLUMNS};
use super::timeline::{self, Clock, Placed, Segment, WallClock, Window};
use crate::domain::{DateRange, DefaultView, Description, DetailLevel, ShareRecord, SharedEvent, ShowAs};
use askama::Template;
use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use std::collections::HashSet;
use std::fmt;

/// Events a month cell shows before linking to the rest.
const MONTH_CHIPS: usize = 8;
/// Timed blocks a week column shows before linking to the rest.
const WEEK_BLOCKS: usize = 40;
/// Events an agenda page holds (whole days; a single overfull day is cut at the hard cap).
const AGENDA_PAGE: usize = 200;
const AGENDA_HARD_CAP: usize = 500;
/// Filter values offered; more would make the page heavy (a chosen one is always honoured).
const MAX_CHOICES: usize = 100;
/// Descriptions longer than this fold away behind a disclosure.
const LONG_DESCRIPTION: usize = 280;
/// The week grid shows at least these working hours.
const WORKDAY: (u16, u16) = (8, 18);

/// Zones offered by the page's switch (any other valid IANA name works through `tz=` too).
const ZONE_CHOICES: &[&str] = &[
    "UTC",
    "Pacific/Honolulu",
    "America/Anchorage",
    "America/Los_Angeles",
    "America/Denver",
    "America/Phoenix",
    "America/Chicago",
    "America/Mexico_City",
    "America/New_York",
    "America/Toronto",
    "America/Bogota",
    "America/Halifax",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
    "Atlantic/Reykjavik",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Madrid",
    "Europe/Paris",
    "Europe/Amsterdam",
    "Europe/Berlin",
    "Europe/Zurich",
    "Europe/Rome",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Europe/Athens",
    "Europe/Helsinki",
    "Europe/Istanbul",
    "Europe/Kyiv",
    "Europe/Moscow",
    "Africa/Lagos",
    "Africa/Cairo",
    "Africa/Johannesburg",
    "Africa/Nairobi",
    "Asia/Jerusalem",
    "Asia/Dubai",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Dhaka",
    "Asia/Bangkok",
    "Asia/Jakarta",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Manila",
    "Asia/Seoul",
    "Asia/Tokyo",
    "Australia/Perth",
    "Australia/Adelaide",
    "Australia/Brisbane",
    "Australia/Sydney",
    "Pacific/Auckland",
];

const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn weekday_name(day: Date) -> &'static str {
    WEEKDAYS[day.weekday().to_monday_zero_offset() as usize]
}

fn month_name(day: Date) -> &'static str {
    MONTHS[day.month() as usize - 1]
}

/// "Thursday 3 December 2026"
struct LongDate(Date);

impl fmt::Display for LongDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {} {}", weekday_name(self.0), self.0.day(), month_name(self.0), self.0.year())
    }
}

/// "Thu 3 Dec"
struct ShortDate(Date);

impl fmt::Display for ShortDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", &weekday_name(self.0)[..3], self.0.day(), &month_name(self.0)[..3])
    }
}

/// The look of an event: a palette stripe from its colour and, for availability shares, a busy
/// pattern. Always backed by text; never the only cue.
#[derive(Debug, Clone, Copy)]
struct Look {
    palette: u8,
    busy: Option<ShowAs>,
}

impl Look {
    fn of(event: &SharedEvent, availability: bool) -> Self {
        Self {
            palette: event.color.as_ref().map_or(0, |c| palette_index(c.as_str())),
            busy: availability.then_some(event.show_as),
        }
    }
}

const PALETTE_CLASSES: [&str; 13] = ["k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "k10", "k11", "k12"];

impl fmt::Display for Look {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(PALETTE_CLASSES[usize::from(self.palette)])?;
        if let Some(show_as) = self.busy {
            f.write_str(match show_as {
                ShowAs::Free => " sa-free",
                ShowAs::Tentative => " sa-tentative",
                ShowAs::Busy => " sa-busy",
                ShowAs::Oof => " sa-oof",
                ShowAs::WorkingElsewhere => " sa-we",
                ShowAs::Unknown => " sa-unknown",
            })?;
        }
        Ok(())
    }
}

/// The stylesheet's palette (k1..k12), in its order.
const PALETTE: [(i32, i32, i32); 12] = [
    (0x1e, 0x88, 0xe5),
    (0x43, 0xa0, 0x47),
    (0xe5, 0x39, 0x35),
    (0xfb, 0x8c, 0x00),
    (0x8e, 0x24, 0xaa),
    (0x00, 0x89, 0x7b),
    (0xd8, 0x1b, 0x60),
    (0xf9, 0xa8, 0x25),
    (0x6d, 0x4c, 0x41),
    (0x39, 0x49, 0xab),
    (0x00, 0xac, 0xc1),
    (0x7c, 0xb3, 0x42),
];

/// The nearest palette colour to `#rrggbb` (a style attribute would need 'unsafe-inline').
fn palette_index(hex: &str) -> u8 {
    let digit = |at: usize| hex.as_bytes().get(at).and_then(|&b| char::from(b).to_digit(16)).unwrap_or(0) as i32;
    let channel = |at: usize| digit(at) * 16 + digit(at + 1);
    let (r, g, b) = (channel(1), channel(3), channel(5));
    let nearest = PALETTE
        .iter()
        .enumerate()
        .min_by_key(|(_, (pr, pg, pb))| {
            // Weighted for the eye's sensitivity, roughly.
            3 * (r - pr).pow(2) + 4 * (g - pg).pow(2) + 2 * (b - pb).pow(2)
        })
        .map_or(0, |(index, _)| index);
    nearest as u8 + 1
}

/// What an event is called on the page: its title, else its busy state.
fn label(event: &SharedEvent) -> &str {
    event.title.as_deref().unwrap_or(event.show_as.label())
}

/// A text tag for a titled event's busy state, when it is not the usual "busy".
fn show_as_tag(event: &SharedEvent) -> Option<&'static str> {
    (event.title.is_some() && event.show_as != ShowAs::Busy).then(|| event.show_as.label())
}

// ---------------------------------------------------------------------------------------------
// Month

#[derive(Debug, Clone, Copy)]
enum ChipTime {
    None,
    Starts(Clock),
    Until(Clock),
}

impl fmt::Display for ChipTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None => Ok(()),
            Self::Starts(clock) => clock.fmt(f),
            Self::Until(clock) => write!(f, "until {clock}"),
        }
    }
}

impl ChipTime {
    fn is_some(&self) -> bool {
        !matches!(self, Self::None)
    }
}

struct Chip<'a> {
    time: ChipTime,
    label: &'a str,
    look: Look,
}

impl<'a> Chip<'a> {
    fn new(segment: &Segment<'_, 'a>, availability: bool) -> Self {
        let placed = segment.placed;
        let time = if placed.all_day {
            ChipTime::None
        } else if segment.starts {
            ChipTime::Starts(segment.from)
        } else if segment.ends && segment.to.0 < 24 * 60 {
            ChipTime::Until(segment.to)
        } else {
            ChipTime::None
        };
        Self { time, label: label(placed.event), look: Look::of(placed.event, availability) }
    }
}

struct MonthCell<'a> {
    date: Date,
    in_month: bool,
    in_range: bool,
    today: bool,
    chips: Vec<Chip<'a>>,
    more: usize,
    more_href: String,
}

impl MonthCell<'_> {
    fn classes(&self) -> CellClasses {
        CellClasses {
            in_month: self.in_month,
            in_range: self.in_range,
            today: self.today,
            empty: self.chips.is_empty(),
        }
    }

    fn weekday(&self) -> &'static str {
        &weekday_name(self.date)[..3]
    }

    fn month(&self) -> &'static str {
        month_name(self.date)
    }
}

struct CellClasses {
    in_month: bool,
    in_range: bool,
    today: bool,
    empty: bool,
}

impl fmt::Display for CellClasses {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("d")?;
        for (on, class) in
            [(!self.in_month, " om"), (!self.in_range, " oor"), (self.today, " today"), (self.empty, " nil")]
        {
            if on {
                f.write_str(class)?;
            }
        }
        Ok(())
    }
}

struct MonthView<'a> {
    weeks: Vec<Vec<MonthCell<'a>>>,
    empty: bool,
}

fn month_view<'a>(page: &PageContext<'a>, events: impl Iterator<Item = &'a SharedEvent>) -> MonthView<'a> {
    let first = page.anchor.first_of_month();
    let lead = first.weekday().to_monday_zero_offset();
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
        });
        day = day.tomorrow().unwrap_or(day);
    }
    for segment in &segments {
        let cell = &mut cells[usize::from(segment.day)];
        if cell.chips.len() < MONTH_CHIPS {
            cell.chips.push(Chip::new(segment, page.availability));
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
    MonthView { weeks, empty }
}

// ---------------------------------------------------------------------------------------------
// Week

/// The event's own start and end times, shown on each piece of it.
#[derive(Debug, Clone, Copy)]
struct TimeRange {
    start: Clock,
    end: Option<Clock>,
}

impl fmt::Display for TimeRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.start.fmt(f)?;
        if let Some(end) = self.end {
            write!(f, "\u{2013}{end}")?;
        }
        Ok(())
    }
}

struct Block<'a> {
    time: TimeRange,
    label: &'a str,
    tag: Option<&'static str>,
    location: Option<&'a str>,
    look: Look,
    row: u16,
    span: u16,
    column: u8,
    width: u8,
}

struct WeekDay<'a> {
    date: Date,
    today: bool,
    in_range: bool,
    all_day: Vec<Chip<'a>>,
    blocks: Vec<Block<'a>>,
    more: usize,
    more_href: String,
}

impl WeekDay<'_> {
    fn weekday(&self) -> &'static str {
        &weekday_name(self.date)[..3]
    }

    fn month(&self) -> &'static str {
        month_name(self.date)
    }

    fn classes(&self) -> CellClasses {
        CellClasses { in_month: true, in_range: self.in_range, today: self.today, empty: false }
    }
}

struct WeekView<'a> {
    days: Vec<WeekDay<'a>>,
    /// Labels down the side: (row, time).
    hours: Vec<(u16, Clock)>,
    hour_count: u16,
    empty: bool,
}

fn week_view<'a>(page: &PageContext<'a>, events: impl Iterator<Item = &'a SharedEvent>) -> WeekView<'a> {
    let monday = week_start(page.anchor);
    let window = Window { from: monday, days: 7 };
    let placed = window.collect(&mut WallClock::new(page.zone), events);
    let segments = window.segments(&placed);

    // Rows cover the working day, widened to every timed block of the week.
    let (mut first_hour, mut last_hour) = WORKDAY;
    for segment in segments.iter().filter(|s| s.on_grid()) {
        first_hour = first_hour.min(segment.from.hour());
        last_hour = last_hour.max(segment.to.0.div_ceil(60).max(segment.from.hour() + 1));
    }
    let last_hour = last_hour.min(DAY_ROWS / 4);
    let origin = first_hour * 4;
    let row_count = (last_hour - first_hour) * 4;

    let mut days: Vec<WeekDay<'a>> = (0..7)
        .map(|offset| {
            let date = monday.saturating_add(jiff::Span::new().days(offset));
            WeekDay {
                date,
                today: date == page.today,
                in_range: page.range.contains(date),
                all_day: Vec::new(),
                blocks: Vec::new(),
                more: 0,
                more_href: String::new(),
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
                day.all_day.push(Chip::new(segment, page.availability));
            } else if grid.len() < WEEK_BLOCKS {
                let row = (segment.from.0 / 15).saturating_sub(origin).min(row_count - 1);
                let end = segment.to.0.div_ceil(15).saturating_sub(origin).min(row_count);
                intervals.push((row, end.max(row + 1)));
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
                time: TimeRange { start, end: (placed.end > placed.start).then_some(end_clock) },
                label: label(event),
                tag: show_as_tag(event),
                location: event.location.as_deref(),
                look: Look::of(event, page.availability),
                row: row + 1,
                span: end - row,
                column,
                width,
            });
        }
        if day.more > 0 {
            day.more_href = page.links.href(DefaultView::Agenda, Some(day.date.max(page.range.start)));
        }
    }
    let hours = (first_hour..last_hour).map(|hour| ((hour - first_hour) * 4 + 1, Clock(hour * 60))).collect();
    WeekView { days, hours, hour_count: last_hour - first_hour, empty: segments.is_empty() }
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

fn week_start(day: Date) -> Date {
    day.saturating_sub(jiff::Span::new().days(day.weekday().to_monday_zero_offset()))
}

// ---------------------------------------------------------------------------------------------
// Agenda

#[derive(Debug, Clone, Copy)]
enum When {
    AllDay { last: Option<Date> },
    Timed { start: DateTime, end: DateTime, listed: Date },
}

impl When {
    fn of(placed: &Placed<'_>, listed: Date) -> Self {
        if placed.all_day {
            let last = placed.last_day();
            Self::AllDay { last: (last > placed.start.date()).then_some(last) }
        } else {
            Self::Timed { start: placed.start, end: placed.end, listed }
        }
    }
}

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::AllDay { last: None } => f.write_str("All day"),
            Self::AllDay { last: Some(last) } => write!(f, "All day, until {}", ShortDate(last)),
            Self::Timed { start, end, listed } => {
                if start.date() != listed {
                    write!(f, "{} ", ShortDate(start.date()))?;
                }
                Clock::of(start.time()).fmt(f)?;
                if end == start {
                    return Ok(());
                }
                f.write_str(" \u{2013} ")?;
                let same_day = end.date() == start.date()
                    || (end.time() == Time::midnight() && end.date().yesterday().ok() == Some(start.date()));
                if !same_day {
                    write!(f, "{} ", ShortDate(end.date()))?;
                }
                Clock::of(end.time()).fmt(f)
            }
        }
    }
}

struct AgendaItem<'a> {
    when: When,
    label: &'a str,
    tag: Option<&'static str>,
    location: Option<&'a str>,
    resource: Option<&'a str>,
    status: Option<&'a str>,
    description: Option<&'a Description>,
    look: Look,
}

impl AgendaItem<'_> {
    fn has_meta(&self) -> bool {
        self.location.is_some() || self.resource.is_some() || self.status.is_some()
    }

    fn folded(&self) -> bool {
        matches!(self.description, Some(Description::Text(d) | Description::SanitizedHtml(d)) if d.len() > LONG_DESCRIPTION)
    }
}

struct AgendaDay<'a> {
    date: Date,
    today: bool,
    items: Vec<AgendaItem<'a>>,
}

impl AgendaDay<'_> {
    fn heading(&self) -> LongDate {
        LongDate(self.date)
    }
}

struct AgendaView<'a> {
    days: Vec<AgendaDay<'a>>,
    cut: usize,
}

fn agenda_view<'a>(
    page: &PageContext<'a>,
    events: impl Iterator<Item = &'a SharedEvent>,
) -> (AgendaView<'a>, Option<Date>, Option<Date>) {
    let mut clock = WallClock::new(page.zone);
    let listing = timeline::agenda(&mut clock, events, page.anchor, page.range.start, AGENDA_PAGE, AGENDA_HARD_CAP);
    let mut days: Vec<AgendaDay<'a>> = Vec::new();
    for (listed, placed) in &listing.items {
        if days.last().is_none_or(|day| day.date != *listed) {
            days.push(AgendaDay { date: *listed, today: *listed == page.today, items: Vec::new() });
        }
        let event = placed.event;
        let item = AgendaItem {
            when: When::of(placed, *listed),
            label: label(event),
            tag: show_as_tag(event),
            location: event.location.as_deref(),
            resource: event.resource.as_deref(),
            status: event.status.as_deref(),
            description: event.description.as_ref(),
            look: Look::of(event, page.availability),
        };
        if let Some(day) = days.last_mut() {
            day.items.push(item);
        }
    }
    let next = listing.next.filter(|day| *day < page.range.end);
    (AgendaView { days, cut: listing.cut }, listing.prev.filter(|day| *day < page.anchor), next)
}

// ---------------------------------------------------------------------------------------------
// The page

/// What the page settled on from the query, the snapshot and today.
struct PageContext<'a> {
    zone: &'a TimeZone,
    range: DateRange,
    anchor: Date,
    today: Date,
    availability: bool,
    links: LinkState<'a>,
}

/// One filter select: the values present in the snapshot, and the honoured choice.
#[derive(Default)]
struct Choices<'a> {
    values: Vec<&'a str>,
    /// Switched to once the list grows long, so a share of many values stays linear.
    seen: HashSet<&'a str>,
    last: Option<&'a str>,
    selected: Option<&'a str>,
}

impl<'a> Choices<'a> {
    /// The distinct resources and statuses of the snapshot, in one pass.
    fn of(events: &'a [SharedEvent], query: &PageQuery) -> (Self, Self) {
        let (mut resources, mut statuses) = (Self::default(), Self::default());
        for event in events {
            if let Some(resource) = event.resource.as_deref() {
                resources.add(resource);
            }
            if let Some(status) = event.status.as_deref() {
                statuses.add(status);
            }
        }
        resources.finish(query.resource.as_deref());
        statuses.finish(query.status.as_deref());
        (resources, statuses)
    }

    fn add(&mut self, value: &'a str) {
        // Neighbours often share a value; then a short list is searched; a long one is a set.
        if self.last.is_some_and(|last| same(last, value)) {
            return;
        }
        self.last = Some(value);
        let new = if self.seen.is_empty() {
            let new = !self.values.iter().any(|known| same(known, value));
            if new && self.values.len() == 16 {
                self.seen.extend(self.values.iter().copied());
                self.seen.insert(value);
            }
            new
        } else {
            self.seen.insert(value)
        };
        if new {
            self.values.push(value);
        }
    }

    fn finish(&mut self, wanted: Option<&str>) {
        self.selected = wanted.and_then(|wanted| self.values.iter().copied().find(|value| *value == wanted));
        self.values.sort_unstable_by(|a, b| {
            a.bytes().map(|c| c.to_ascii_lowercase()).cmp(b.bytes().map(|c| c.to_ascii_lowercase())).then(a.cmp(b))
        });
        if self.values.len() > MAX_CHOICES {
            self.values.truncate(MAX_CHOICES);
            if let Some(chosen) = self.selected
                && !self.values.contains(&chosen)
            {
                self.values.push(chosen);
            }
        }
    }

    fn is_selected(&self, value: &str) -> bool {
        self.selected == Some(value)
    }
}

/// String equality that rejects on length and last byte before comparing the rest: values such
/// as "Tier 1" and "Tier 2" are common, and a call to `memcmp` per event adds up on large shares.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().last() == b.as_bytes().last() && a == b
}

/// The recipient's narrowing, checked per event.
#[derive(Clone, Copy)]
struct Narrowing<'a> {
    resource: Option<&'a str>,
    status: Option<&'a str>,
}

impl Narrowing<'_> {
    fn keeps(&self, event: &SharedEvent) -> bool {
        self.resource.is_none_or(|r| event.resource.as_deref() == Some(r))
            && self.status.is_none_or(|s| event.status.as_deref() == Some(s))
    }
}

struct ViewLink {
    label: &'static str,
    href: String,
    current: bool,
}

struct Pager {
    prev: Option<String>,
    today: Option<String>,
    next: Option<String>,
    earlier: &'static str,
    later: &'static str,
    unit: &'static str,
}

enum Body<'a> {
    Month(MonthView<'a>),
    Week(WeekView<'a>),
    Agenda(AgendaView<'a>),
}

#[derive(Template)]
#[template(path = "share.html", whitespace = "minimize")]
struct SharePage<'a> {
    title: &'a str,
    share_id: &'a str,
    embed: bool,
    zone_name: &'a str,
    share_zone: &'a str,
    switched_zone: bool,
    reset_zone_href: String,
    availability: bool,
    period: String,
    range_first: LongDate,
    range_last: LongDate,
    view: DefaultView,
    date: Option<Date>,
    views: [ViewLink; 3],
    pager: Pager,
    resources: Choices<'a>,
    statuses: Choices<'a>,
    extra_zone: Option<&'a str>,
    clear_href: Option<String>,
    body: Body<'a>,
}

impl SharePage<'_> {
    fn zone_choices(&self) -> impl Iterator<Item = &'static str> + '_ {
        ZONE_CHOICES.iter().copied().filter(|zone| *zone != self.share_zone)
    }

    fn zone_selected(&self, zone: &str) -> bool {
        self.switched_zone && self.zone_name == zone
    }

    /// Enough room for the page, so rendering writes without regrowing.
    fn size_estimate(&self) -> usize {
        let items: usize = match &self.body {
            Body::Month(month) => month.weeks.iter().flatten().map(|cell| cell.chips.len()).sum(),
            Body::Week(week) => week.days.iter().map(|day| day.all_day.len() + day.blocks.len()).sum(),
            Body::Agenda(agenda) => agenda.days.iter().map(|day| day.items.len() * 2).sum(),
        };
        let choices = self.resources.values.len() + self.statuses.values.len();
        24 * 1024 + 160 * items + 64 * choices
    }

    fn has_filters(&self) -> bool {
        !self.resources.values.is_empty() || !self.statuses.values.is_empty()
    }
}

pub fn share_page(record: &ShareRecord, events: &[SharedEvent], query: &PageQuery, now: Timestamp) -> String {
    let options = &record.options;
    let display = query.tz.as_ref().filter(|tz| tz.name() != options.time_zone.name());
    let zone_setting = display.unwrap_or(&options.time_zone);
    let zone = zone_setting.zone();
    let today = query.today(record, now);
    let range = options.range;
    let view = query.view.unwrap_or(options.view);
    let date = query.date.filter(|day| range.contains(*day));
    let anchor = date.unwrap_or(if range.contains(today) { today } else { range.start });

    let (resources, statuses) = Choices::of(events, query);
    let (resource, status) = (resources.selected, statuses.selected);
    let narrowing = Narrowing { resource, status };
    let shown = events.iter().filter(move |event| narrowing.keeps(event));

    let links = LinkState { resource, status, tz: display.map(|tz| tz.name()), embed: query.embed };
    let page =
        PageContext { zone, range, anchor, today, availability: options.detail == DetailLevel::Availability, links };
    let last_day = range.end.yesterday().unwrap_or(range.start);
    let today_href = range.contains(today).then(|| links.href(view, None));
    // Each view says where its previous and next pages start and how to name the steps.
    let (body, period, prev, next, (earlier, later, unit)) = match view {
        DefaultView::Month => {
            let first = anchor.first_of_month();
            let next_first = first.last_of_month().tomorrow().ok();
            let prev = (first > range.start)
                .then(|| first.yesterday().map(|d| d.first_of_month().max(range.start)).ok())
                .flatten();
            let next = next_first.filter(|d| *d < range.end);
            let period = format!("{} {}", month_name(anchor), anchor.year());
            (Body::Month(month_view(&page, shown)), period, prev, next, ("Previous", "Next", " month"))
        }
        DefaultView::Week => {
            let monday = week_start(anchor);
            let sunday = monday.saturating_add(jiff::Span::new().days(6));
            let prev =
                (monday > range.start).then(|| monday.saturating_sub(jiff::Span::new().days(7)).max(range.start));
            let next = Some(monday.saturating_add(jiff::Span::new().days(7))).filter(|d| *d < range.end);
            (
                Body::Week(week_view(&page, shown)),
                week_period(monday, sunday),
                prev,
                next,
                ("Previous", "Next", " week"),
            )
        }
        DefaultView::Agenda => {
            let (agenda, prev, next) = agenda_view(&page, shown);
            let period = format!("From {}", LongDate(anchor));
            (Body::Agenda(agenda), period, prev, next, ("Earlier", "Later", ""))
        }
    };
    let pager = Pager {
        prev: prev.map(|d| links.href(view, Some(d))),
        today: today_href,
        next: next.map(|d| links.href(view, Some(d))),
        earlier,
        later,
        unit,
    };
    let view_link = |target: DefaultView, label: &'static str| ViewLink {
        label,
        href: links.href(target, date),
        current: target == view,
    };
    let page = SharePage {
        title: &options.title,
        share_id: record.id.as_str(),
        embed: query.embed,
        zone_name: zone_setting.name(),
        share_zone: options.time_zone.name(),
        switched_zone: display.is_some(),
        reset_zone_href: if display.is_some() { links.without_tz(view, date) } else { String::new() },
        availability: page.availability,
        period,
        range_first: LongDate(range.start),
        range_last: LongDate(last_day),
        view,
        date,
        views: [
            view_link(DefaultView::Month, "Month"),
            view_link(DefaultView::Week, "Week"),
            view_link(DefaultView::Agenda, "Agenda"),
        ],
        pager,
        extra_zone: display.map(|tz| tz.name()).filter(|name| !ZONE_CHOICES.contains(name)),
        clear_href: (resource.is_some() || status.is_some())
            .then(|| LinkState { resource: None, status: None, ..links }.href(view, date)),
        resources,
        statuses,
        body,
    };
    let mut html = String::with_capacity(page.size_estimate());
    page.render_into(&mut html).expect("share page renders");
    html
}

/// "7 – 13 December 2026", "30 November – 6 December 2026", "28 December 2026 – 3 January 2027".
fn week_period(monday: Date, sunday: Date) -> String {
    if monday.year() != sunday.year() {
        format!(
            "{} {} {} \u{2013} {} {} {}",
            monday.day(),
            month_name(monday),
            monday.year(),
            sunday.day(),
            month_name(sunday),
            sunday.year()
        )
    } else if monday.month() != sunday.month() {
        format!(
            "{} {} \u{2013} {} {} {}",
            monday.day(),
            month_name(monday),
            sunday.day(),
            month_name(sunday),
            sunday.year()
        )
    } else {
        format!("{} \u{2013} {} {} {}", monday.day(), sunday.day(), month_name(sunday), sunday.year())
    }
}

// ---------------------------------------------------------------------------------------------
// Errors

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorPage {
    NotFound,
    Gone,
    Unavailable,
}

#[derive(Template)]
#[template(path = "error.html", whitespace = "minimize")]
struct ErrorTemplate {
    heading: &'static str,
    message: &'static str,
}

pub fn error_page(kind: ErrorPage) -> String {
    let (heading, message) = match kind {
        ErrorPage::NotFound => (
            "Calendar not found",
            "This link does not lead to a shared calendar: it may be mistyped, or the calendar is no longer shared.",
        ),
        ErrorPage::Gone => (
            "This calendar has expired",
            "The person who shared this calendar set the link to stop working, and that time has passed.",
        ),
        ErrorPage::Unavailable => {
            ("Please try again", "The calendar cannot be shown right now; try again in a moment.")
        }
    };
    ErrorTemplate { heading, message }.render().expect("error page renders")
}

#[cfg(test)]
mod tests;
