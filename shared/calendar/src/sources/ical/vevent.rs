//! One `VEVENT` read into what a share can show and what its recurrence needs; every rule it breaks
//! is reported with the line of the property at fault.

use super::content_lines::{Component, LineError, Property, text_list, unescape_text};
use super::rule::{RecurrenceRule, read_rule};
use super::zones::{Anchor, IcalTime, Zones, parse_value};
use crate::domain::{Color, ShowAs};
use crate::render::css_color_rgb;
use crate::sources::{MAX_DESCRIPTION_BYTES, MAX_TEXT_CHARS, SourceDescription, UNTITLED};
use jiff::SignedDuration;
use jiff::civil::DateTime;

/// The properties of a `VEVENT` that are read; every other one (`ATTENDEE`, `ORGANIZER`, `ATTACH`,
/// `X-…`) and every component inside it (`VALARM`) is dropped as it is read.
pub(super) const READ_PROPERTIES: [&str; 16] = [
    "UID",
    "RECURRENCE-ID",
    "SUMMARY",
    "LOCATION",
    "DESCRIPTION",
    "DTSTART",
    "DTEND",
    "DURATION",
    "TRANSP",
    "STATUS",
    "CLASS",
    "CATEGORIES",
    "COLOR",
    "RRULE",
    "RDATE",
    "EXDATE",
];

/// How long each occurrence lasts: a wall-clock span where start and end share their zone (a
/// 09:00–10:00 meeting stays so across a clock change), else an elapsed time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Length {
    WallClock(SignedDuration),
    Elapsed(SignedDuration),
}

/// A `VEVENT` as read: its shown fields, its first start and length, and its recurrence.
#[derive(Debug, Clone)]
pub(super) struct VEvent {
    pub line: usize,
    pub uid: Option<String>,
    pub recurrence_id: Option<IcalTime>,
    pub start: IcalTime,
    pub length: Length,
    pub title: String,
    pub location: Option<String>,
    pub description: Option<SourceDescription>,
    pub show_as: ShowAs,
    pub private: bool,
    pub cancelled: bool,
    pub resource: Option<String>,
    pub color: Option<Color>,
    pub rule: Option<(usize, RecurrenceRule)>,
    /// The rule's `UNTIL`, read as a date or date-time.
    pub until: Option<IcalTime>,
    pub rdates: Vec<IcalTime>,
    pub exdates: Vec<IcalTime>,
}

impl VEvent {
    /// Whether the event stands for a series rather than one time.
    pub fn recurs(&self) -> bool {
        self.rule.is_some() || !self.rdates.is_empty()
    }

    /// The text each of its occurrences carries, in bytes.
    pub fn text_bytes(&self) -> usize {
        let description = match &self.description {
            Some(SourceDescription::Text(text) | SourceDescription::Html(text)) => text.len(),
            None => 0,
        };
        self.title.len() + self.location.as_ref().map_or(0, String::len) + description
    }
}

/// Reads a `VEVENT`, or every rule it breaks.
pub(super) fn read_vevent(component: &Component, zones: &mut Zones) -> Result<VEvent, Vec<LineError>> {
    let mut problems = Problems(Vec::new());
    let text = |name: &str| {
        let property = component.property(name)?;
        Some((property, unescape_text(&property.value))).filter(|(_, text)| !text.trim().is_empty())
    };
    let uid = component.property("UID").map(|p| p.value.trim().to_owned()).filter(|uid| !uid.is_empty());
    let recurrence_id = component.property("RECURRENCE-ID").and_then(|p| problems.check(zones.time_of(p)));
    let start = match component.property("DTSTART") {
        Some(property) => problems.check(zones.time_of(property)),
        None => problems.check(Err(LineError::new(component.line, "a VEVENT needs DTSTART"))),
    };
    let length = start.as_ref().and_then(|start| problems.check(read_length(component, start, zones)));
    let title = match text("SUMMARY") {
        Some((property, title)) => problems.check(bounded(property, title, MAX_TEXT_CHARS)),
        None => Some(UNTITLED.to_owned()),
    };
    let location =
        text("LOCATION").and_then(|(property, location)| problems.check(bounded(property, location, MAX_TEXT_CHARS)));
    let description = text("DESCRIPTION").and_then(|(property, text)| {
        let too_long = format!("DESCRIPTION must be at most {MAX_DESCRIPTION_BYTES} bytes");
        let fits = text.len() <= MAX_DESCRIPTION_BYTES;
        problems.check(if fits {
            Ok(SourceDescription::Text(text))
        } else {
            Err(LineError::new(property.line, too_long))
        })
    });
    let is =
        |name: &str, value: &str| component.property(name).is_some_and(|p| p.value.trim().eq_ignore_ascii_case(value));
    let show_as = match (is("TRANSP", "TRANSPARENT"), is("STATUS", "TENTATIVE")) {
        (true, _) => ShowAs::Free,
        (false, true) => ShowAs::Tentative,
        (false, false) => ShowAs::Busy,
    };
    let private = is("CLASS", "PRIVATE") || is("CLASS", "CONFIDENTIAL");
    let resource = component.property("CATEGORIES").and_then(|property| {
        let first = text_list(&property.value).into_iter().next().filter(|c| !c.trim().is_empty())?;
        problems.check(bounded(property, first.trim().to_owned(), MAX_TEXT_CHARS))
    });
    let color = component.property("COLOR").and_then(read_color);
    let rule = component.property("RRULE").and_then(|property| {
        let rule = read_rule(&property.value);
        problems
            .check(rule.map_err(|message| LineError::new(property.line, format!("RRULE: {message}"))))
            .map(|rule| (property.line, rule))
    });
    let until = rule.as_ref().and_then(|(line, rule)| {
        let until = parse_value(rule.until.as_deref()?.trim(), false, None);
        problems.check(until.map_err(|message| LineError::new(*line, format!("RRULE: UNTIL: {message}"))))
    });
    let mut times = |name: &str| -> Vec<IcalTime> {
        let values = component.all(name).filter_map(|property| problems.check(zones.times_of(property)));
        values.flatten().collect()
    };
    let (rdates, exdates) = (times("RDATE"), times("EXDATE"));
    match (start, length, title) {
        (Some(start), Some(length), Some(title)) if problems.0.is_empty() => Ok(VEvent {
            line: component.line,
            uid,
            recurrence_id,
            start,
            length,
            title,
            location,
            description,
            show_as,
            private,
            cancelled: is("STATUS", "CANCELLED"),
            resource,
            color,
            rule,
            until,
            rdates,
            exdates,
        }),
        _ => Err(problems.0),
    }
}

/// The rules a `VEVENT` breaks, gathered as its properties are read.
struct Problems(Vec<LineError>);

impl Problems {
    fn check<T>(&mut self, result: Result<T, LineError>) -> Option<T> {
        result.map_err(|error| self.0.push(error)).ok()
    }
}

fn bounded(property: &Property, text: String, limit: usize) -> Result<String, LineError> {
    match text.chars().count() <= limit {
        true => Ok(text),
        false => Err(LineError::new(property.line, format!("{} must be at most {limit} characters", property.name))),
    }
}

/// `DTEND` (exclusive), else `DURATION`, else none: a day for an all-day event, no time otherwise.
fn read_length(component: &Component, start: &IcalTime, zones: &mut Zones) -> Result<Length, LineError> {
    if let Some(property) = component.property("DTEND") {
        let end = zones.time_of(property)?;
        if end.is_day() != start.is_day() {
            return Err(LineError::new(property.line, "DTEND must be a date when DTSTART is, a date-time otherwise"));
        }
        if end.anchor == start.anchor {
            return Ok(Length::WallClock(start.local.duration_until(end.local)));
        }
        let elapsed = match (start.instant(&jiff::tz::TimeZone::UTC), end.instant(&jiff::tz::TimeZone::UTC)) {
            (Some(s), Some(e)) => s.duration_until(e),
            _ => return Err(LineError::new(property.line, "DTEND is out of range")),
        };
        return Ok(Length::Elapsed(elapsed));
    }
    if let Some(property) = component.property("DURATION") {
        let duration = parse_duration(property.value.trim())
            .ok_or_else(|| LineError::new(property.line, "DURATION: expected a duration such as PT1H30M or P1D"))?;
        return Ok(Length::WallClock(duration));
    }
    let day = SignedDuration::from_hours(24);
    Ok(Length::WallClock(if start.is_day() { day } else { SignedDuration::ZERO }))
}

/// RFC 5545's `dur-value`: `P1W`, `P1DT2H`, `PT15M`, `+P1D`, `-PT5M`.
fn parse_duration(raw: &str) -> Option<SignedDuration> {
    let (sign, rest) = match raw.as_bytes().first()? {
        b'-' => (-1, &raw[1..]),
        b'+' => (1, &raw[1..]),
        _ => (1, raw),
    };
    let rest = rest.strip_prefix(['P', 'p'])?;
    let (mut seconds, mut number, mut in_time, mut any) = (0i64, None::<i64>, false, false);
    for c in rest.chars() {
        if let Some(digit) = c.to_digit(10) {
            number = Some(number.unwrap_or(0).checked_mul(10)?.checked_add(i64::from(digit))?);
            continue;
        }
        let unit = match c.to_ascii_uppercase() {
            'T' if !in_time && number.is_none() => {
                in_time = true;
                continue;
            }
            'W' if !in_time => 7 * 86_400,
            'D' if !in_time => 86_400,
            'H' if in_time => 3_600,
            'M' if in_time => 60,
            'S' if in_time => 1,
            _ => return None,
        };
        seconds = seconds.checked_add(number.take()?.checked_mul(unit)?)?;
        any = true;
    }
    (any && number.is_none()).then(|| SignedDuration::from_secs(sign * seconds))
}

/// `COLOR`: a CSS3 colour name (RFC 7986), or `#rrggbb`/`#rgb` as the other formats take. Anything
/// else is left out rather than refused: the person publishing an export did not write it and
/// cannot fix it, and an event without a colour of its own still shows.
fn read_color(property: &Property) -> Option<Color> {
    let raw = property.value.trim();
    let by_name = css_color_rgb(&raw.to_ascii_lowercase())
        .map(|[r, g, b]| format!("#{r:02x}{g:02x}{b:02x}"))
        .unwrap_or_else(|| raw.to_owned());
    Color::parse(&by_name).ok()
}

/// The end of an occurrence that starts at `start` (wall-clock, in its anchor).
pub(super) fn end_of(start: &IcalTime, length: Length, share_zone: &jiff::tz::TimeZone) -> Option<EndTime> {
    match length {
        Length::WallClock(span) => Some(EndTime::Local(start.local.checked_add(span).ok()?)),
        Length::Elapsed(elapsed) => Some(EndTime::At(start.instant(share_zone)?.checked_add(elapsed).ok()?)),
    }
}

/// Where an occurrence ends: a wall-clock time in its start's anchor, or an instant.
pub(super) enum EndTime {
    Local(DateTime),
    At(jiff::Timestamp),
}

impl EndTime {
    pub fn anchored(&self, start: &IcalTime, share_zone: &jiff::tz::TimeZone) -> Option<crate::domain::EventTime> {
        use crate::domain::EventTime;
        match self {
            EndTime::Local(local) if start.anchor == Anchor::Day => Some(EventTime::Day(local.date())),
            EndTime::Local(local) => start.at(*local).instant(share_zone).map(EventTime::At),
            EndTime::At(at) => Some(EventTime::At(*at)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_rfc_5545_writes_them() {
        let secs = |raw: &str| parse_duration(raw).map(|d| d.as_secs());
        assert_eq!(secs("PT1H30M"), Some(5400));
        assert_eq!(secs("P1D"), Some(86_400));
        assert_eq!(secs("P1W"), Some(604_800));
        assert_eq!(secs("P1DT2H"), Some(93_600));
        assert_eq!(secs("-PT5M"), Some(-300));
        for broken in ["", "P", "PT", "1H", "PT1D", "P1H", "PT5", "PT99999999999999999999H"] {
            assert_eq!(secs(broken), None, "{broken}");
        }
    }
}
