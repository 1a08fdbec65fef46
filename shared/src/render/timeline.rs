//! Where events fall in the zone the page shows: which days they touch, at which wall-clock times,
//! and which lane each takes when they overlap. Pure calendar arithmetic, no markup.

use crate::domain::{EventTime, SharedEvent};
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};
use std::fmt;

/// An event in the displayed zone, as civil date-times (all-day events keep their dates whatever the
/// zone: they are floating by nature). `end` is exclusive and never before `start`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Placed<'a> {
    pub event: &'a SharedEvent,
    pub start: DateTime,
    pub end: DateTime,
    pub all_day: bool,
    /// Blocks a whole day or more: shown with the all-day events in the week view.
    pub long: bool,
}

impl<'a> Placed<'a> {
    pub fn new(event: &'a SharedEvent, clock: &mut WallClock<'_>) -> Self {
        let mut civil = |time: EventTime| match time {
            EventTime::At(at) => clock.at(at),
            EventTime::Day(day) => day.to_datetime(Time::midnight()),
        };
        let (start, end) = (civil(event.start), civil(event.end));
        let end = end.max(start);
        let all_day = event.is_all_day();
        let long = all_day
            || match (event.start, event.end) {
                (EventTime::At(s), EventTime::At(e)) => e.duration_since(s) >= SignedDuration::from_hours(24),
                _ => true,
            };
        Self { event, start, end, all_day, long }
    }

    /// The last day the event touches (an end at midnight belongs to the day before).
    pub fn last_day(&self) -> Date {
        let end = self.end.date();
        if self.end > self.start && self.end.time() == Time::midnight() { end.yesterday().unwrap_or(end) } else { end }
    }
}

/// Wall-clock time in a zone. It keeps the offset until the zone's next transition: a page's events
/// mostly fall between two, so most conversions skip the time zone lookup.
pub(crate) struct WallClock<'z> {
    zone: &'z TimeZone,
    from: Timestamp,
    until: Timestamp,
    offset: Offset,
}

impl<'z> WallClock<'z> {
    pub fn new(zone: &'z TimeZone) -> Self {
        Self { zone, from: Timestamp::MAX, until: Timestamp::MIN, offset: Offset::UTC }
    }

    pub fn zone(&self) -> &'z TimeZone {
        self.zone
    }

    pub fn at(&mut self, at: Timestamp) -> DateTime {
        if !(self.from <= at && at < self.until) {
            self.offset = self.zone.to_offset(at);
            self.from = at;
            self.until = self.zone.following(at).next().map_or(Timestamp::MAX, |transition| transition.timestamp());
        }
        self.offset.to_datetime(at)
    }
}

/// Minutes since midnight, 0..=1440.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Clock(pub u16);

impl Clock {
    pub fn of(time: Time) -> Self {
        Self(time.hour() as u16 * 60 + time.minute() as u16)
    }

    pub fn hour(self) -> u16 {
        self.0 / 60
    }
}

impl fmt::Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m) = (self.0 / 60, self.0 % 60);
        let digits = [b'0' + (h / 10) as u8, b'0' + (h % 10) as u8, b':', b'0' + (m / 10) as u8, b'0' + (m % 10) as u8];
        f.write_str(std::str::from_utf8(&digits).map_err(|_| fmt::Error)?)
    }
}

/// The first instant of a day in a zone (the earliest time that exists, should midnight not).
pub(crate) fn midnight(zone: &TimeZone, day: Date) -> Timestamp {
    zone.to_ambiguous_timestamp(day.to_datetime(Time::midnight())).compatible().unwrap_or(if day.year() < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

/// Whole days from `from` to `day` (negative before it).
pub(crate) fn days_between(from: Date, day: Date) -> i64 {
    from.duration_until(day).as_secs().div_euclid(86_400)
}

/// Consecutive days shown by a month or week view.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    pub from: Date,
    pub days: u16,
}

impl Window {
    pub fn until(&self) -> Date {
        self.from.saturating_add(jiff::Span::new().days(i64::from(self.days)))
    }

    /// The events that touch the window, in the displayed zone, in order (all-day first on a tie).
    /// Cheap comparisons first; only events inside are converted.
    pub fn collect<'a>(
        &self,
        clock: &mut WallClock<'_>,
        events: impl Iterator<Item = &'a SharedEvent>,
    ) -> Vec<Placed<'a>> {
        let until = self.until();
        let (from_at, until_at) = (midnight(clock.zone(), self.from), midnight(clock.zone(), until));
        let mut placed: Vec<Placed<'a>> = events
            .filter(|event| match (event.start, event.end) {
                (EventTime::At(s), EventTime::At(e)) => s < until_at && (e > from_at || (s == e && s >= from_at)),
                (EventTime::Day(s), EventTime::Day(e)) => s < until && (e > self.from || (s >= e && s >= self.from)),
                (EventTime::At(s), EventTime::Day(_)) => s < until_at,
                (EventTime::Day(s), EventTime::At(_)) => s < until,
            })
            .map(|event| Placed::new(event, clock))
            .collect();
        placed.sort_by_key(|p| (p.start, !p.all_day));
        placed
    }

    /// Each event's piece on each day of the window, grouped by day; within a day all-day and
    /// continuing events come first, then by start time.
    pub fn segments<'p, 'a>(&self, placed: &'p [Placed<'a>]) -> Vec<Segment<'p, 'a>> {
        let mut segments = Vec::with_capacity(placed.len() + placed.len() / 4);
        let last_index = i64::from(self.days) - 1;
        for p in placed {
            let first = days_between(self.from, p.start.date());
            let last = days_between(self.from, p.last_day());
            for index in first.max(0)..=last.min(last_index) {
                let starts = index == first;
                let ends = index == last;
                let from = if starts && !p.all_day { Clock::of(p.start.time()) } else { Clock(0) };
                let to = if ends && !p.all_day && p.end.time() != Time::midnight() {
                    Clock::of(p.end.time())
                } else if ends && !p.all_day && p.end == p.start {
                    from
                } else {
                    Clock(24 * 60)
                };
                segments.push(Segment { day: index as u16, placed: p, from, to, starts, ends });
            }
        }
        segments.sort_by_key(|s| (s.day, s.rank(), s.from));
        segments
    }
}

/// The part of an event on one day.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Segment<'p, 'a> {
    pub day: u16,
    pub placed: &'p Placed<'a>,
    pub from: Clock,
    pub to: Clock,
    /// The event starts on this day (else it continues from an earlier one).
    pub starts: bool,
    /// The event ends on this day.
    pub ends: bool,
}

impl Segment<'_, '_> {
    fn rank(&self) -> u8 {
        if self.placed.all_day {
            0
        } else if !self.starts {
            1
        } else {
            2
        }
    }

    /// Timed and on the hour grid in the week view.
    pub fn on_grid(&self) -> bool {
        !self.placed.long
    }
}

/// Where a block goes among overlapping ones: its lane, how many lanes its cluster of overlapping
/// blocks has, and how many lanes it covers (it widens into lanes to its right that stay free for
/// its whole time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lane {
    pub index: u8,
    pub count: u8,
    pub span: u8,
}

/// Side-by-side placement of overlapping blocks, for intervals given in start order. Intervals are
/// half-open; an empty one counts as one unit long.
pub(crate) fn lanes(intervals: &[(u16, u16)]) -> Vec<Lane> {
    let intervals: Vec<(u16, u16)> = intervals.iter().map(|&(start, end)| (start, end.max(start + 1))).collect();
    let mut placement = vec![Lane { index: 0, count: 1, span: 1 }; intervals.len()];
    let mut lane_ends: Vec<u16> = Vec::new();
    let mut cluster_start = 0;
    let mut cluster_end = 0u16;
    for (index, &(start, end)) in intervals.iter().enumerate() {
        if start >= cluster_end && index > cluster_start {
            close_cluster(&intervals[cluster_start..index], &mut placement[cluster_start..index], lane_ends.len());
            lane_ends.clear();
            cluster_start = index;
        }
        let lane = match lane_ends.iter().position(|&lane_end| lane_end <= start) {
            Some(lane) => {
                lane_ends[lane] = end;
                lane
            }
            None => {
                lane_ends.push(end);
                lane_ends.len() - 1
            }
        };
        placement[index].index = lane.min(usize::from(u8::MAX)) as u8;
        cluster_end = if index == cluster_start { end } else { cluster_end.max(end) };
    }
    if !intervals.is_empty() {
        close_cluster(&intervals[cluster_start..], &mut placement[cluster_start..], lane_ends.len());
    }
    placement
}

fn close_cluster(intervals: &[(u16, u16)], placement: &mut [Lane], lanes: usize) {
    let count = lanes.min(usize::from(u8::MAX)) as u8;
    let overlaps = |a: (u16, u16), b: (u16, u16)| a.0 < b.1 && b.0 < a.1;
    for i in 0..placement.len() {
        let mut span = 1;
        while placement[i].index + span < count {
            let next_lane = placement[i].index + span;
            let taken =
                (0..placement.len()).any(|j| placement[j].index == next_lane && overlaps(intervals[i], intervals[j]));
            if taken {
                break;
            }
            span += 1;
        }
        placement[i].count = count;
        placement[i].span = span;
    }
}

/// One page of the agenda: events from a day on, whole days at a time.
#[derive(Debug)]
pub(crate) struct AgendaPage<'a> {
    /// In order, each with the day it is listed under (its start, or the page's first day for
    /// events that began earlier and are still on).
    pub items: Vec<(Date, Placed<'a>)>,
    /// Events of the last listed day left out because the page was full.
    pub cut: usize,
    pub prev: Option<Date>,
    pub next: Option<Date>,
}

/// Lists events from `from` on, stopping at the first day boundary after `soft_cap` events (or in
/// the middle of a day at `hard_cap`). `first_day` is the earliest day a link may lead to.
pub(crate) fn agenda<'a>(
    clock: &mut WallClock<'_>,
    events: impl Iterator<Item = &'a SharedEvent>,
    from: Date,
    first_day: Date,
    soft_cap: usize,
    hard_cap: usize,
) -> AgendaPage<'a> {
    let zone = clock.zone();
    // Sort keys without converting every event: an all-day event sorts at its day's midnight,
    // before timed events starting then. Snapshots are stored sorted, so this is nearly linear.
    let mut cached_day: Option<(Date, Timestamp)> = None;
    let mut keyed: Vec<(Timestamp, bool, &'a SharedEvent)> = events
        .map(|event| match event.start {
            EventTime::At(at) => (at, true, event),
            EventTime::Day(day) => {
                let at = match cached_day {
                    Some((cached, at)) if cached == day => at,
                    _ => {
                        let at = midnight(zone, day);
                        cached_day = Some((day, at));
                        at
                    }
                };
                (at, false, event)
            }
        })
        .collect();
    keyed.sort_by_key(|&(at, timed, _)| (at, timed));
    let page_start = midnight(zone, from);
    let split = keyed.partition_point(|&(at, _, _)| at < page_start);
    let (earlier, later) = keyed.split_at(split);

    let mut items = Vec::new();
    for &(_, _, event) in earlier {
        let ongoing = match event.end {
            EventTime::At(end) => end > page_start,
            EventTime::Day(end) => end > from,
        };
        if ongoing && items.len() < hard_cap {
            items.push((from, Placed::new(event, clock)));
        }
    }
    let mut cut = 0;
    let mut next = None;
    let mut iter = later.iter().peekable();
    while let Some(&&(_, _, event)) = iter.peek() {
        let placed = Placed::new(event, clock);
        let day = placed.start.date();
        let new_day = items.last().is_none_or(|(listed, _)| *listed != day);
        if new_day && items.len() >= soft_cap {
            next = Some(day);
            break;
        }
        if items.len() >= hard_cap {
            let day_end = midnight(zone, day.tomorrow().unwrap_or(day));
            cut = iter.clone().take_while(|(at, _, _)| *at < day_end).count();
            next = later
                .iter()
                .find(|(at, _, _)| *at >= day_end)
                .map(|&(_, _, event)| Placed::new(event, clock).start.date());
            break;
        }
        items.push((day, placed));
        iter.next();
    }

    // Back to the earliest day from which a page would hold about as many events.
    let mut prev = None;
    for (counted, &(_, _, event)) in earlier.iter().rev().enumerate() {
        let day = Placed::new(event, clock).start.date();
        if prev != Some(day) {
            if counted >= soft_cap {
                break;
            }
            prev = Some(day);
        }
    }
    AgendaPage { items, cut, prev: prev.map(|day| day.max(first_day)), next }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn event(start: EventTime, end: EventTime) -> SharedEvent {
        crate::render::fixtures::event("u", start, end)
    }

    fn at(instant: &str) -> EventTime {
        EventTime::At(instant.parse().unwrap())
    }

    fn new_york() -> TimeZone {
        TimeZone::get("America/New_York").unwrap()
    }

    #[test]
    fn nine_oclock_stays_nine_across_the_dst_change() {
        let zone = new_york();
        // 2027-03-14 is the spring-forward day in New York: -05:00 before, -04:00 after.
        let before = event(at("2027-03-13T14:00:00Z"), at("2027-03-13T15:00:00Z"));
        let after = event(at("2027-03-15T13:00:00Z"), at("2027-03-15T14:00:00Z"));
        let mut clock = WallClock::new(&zone);
        for e in [&before, &after] {
            let placed = Placed::new(e, &mut clock);
            assert_eq!(Clock::of(placed.start.time()).to_string(), "09:00");
            assert_eq!(Clock::of(placed.end.time()).to_string(), "10:00");
        }
    }

    #[test]
    fn the_wall_clock_agrees_with_the_zone_in_any_order() {
        let zone = new_york();
        let mut clock = WallClock::new(&zone);
        let start: Timestamp = "2026-10-01T00:00:00Z".parse().unwrap();
        let hours: Vec<Timestamp> = (0..24 * 200).map(|h| start + SignedDuration::from_mins(h * 60 + 7)).collect();
        for &at in hours.iter().chain(hours.iter().rev()).chain(hours.iter().step_by(97)) {
            assert_eq!(clock.at(at), zone.to_datetime(at), "{at}");
        }
    }

    #[test]
    fn events_crossing_midnight_are_cut_into_day_segments() {
        let zone = TimeZone::UTC;
        let events = [event(at("2026-12-03T22:00:00Z"), at("2026-12-04T02:00:00Z"))];
        let window = Window { from: date(2026, 11, 30), days: 7 };
        let placed = window.collect(&mut WallClock::new(&zone), events.iter());
        let segments = window.segments(&placed);
        let pieces: Vec<_> = segments.iter().map(|s| (s.day, s.from.0, s.to.0, s.starts, s.ends)).collect();
        assert_eq!(pieces, [(3, 22 * 60, 1440, true, false), (4, 0, 120, false, true)]);
        assert!(segments.iter().all(Segment::on_grid));
    }

    #[test]
    fn an_end_at_midnight_does_not_touch_the_next_day() {
        let zone = TimeZone::UTC;
        let events = [
            event(at("2026-12-03T22:00:00Z"), at("2026-12-04T00:00:00Z")),
            event(EventTime::Day(date(2026, 12, 5)), EventTime::Day(date(2026, 12, 6))),
        ];
        let window = Window { from: date(2026, 11, 30), days: 7 };
        let placed = window.collect(&mut WallClock::new(&zone), events.iter());
        let days: Vec<_> = window.segments(&placed).iter().map(|s| (s.day, s.to.0)).collect();
        assert_eq!(days, [(3, 1440), (5, 1440)]);
    }

    #[test]
    fn multi_day_events_cover_each_day_and_are_clipped_to_the_window() {
        let zone = TimeZone::UTC;
        let events = [
            event(EventTime::Day(date(2026, 11, 28)), EventTime::Day(date(2026, 12, 2))),
            event(at("2026-12-05T09:00:00Z"), at("2026-12-08T17:00:00Z")),
        ];
        let window = Window { from: date(2026, 11, 30), days: 7 };
        let placed = window.collect(&mut WallClock::new(&zone), events.iter());
        let segments = window.segments(&placed);
        let days: Vec<_> = segments.iter().map(|s| (s.day, s.starts, s.ends, s.on_grid())).collect();
        assert_eq!(
            days,
            [(0, false, false, false), (1, false, true, false), (5, true, false, false), (6, false, false, false)]
        );
    }

    #[test]
    fn events_outside_the_window_are_not_collected() {
        let zone = new_york();
        let events = [
            event(at("2026-12-07T04:59:00Z"), at("2026-12-07T05:00:00Z")), // 23:59 on the 6th in New York
            event(at("2026-12-07T05:00:00Z"), at("2026-12-07T06:00:00Z")),
            event(EventTime::Day(date(2026, 12, 14)), EventTime::Day(date(2026, 12, 15))),
        ];
        let window = Window { from: date(2026, 12, 7), days: 7 };
        let placed = window.collect(&mut WallClock::new(&zone), events.iter());
        assert_eq!(placed.len(), 1);
        assert_eq!(placed[0].start, date(2026, 12, 7).at(0, 0, 0, 0));
    }

    #[test]
    fn overlapping_blocks_go_side_by_side() {
        let lane = |index, count, span| Lane { index, count, span };
        // 9-11, 10-12, 11-12, 13-14: the first three form one cluster needing two lanes.
        let intervals = [(36, 44), (40, 48), (44, 48), (52, 56)];
        assert_eq!(lanes(&intervals), [lane(0, 2, 1), lane(1, 2, 1), lane(0, 2, 1), lane(0, 1, 1)]);
        // Three at once, then a lone one.
        assert_eq!(
            lanes(&[(0, 4), (0, 4), (1, 2), (8, 9)]),
            [lane(0, 3, 1), lane(1, 3, 1), lane(2, 3, 1), lane(0, 1, 1)]
        );
        // A long block beside two short ones in a row, a third lane needed only early on: the later
        // short block widens into the free third lane.
        assert_eq!(
            lanes(&[(0, 20), (0, 4), (2, 6), (8, 12)]),
            [lane(0, 3, 1), lane(1, 3, 1), lane(2, 3, 1), lane(1, 3, 2)]
        );
        // Empty intervals still take a unit.
        assert_eq!(lanes(&[(4, 4), (4, 4)]), [lane(0, 2, 1), lane(1, 2, 1)]);
        assert!(lanes(&[]).is_empty());
    }

    fn day_events(days: &[(i8, usize)]) -> Vec<SharedEvent> {
        days.iter()
            .flat_map(|&(day, count)| {
                (0..count).map(move |i| {
                    let start =
                        date(2026, 12, day).at(8 + i as i8 % 12, 0, 0, 0).to_zoned_datetime(TimeZone::UTC).unwrap();
                    event(
                        EventTime::At(start.timestamp()),
                        EventTime::At(start.timestamp() + SignedDuration::from_hours(1)),
                    )
                })
            })
            .collect()
    }

    #[test]
    fn agenda_pages_whole_days_and_links_both_ways() {
        let events = day_events(&[(1, 2), (2, 2), (3, 2), (5, 2), (9, 1)]);
        let page =
            agenda(&mut WallClock::new(&TimeZone::UTC), events.iter(), date(2026, 12, 3), date(2026, 12, 1), 3, 10);
        let days: Vec<_> = page.items.iter().map(|(day, _)| day.day()).collect();
        assert_eq!(days, [3, 3, 5, 5]);
        assert_eq!(page.next, Some(date(2026, 12, 9)));
        assert_eq!(page.prev, Some(date(2026, 12, 1)));
        assert_eq!(page.cut, 0);

        let first =
            agenda(&mut WallClock::new(&TimeZone::UTC), events.iter(), date(2026, 12, 1), date(2026, 12, 1), 100, 100);
        assert_eq!(first.items.len(), 9);
        assert_eq!((first.prev, first.next), (None, None));
    }

    #[test]
    fn agenda_lists_ongoing_events_first_and_cuts_overfull_days() {
        let mut events = vec![event(EventTime::Day(date(2026, 11, 30)), EventTime::Day(date(2026, 12, 10)))];
        events.extend(day_events(&[(4, 6), (6, 1)]));
        let page =
            agenda(&mut WallClock::new(&TimeZone::UTC), events.iter(), date(2026, 12, 2), date(2026, 11, 25), 2, 4);
        assert_eq!(page.items.len(), 4);
        assert_eq!(page.items[0].0, date(2026, 12, 2));
        assert!(page.items[0].1.all_day);
        assert_eq!(page.cut, 3);
        assert_eq!(page.next, Some(date(2026, 12, 6)));
        assert_eq!(page.prev, Some(date(2026, 11, 30)));
    }
}
