//! Where a share sits in time: which events fall inside its days, in its zone, and which of its
//! stored events it serves today (a rolling share's window moves on; what it left behind is not
//! served again).

use super::{DateRange, EventTime, ShareOptions, SharedEvent};
use jiff::{Timestamp, tz::TimeZone};
use std::borrow::Cow;

/// Where a share sits in time, to decide which events fall inside it.
pub struct RangeBounds {
    range: DateRange,
    zone: TimeZone,
    start: Timestamp,
    end: Timestamp,
}

impl RangeBounds {
    pub fn new(range: DateRange, zone: &TimeZone) -> Self {
        let at_midnight = |day: jiff::civil::Date| {
            day.to_zoned_datetime(zone.clone()).map(|z| z.timestamp()).unwrap_or(Timestamp::MIN)
        };
        Self { range, zone: zone.clone(), start: at_midnight(range.start), end: at_midnight(range.end) }
    }

    /// Where an event starts in time, all-day events at midnight in the share's zone: the order a
    /// reader expects, all-day events first among those starting together.
    fn order_key(&self, time: EventTime) -> (Timestamp, bool) {
        match time {
            EventTime::At(at) => (at, true),
            EventTime::Day(day) => {
                (day.to_zoned_datetime(self.zone.clone()).map(|z| z.timestamp()).unwrap_or(Timestamp::MIN), false)
            }
        }
    }

    pub fn overlaps(&self, start: EventTime, end: EventTime) -> bool {
        match (start, end) {
            (EventTime::Day(s), EventTime::Day(e)) => s < self.range.end && e > self.range.start,
            (EventTime::At(s), EventTime::At(e)) if s == e => self.start <= s && s < self.end,
            (EventTime::At(s), EventTime::At(e)) => s < self.end && e > self.start,
            _ => false,
        }
    }

    /// Puts events in the order `minimize` leaves them.
    pub fn sort(&self, events: &mut [SharedEvent]) {
        events.sort_by_cached_key(|event| (self.order_key(event.start), self.order_key(event.end)));
    }
}

/// The events a share serves at `now`: every stored one of a fixed range (stored within it), and of
/// a rolling share those that overlap today's window.
pub fn served_at<'a>(options: &ShareOptions, events: &'a [SharedEvent], now: Timestamp) -> Cow<'a, [SharedEvent]> {
    if options.rolling.is_none() {
        return Cow::Borrowed(events);
    }
    let bounds = RangeBounds::new(options.range_at(now), options.time_zone.zone());
    Cow::Owned(events.iter().filter(|event| bounds.overlaps(event.start, event.end)).cloned().collect())
}

#[cfg(all(test, feature = "view"))]
mod tests {
    use super::*;
    use crate::domain::{DetailLevel, RollingWindow};
    use crate::render::fixtures;

    /// A share whose window starts today holds an event that ended yesterday (stored when it was
    /// inside): the next day's page and feed do not serve it.
    #[test]
    fn a_rolling_share_serves_only_what_overlaps_todays_window() {
        let date = |text: &str| text.parse::<jiff::civil::Date>().unwrap();
        let mut record =
            fixtures::record("Rota", "Europe/Berlin", date("2026-12-06"), date("2026-12-13"), DetailLevel::Limited);
        record.options.rolling = Some(RollingWindow::new(0, 7).unwrap());
        let events = vec![
            fixtures::timed("Yesterday", "2026-12-06T09:00:00Z", "2026-12-06T10:00:00Z"),
            fixtures::timed("Late last night", "2026-12-06T22:00:00Z", "2026-12-06T23:30:00Z"),
            fixtures::timed("Standup today", "2026-12-07T09:00:00Z", "2026-12-07T10:00:00Z"),
            fixtures::timed("In a week", "2026-12-14T09:00:00Z", "2026-12-14T10:00:00Z"),
        ];
        let now: Timestamp = "2026-12-07T08:00:00Z".parse().unwrap();
        let titles = |events: &[SharedEvent]| events.iter().map(|e| e.title.clone().unwrap()).collect::<Vec<_>>();
        // 22:00-23:30 UTC on the 6th is 23:00-00:30 in Berlin: it reaches into today.
        assert_eq!(titles(&served_at(&record.options, &events, now)), ["Late last night", "Standup today"]);
        let page = crate::render::share_page(&record, &events, &Default::default(), &Default::default(), "", now);
        assert!(page.contains("Standup today") && !page.contains("Yesterday") && !page.contains("In a week"));
        record.options.rolling = None;
        assert_eq!(served_at(&record.options, &events, now).len(), 4, "a fixed range serves what it stored");
    }
}
