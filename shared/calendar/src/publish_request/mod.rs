//! The body of `POST /shares` and `PUT /shares/{id}`, parsed into validated options and source
//! events: wrong JSON or types are `Malformed` (400), broken rules `Invalid` (422), all at once. The
//! service reads it here, and so do `share-seal` and the browser's sealing module, which answer a
//! body the service would refuse with the same problem (`Problem::from`).

mod parts;
mod patch;

use crate::body::{MalformedBody, json_body};
use crate::domain::sealed::SEALED_VERSION;
use crate::domain::{
    DefaultView, DetailLevel, EmbedOrigin, FieldError, LocaleTag, MAX_EMBED_ORIGINS, Password, PasswordChange,
    SealedSnapshot, ShareOptions, ShareTimeZone, ValidationErrors,
};
use crate::problem::Problem;
use crate::sources::{self, MAX_EVENTS, MAX_TEXT_CHARS, MalformedEvents, ReadContext, SourceEvent, SourceFormat};
use jiff::Timestamp;
use parts::{FollowBody, RangeBody, RangeChoice, check_open_on, parse_day, parse_follow, parse_range, span_of};
use serde::Deserialize;
use serde_json::value::RawValue;

pub use patch::OptionsPatch;

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
    open_on: Option<String>,
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
        let title = match body.title {
            Some(raw) => read_title(raw, &mut errors),
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
        let expires_at = body.expires_at.and_then(|raw| read_expires_at(&raw, now, &mut errors));
        let password = match body.password {
            None => PasswordChange::Keep,
            Some(None) => PasswordChange::Remove,
            Some(Some(raw)) => read_password(raw, &mut errors),
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
        let open_on = body.open_on.and_then(|raw| errors.check("/openOn", parse_day(&raw)));
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
            check_open_on(open_on, explicit_range, rolling.is_some(), &mut errors);
            errors.into_result().map_err(PublishRequestError::Invalid)?;
            let (Some(title), Some(detail), Some(view), Some(time_zone), Some(range), Some(sealed)) =
                (title, detail, view, time_zone, explicit_range, sealed)
            else {
                unreachable!("every missing field was recorded as an error");
            };
            let options = ShareOptions {
                title,
                detail,
                view,
                time_zone,
                range,
                rolling,
                open_on,
                expires_at,
                embed_origins,
                locale,
            };
            return Ok(Self {
                options,
                format: SourceFormat::Normalized,
                events: Vec::new(),
                password,
                sealed: Some(sealed),
                follow,
            });
        }
        if format == Some(SourceFormat::Ical) && !range_given {
            errors.push("/range", "is required with format \"ical\": recurring events are expanded within it");
        }
        let context = ReadContext::from_body(raw_body, share_zone, &mut errors)?.expanding_within(explicit_range);
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
        let range = explicit_range.or_else(|| time_zone.as_ref().map(|zone| span_of(&events, zone.zone(), now)));
        check_open_on(open_on, range, rolling.is_some(), &mut errors);
        errors.into_result().map_err(PublishRequestError::Invalid)?;
        let (Some(title), Some(detail), Some(view), Some(time_zone), Some(format), Some(range)) =
            (title, detail, view, time_zone, format, range)
        else {
            unreachable!("every missing field was recorded as an error");
        };
        let options =
            ShareOptions { title, detail, view, time_zone, range, rolling, open_on, expires_at, embed_origins, locale };
        Ok(Self { options, format, events, password, sealed: None, follow })
    }
}

/// `title`: control characters dropped, trimmed, not empty, at most `MAX_TEXT_CHARS`.
fn read_title(raw: String, errors: &mut ValidationErrors) -> Option<String> {
    let title = crate::domain::without_control_chars(raw).trim().to_owned();
    if title.is_empty() {
        errors.push("/title", "must not be empty");
        return None;
    }
    sources::bounded_text(Some(title), "/title".into(), MAX_TEXT_CHARS, errors)
}

/// `expiresAt`: an RFC 3339 date-time after `now`.
fn read_expires_at(raw: &str, now: Timestamp, errors: &mut ValidationErrors) -> Option<Timestamp> {
    match crate::domain::parse_rfc3339(raw) {
        Ok(at) if at <= now => {
            errors.push("/expiresAt", "must be in the future");
            None
        }
        Ok(at) => Some(at),
        Err(_) => {
            errors.push("/expiresAt", "must be an RFC 3339 date-time, e.g. 2027-01-31T00:00:00Z");
            None
        }
    }
}

/// A `password` given as a string: the new one, if it is one (else the current one stays).
fn read_password(raw: String, errors: &mut ValidationErrors) -> PasswordChange {
    match Password::parse(raw) {
        Ok(password) => PasswordChange::Set(password),
        Err(message) => {
            errors.push("/password", message);
            PasswordChange::Keep
        }
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

#[cfg(test)]
mod tests;
