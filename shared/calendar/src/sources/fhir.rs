//! FHIR R4 `Appointment` resources: a bare array, or a `searchset` Bundle whose entries hold them
//! (resources of other types, such as included Patients, are skipped). Only the times, status, type
//! and the practitioner's and location's names are read: patients, related persons, reasons, notes
//! and every other field are never kept.

use super::ReadContext;
use super::reader::{RecordErrors, RecordsAt, SourceRecord, non_blank};
use super::{MalformedEvents, SourceEvent};
use crate::domain::{EventTime, ShowAs, ValidationErrors, parse_rfc3339};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::value::RawValue;

/// The only Bundle type read: a search's results. A `collection` or `document` is not a schedule, and
/// `transaction`, `batch` and `history` Bundles carry requests and past versions rather than appointments.
const READ_BUNDLE_TYPE: &str = "searchset";
/// The longest `minutesDuration` read, as for athena's `duration`: one day.
const MAX_DURATION_MINUTES: f64 = 24.0 * 60.0;
const DEFAULT_TITLE: &str = "Appointment";

/// A Bundle's own fields, its entries skipped.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BundleHeader {
    resource_type: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    entry: Option<IgnoredAny>,
}

/// One resource of the array or Bundle: an Appointment's fields read, typed loosely enough that the
/// other resources a search includes (Patient, Practitioner, Location, Encounter, Slot) read too.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FhirResource {
    resource_type: Option<String>,
    id: Option<String>,
    status: Option<String>,
    start: Option<String>,
    end: Option<String>,
    minutes_duration: Option<f64>,
    /// A list in an Appointment; one in an Encounter.
    service_type: Option<OneOrMany<CodeableConcept>>,
    appointment_type: Option<CodeableConcept>,
    participant: Option<Vec<Participant>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany<T> {
    Many(Vec<T>),
    One(T),
}

#[derive(Deserialize)]
struct CodeableConcept {
    text: Option<String>,
    coding: Option<Vec<Coding>>,
}

#[derive(Deserialize)]
struct Coding {
    display: Option<String>,
}

#[derive(Deserialize)]
struct Participant {
    actor: Option<Reference>,
}

#[derive(Deserialize)]
struct Reference {
    reference: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    display: Option<String>,
}

/// What an Appointment's `status` makes of it.
enum StatusReading {
    Shown(ShowAs),
    /// Not yet fixed: tentative, and without a `start` left out rather than refused.
    Unscheduled,
    LeftOut,
}

fn status_reading(status: &str) -> Option<StatusReading> {
    match status {
        "booked" | "arrived" | "fulfilled" | "checked-in" => Some(StatusReading::Shown(ShowAs::Busy)),
        "proposed" | "pending" | "waitlist" => Some(StatusReading::Unscheduled),
        "cancelled" | "noshow" | "entered-in-error" => Some(StatusReading::LeftOut),
        _ => None,
    }
}

impl SourceRecord for FhirResource {
    const AT: RecordsAt = RecordsAt { page: Some("entry"), in_entry: Some("resource") };

    /// A Bundle must be a search's results; a bare array is read as it is.
    fn check_envelope(raw: &RawValue, events_at: &str, errors: &mut ValidationErrors) -> Result<bool, MalformedEvents> {
        if !raw.get().trim_start().starts_with('{') {
            return Ok(true);
        }
        let bundle: BundleHeader = serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(raw.get()))
            .map_err(|error| MalformedEvents::from_serde(events_at, error))?;
        let errors_before = errors.len();
        if bundle.resource_type.as_deref() != Some("Bundle") {
            let message = "must be \"Bundle\" (or send an array of Appointments)";
            errors.push(format!("{events_at}/resourceType"), message);
        }
        match bundle.kind.as_deref() {
            Some(READ_BUNDLE_TYPE) => {}
            Some(_) => errors.push(format!("{events_at}/type"), "must be \"searchset\": a Bundle of search results"),
            None => errors.push(format!("{events_at}/type"), "is required (\"searchset\")"),
        }
        // A search that found nothing has no `entry` at all.
        Ok(errors.len() == errors_before && bundle.entry.is_some())
    }

    fn read(self, record: &mut RecordErrors<'_>, _: &ReadContext) -> Option<SourceEvent> {
        if self.resource_type.as_deref().is_some_and(|kind| kind != "Appointment") {
            return None;
        }
        let status = record.require("status", self.status)?;
        let Some(reading) = status_reading(&status) else {
            record.push(
                "status",
                "must be one of proposed, pending, booked, arrived, fulfilled, cancelled, noshow, \
                 entered-in-error, checked-in, waitlist",
            );
            return None;
        };
        if self.start.is_none() && matches!(reading, StatusReading::Unscheduled) {
            return Some(left_out(self.id));
        }
        let times = read_times(record, self.start, self.end, self.minutes_duration);
        let title = read_title(record, self.service_type, self.appointment_type);
        let (resource, location) = read_actors(record, self.participant.unwrap_or_default());
        let (show_as, cancelled) = match reading {
            StatusReading::Shown(show_as) => (show_as, false),
            StatusReading::Unscheduled => (ShowAs::Tentative, false),
            StatusReading::LeftOut => (ShowAs::Busy, true),
        };
        Some(SourceEvent { show_as, cancelled, resource, location, ..SourceEvent::new(self.id, times?, title?) })
    }
}

/// An appointment not yet given a time: counted as left out, its times never read.
fn left_out(id: Option<String>) -> SourceEvent {
    let unknown = EventTime::At(Timestamp::UNIX_EPOCH);
    SourceEvent { cancelled: true, ..SourceEvent::new(id, (unknown, unknown), DEFAULT_TITLE.to_owned()) }
}

/// `start` and `end` are instants (with an offset); without `end`, `minutesDuration` after `start`.
fn read_times(
    record: &mut RecordErrors<'_>,
    start: Option<String>,
    end: Option<String>,
    minutes: Option<f64>,
) -> Option<(EventTime, EventTime)> {
    let mut instant = |field: &str, raw: String| {
        record.check(field, parse_rfc3339(&raw).map_err(|_| "must be an instant such as 2026-12-03T09:00:00-05:00"))
    };
    let start = start.map(|raw| instant("start", raw));
    let end = end.map(|raw| instant("end", raw));
    let given_duration = minutes.is_some();
    let minutes = minutes.and_then(|minutes| {
        let whole = minutes.fract() == 0.0 && (1.0..=MAX_DURATION_MINUTES).contains(&minutes);
        if !whole {
            record.push("minutesDuration", "must be a whole number of minutes from 1 to 1440");
        }
        // Whole and within 1–1440, so the conversion is exact.
        whole.then_some(minutes as i64)
    });
    let start = record.require("start", start)?;
    let end = match (end, minutes) {
        (Some(end), _) => end,
        (None, Some(minutes)) => {
            let end = start?.checked_add(SignedDuration::from_mins(minutes));
            Some(record.check("minutesDuration", end.map_err(|_| "ends out of range"))?)
        }
        (None, None) if given_duration => return None,
        (None, None) => {
            record.push("end", "is required (or minutesDuration)");
            return None;
        }
    };
    record.ordered("end", start.map(EventTime::At), end.map(EventTime::At))
}

/// The first `serviceType`, else the `appointmentType`: its `text`, else its first coding's `display`.
fn read_title(
    record: &mut RecordErrors<'_>,
    service_type: Option<OneOrMany<CodeableConcept>>,
    appointment_type: Option<CodeableConcept>,
) -> Option<String> {
    let first_service = match service_type {
        Some(OneOrMany::Many(list)) => list.into_iter().next().map(|concept| ("serviceType/0", concept)),
        Some(OneOrMany::One(concept)) => Some(("serviceType", concept)),
        None => None,
    };
    let named = |(field, concept): (&str, CodeableConcept)| label(field, concept);
    let title =
        first_service.and_then(named).or_else(|| appointment_type.map(|t| ("appointmentType", t)).and_then(named));
    match title {
        Some((field, text)) => record.text(&field, Some(text)),
        None => Some(DEFAULT_TITLE.to_owned()),
    }
}

/// A concept's words and where they were found: `text`, else the first coding's `display`.
fn label(field: &str, concept: CodeableConcept) -> Option<(String, String)> {
    if let Some(text) = non_blank(concept.text) {
        return Some((format!("{field}/text"), text));
    }
    let codings = concept.coding.unwrap_or_default().into_iter().enumerate();
    codings
        .filter_map(|(index, coding)| Some((format!("{field}/coding/{index}/display"), non_blank(coding.display)?)))
        .next()
}

/// The first Practitioner or PractitionerRole actor's name (the resource) and the first Location's
/// (none where that actor has no `display`).
/// Every other actor (Patient, RelatedPerson, Device, one of no known type) is passed over unread.
fn read_actors(record: &mut RecordErrors<'_>, participants: Vec<Participant>) -> (Option<String>, Option<String>) {
    let (mut resource, mut location) = (None, None);
    for (index, actor) in participants.into_iter().enumerate().filter_map(|(i, p)| Some((i, p.actor?))) {
        let slot = match actor_type(&actor) {
            Some("Practitioner" | "PractitionerRole") => &mut resource,
            Some("Location") => &mut location,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some((index, non_blank(actor.display)));
        }
    }
    // A display over the limit is reported; the record is then dropped whole.
    let mut named = |found: Option<(usize, Option<String>)>| {
        let (index, display) = found?;
        record.text(&format!("participant/{index}/actor/display"), display)
    };
    (named(resource), named(location))
}

/// The resource type an actor refers to. Its `reference` decides (the type segment of a relative or
/// absolute reference: `Practitioner/7`, `https://…/Location/1/_history/2`); its `type` (a name or a
/// StructureDefinition URL) counts only for an actor without one, and an actor whose two disagree is
/// `None`: a Patient reference typed as a Practitioner must never be shown. `None` too for a contained
/// (`#p1`) or `urn:uuid:` reference: its type is not known, so it is never shown.
fn actor_type(actor: &Reference) -> Option<&str> {
    let declared = actor.kind.as_deref().map(|kind| kind.rsplit('/').next().unwrap_or(kind));
    let Some(reference) = actor.reference.as_deref() else { return declared };
    let referenced = referenced_type(reference)?;
    match declared {
        Some(declared) if declared != referenced => None,
        _ => Some(referenced),
    }
}

fn referenced_type(reference: &str) -> Option<&str> {
    if reference.starts_with('#') || reference.starts_with("urn:") {
        return None;
    }
    let reference = reference.split(['?', '#']).next().unwrap_or(reference);
    let segments: Vec<&str> = reference.split('/').collect();
    let versioned = segments.len() >= 4 && segments[segments.len() - 2] == "_history";
    let type_at = if versioned { segments.len().checked_sub(4)? } else { segments.len().checked_sub(2)? };
    Some(segments[type_at])
}

#[cfg(test)]
#[path = "fhir_tests.rs"]
mod tests;
