//! The agenda's paging: events from a day on, whole days at a time while a page has room, and
//! where the pages either side start. A page is full at a count of events or at an estimate of the
//! bytes they render to, whichever comes first; a day too full for one page goes on on the next.

use super::{Placed, WallClock, midnight};
use crate::domain::{EventTime, SharedEvent};
use crate::render::query::PageStart;
use jiff::Timestamp;
use jiff::civil::Date;

/// How much an agenda page holds: once a soft limit is reached it ends at the next day boundary;
/// an item that would pass a hard limit ends it at once, in the middle of a day.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AgendaLimits {
    pub soft_items: usize,
    pub hard_items: usize,
    pub soft_bytes: usize,
    pub hard_bytes: usize,
}

/// What a page holds so far.
#[derive(Debug, Default, Clone, Copy)]
struct Fill {
    items: usize,
    bytes: usize,
}

impl Fill {
    fn soft_reached(&self, limits: &AgendaLimits) -> bool {
        self.items >= limits.soft_items || self.bytes >= limits.soft_bytes
    }

    /// Whether one more item of `bytes` would pass a hard limit (a page always takes one item).
    fn would_pass_hard(&self, limits: &AgendaLimits, bytes: usize) -> bool {
        self.items > 0 && (self.items >= limits.hard_items || self.bytes + bytes > limits.hard_bytes)
    }

    fn add(&mut self, bytes: usize) {
        self.items += 1;
        self.bytes += bytes;
    }
}

/// One page of the agenda.
#[derive(Debug)]
pub(crate) struct AgendaPage<'a> {
    /// In order, each with the day it is listed under (its start, or the page's first day for
    /// events that began earlier and are still on).
    pub items: Vec<(Date, Placed<'a>)>,
    /// Events of the last listed day that did not fit: the next page goes on with them.
    pub cut: usize,
    pub prev: Option<PageStart>,
    pub next: Option<PageStart>,
}

/// Still on at the start of `day` (which starts at `day_start` in the zone) though it began before.
fn still_on(event: &SharedEvent, day: Date, day_start: Timestamp) -> bool {
    match event.end {
        EventTime::At(end) => end > day_start,
        EventTime::Day(end) => end > day,
    }
}

/// Lists events from `start` on: the events of `start.date` (those still on from earlier days
/// first), then the following days', less the first `start.skip` of them. `first_day` is the
/// earliest day a link may lead to; `weight` estimates the bytes an event's item renders to.
pub(crate) fn agenda<'a>(
    clock: &mut WallClock<'_>,
    events: impl Iterator<Item = &'a SharedEvent>,
    start: PageStart,
    first_day: Date,
    limits: &AgendaLimits,
    weight: impl Fn(&SharedEvent) -> usize,
) -> AgendaPage<'a> {
    let zone = clock.zone();
    let from = start.date;
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

    // The listing from `from` on, each event with the instant it is listed at.
    let ongoing = earlier.iter().filter(|&&(_, _, event)| still_on(event, from, page_start));
    let mut listing = ongoing
        .map(|&(_, _, event)| (page_start, event))
        .chain(later.iter().map(|&(at, _, event)| (at, event)))
        .skip(start.skip)
        .peekable();

    let mut items: Vec<(Date, Placed<'a>)> = Vec::new();
    let mut fill = Fill::default();
    let (mut cut, mut next) = (0, None);
    // The day being listed, and how many of its listing (from its own start) are behind us.
    let (mut day, mut of_day) = (from, start.skip);
    while let Some(&(_, event)) = listing.peek() {
        let placed = Placed::new(event, clock);
        // Events still on from earlier days are listed under the first day.
        let listed = placed.start.date().max(from);
        if listed != day {
            if fill.soft_reached(limits) {
                next = Some(PageStart { date: listed, skip: 0 });
                break;
            }
            (day, of_day) = (listed, 0);
        }
        let bytes = weight(event);
        if fill.would_pass_hard(limits, bytes) {
            let day_end = midnight(zone, day.tomorrow().unwrap_or(day));
            cut = listing.clone().take_while(|&(at, _)| at < day_end).count();
            // A page from `day` lists the events still on from before it first: skip those too.
            let carried = if day == from {
                0
            } else {
                let day_start = midnight(zone, day);
                let before = &keyed[..keyed.partition_point(|&(at, _, _)| at < day_start)];
                before.iter().filter(|&&(_, _, event)| still_on(event, day, day_start)).count()
            };
            next = Some(PageStart { date: day, skip: carried + of_day });
            break;
        }
        items.push((listed, placed));
        fill.add(bytes);
        of_day += 1;
        listing.next();
    }

    let prev = if start.skip > 0 {
        // Within an overfull day: back by about this page's length.
        Some(PageStart { date: from, skip: start.skip.saturating_sub(items.len().max(1)) })
    } else {
        // Back to the earliest day from which a page would hold about as much.
        let mut prev = None;
        let mut behind = Fill::default();
        for &(_, _, event) in earlier.iter().rev() {
            let day = Placed::new(event, clock).start.date();
            if prev != Some(day) {
                if behind.soft_reached(limits) {
                    break;
                }
                prev = Some(day);
            }
            behind.add(weight(event));
        }
        prev.map(|day| PageStart { date: day.max(first_day), skip: 0 })
    };
    AgendaPage { items, cut, prev, next }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures::busy;
    use jiff::SignedDuration;
    use jiff::civil::date;
    use jiff::tz::TimeZone;

    fn day_events(days: &[(i8, usize)]) -> Vec<SharedEvent> {
        days.iter()
            .flat_map(|&(day, count)| {
                (0..count).map(move |i| {
                    let start =
                        date(2026, 12, day).at(8 + i as i8 % 12, 0, 0, 0).to_zoned_datetime(TimeZone::UTC).unwrap();
                    busy(
                        EventTime::At(start.timestamp()),
                        EventTime::At(start.timestamp() + SignedDuration::from_hours(1)),
                    )
                })
            })
            .collect()
    }

    fn counted(soft_items: usize, hard_items: usize) -> AgendaLimits {
        AgendaLimits { soft_items, hard_items, soft_bytes: usize::MAX, hard_bytes: usize::MAX }
    }

    fn from(day: i8) -> PageStart {
        PageStart { date: date(2026, 12, day), skip: 0 }
    }

    fn page<'a>(events: &'a [SharedEvent], start: PageStart, first_day: Date, limits: AgendaLimits) -> AgendaPage<'a> {
        agenda(&mut WallClock::new(&TimeZone::UTC), events.iter(), start, first_day, &limits, |_| 1000)
    }

    #[test]
    fn agenda_pages_whole_days_and_links_both_ways() {
        let events = day_events(&[(1, 2), (2, 2), (3, 2), (5, 2), (9, 1)]);
        let third = page(&events, from(3), date(2026, 12, 1), counted(3, 10));
        let days: Vec<_> = third.items.iter().map(|(day, _)| day.day()).collect();
        assert_eq!(days, [3, 3, 5, 5]);
        assert_eq!(third.next, Some(from(9)));
        assert_eq!(third.prev, Some(from(1)));
        assert_eq!(third.cut, 0);

        let first = page(&events, from(1), date(2026, 12, 1), counted(100, 100));
        assert_eq!(first.items.len(), 9);
        assert_eq!((first.prev, first.next), (None, None));
    }

    #[test]
    fn agenda_lists_ongoing_events_first_and_goes_on_with_overfull_days() {
        let mut events = vec![busy(EventTime::Day(date(2026, 11, 30)), EventTime::Day(date(2026, 12, 10)))];
        events.extend(day_events(&[(4, 6), (6, 1)]));
        let first = page(&events, from(2), date(2026, 11, 25), counted(2, 4));
        assert_eq!(first.items.len(), 4);
        assert_eq!(first.items[0].0, date(2026, 12, 2));
        assert!(first.items[0].1.all_day);
        assert_eq!(first.cut, 3);
        assert_eq!(first.prev, Some(PageStart { date: date(2026, 11, 30), skip: 0 }));
        // The 4th goes on with its three events left: a page from the 4th lists the ongoing event
        // first, then the 4th's own, so it skips one plus the three already shown.
        assert_eq!(first.next, Some(PageStart { date: date(2026, 12, 4), skip: 4 }));

        let second = page(&events, first.next.unwrap(), date(2026, 11, 25), counted(2, 4));
        let shown: Vec<_> = second.items.iter().map(|(day, placed)| (day.day(), placed.start.hour())).collect();
        assert_eq!(shown, [(4, 11), (4, 12), (4, 13)], "the rest of the 4th, each once");
        assert_eq!(second.next, Some(from(6)));
        assert_eq!(second.prev, Some(PageStart { date: date(2026, 12, 4), skip: 1 }));
    }

    #[test]
    fn pages_also_end_at_a_byte_budget() {
        let events = day_events(&[(1, 3), (2, 3), (3, 3)]);
        let by_bytes = AgendaLimits { soft_items: 100, hard_items: 100, soft_bytes: 2500, hard_bytes: 4500 };
        let whole_days = page(&events, from(1), date(2026, 12, 1), by_bytes);
        assert_eq!(whole_days.items.len(), 3, "the first day reaches the soft budget: the page ends with it");
        assert_eq!(whole_days.next, Some(from(2)));

        let tight = AgendaLimits { soft_bytes: 10_000, hard_bytes: 2500, ..by_bytes };
        let cut = page(&events, from(1), date(2026, 12, 1), tight);
        assert_eq!((cut.items.len(), cut.cut), (2, 1), "a third item would pass the hard budget");
        assert_eq!(cut.next, Some(PageStart { date: date(2026, 12, 1), skip: 2 }));
        let huge = AgendaLimits { hard_bytes: 10, ..tight };
        assert_eq!(page(&events, from(1), date(2026, 12, 1), huge).items.len(), 1, "a page always lists one");
    }
}
