//! The body of `POST /shares` and `PUT /shares/{id}`, parsed into validated options and source
//! events: wrong JSON or types are `Malformed` (400), broken rules `Invalid` (422), all at once. The
//! service reads it here, and so do `share-seal` and the browser's sealing module, which answer a
//! body the service would refuse with the same problem (`Problem::from`).

use crate::body::{MalformedBody, json_body};
use crate::domain::follow::{MAX_FOLLOWED_CALENDARS, check_calendar_id};
use crate::domain::sealed::SEALED_VERSION;
use crate::domain::{
    DateRange, DefaultView, DetailLevel, EmbedOrigin, EventTime, FieldError, LocaleTag, MAX_EMBED_ORIGINS, Password,
    PasswordChange, RollingWindow, SealedSnapshot, ShareOptions, ShareTimeZone, ValidationErrors,
};
use crate::problem::Problem;
use crate::sources::{self, MAX_EVENTS, MAX_TEXT_CHARS, MalformedEvents, ReadContext, SourceEvent, SourceFormat};
use jiff::{Timestamp, civil::Date, tz::TimeZone};
use serde::Deserialize;
use serde_json::value::RawValue;

/// A publish or replace body as read.
#[derive(Debug, Clone)]
pub struct PublishRequest {
    pub options: ShareOptions,
    pub format: SourceFormat,
    pub events: Vec<SourceEvent>,
    pub password: PasswordChange,
    /// A sealed body's ciphertext, in place of events.
    pub sealed: Option<SealedSnapshot>,
    /// The source calendars the share follows, as sent: the service keeps only their keys.
    pub follow: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublishRequestError {
    #[error("malformed request body: {message}")]
    Malformed { pointer: Option<String>, message: String },
    #[error("only public bookmarks are published")]
    NotPublic,
    #[error("{0}")]
    Invalid(ValidationErrors),
}

pub const NOT_PUBLIC_DETAIL: &str = "Bookmarks shared with \"me\" or \"group\" stay in the calendar platform and are never \
     stored by this service; only \"public\" bookmarks are published.";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PublishBody<'a> {
    title: Option<String>,
    visibility: Option<String>,
    detail: Option<String>,
    view: Option<String>,
    time_zone: Option<String>,
    range: Option<RangeBody>,
    expires_at: Option<String>,
    embed_origins: Option<Vec<String>>,
    locale: Option<String>,
    format: Option<String>,
    #[serde(borrow)]
    events: Option<&'a RawValue>,
    /// Absent, `null` or a string: told apart, as a `PUT` without it keeps the password.
    #[serde(default, deserialize_with = "present")]
    password: Option<Option<String>>,
    /// A sealed body's ciphertext, in place of `events` and `format`.
    sealed: Option<SealedBody>,
    follow: Option<FollowBody>,
}

#[derive(Deserialize)]
struct FollowBody {
    calendars: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SealedBody {
    v: Option<u32>,
    ciphertext: Option<String>,
    event_count: Option<u32>,
}

/// A field that is present deserializes to `Some`, even when it is `null`.
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

#[derive(Deserialize)]
struct RangeBody {
    start: Option<String>,
    end: Option<String>,
    rolling: Option<RollingBody>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RollingBody {
    past_days: Option<i64>,
    future_days: Option<i64>,
}

/// A fixed range, or a window that moves with today.
enum RangeChoice {
    Fixed(DateRange),
    Rolling(RollingWindow),
}

impl From<MalformedBody> for PublishRequestError {
    fn from(MalformedBody { pointer, message }: MalformedBody) -> Self {
        Self::Malformed { pointer, message }
    }
}

impl From<MalformedEvents> for PublishRequestError {
    fn from(MalformedEvents { pointer, message }: MalformedEvents) -> Self {
        Self::Malformed { pointer: Some(pointer).filter(|p| !p.is_empty()), message }
    }
}

/// The one mapping of a refused body to its problem: the service answers it, the sealing tools print it.
impl From<PublishRequestError> for Problem {
    fn from(error: PublishRequestError) -> Self {
        match error {
            PublishRequestError::Malformed { pointer, message } => Problem::malformed(pointer.as_deref(), &message),
            PublishRequestError::NotPublic => Problem {
                errors: vec![FieldError {
                    pointer: "/visibility".into(),
                    message: "only \"public\" is published".into(),
                }],
                ..Problem::new(422, NOT_PUBLIC_DETAIL)
            },
            PublishRequestError::Invalid(errors) => Problem::invalid(errors),
        }
    }
}

impl PublishRequest {
    pub fn parse(raw_body: &[u8], now: Timestamp) -> Result<Self, PublishRequestError> {
        let body: PublishBody = json_body(raw_body)?;
        let mut errors = ValidationErrors::new();
        match body.visibility.as_deref() {
            Some("public") => {}
            Some("me" | "group") => return Err(PublishRequestError::NotPublic),
            Some(_) => {
                errors.push("/visibility", "must be \"public\" (\"me\" and \"group\" bookmarks are not published)")
            }
            None => errors.push("/visibility", "is required"),
        }
        let is_sealed = body.sealed.is_some();
        let title = match body.title.map(|t| crate::domain::without_control_chars(t).trim().to_owned()) {
            Some(t) if t.is_empty() => {
                errors.push("/title", "must not be empty");
                None
            }
            Some(t) => sources::bounded_text(Some(t), "/title".into(), MAX_TEXT_CHARS, &mut errors),
            // A sealed share's title is inside its ciphertext; the envelope's is the owner's label.
            None if is_sealed => Some(String::new()),
            None => errors.require("/title", None),
        };
        let detail =
            errors.require("/detail", body.detail).and_then(|d| errors.check("/detail", DetailLevel::parse(&d)));
        let view = match body.view {
            Some(v) => errors.check("/view", DefaultView::parse(&v)),
            None => Some(DefaultView::Month),
        };
        let time_zone = errors
            .require("/timeZone", body.time_zone)
            .and_then(|z| errors.check("/timeZone", ShareTimeZone::parse(&z)));
        let format_given = body.format.is_some();
        let format = match body.format {
            Some(f) => errors.check("/format", SourceFormat::parse(&f)),
            None => Some(SourceFormat::Normalized),
        };
        let expires_at = body.expires_at.and_then(|raw| match crate::domain::parse_rfc3339(&raw) {
            Ok(at) if at <= now => {
                errors.push("/expiresAt", "must be in the future");
                None
            }
            Ok(at) => Some(at),
            Err(_) => {
                errors.push("/expiresAt", "must be an RFC 3339 date-time, e.g. 2027-01-31T00:00:00Z");
                None
            }
        });
        let password = match body.password {
            None => PasswordChange::Keep,
            Some(None) => PasswordChange::Remove,
            Some(Some(raw)) => match Password::parse(raw) {
                Ok(password) => PasswordChange::Set(password),
                Err(message) => {
                    errors.push("/password", message);
                    PasswordChange::Keep
                }
            },
        };
        let range_given = body.range.is_some();
        let explicit_range = body.range.and_then(|range| parse_range(range, &mut errors));
        let follow = body.follow.map(|follow| parse_follow(follow, &mut errors)).unwrap_or_default();
        let rolling = match explicit_range {
            Some(RangeChoice::Rolling(window)) => Some(window),
            _ => None,
        };
        // A rolling share's stored range is its window on the day of the write.
        let explicit_range = explicit_range.zip(time_zone.as_ref()).map(|(choice, zone)| match choice {
            RangeChoice::Fixed(range) => range,
            RangeChoice::Rolling(window) => window.at(now, zone.zone()),
        });
        let embed_origins = parse_embed_origins(body.embed_origins.unwrap_or_default(), &mut errors);
        let locale = body.locale.and_then(|raw| errors.check("/locale", LocaleTag::parse(&raw)));
        let share_zone = time_zone.as_ref().map(|zone| zone.zone().clone());
        let sealed = body.sealed.and_then(|sealed| parse_sealed(sealed, &mut errors));
        if is_sealed {
            if body.events.is_some() {
                errors.push("/events", "a sealed body carries its events inside `sealed`, not here");
            }
            if format_given {
                errors.push("/format", "a sealed body carries its events inside `sealed`: no format");
            }
            if !range_given {
                errors.push("/range", "is required with a sealed body (share-seal writes it)");
            }
            if rolling.is_some() {
                errors.push("/range/rolling", "a sealed share's events cannot be checked against a moving window");
            }
            if !follow.is_empty() {
                errors.push(
                    "/follow",
                    "a sealed share cannot follow calendars: the service cannot read what would join it",
                );
            }
            errors.into_result().map_err(PublishRequestError::Invalid)?;
            let (Some(title), Some(detail), Some(view), Some(time_zone), Some(range), Some(sealed)) =
                (title, detail, view, time_zone, explicit_range, sealed)
            else {
                unreachable!("every missing field was recorded as an error");
            };
            let options =
                ShareOptions { title, detail, view, time_zone, range, rolling, expires_at, embed_origins, locale };
            return Ok(Self {
                options,
                format: SourceFormat::Normalized,
                events: Vec::new(),
                password,
                sealed: Some(sealed),
                follow,
            });
        }
        let context = ReadContext::from_body(raw_body, share_zone, &mut errors)?;
        let events = match (format, errors.require("/events", body.events)) {
            (Some(format), Some(raw)) if sources::count_events(format, raw).is_some_and(|n| n > MAX_EVENTS) => {
                errors.push("/events", format!("a share holds at most {MAX_EVENTS} events"));
                Vec::new()
            }
            (Some(format), Some(raw)) => sources::read_events(format, raw, "/events", &context, &mut errors)?,
            _ => Vec::new(),
        };
        if !follow.is_empty() && events.is_empty() && !range_given {
            errors.push("/range", "is required for a share that follows calendars and starts without events");
        }
        errors.into_result().map_err(PublishRequestError::Invalid)?;
        let (Some(title), Some(detail), Some(view), Some(time_zone), Some(format)) =
            (title, detail, view, time_zone, format)
        else {
            unreachable!("every missing field was recorded as an error");
        };
        let range = explicit_range.unwrap_or_else(|| span_of(&events, time_zone.zone(), now));
        let options =
            ShareOptions { title, detail, view, time_zone, range, rolling, expires_at, embed_origins, locale };
        Ok(Self { options, format, events, password, sealed: None, follow })
    }
}

/// `sealed`: the format's version, the ciphertext (size alone checked) and the stated event count.
fn parse_sealed(body: SealedBody, errors: &mut ValidationErrors) -> Option<SealedSnapshot> {
    match errors.require("/sealed/v", body.v) {
        Some(SEALED_VERSION) | None => {}
        Some(_) => errors.push("/sealed/v", format!("must be {SEALED_VERSION}, the only sealed format")),
    }
    let event_count = errors.require("/sealed/eventCount", body.event_count).filter(|&count| {
        let fits = count as usize <= MAX_EVENTS;
        if !fits {
            errors.push("/sealed/eventCount", format!("a share holds at most {MAX_EVENTS} events"));
        }
        fits
    });
    let ciphertext = errors.require("/sealed/ciphertext", body.ciphertext)?;
    let sealed = errors.check("/sealed/ciphertext", SealedSnapshot::parse(&ciphertext, event_count.unwrap_or(0)))?;
    event_count.map(|_| sealed)
}

/// At most ten origins, each at its own pointer; one given twice is kept once.
fn parse_embed_origins(raw: Vec<String>, errors: &mut ValidationErrors) -> Vec<EmbedOrigin> {
    if raw.len() > MAX_EMBED_ORIGINS {
        errors.push("/embedOrigins", format!("holds at most {MAX_EMBED_ORIGINS} origins"));
        return Vec::new();
    }
    let mut origins: Vec<EmbedOrigin> = Vec::with_capacity(raw.len());
    for (i, origin) in raw.iter().enumerate() {
        if let Some(origin) = errors.check(format!("/embedOrigins/{i}"), EmbedOrigin::parse(origin))
            && !origins.contains(&origin)
        {
            origins.push(origin);
        }
    }
    origins
}

/// `{"start", "end"}`, or `{"rolling": {"pastDays", "futureDays"}}` alone.
fn parse_range(range: RangeBody, errors: &mut ValidationErrors) -> Option<RangeChoice> {
    if let Some(rolling) = range.rolling {
        if range.start.is_some() || range.end.is_some() {
            errors.push("/range", "is either `start` and `end` or `rolling`, not both");
            return None;
        }
        let past = errors.require("/range/rolling/pastDays", rolling.past_days);
        let future = errors.require("/range/rolling/futureDays", rolling.future_days);
        return match RollingWindow::new(past?, future?) {
            Ok(window) => Some(RangeChoice::Rolling(window)),
            Err(broken) => {
                for (field, message) in broken {
                    errors.push(format!("/range/rolling/{field}"), message);
                }
                None
            }
        };
    }
    let mut date = |pointer: &str, value: Option<String>| {
        let raw = errors.require(pointer, value)?;
        errors.check(pointer, raw.parse::<Date>().map_err(|_| "must be a date as YYYY-MM-DD"))
    };
    let start = date("/range/start", range.start);
    let end = date("/range/end", range.end);
    errors.check("/range/end", DateRange::new(start?, end?)).map(RangeChoice::Fixed)
}

/// `{"calendars": [...]}`: 1 to 20 calendar ids, each at its own pointer.
fn parse_follow(follow: FollowBody, errors: &mut ValidationErrors) -> Vec<String> {
    let Some(calendars) = errors.require("/follow/calendars", follow.calendars) else { return Vec::new() };
    if calendars.is_empty() || calendars.len() > MAX_FOLLOWED_CALENDARS {
        errors.push("/follow/calendars", format!("holds 1 to {MAX_FOLLOWED_CALENDARS} calendar ids"));
        return Vec::new();
    }
    for (i, id) in calendars.iter().enumerate() {
        if let Err(message) = check_calendar_id(id) {
            errors.push(format!("/follow/calendars/{i}"), message);
        }
    }
    calendars
}

/// The days the events cover in the share's zone (left-out cancelled ones aside: a FHIR proposal
/// without a start has no days); a share without events covers today.
fn span_of(events: &[SourceEvent], zone: &TimeZone, now: Timestamp) -> DateRange {
    let day_of = |time: EventTime, is_end: bool| match time {
        EventTime::Day(day) => day,
        EventTime::At(at) => {
            let local = at.to_zoned_datetime(zone.clone());
            let day = local.date();
            if is_end && local.time() != jiff::civil::Time::midnight() { day.tomorrow().unwrap_or(day) } else { day }
        }
    };
    let held = || events.iter().filter(|e| !e.cancelled);
    let start = held().map(|e| day_of(e.start, false)).min();
    let end = held().map(|e| day_of(e.end, true)).max();
    match (start, end) {
        (Some(start), Some(end)) if end > start => DateRange { start, end },
        (Some(start), _) => DateRange { start, end: start.tomorrow().unwrap_or(start) },
        _ => {
            let today = now.to_zoned_datetime(zone.clone()).date();
            DateRange { start: today, end: today.tomorrow().unwrap_or(today) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-11-27T12:00:00Z".parse().unwrap()
    }

    fn parse(json: &str) -> Result<PublishRequest, PublishRequestError> {
        PublishRequest::parse(json.as_bytes(), now())
    }

    #[test]
    fn the_contract_example_parses() {
        let request = parse(
            r##"{"title":"Support rota","visibility":"public","detail":"limited","view":"month","timeZone":"America/New_York",
                "range":{"start":"2026-12-01","end":"2027-01-01"},"expiresAt":"2027-01-31T00:00:00Z","format":"normalized",
                "events":[{"id":"a1","title":"On call: Kim","start":"2026-12-03T09:00:00-05:00","end":"2026-12-03T17:00:00-05:00",
                "location":"Desk 4","description":"Pager 555","showAs":"busy","color":"#1e88e5","resource":"Tier 1","status":"Confirmed"},
                {"title":"Holiday","start":"2026-12-25","end":"2026-12-26","allDay":true}]}"##,
        )
        .unwrap();
        assert_eq!(request.options.title, "Support rota");
        assert_eq!(request.events.len(), 2);
        assert_eq!(request.options.range.end, "2027-01-01".parse().unwrap());
    }

    #[test]
    fn a_password_is_kept_set_or_removed_and_checked() {
        let with = |password: &str| {
            parse(&format!(
                r#"{{"title":"t","visibility":"public","detail":"full","timeZone":"UTC","events":[]{password}}}"#
            ))
        };
        assert_eq!(with("").unwrap().password, PasswordChange::Keep);
        assert_eq!(with(r#","password":null"#).unwrap().password, PasswordChange::Remove);
        assert!(matches!(with(r#","password":"long enough""#).unwrap().password, PasswordChange::Set(_)));
        for short_or_long in ["short", &"x".repeat(129)] {
            let Err(PublishRequestError::Invalid(errors)) = with(&format!(r#","password":"{short_or_long}""#)) else {
                panic!("expected a rule error")
            };
            assert_eq!(errors.errors()[0].pointer, "/password");
        }
        assert!(matches!(
            with(r#","password":12345678"#),
            Err(PublishRequestError::Malformed { pointer: Some(p), .. }) if p == "/password"
        ));
    }

    #[test]
    fn me_and_group_bookmarks_are_refused() {
        for visibility in ["me", "group"] {
            let body =
                format!(r#"{{"title":"x","visibility":"{visibility}","detail":"full","timeZone":"UTC","events":[]}}"#);
            assert_eq!(parse(&body).unwrap_err(), PublishRequestError::NotPublic);
        }
    }

    #[test]
    fn missing_fields_and_bad_values_are_all_reported() {
        let Err(PublishRequestError::Invalid(errors)) = parse(
            r#"{"visibility":"public","detail":"everything","timeZone":"Mars/Base","expiresAt":"2020-01-01T00:00:00Z","format":"ical","range":{"start":"2026-12-02","end":"2026-12-01"}}"#,
        ) else {
            panic!("expected rule errors")
        };
        let pointers: Vec<&str> = errors.errors().iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(pointers, ["/title", "/detail", "/timeZone", "/format", "/expiresAt", "/range/end", "/events"]);
    }

    #[test]
    fn wrong_types_and_bad_json_are_malformed() {
        assert!(
            matches!(parse(r#"{"title":5}"#), Err(PublishRequestError::Malformed { pointer: Some(p), .. }) if p == "/title")
        );
        assert!(matches!(parse("{not json"), Err(PublishRequestError::Malformed { .. })));
        assert!(matches!(
            PublishRequest::parse(b"{\"title\":\"\xff\"}", now()),
            Err(PublishRequestError::Malformed { .. })
        ));
    }

    #[test]
    fn only_white_space_may_follow_the_document() {
        let body = r#"{"title":"t","visibility":"public","detail":"full","timeZone":"UTC","events":[]}"#;
        assert!(parse(&format!(" {body}\r\n\t ")).is_ok());
        for trailing in [" junk", "{}", "}", ",", "\u{0}", "\u{a0}", "/* */"] {
            assert!(
                matches!(
                    parse(&format!("{body}{trailing}")),
                    Err(PublishRequestError::Malformed { pointer: None, .. })
                ),
                "{trailing:?}"
            );
        }
    }

    #[test]
    fn embed_origins_are_checked_each_at_its_pointer() {
        let body = |origins: &str| {
            format!(
                r#"{{"title":"t","visibility":"public","detail":"full","timeZone":"UTC","events":[],"embedOrigins":{origins}}}"#
            )
        };
        let request =
            parse(&body(r#"["https://Intranet.example.com","https://a.example:8443","https://intranet.example.com"]"#))
                .unwrap();
        let kept: Vec<&str> = request.options.embed_origins.iter().map(EmbedOrigin::as_str).collect();
        assert_eq!(kept, ["https://intranet.example.com", "https://a.example:8443"]);
        let Err(PublishRequestError::Invalid(errors)) =
            parse(&body(r#"["https://ok.example","http://no.example","https://x.example/path"]"#))
        else {
            panic!("expected rule errors")
        };
        let pointers: Vec<&str> = errors.errors().iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(pointers, ["/embedOrigins/1", "/embedOrigins/2"]);
        let eleven: Vec<String> = (0..11).map(|i| format!("\"https://s{i}.example\"")).collect();
        assert!(matches!(parse(&body(&format!("[{}]", eleven.join(",")))), Err(PublishRequestError::Invalid(_))));
        assert!(
            matches!(parse(&body("[5]")), Err(PublishRequestError::Malformed { pointer: Some(p), .. }) if p == "/embedOrigins/0")
        );
        assert!(matches!(parse(&body(r#""https://ok.example""#)), Err(PublishRequestError::Malformed { .. })));
    }

    #[test]
    fn range_defaults_to_the_events_span_in_the_share_zone() {
        let request = parse(
            r#"{"title":"t","visibility":"public","detail":"full","timeZone":"America/New_York","events":[
                {"title":"a","start":"2026-12-03T23:00:00-05:00","end":"2026-12-04T01:00:00-05:00"},
                {"title":"b","start":"2026-12-01T02:00:00Z","end":"2026-12-01T03:00:00Z"}]}"#,
        )
        .unwrap();
        assert_eq!(request.options.range.start, "2026-11-30".parse().unwrap());
        assert_eq!(request.options.range.end, "2026-12-05".parse().unwrap());
    }

    #[test]
    fn events_left_out_as_cancelled_do_not_widen_the_default_range() {
        let request = parse(
            r#"{"title":"t","visibility":"public","detail":"full","timeZone":"America/New_York","format":"fhir","events":[
                {"resourceType":"Appointment","status":"proposed"},
                {"resourceType":"Appointment","status":"cancelled","start":"2026-11-02T09:00:00Z","end":"2026-11-02T10:00:00Z"},
                {"resourceType":"Appointment","status":"booked","start":"2026-12-03T14:00:00Z","end":"2026-12-03T15:00:00Z"}]}"#,
        )
        .unwrap();
        assert_eq!(request.events.len(), 3, "all read; the first two are counted as left out");
        assert_eq!(request.options.range.start, "2026-12-03".parse().unwrap());
        assert_eq!(request.options.range.end, "2026-12-04".parse().unwrap());
    }
}
