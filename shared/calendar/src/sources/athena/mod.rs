//! athenaOne `appointments/booked` records (the bare array, or the page with `appointments`): when a
//! provider is busy or free, never who the patient is. Only the fields below are read; `patient`,
//! `patientid`, insurances, notes, reasons, encounter ids and every other field are never kept.

mod directory;

pub use directory::{MAX_DIRECTORY_ENTRIES, MAX_ID_CHARS, PracticeDirectory};

use super::ReadContext;
use super::SourceEvent;
use super::reader::{RecordErrors, RecordsAt, SourceRecord, non_blank};
use crate::domain::{EventTime, ShowAs};
use jiff::SignedDuration;
use jiff::civil::{Date, DateTime, Time};
use serde::de::{self, Deserialize, Deserializer, Visitor};
use std::fmt;

const MAX_DURATION_MINUTES: i64 = 24 * 60;
/// The title of an appointment whose type is not given.
const UNTYPED: &str = "Appointment";
const OPEN_SLOT: &str = "Open";

#[derive(serde::Deserialize)]
pub(crate) struct AthenaAppointment {
    appointmentid: Option<TextOrNumber>,
    date: Option<String>,
    starttime: Option<String>,
    duration: Option<TextOrNumber>,
    appointmentstatus: Option<String>,
    appointmenttype: Option<String>,
    departmentid: Option<TextOrNumber>,
    providerid: Option<TextOrNumber>,
}

/// What an `appointmentstatus` code says about the slot.
enum AppointmentStatus {
    Open,
    Booked(&'static str),
    Cancelled,
}

impl AppointmentStatus {
    fn parse(code: &str) -> Result<Self, &'static str> {
        match code.to_ascii_lowercase().as_str() {
            "o" => Ok(Self::Open),
            "f" => Ok(Self::Booked("Scheduled")),
            "2" => Ok(Self::Booked("Checked in")),
            "3" => Ok(Self::Booked("Checked out")),
            "4" => Ok(Self::Booked("Charge entered")),
            "x" => Ok(Self::Cancelled),
            _ => Err("must be one of f, o, 2, 3, 4, x"),
        }
    }
}

impl SourceRecord for AthenaAppointment {
    const AT: RecordsAt = RecordsAt::array_or_page("appointments");

    fn read(self, record: &mut RecordErrors<'_>, context: &ReadContext) -> Option<SourceEvent> {
        let date = record.require("date", self.date);
        let date = date.and_then(|raw| record.check("date", parse_date(&raw)));
        let time = record.require("starttime", self.starttime);
        let time = time.and_then(|raw| record.check("starttime", parse_time(&raw)));
        let duration = record.require("duration", self.duration);
        let duration = duration.and_then(|raw| record.check("duration", parse_duration(&raw.0)));
        let status = record.require("appointmentstatus", self.appointmentstatus);
        let status = status.and_then(|raw| record.check("appointmentstatus", AppointmentStatus::parse(&raw)));
        let appointment_type = record.text("appointmenttype", non_blank(self.appointmenttype));
        let department = self.departmentid.map(|id| id.0);
        let provider = self.providerid.and_then(|id| record.check("providerid", bounded_id(id.0)));
        let practice = &context.athena;
        let zone = match department.as_deref().and_then(|id| practice.department_zone(id)) {
            Some(zone) => zone,
            // The share's own zone; without one (it is invalid, and reported) no time can be read.
            None => context.share_zone.as_ref()?,
        };
        let start = date.zip(time).map(|(date, time)| DateTime::from_parts(date, time));
        // Compatible disambiguation, as RFC 5545 reads local times: a time the clock skips moves
        // forward by the gap, a time it repeats is its first occurrence.
        let start = start.and_then(|start| {
            record.check("date", zone.to_ambiguous_timestamp(start).compatible().map_err(|_| "is out of range"))
        });
        let end = start.zip(duration).and_then(|(start, minutes)| {
            let end = start.checked_add(SignedDuration::from_mins(minutes));
            record.check("duration", end.map_err(|_| "ends out of range"))
        });
        let (status, start, end) = (status?, start?, end?);
        let (show_as, title, status_name) = match status {
            AppointmentStatus::Open => (ShowAs::Free, OPEN_SLOT.to_owned(), Some(OPEN_SLOT)),
            AppointmentStatus::Booked(name) => {
                (ShowAs::Busy, appointment_type.unwrap_or_else(|| UNTYPED.to_owned()), Some(name))
            }
            AppointmentStatus::Cancelled => (ShowAs::Busy, UNTYPED.to_owned(), None),
        };
        let resource =
            provider.map(|id| practice.provider_name(&id).map_or_else(|| format!("Provider {id}"), str::to_owned));
        Some(SourceEvent {
            show_as,
            cancelled: matches!(status, AppointmentStatus::Cancelled),
            location: department.as_deref().and_then(|id| practice.department_name(id)).map(str::to_owned),
            resource,
            status: status_name.map(str::to_owned),
            ..SourceEvent::new(self.appointmentid.map(|id| id.0), (EventTime::At(start), EventTime::At(end)), title)
        })
    }
}

/// An id shown as it is (`Provider {id}` where the body names no provider) is no longer than an id.
fn bounded_id(id: String) -> Result<String, String> {
    match id.chars().count() {
        1..=MAX_ID_CHARS => Ok(id),
        _ => Err(format!("must be an id of 1 to {MAX_ID_CHARS} characters")),
    }
}

/// athena's `MM/DD/YYYY`.
fn parse_date(raw: &str) -> Result<Date, &'static str> {
    const EXPECTED: &str = "must be a date as MM/DD/YYYY, e.g. 12/03/2026";
    let [m1, m2, b'/', d1, d2, b'/', y1, y2, y3, y4] = *raw.as_bytes() else { return Err(EXPECTED) };
    let digits = [m1, m2, d1, d2, y1, y2, y3, y4];
    if !digits.iter().all(u8::is_ascii_digit) {
        return Err(EXPECTED);
    }
    let number = |digits: &[u8]| digits.iter().fold(0i16, |n, d| n * 10 + i16::from(d - b'0'));
    let (month, day, year) = (number(&[m1, m2]), number(&[d1, d2]), number(&[y1, y2, y3, y4]));
    Date::new(year, month as i8, day as i8).map_err(|_| "is not a day of the calendar")
}

/// athena's `HH:MM`, 24 h.
fn parse_time(raw: &str) -> Result<Time, &'static str> {
    const EXPECTED: &str = "must be a time as HH:MM (24 h), e.g. 09:30";
    let [h1, h2, b':', m1, m2] = *raw.as_bytes() else { return Err(EXPECTED) };
    if ![h1, h2, m1, m2].iter().all(u8::is_ascii_digit) {
        return Err(EXPECTED);
    }
    let (hour, minute) = ((h1 - b'0') * 10 + (h2 - b'0'), (m1 - b'0') * 10 + (m2 - b'0'));
    Time::new(hour as i8, minute as i8, 0, 0).map_err(|_| EXPECTED)
}

/// Whole minutes, 1 to a day (athena sends a number or, in older responses, a string of one).
fn parse_duration(raw: &str) -> Result<i64, String> {
    match raw.trim().parse::<i64>() {
        Ok(minutes) if (1..=MAX_DURATION_MINUTES).contains(&minutes) => Ok(minutes),
        _ => Err(format!("must be a whole number of minutes from 1 to {MAX_DURATION_MINUTES}")),
    }
}

/// A field athena sends as a string or as a number (ids, durations), read as its text.
struct TextOrNumber(String);

impl<'de> Deserialize<'de> for TextOrNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextOrNumberVisitor)
    }
}

struct TextOrNumberVisitor;

impl Visitor<'_> for TextOrNumberVisitor {
    type Value = TextOrNumber;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string or a number")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<TextOrNumber, E> {
        Ok(TextOrNumber(value.to_owned()))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<TextOrNumber, E> {
        Ok(TextOrNumber(value.to_string()))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<TextOrNumber, E> {
        Ok(TextOrNumber(value.to_string()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<TextOrNumber, E> {
        Ok(TextOrNumber(value.to_string()))
    }
}

#[cfg(test)]
mod tests;
