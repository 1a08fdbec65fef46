//! The skeleton every source format is read through: find the records in the body (a bare array or
//! the page its API returns), read each with pointers below its place, and keep those that break no rule.

use super::{MAX_DESCRIPTION_BYTES, MAX_TEXT_CHARS, MalformedEvents, ReadContext, SourceEvent, UNTITLED};
use crate::domain::{EventTime, ShowAs, ValidationErrors};
use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;
use std::marker::PhantomData;

/// Where a format's records sit in the body: always a bare array, or, for a format with `page`, also
/// the page its API returns (`{"value": [...]}`), each entry the record or, with `in_entry`, holding it
/// in that field (a FHIR Bundle's `entry[].resource`).
pub(crate) struct RecordsAt {
    pub page: Option<&'static str>,
    pub in_entry: Option<&'static str>,
}

impl RecordsAt {
    pub const BARE_ARRAY: Self = Self { page: None, in_entry: None };

    pub const fn array_or_page(page: &'static str) -> Self {
        Self { page: Some(page), in_entry: None }
    }
}

/// One source format: the shape of its records, where they sit, and how one becomes a `SourceEvent`.
/// A new format is a type with its own fields that implements this, and a `SourceFormat` variant.
pub(crate) trait SourceRecord: DeserializeOwned {
    const AT: RecordsAt;

    /// Checks what holds the records before any is read (FHIR: a Bundle must be a search's results),
    /// pushing what is wrong to `errors`; `false` when there is nothing to read.
    fn check_envelope(
        _raw: &RawValue,
        _events_at: &str,
        _errors: &mut ValidationErrors,
    ) -> Result<bool, MalformedEvents> {
        Ok(true)
    }

    /// The event this record stands for, with every rule it breaks pushed to `record`. `None` for a
    /// record that is not shown (then nothing need be pushed); with a rule broken, the event is dropped.
    fn read(self, record: &mut RecordErrors<'_>, context: &ReadContext) -> Option<SourceEvent>;
}

/// Reads the records of format `R` from the value at `events_at` (`/events` in a publish body,
/// `/changed` in a change push). Type errors are `Err` (400); broken rules go into `errors` (422).
pub(crate) fn read<R: SourceRecord>(
    raw: &RawValue,
    events_at: &str,
    context: &ReadContext,
    errors: &mut ValidationErrors,
) -> Result<Vec<SourceEvent>, MalformedEvents> {
    if !R::check_envelope(raw, events_at, errors)? {
        return Ok(Vec::new());
    }
    let (records, found_at) = find_records::<R>(raw, events_at)?;
    let records = records.into_iter().enumerate().map(|(index, record)| (found_at.record(index), record));
    Ok(read_each(records, errors, |record, record_errors| record.read(record_errors, context)))
}

/// Reads each record found at its pointer with `read_one`, which pushes the rules it breaks; the
/// events of those that break none are kept, their text without control characters. A record may
/// stand for several events (an iCalendar `VEVENT` for the occurrences of its recurrence).
pub(crate) fn read_each<R, E: IntoIterator<Item = SourceEvent>>(
    records: impl IntoIterator<Item = (String, R)>,
    errors: &mut ValidationErrors,
    mut read_one: impl FnMut(R, &mut RecordErrors<'_>) -> E,
) -> Vec<SourceEvent> {
    let mut events = Vec::new();
    for (at, record) in records {
        let mut record_errors = RecordErrors::new(at, errors);
        let read = read_one(record, &mut record_errors);
        if !record_errors.broke_rules() {
            events.extend(read.into_iter().map(SourceEvent::without_control_chars));
        }
    }
    events
}

/// How many records of format `R` the value holds, counted without reading any (each is skipped as
/// JSON), so an oversized list is refused before it costs a record's work or an error each. `None`
/// when the value is not an array (or page) of the expected shape: reading it says what is wrong.
pub(crate) fn count_records<R: SourceRecord>(raw: &RawValue) -> Option<usize> {
    let mut deserializer = serde_json::Deserializer::from_str(raw.get());
    match R::AT.page.filter(|_| raw.get().trim_start().starts_with('{')) {
        Some(page) => FieldOf::new(page, CountOf).deserialize(&mut deserializer).ok(),
        None => CountOf.deserialize(&mut deserializer).ok(),
    }
}

/// The length of an array, its elements skipped unread.
#[derive(Clone, Copy)]
struct CountOf;

impl<'de> DeserializeSeed<'de> for CountOf {
    type Value = usize;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for CountOf {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut count = 0;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            count += 1;
        }
        Ok(count)
    }
}

/// Where the records were found: the pointer of their array, and the field of each entry that holds one.
struct FoundAt {
    array: String,
    in_entry: Option<&'static str>,
}

impl FoundAt {
    fn record(&self, index: usize) -> String {
        match self.in_entry {
            Some(field) => format!("{}/{index}/{field}", self.array),
            None => format!("{}/{index}", self.array),
        }
    }
}

fn find_records<R: SourceRecord>(raw: &RawValue, events_at: &str) -> Result<(Vec<R>, FoundAt), MalformedEvents> {
    let malformed = |error| MalformedEvents::from_serde(events_at, error);
    let mut deserializer = serde_json::Deserializer::from_str(raw.get());
    let Some(page) = R::AT.page.filter(|_| raw.get().trim_start().starts_with('{')) else {
        let records = serde_path_to_error::deserialize(&mut deserializer).map_err(malformed)?;
        return Ok((records, FoundAt { array: events_at.to_owned(), in_entry: None }));
    };
    let mut track = serde_path_to_error::Track::new();
    let tracked = serde_path_to_error::Deserializer::new(&mut deserializer, &mut track);
    let records = match R::AT.in_entry {
        None => FieldOf::new(page, PhantomData::<Vec<R>>).deserialize(tracked),
        Some(field) => FieldOf::new(page, ArrayOf(FieldOf::new(field, PhantomData::<R>))).deserialize(tracked),
    };
    let records = records.map_err(|error| malformed(serde_path_to_error::Error::new(track.path(), error)))?;
    Ok((records, FoundAt { array: format!("{events_at}/{page}"), in_entry: R::AT.in_entry }))
}

/// The value of one named field of an object, read with `value`; every other field is skipped.
#[derive(Clone)]
struct FieldOf<S> {
    name: &'static str,
    value: S,
}

impl<S> FieldOf<S> {
    fn new(name: &'static str, value: S) -> Self {
        Self { name, value }
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for FieldOf<S> {
    type Value = S::Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for FieldOf<S> {
    type Value = S::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an object with `{}`", self.name)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<S::Value, A::Error> {
        let (name, mut seed, mut found) = (self.name, Some(self.value), None);
        while let Some(key) = map.next_key::<String>()? {
            if key != name {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let seed = seed.take().ok_or_else(|| de::Error::duplicate_field(name))?;
            found = Some(map.next_value_seed(seed)?);
        }
        found.ok_or_else(|| de::Error::missing_field(name))
    }
}

/// An array, each element read with a copy of the seed.
struct ArrayOf<S>(S);

impl<'de, S: DeserializeSeed<'de> + Clone> DeserializeSeed<'de> for ArrayOf<S> {
    type Value = Vec<S::Value>;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, S: DeserializeSeed<'de> + Clone> Visitor<'de> for ArrayOf<S> {
    type Value = Vec<S::Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut values = Vec::new();
        while let Some(value) = seq.next_element_seed(self.0.clone())? {
            values.push(value);
        }
        Ok(values)
    }
}

/// The rules one record breaks, each under a pointer below the record's place in the body; also the
/// rules every format shares (required fields, text limits, the busy and untitled defaults).
pub(crate) struct RecordErrors<'e> {
    at: String,
    errors: &'e mut ValidationErrors,
    errors_before: usize,
}

impl<'e> RecordErrors<'e> {
    fn new(at: String, errors: &'e mut ValidationErrors) -> Self {
        let errors_before = errors.len();
        Self { at, errors, errors_before }
    }

    fn broke_rules(&self) -> bool {
        self.errors.len() > self.errors_before
    }

    /// The pointer of a field (or a path such as `start/dateTime`) of this record.
    pub fn pointer(&self, field: &str) -> String {
        format!("{}/{field}", self.at)
    }

    /// A broken rule at the record's own pointer (an iCalendar body's, whose message names the line).
    pub fn push_here(&mut self, message: impl Into<String>) {
        self.errors.push(self.at.clone(), message);
    }

    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        let pointer = self.pointer(field);
        self.errors.push(pointer, message);
    }

    pub fn check<T, E: fmt::Display>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        let pointer = self.pointer(field);
        self.errors.check(pointer, result)
    }

    pub fn require<T>(&mut self, field: &str, value: Option<T>) -> Option<T> {
        let pointer = self.pointer(field);
        self.errors.require(pointer, value)
    }

    /// A text field, at most `MAX_TEXT_CHARS` long.
    pub fn text(&mut self, field: &str, value: Option<String>) -> Option<String> {
        let pointer = self.pointer(field);
        bounded_text(value, pointer, MAX_TEXT_CHARS, self.errors)
    }

    /// The title, `UNTITLED` where the source leaves it out or blank (as Graph does for some private events).
    pub fn title_or_untitled(&mut self, field: &str, value: Option<String>) -> Option<String> {
        match non_blank(value) {
            Some(title) => self.text(field, Some(title)),
            None => Some(UNTITLED.to_owned()),
        }
    }

    /// The busy state as the format names it (parsed by the caller); busy where the record gives none.
    pub fn show_as_or_busy<E: fmt::Display>(
        &mut self,
        field: &str,
        parsed: Option<Result<ShowAs, E>>,
    ) -> Option<ShowAs> {
        match parsed {
            Some(result) => self.check(field, result),
            None => Some(ShowAs::Busy),
        }
    }

    /// A plain-text description, at most `MAX_DESCRIPTION_BYTES` long.
    pub fn description(&mut self, field: &str, value: Option<String>) -> Option<String> {
        let value = value?;
        if value.len() > MAX_DESCRIPTION_BYTES {
            self.push(field, format!("must be at most {MAX_DESCRIPTION_BYTES} bytes"));
            return None;
        }
        Some(value)
    }

    /// Start and end in order (see `ordered_times`), a broken order reported at `end_field`.
    pub fn ordered(
        &mut self,
        end_field: &str,
        start: Option<EventTime>,
        end: Option<EventTime>,
    ) -> Option<(EventTime, EventTime)> {
        self.check(end_field, ordered_times(start?, end?))
    }
}

/// The value, unless it is empty or only whitespace.
pub(crate) fn non_blank(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// Checks a text field's length, recording an error under `pointer`.
pub fn bounded_text(
    value: Option<String>,
    pointer: String,
    limit: usize,
    errors: &mut ValidationErrors,
) -> Option<String> {
    let value = value?;
    if value.chars().count() > limit {
        errors.push(pointer, format!("must be at most {limit} characters"));
        return None;
    }
    Some(value)
}

/// Checks that an event does not end before it starts; zero-length all-day events become one day.
pub(crate) fn ordered_times(start: EventTime, end: EventTime) -> Result<(EventTime, EventTime), &'static str> {
    match (start, end) {
        (EventTime::At(s), EventTime::At(e)) if e >= s => Ok((start, end)),
        (EventTime::Day(s), EventTime::Day(e)) if e > s => Ok((start, end)),
        // On the last day the calendar holds there is no day after: refused rather than kept empty.
        (EventTime::Day(s), EventTime::Day(e)) if e == s => {
            s.tomorrow().map(|next| (start, EventTime::Day(next))).map_err(|_| "the day after start is out of range")
        }
        (EventTime::At(_), EventTime::At(_)) | (EventTime::Day(_), EventTime::Day(_)) => {
            Err("end must not be before start")
        }
        _ => Err("start and end must both be date-times, or both dates for an all-day event"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{ReadResult, pointers};
    use super::*;
    use serde::Deserialize;

    /// A format shaped like FHIR's: a bare array, or a Bundle whose `entry[].resource` are the records;
    /// its times are local, in the share's zone.
    #[derive(Deserialize)]
    struct Appointment {
        id: Option<String>,
        start: Option<String>,
        minutes: Option<i64>,
    }

    impl SourceRecord for Appointment {
        const AT: RecordsAt = RecordsAt { page: Some("entry"), in_entry: Some("resource") };

        fn read(self, record: &mut RecordErrors<'_>, context: &ReadContext) -> Option<SourceEvent> {
            let start = record.require("start", self.start)?;
            let start = record.check("start", start.parse::<jiff::civil::DateTime>());
            let start = context.share_zone.as_ref()?.to_timestamp(start?).ok()?;
            let minutes = record.require("minutes", self.minutes)?;
            let end = start.checked_add(jiff::SignedDuration::from_mins(minutes)).ok();
            let times = record.ordered("minutes", Some(EventTime::At(start)), end.map(EventTime::At));
            Some(SourceEvent::new(self.id, times?, UNTITLED.to_owned()))
        }
    }

    fn read_at(events_at: &str, json: &str) -> ReadResult {
        let raw: Box<RawValue> = serde_json::from_str(json).unwrap();
        let context = ReadContext::default().in_zone(jiff::tz::TimeZone::get("America/New_York").unwrap());
        let mut errors = ValidationErrors::new();
        (read::<Appointment>(&raw, events_at, &context, &mut errors), errors)
    }

    #[test]
    fn records_are_read_from_a_bare_array_or_from_each_entry_of_a_page() {
        let record = r#"{"id":"a1","start":"2026-12-03T09:00:00","minutes":30}"#;
        let (events, errors) = read_at("/events", &format!("[{record}]"));
        assert!(errors.is_empty(), "{errors:?}");
        let events = events.unwrap();
        assert_eq!(events[0].start, EventTime::At("2026-12-03T14:00:00Z".parse().unwrap()), "in the share's zone");
        assert_eq!(events[0].source_id.as_deref(), Some("a1"));
        let bundle =
            format!(r#"{{"resourceType":"Bundle","total":2,"entry":[{{"fullUrl":"x","resource":{record}}}]}}"#);
        let (from_page, errors) = read_at("/events", &bundle);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(from_page.unwrap(), events);
    }

    #[test]
    fn rule_pointers_start_at_the_prefix_and_follow_the_page() {
        let (no_start, ends_first) = (r#"{"minutes":30}"#, r#"{"start":"2026-12-03T09:00:00","minutes":-5}"#);
        let (events, errors) = read_at("/changed", &format!("[{no_start},{ends_first}]"));
        assert!(events.unwrap().is_empty());
        assert_eq!(pointers(&errors), ["/changed/0/start", "/changed/1/minutes"]);
        let page = format!(r#"{{"entry":[{{"resource":{no_start}}},{{"resource":{ends_first}}}]}}"#);
        let (_, errors) = read_at("/events", &page);
        assert_eq!(pointers(&errors), ["/events/entry/0/resource/start", "/events/entry/1/resource/minutes"]);
    }

    #[test]
    fn records_are_counted_in_a_bare_array_or_a_page_without_reading_them() {
        let count = |json: &str| count_records::<Appointment>(&serde_json::from_str::<Box<RawValue>>(json).unwrap());
        assert_eq!(count(r#"[{}, {"start": 5}, [], null]"#), Some(4), "no record is read");
        assert_eq!(count(r#"{"total": 9, "entry": [{"resource": {}}, {}]}"#), Some(2));
        assert_eq!(count("[]"), Some(0));
        assert_eq!(count(r#"{"entry": {}}"#), None);
        assert_eq!(count(r#"{"total": 1}"#), None);
        assert_eq!(count(r#""text""#), None);
    }

    #[test]
    fn type_errors_point_into_the_page_as_sent() {
        let malformed = |json: &str| read_at("/changed", json).0.unwrap_err();
        assert_eq!(malformed(r#"[{"start":5}]"#).pointer, "/changed/0/start");
        assert_eq!(
            malformed(r#"{"entry":[{"resource":{"minutes":"x"}}]}"#).pointer,
            "/changed/entry/0/resource/minutes"
        );
        assert_eq!(malformed(r#"{"entry":[{"search":{}}]}"#).pointer, "/changed/entry/0");
        assert_eq!(malformed(r#"{"entry":{}}"#).pointer, "/changed/entry");
        let missing = malformed(r#"{"total":0}"#);
        assert_eq!(missing.pointer, "/changed");
        assert!(missing.message.starts_with("missing field `entry`"), "{}", missing.message);
        let twice = malformed(r#"{"entry":[],"entry":[]}"#);
        assert!(twice.message.starts_with("duplicate field `entry`"), "{}", twice.message);
    }
}
