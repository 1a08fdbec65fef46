//! The agenda's paging: events from a day on, whole days at a time, and where the pages either
//! side start.

use super::{Placed, WallClock, midnight};
use crate::domain::{EventTime, SharedEvent};
use jiff::Timestamp;
use jiff::civil::Date;

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
        let mut events = vec![busy(EventTime::Day(date(2026, 11, 30)), EventTime::Day(date(2026, 12, 10)))];
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
