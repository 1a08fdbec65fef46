//! Dates, date-times and their zones: `TZID`s by IANA or Windows name (as Outlook writes them),
//! else from the file's own `VTIMEZONE` (its current rules as a POSIX TZ string, else its current
//! standard offset); UTC (`Z`) and floating times, which are read in the share's zone.

use super::content_lines::{Component, LineError, Property, shown};
use super::rule::{RecurrenceRule, read_rule};
use crate::sources::msgraph::graph_zone;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{Offset, TimeZone};
use std::collections::HashMap;

/// How a time value is anchored.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Anchor {
    /// `VALUE=DATE`: an all-day date.
    Day,
    /// A local time in a zone (`TZID`, or UTC for `Z`).
    Zoned(TimeZone),
    /// No zone: the share's.
    Floating,
}

/// A `DTSTART`-like value: its wall-clock time (midnight for a date) and how it is anchored.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IcalTime {
    pub local: DateTime,
    pub anchor: Anchor,
}

impl IcalTime {
    pub fn is_day(&self) -> bool {
        self.anchor == Anchor::Day
    }

    /// The same anchor at another wall-clock time (an occurrence of a recurrence).
    pub fn at(&self, local: DateTime) -> Self {
        Self { local, anchor: self.anchor.clone() }
    }

    /// The instant, a floating time in `share_zone`; a local time the clock skips moves forward by the
    /// gap, a repeated one takes its first occurrence (jiff's "compatible", as RFC 5545 reads them).
    pub fn instant(&self, share_zone: &TimeZone) -> Option<jiff::Timestamp> {
        let zone = match &self.anchor {
            Anchor::Zoned(zone) => zone,
            Anchor::Day | Anchor::Floating => share_zone,
        };
        zone.to_timestamp(self.local).ok()
    }

    /// The time as a source id part: a date, a floating wall-clock time, or the instant in UTC, so
    /// an override's `RECURRENCE-ID` names its occurrence whatever zone either is written in.
    pub fn id_part(&self) -> String {
        // Written digit by digit: jiff's strftime would be most of what this reader adds to a binary.
        let date = |d: Date| format!("{:04}{:02}{:02}", d.year(), d.month(), d.day());
        let date_time = |t: DateTime| format!("{}T{:02}{:02}{:02}", date(t.date()), t.hour(), t.minute(), t.second());
        match &self.anchor {
            Anchor::Day => date(self.local.date()),
            Anchor::Floating => date_time(self.local),
            Anchor::Zoned(zone) => match zone.to_timestamp(self.local) {
                Ok(at) => date_time(TimeZone::UTC.to_datetime(at)) + "Z",
                Err(_) => date_time(self.local),
            },
        }
    }
}

/// The zones a file defines in its `VTIMEZONE`s, by `TZID`, and what each `TZID` used resolves to.
#[derive(Default)]
pub(crate) struct Zones {
    defined: HashMap<String, Component>,
    resolved: HashMap<String, Option<TimeZone>>,
}

impl Zones {
    pub fn new(vtimezones: impl IntoIterator<Item = Component>) -> Self {
        let mut defined = HashMap::new();
        for vtimezone in vtimezones {
            if let Some(tzid) = vtimezone.property("TZID").map(|p| p.value.trim().to_owned()) {
                defined.entry(tzid).or_insert(vtimezone);
            }
        }
        Self { defined, resolved: HashMap::new() }
    }

    /// The zone a `TZID` names: by IANA or Windows name, else by the file's `VTIMEZONE` of that id.
    fn zone(&mut self, tzid: &str) -> Option<TimeZone> {
        if let Some(known) = self.resolved.get(tzid) {
            return known.clone();
        }
        // Some writers mark a globally unique id with a leading "/" ("/Europe/Berlin").
        let by_name = graph_zone(tzid).or_else(|_| graph_zone(tzid.trim_start_matches('/'))).ok();
        let zone = by_name.or_else(|| self.defined.get(tzid).and_then(zone_from_rules));
        self.resolved.insert(tzid.to_owned(), zone.clone());
        zone
    }

    /// A `DATE` or `DATE-TIME` property (`DTSTART`, `DTEND`, `RECURRENCE-ID`).
    pub fn time_of(&mut self, property: &Property) -> Result<IcalTime, LineError> {
        let mut values = self.times_of(property)?;
        match values.len() {
            1 => Ok(values.remove(0)),
            _ => Err(LineError::new(property.line, format!("{} takes one value", property.name))),
        }
    }

    /// Every value of a list-valued `DATE`/`DATE-TIME` property (`RDATE`, `EXDATE`); of a `PERIOD`, its start.
    pub fn times_of(&mut self, property: &Property) -> Result<Vec<IcalTime>, LineError> {
        let error = |message: String| LineError::new(property.line, format!("{}: {message}", property.name));
        let is_date = property.param("VALUE").is_some_and(|v| v.eq_ignore_ascii_case("DATE"));
        let zone = match property.param("TZID") {
            Some(tzid) => Some(self.zone(tzid.trim()).ok_or_else(|| {
                error(format!("unknown time zone {} (no VTIMEZONE, IANA or Windows zone of that name)", shown(tzid)))
            })?),
            None => None,
        };
        let mut values = Vec::new();
        for raw in property.value.split(',') {
            let raw = raw.split('/').next().unwrap_or(raw).trim();
            values.push(parse_value(raw, is_date, zone.as_ref()).map_err(|message| error(message.to_owned()))?);
        }
        Ok(values)
    }
}

/// `YYYYMMDD` (with `VALUE=DATE`, or alone) or `YYYYMMDDTHHMMSS` with an optional `Z`.
pub(super) fn parse_value(raw: &str, is_date: bool, zone: Option<&TimeZone>) -> Result<IcalTime, &'static str> {
    const EXPECTED: &str = "expected a date (20261203) or a date-time (20261203T090000, 20261203T140000Z)";
    let digits = |text: &str| text.bytes().all(|b| b.is_ascii_digit());
    let number = |text: &str| text.parse::<i16>().map_err(|_| EXPECTED);
    let (date_part, time_part) = match raw.split_once(['T', 't']) {
        Some((date, time)) => (date, Some(time)),
        None => (raw, None),
    };
    if date_part.len() != 8 || !digits(date_part) {
        return Err(EXPECTED);
    }
    let date = Date::new(number(&date_part[..4])?, number(&date_part[4..6])? as i8, number(&date_part[6..])? as i8)
        .map_err(|_| "not a date of the calendar")?;
    let Some(time_part) = time_part else {
        return Ok(IcalTime { local: date.to_datetime(Time::midnight()), anchor: Anchor::Day });
    };
    if is_date {
        return Err("VALUE=DATE takes a date without a time");
    }
    let (clock, utc) = match time_part.strip_suffix(['Z', 'z']) {
        Some(clock) => (clock, true),
        None => (time_part, false),
    };
    if clock.len() != 6 || !digits(clock) {
        return Err(EXPECTED);
    }
    // A leap second (60) is read as the second before it.
    let second = number(&clock[4..])?.min(59);
    let time = Time::new(number(&clock[..2])? as i8, number(&clock[2..4])? as i8, second as i8, 0)
        .map_err(|_| "not a time of day")?;
    let anchor = match (utc, zone) {
        (true, _) => Anchor::Zoned(TimeZone::UTC),
        (false, Some(zone)) => Anchor::Zoned(zone.clone()),
        (false, None) => Anchor::Floating,
    };
    Ok(IcalTime { local: date.to_datetime(time), anchor })
}

/// A `VTIMEZONE`'s current rules: the latest `STANDARD` and `DAYLIGHT` observances (those whose
/// rule has no `UNTIL`, else the latest to start) as a POSIX TZ string when both recur yearly on
/// a weekday of a month, else the latest standard offset alone.
fn zone_from_rules(vtimezone: &Component) -> Option<TimeZone> {
    let current = |kind: &str| {
        let observances = vtimezone.children.iter().filter(|c| c.name == kind).filter_map(Observance::read);
        observances.max_by_key(|o| (o.rule.as_ref().is_none_or(|r| r.until.is_none()), o.start))
    };
    let standard = current("STANDARD").or_else(|| current("DAYLIGHT"))?;
    let fixed = || Some(TimeZone::fixed(standard.offset_to));
    let Some(daylight) = current("DAYLIGHT").filter(|d| d.start != standard.start) else { return fixed() };
    let (Some(to_daylight), Some(to_standard)) = (daylight.posix_rule(), standard.posix_rule()) else {
        return fixed();
    };
    let posix = format!(
        "STD{}DST{},{to_daylight},{to_standard}",
        posix_offset(standard.offset_to),
        posix_offset(daylight.offset_to)
    );
    TimeZone::posix(&posix).ok().or_else(fixed)
}

/// One `STANDARD` or `DAYLIGHT` observance: when it starts (local time before it), its offset, its rule.
struct Observance {
    start: DateTime,
    offset_to: Offset,
    rule: Option<RecurrenceRule>,
}

impl Observance {
    fn read(component: &Component) -> Option<Self> {
        let start = parse_value(component.property("DTSTART")?.value.trim(), false, None).ok()?.local;
        let offset_to = parse_offset(&component.property("TZOFFSETTO")?.value)?;
        let rule = component.property("RRULE").and_then(|p| read_rule(&p.value).ok());
        Some(Self { start, offset_to, rule })
    }

    /// `Mm.w.d/hh:mm:ss`: the observance's start as a yearly rule on the nth (or last) weekday of a month.
    fn posix_rule(&self) -> Option<String> {
        let rule = self.rule.as_ref()?;
        let (month, day) = rule.yearly_weekday_of_month()?;
        let (ordinal, weekday) = day;
        let week = match ordinal {
            1..=4 => ordinal,
            -1 => 5,
            _ => return None,
        };
        let time = self.start.time();
        Some(format!(
            "M{month}.{week}.{}/{}:{:02}:{:02}",
            weekday.to_sunday_zero_offset(),
            time.hour(),
            time.minute(),
            time.second()
        ))
    }
}

/// `+HHMM` or `-HHMM` (optionally `SS`).
fn parse_offset(raw: &str) -> Option<Offset> {
    let raw = raw.trim();
    let (sign, digits) = match raw.as_bytes().first()? {
        b'+' => (1, &raw[1..]),
        b'-' => (-1, &raw[1..]),
        _ => return None,
    };
    if !(digits.len() == 4 || digits.len() == 6) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let part = |range: std::ops::Range<usize>| digits.get(range).and_then(|d| d.parse::<i32>().ok()).unwrap_or(0);
    let seconds = part(0..2) * 3600 + part(2..4) * 60 + part(4..6);
    Offset::from_seconds(sign * seconds).ok()
}

/// POSIX offsets are west-positive: UTC-05:00 is `5`.
fn posix_offset(offset: Offset) -> String {
    let seconds = -offset.seconds();
    let sign = if seconds < 0 { "-" } else { "" };
    let seconds = seconds.abs();
    format!("{sign}{}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60)
}

#[cfg(test)]
mod tests {
    use super::super::content_lines::parse_components;
    use super::*;

    fn zones_of(text: &str) -> Zones {
        let mut errors = Vec::new();
        let top = parse_components(text, |_, _| true, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        Zones::new(top.into_iter().flat_map(|c| c.children).filter(|c| c.name == "VTIMEZONE"))
    }

    fn property(name: &str, params: &[(&str, &str)], value: &str) -> Property {
        let params = params.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        Property { name: name.into(), params, value: value.into(), line: 9 }
    }

    const CUSTOM_EASTERN: &str = "BEGIN:VCALENDAR\nBEGIN:VTIMEZONE\nTZID:Custom Eastern\n\
        BEGIN:STANDARD\nDTSTART:16011104T020000\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nEND:STANDARD\n\
        BEGIN:DAYLIGHT\nDTSTART:16010311T020000\nRRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\nTZOFFSETFROM:-0500\nTZOFFSETTO:-0400\nEND:DAYLIGHT\n\
        END:VTIMEZONE\nBEGIN:VTIMEZONE\nTZID:Fixed Plus Five Thirty\nBEGIN:STANDARD\nDTSTART:19700101T000000\nTZOFFSETFROM:+0530\nTZOFFSETTO:+0530\nEND:STANDARD\nEND:VTIMEZONE\nEND:VCALENDAR\n";

    #[test]
    fn zones_come_by_iana_or_windows_name_else_from_the_files_rules() {
        let mut zones = zones_of(CUSTOM_EASTERN);
        let at = |zones: &mut Zones, tzid: &str, value: &str| {
            let time = zones.time_of(&property("DTSTART", &[("TZID", tzid)], value)).unwrap();
            time.instant(&TimeZone::UTC).unwrap().to_string()
        };
        assert_eq!(at(&mut zones, "Europe/Berlin", "20261203T090000"), "2026-12-03T08:00:00Z");
        assert_eq!(at(&mut zones, "Eastern Standard Time", "20261203T090000"), "2026-12-03T14:00:00Z");
        assert_eq!(at(&mut zones, "W. Europe Standard Time", "20260703T090000"), "2026-07-03T07:00:00Z");
        assert_eq!(at(&mut zones, "Custom Eastern", "20261203T090000"), "2026-12-03T14:00:00Z");
        assert_eq!(at(&mut zones, "Custom Eastern", "20260703T090000"), "2026-07-03T13:00:00Z");
        assert_eq!(at(&mut zones, "Custom Eastern", "20260308T023000"), "2026-03-08T07:30:00Z", "the gap moves on");
        assert_eq!(at(&mut zones, "Fixed Plus Five Thirty", "20261203T090000"), "2026-12-03T03:30:00Z");
        let unknown = zones.time_of(&property("DTSTART", &[("TZID", "Atlantis")], "20261203T090000"));
        assert!(unknown.unwrap_err().to_string().starts_with("line 9: DTSTART: unknown time zone"));
    }

    #[test]
    fn values_are_dates_utc_or_floating() {
        let mut zones = Zones::default();
        let time = |zones: &mut Zones, params: &[(&str, &str)], value: &str| {
            zones.time_of(&property("DTSTART", params, value))
        };
        assert!(time(&mut zones, &[("VALUE", "DATE")], "20261225").unwrap().is_day());
        assert_eq!(time(&mut zones, &[], "20261203T140000Z").unwrap().id_part(), "20261203T140000Z");
        let floating = time(&mut zones, &[], "20261203T090000").unwrap();
        assert_eq!(floating.anchor, Anchor::Floating);
        let new_york = TimeZone::get("America/New_York").unwrap();
        assert_eq!(floating.instant(&new_york).unwrap().to_string(), "2026-12-03T14:00:00Z");
        for broken in ["2026-12-03", "20261203T0900", "20261303", "20261203T250000"] {
            assert!(time(&mut zones, &[], broken).is_err(), "{broken}");
        }
        assert!(time(&mut zones, &[("VALUE", "DATE")], "20261203T090000").is_err());
        let list = zones.times_of(&property("EXDATE", &[], "20261203T140000Z,20261210T140000Z")).unwrap();
        assert_eq!(list.len(), 2);
    }

    #[test]
    fn a_utc_override_names_the_same_occurrence_as_a_zoned_start() {
        let mut zones = Zones::default();
        let zoned = zones.time_of(&property("DTSTART", &[("TZID", "America/New_York")], "20261203T090000")).unwrap();
        let utc = zones.time_of(&property("RECURRENCE-ID", &[], "20261203T140000Z")).unwrap();
        assert_eq!(zoned.id_part(), utc.id_part());
    }
}
