//! A share's free/busy (`/s/{id}/freebusy.ics`): one RFC 5545 `VFREEBUSY` over its days, for
//! scheduling tools that want when the calendar is taken, not what takes it.

use super::content_lines::{ContentLines, utc};
use super::feed::PRODUCT_ID;
use crate::domain::{DateRange, EventTime, ShareOptions, ShareRecord, SharedEvent, ShowAs};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// RFC 5545's busy kinds, weakest first: where periods of different kinds overlap, the strongest
/// is written and the weaker ones are cut around it, so the periods written never overlap (which
/// RFC 5545 would allow, but a reader then has to rank them itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum BusyKind {
    Tentative,
    Busy,
    Unavailable,
}

impl BusyKind {
    /// Only what the feed writes `OPAQUE` is busy: RFC 5545 3.8.2.7 makes `TRANSPARENT` events
    /// "invisible to free/busy time searches". Working elsewhere is transparent in the feed (the
    /// person is working and can be met, only somewhere else), so it is left out like free time.
    /// An event of unknown state takes the time, as RFC 5545's default `FBTYPE`, `BUSY`, says.
    fn of(show_as: ShowAs) -> Option<Self> {
        match show_as {
            ShowAs::Free | ShowAs::WorkingElsewhere => None,
            ShowAs::Tentative => Some(Self::Tentative),
            ShowAs::Busy | ShowAs::Unknown => Some(Self::Busy),
            ShowAs::Oof => Some(Self::Unavailable),
        }
    }

    fn fbtype(self) -> &'static str {
        match self {
            Self::Tentative => "BUSY-TENTATIVE",
            Self::Busy => "BUSY",
            Self::Unavailable => "BUSY-UNAVAILABLE",
        }
    }
}

/// One written period: from `start` up to `end`, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Period {
    start: Timestamp,
    end: Timestamp,
    kind: BusyKind,
}

/// The share's free/busy over `range` (its days, or a rolling share's window today): events as
/// `served_at` gives them; stamped with the snapshot's publication time, so it changes only with it.
pub fn free_busy(record: &ShareRecord, events: &[SharedEvent], range: DateRange) -> String {
    let ShareOptions { time_zone, .. } = &record.options;
    let zone = time_zone.zone();
    let (from, until) = (midnight(range.start, zone), midnight(range.end, zone));
    let mut out = ContentLines::with_capacity(512 + events.len() * 64);
    out.property("BEGIN", "VCALENDAR");
    out.property("VERSION", "2.0");
    out.property("PRODID", PRODUCT_ID);
    out.property("METHOD", "PUBLISH");
    out.property("BEGIN", "VFREEBUSY");
    out.property("UID", &format!("freebusy-{}@calendar-share", record.id.as_str()));
    out.property("DTSTAMP", &utc(record.updated_at));
    out.property("DTSTART", &utc(from));
    out.property("DTEND", &utc(until));
    for period in periods(events, zone, from, until) {
        let value = format!("{}/{}", utc(period.start), utc(period.end));
        out.property(&format!("FREEBUSY;FBTYPE={}", period.kind.fbtype()), &value);
    }
    out.property("END", "VFREEBUSY");
    out.property("END", "VCALENDAR");
    out.0
}

fn midnight(day: Date, zone: &TimeZone) -> Timestamp {
    day.to_zoned_datetime(zone.clone()).map(|z| z.timestamp()).unwrap_or(Timestamp::MIN)
}

/// Where an event takes time, within `from..until`: an all-day event its days in the share's zone
/// (an end not after the start is its one day, as the feed writes it); an instant takes none.
fn span(event: &SharedEvent, zone: &TimeZone, from: Timestamp, until: Timestamp) -> Option<(Timestamp, Timestamp)> {
    let (start, end) = match (event.start, event.end) {
        (EventTime::At(s), EventTime::At(e)) => (s, e),
        (EventTime::Day(s), EventTime::Day(e)) => {
            let e = if e <= s { s.tomorrow().ok()? } else { e };
            (midnight(s, zone), midnight(e, zone))
        }
        _ => return None,
    };
    let (start, end) = (start.max(from), end.min(until));
    (start < end).then_some((start, end))
}

/// The busy periods in time order: at each moment the strongest kind of the events that take it,
/// touching or overlapping periods of one kind merged into one.
fn periods(events: &[SharedEvent], zone: &TimeZone, from: Timestamp, until: Timestamp) -> Vec<Period> {
    // +1 where a kind's event starts, -1 where it ends; ends sort before starts at the same moment
    // only to keep counts small: periods that touch merge either way.
    let mut edges: Vec<(Timestamp, BusyKind, i32)> = Vec::with_capacity(events.len() * 2);
    for event in events {
        let Some(kind) = BusyKind::of(event.show_as) else { continue };
        if let Some((start, end)) = span(event, zone, from, until) {
            edges.push((start, kind, 1));
            edges.push((end, kind, -1));
        }
    }
    edges.sort_by_key(|&(at, _, step)| (at, step));
    let mut open = [0i32; 3];
    let mut written: Vec<Period> = Vec::new();
    let mut current: Option<(Timestamp, BusyKind)> = None;
    let mut i = 0;
    while i < edges.len() {
        let at = edges[i].0;
        while i < edges.len() && edges[i].0 == at {
            open[edges[i].1 as usize] += edges[i].2;
            i += 1;
        }
        let strongest = [BusyKind::Unavailable, BusyKind::Busy, BusyKind::Tentative]
            .into_iter()
            .find(|&kind| open[kind as usize] > 0);
        if current.map(|(_, kind)| kind) == strongest {
            continue;
        }
        if let Some((start, kind)) = current.take() {
            written.push(Period { start, end: at, kind });
        }
        current = strongest.map(|kind| (at, kind));
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DetailLevel;
    use crate::render::fixtures::{event, record};
    use jiff::civil::date;

    fn at(text: &str) -> EventTime {
        EventTime::At(text.parse().unwrap())
    }

    fn lines(text: &str) -> Vec<String> {
        text.replace("\r\n ", "").split("\r\n").filter(|l| !l.is_empty()).map(str::to_owned).collect()
    }

    fn busy(events: &[SharedEvent]) -> Vec<String> {
        let share = record("Rota", "Europe/Berlin", date(2026, 12, 1), date(2027, 1, 1), DetailLevel::Limited);
        let written = free_busy(&share, events, share.options.range);
        lines(&written).into_iter().filter(|l| l.starts_with("FREEBUSY")).collect()
    }

    fn shown(show_as: ShowAs, start: EventTime, end: EventTime) -> SharedEvent {
        SharedEvent { show_as, ..event("x", start, end) }
    }

    #[test]
    fn overlapping_periods_merge_and_the_strongest_kind_wins() {
        let events = [
            shown(ShowAs::Busy, at("2026-12-03T09:00:00Z"), at("2026-12-03T10:00:00Z")),
            shown(ShowAs::Busy, at("2026-12-03T09:30:00Z"), at("2026-12-03T11:00:00Z")),
            shown(ShowAs::Busy, at("2026-12-03T11:00:00Z"), at("2026-12-03T11:30:00Z")),
            shown(ShowAs::Tentative, at("2026-12-03T11:00:00Z"), at("2026-12-03T13:00:00Z")),
            shown(ShowAs::Oof, at("2026-12-03T12:00:00Z"), at("2026-12-03T12:30:00Z")),
            shown(ShowAs::Free, at("2026-12-03T14:00:00Z"), at("2026-12-03T15:00:00Z")),
            shown(ShowAs::WorkingElsewhere, at("2026-12-03T15:00:00Z"), at("2026-12-03T16:00:00Z")),
        ];
        assert_eq!(
            busy(&events),
            [
                "FREEBUSY;FBTYPE=BUSY:20261203T090000Z/20261203T113000Z",
                "FREEBUSY;FBTYPE=BUSY-TENTATIVE:20261203T113000Z/20261203T120000Z",
                "FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20261203T120000Z/20261203T123000Z",
                "FREEBUSY;FBTYPE=BUSY-TENTATIVE:20261203T123000Z/20261203T130000Z",
            ]
        );
    }

    #[test]
    fn all_day_events_take_their_days_in_the_shares_zone_clipped_to_the_range() {
        let day = |d| EventTime::Day(d);
        let events = [
            shown(ShowAs::Oof, day(date(2026, 12, 24)), day(date(2026, 12, 26))),
            shown(ShowAs::Busy, day(date(2026, 11, 30)), day(date(2026, 12, 2))),
            shown(ShowAs::Busy, at("2026-12-31T22:00:00Z"), at("2026-12-31T23:30:00Z")),
        ];
        assert_eq!(
            busy(&events),
            [
                "FREEBUSY;FBTYPE=BUSY:20261130T230000Z/20261201T230000Z",
                "FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20261223T230000Z/20261225T230000Z",
                "FREEBUSY;FBTYPE=BUSY:20261231T220000Z/20261231T230000Z",
            ]
        );
    }

    #[test]
    fn the_calendar_holds_one_vfreebusy_over_the_range_in_utc() {
        let share = record("Rota", "Europe/Berlin", date(2026, 12, 1), date(2027, 1, 1), DetailLevel::Limited);
        let written = lines(&free_busy(&share, &[], share.options.range));
        let expected = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Calendar Shares//Share Service//EN",
            "METHOD:PUBLISH",
            "BEGIN:VFREEBUSY",
        ];
        assert_eq!(written[..5], expected);
        assert!(written.contains(&"DTSTART:20261130T230000Z".to_owned()));
        assert!(written.contains(&"DTEND:20261231T230000Z".to_owned()));
        assert!(written.iter().any(|l| l.starts_with("DTSTAMP:") && l.ends_with('Z')));
        assert!(written.iter().any(|l| l.starts_with("UID:")));
        assert_eq!(written[written.len() - 2..], ["END:VFREEBUSY", "END:VCALENDAR"]);
    }
}
