//! The consecutive days a month, week or day view shows, and each event's piece on each of them.

use super::{Clock, Placed, WallClock, days_between, midnight};
use crate::domain::{EventTime, SharedEvent};
use jiff::civil::{Date, Time};

/// Consecutive days shown by a month, week or day view.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures::{at, busy, new_york};
    use jiff::civil::date;
    use jiff::tz::TimeZone;

    #[test]
    fn events_crossing_midnight_are_cut_into_day_segments() {
        let zone = TimeZone::UTC;
        let events = [busy(at("2026-12-03T22:00:00Z"), at("2026-12-04T02:00:00Z"))];
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
            busy(at("2026-12-03T22:00:00Z"), at("2026-12-04T00:00:00Z")),
            busy(EventTime::Day(date(2026, 12, 5)), EventTime::Day(date(2026, 12, 6))),
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
            busy(EventTime::Day(date(2026, 11, 28)), EventTime::Day(date(2026, 12, 2))),
            busy(at("2026-12-05T09:00:00Z"), at("2026-12-08T17:00:00Z")),
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
            busy(at("2026-12-07T04:59:00Z"), at("2026-12-07T05:00:00Z")), // 23:59 on the 6th in New York
            busy(at("2026-12-07T05:00:00Z"), at("2026-12-07T06:00:00Z")),
            busy(EventTime::Day(date(2026, 12, 14)), EventTime::Day(date(2026, 12, 15))),
        ];
        let window = Window { from: date(2026, 12, 7), days: 7 };
        let placed = window.collect(&mut WallClock::new(&zone), events.iter());
        assert_eq!(placed.len(), 1);
        assert_eq!(placed[0].start, date(2026, 12, 7).at(0, 0, 0, 0));
    }
}
