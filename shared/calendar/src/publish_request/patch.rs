//! The body of `PATCH /shares/{id}`: a JSON merge patch (RFC 7396) of the options that need no
//! events, each value read by the publish body's own rules. `null` clears an option a share may be
//! without; every other member (events, detail, range, …) is refused at its pointer: those change
//! with `PUT`.

use super::parts::{check_open_on, parse_day};
use super::{PublishRequestError, parse_embed_origins, read_expires_at, read_password, read_title};
use crate::body::{MalformedBody, json_body};
use crate::domain::validation::escape_pointer_token;
use crate::domain::{
    DefaultView, EmbedOrigin, LocaleTag, PasswordChange, ShareOptions, ValidationErrors, bounded_message,
};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// What a patch changes: `None` leaves an option as it is, `Some(None)` clears it. The rules its
/// values break are kept for `apply`, which adds those the share decides, so all come at once.
#[derive(Debug, Clone, Default)]
pub struct OptionsPatch {
    title: Option<Option<String>>,
    view: Option<Option<DefaultView>>,
    expires_at: Option<Option<Timestamp>>,
    pub password: PasswordChange,
    embed_origins: Option<Vec<EmbedOrigin>>,
    locale: Option<Option<LocaleTag>>,
    open_on: Option<Option<Date>>,
    broken: ValidationErrors,
}

/// Members that name a share's option or its events but only change with `PUT`.
const PUT_ONLY: &[&str] = &[
    "visibility",
    "detail",
    "timeZone",
    "range",
    "format",
    "events",
    "follow",
    "sealed",
    "departmentTimeZones",
    "providerNames",
    "departmentNames",
];

impl OptionsPatch {
    /// The patch in `raw_body`: a JSON object (anything else, or a member of the wrong type, is
    /// `Malformed`). Values that break a publish rule, and members a patch may not change, are
    /// refused by `apply`.
    pub fn parse(raw_body: &[u8], now: Timestamp) -> Result<Self, PublishRequestError> {
        let members: Map<String, Value> = json_body(raw_body)?;
        let mut patch = Self::default();
        let errors = &mut patch.broken;
        for (name, value) in members {
            let pointer = format!("/{}", escape_pointer_token(&name));
            match name.as_str() {
                "title" => assign(&mut patch.title, nullable(value, &pointer)?, |raw| read_title(raw, errors)),
                "view" => assign(&mut patch.view, nullable::<String>(value, &pointer)?, |raw| {
                    errors.check(&pointer, DefaultView::parse(&raw))
                }),
                "expiresAt" => assign(&mut patch.expires_at, nullable::<String>(value, &pointer)?, |raw| {
                    read_expires_at(&raw, now, errors)
                }),
                "password" => {
                    patch.password = match nullable::<String>(value, &pointer)? {
                        None => PasswordChange::Remove,
                        Some(raw) => read_password(raw, errors),
                    }
                }
                "embedOrigins" => {
                    let origins = nullable::<Vec<String>>(value, &pointer)?.unwrap_or_default();
                    patch.embed_origins = Some(parse_embed_origins(origins, errors));
                }
                "locale" => assign(&mut patch.locale, nullable::<String>(value, &pointer)?, |raw| {
                    errors.check(&pointer, LocaleTag::parse(&raw))
                }),
                "openOn" => assign(&mut patch.open_on, nullable::<String>(value, &pointer)?, |raw| {
                    errors.check(&pointer, parse_day(&raw))
                }),
                known if PUT_ONLY.contains(&known) => {
                    errors.push(pointer, "cannot be changed by PATCH: change it with PUT, which takes the events too")
                }
                _ => errors.push(
                    pointer,
                    "is not an option PATCH changes (title, view, expiresAt, password, embedOrigins, locale, openOn); \
                     change anything else with PUT",
                ),
            }
        }
        Ok(patch)
    }

    /// Whether the patch changes nothing (`{}`).
    pub fn is_empty(&self) -> bool {
        self.broken.is_empty()
            && self.title.is_none()
            && self.view.is_none()
            && self.expires_at.is_none()
            && matches!(self.password, PasswordChange::Keep)
            && self.embed_origins.is_none()
            && self.locale.is_none()
            && self.open_on.is_none()
    }

    /// Whether the patch sets or clears `expiresAt` (the group's expiry cap applies to it).
    pub fn sets_expiry(&self) -> bool {
        self.expires_at.is_some()
    }

    /// `current` with the patch applied, or every rule it breaks: its values' and those the share
    /// decides. A title and a view are never cleared (a sealed share's title is the owner's label,
    /// which may be); a sealed share's view and locale are bound to its ciphertext; `openOn` stays
    /// inside the share's range.
    pub fn apply(&self, current: &ShareOptions, sealed: bool) -> Result<ShareOptions, ValidationErrors> {
        let mut errors = self.broken.clone();
        let mut options = current.clone();
        match &self.title {
            Some(Some(title)) => options.title = title.clone(),
            Some(None) if sealed => options.title = String::new(),
            Some(None) => errors.push("/title", "cannot be cleared: a share has a title"),
            None => {}
        }
        match self.view {
            Some(Some(view)) => options.view = view,
            Some(None) => errors.push("/view", "cannot be cleared: a share opens on one of its views"),
            None => {}
        }
        if sealed {
            let bound = "is bound to the sealed ciphertext: seal the share again with it and PUT";
            if self.view.flatten().is_some_and(|view| view != current.view) {
                errors.push("/view", bound);
            }
            if self.locale.as_ref().is_some_and(|locale| locale.as_ref() != current.locale.as_ref()) {
                errors.push("/locale", bound);
            }
        }
        if let Some(expires_at) = self.expires_at {
            options.expires_at = expires_at;
        }
        if let Some(origins) = &self.embed_origins {
            options.embed_origins = origins.clone();
        }
        if let Some(locale) = &self.locale {
            options.locale = locale.clone();
        }
        if let Some(open_on) = self.open_on {
            options.open_on = open_on;
            check_open_on(open_on, Some(options.range), options.rolling.is_some(), &mut errors);
        }
        errors.into_result().map(|()| options)
    }
}

/// `null` clears the option (`Some(None)`); a value sets it if it reads, else (its error recorded)
/// the option is left alone, so that a bad value is not also taken for a clearing `null`.
fn assign<R, T>(slot: &mut Option<Option<T>>, given: Option<R>, read: impl FnOnce(R) -> Option<T>) {
    match given {
        None => *slot = Some(None),
        Some(raw) => {
            if let Some(value) = read(raw) {
                *slot = Some(Some(value));
            }
        }
    }
}

/// A member's value as `T`, or `None` for `null`; a value of another type is malformed.
fn nullable<T: DeserializeOwned>(value: Value, pointer: &str) -> Result<Option<T>, MalformedBody> {
    serde_path_to_error::deserialize::<_, Option<T>>(value).map_err(|error| {
        let inner = crate::domain::json_pointer(error.path());
        MalformedBody {
            pointer: Some(format!("{pointer}{inner}")),
            message: bounded_message(error.inner().to_string()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{DateRange, DetailLevel, ShareTimeZone};
    use serde_json::json;

    fn now() -> Timestamp {
        "2026-11-01T00:00:00Z".parse().unwrap()
    }

    fn options() -> ShareOptions {
        ShareOptions {
            title: "Rota".into(),
            detail: DetailLevel::Limited,
            view: DefaultView::Month,
            time_zone: ShareTimeZone::parse("Europe/Berlin").unwrap(),
            range: DateRange::new("2026-12-01".parse().unwrap(), "2027-01-01".parse().unwrap()).unwrap(),
            rolling: None,
            open_on: Some("2026-12-05".parse().unwrap()),
            expires_at: Some("2027-01-31T00:00:00Z".parse().unwrap()),
            embed_origins: vec![EmbedOrigin::parse("https://intranet.example.com").unwrap()],
            locale: Some(LocaleTag::parse("de").unwrap()),
        }
    }

    fn parse(body: Value) -> Result<OptionsPatch, PublishRequestError> {
        OptionsPatch::parse(body.to_string().as_bytes(), now())
    }

    /// The pointers of the rules `body` breaks on the share of `options()`, sorted.
    fn refused(body: Value, sealed: bool) -> Vec<String> {
        let errors = parse(body).unwrap().apply(&options(), sealed).unwrap_err();
        let mut found: Vec<String> = errors.errors().iter().map(|e| e.pointer.clone()).collect();
        found.sort();
        found
    }

    #[test]
    fn each_option_is_set_and_the_clearable_ones_cleared() {
        let patch = parse(json!({"title": "  New\u{7} ", "view": "agenda", "expiresAt": "2027-02-01T00:00:00Z",
            "embedOrigins": ["https://a.example", "https://a.example"], "locale": "fr", "openOn": "2026-12-24"}))
        .unwrap();
        let patched = patch.apply(&options(), false).unwrap();
        assert_eq!((patched.title.as_str(), patched.view), ("New", DefaultView::Agenda));
        assert_eq!(patched.expires_at, Some("2027-02-01T00:00:00Z".parse().unwrap()));
        assert_eq!(patched.embed_origins.len(), 1, "an origin given twice is kept once");
        assert_eq!(patched.locale.as_ref().map(LocaleTag::as_str), Some("fr"));
        assert_eq!(patched.open_on, Some("2026-12-24".parse().unwrap()));
        assert!(patch.sets_expiry() && !patch.is_empty());

        let cleared = parse(json!({"expiresAt": null, "embedOrigins": null, "locale": null, "openOn": null}))
            .unwrap()
            .apply(&options(), false)
            .unwrap();
        assert_eq!(
            (cleared.expires_at, cleared.embed_origins.len(), cleared.locale, cleared.open_on),
            (None, 0, None, None)
        );
        assert_eq!(cleared.title, "Rota", "what a patch leaves out stays");
        assert!(matches!(parse(json!({"password": null})).unwrap().password, PasswordChange::Remove));
        assert!(matches!(parse(json!({"password": "long enough"})).unwrap().password, PasswordChange::Set(_)));
        assert!(parse(json!({})).unwrap().is_empty());
    }

    #[test]
    fn values_break_the_publish_rules_at_their_pointers() {
        let body = json!({"title": " ", "view": "year", "expiresAt": "2026-10-01T00:00:00Z",
            "password": "short", "embedOrigins": ["http://a.example"], "locale": "??", "openOn": "soon"});
        let found = refused(body.clone(), false);
        assert_eq!(found, ["/embedOrigins/0", "/expiresAt", "/locale", "/openOn", "/password", "/title", "/view"]);
        assert!(!parse(body).unwrap().is_empty(), "a patch of broken values is not an empty one");
    }

    #[test]
    fn members_a_patch_may_not_change_are_refused_with_the_rest_at_once() {
        let body =
            json!({"events": [], "detail": "full", "follow": null, "a/b~c": 1, "title": null, "openOn": "2027-02-01"});
        assert_eq!(refused(body, false), ["/a~1b~0c", "/detail", "/events", "/follow", "/openOn", "/title"]);
        assert!(!parse(json!({"colour": "red"})).unwrap().is_empty());
    }

    #[test]
    fn wrong_types_and_non_objects_are_malformed() {
        for (body, pointer) in [
            (json!({"title": 5}), Some("/title")),
            (json!({"embedOrigins": ["https://a.example", 7]}), Some("/embedOrigins/1")),
            (json!({"openOn": false}), Some("/openOn")),
            (json!([]), None),
            (json!("title"), None),
        ] {
            match parse(body.clone()) {
                Err(PublishRequestError::Malformed { pointer: found, .. }) => {
                    assert_eq!(found.as_deref(), pointer, "{body}")
                }
                other => panic!("{body}: {other:?}"),
            }
        }
    }

    #[test]
    fn title_and_view_are_never_cleared_and_open_on_stays_in_range() {
        assert_eq!(
            refused(json!({"title": null, "view": null, "openOn": "2027-01-01"}), false),
            ["/openOn", "/title", "/view"]
        );
        let mut rolling = options();
        rolling.rolling = Some(crate::domain::RollingWindow::new(7, 28).unwrap());
        rolling.open_on = None;
        let refused = parse(json!({"openOn": "2026-12-10"})).unwrap().apply(&rolling, false).unwrap_err();
        assert_eq!(refused.errors()[0].pointer, "/openOn");
    }

    #[test]
    fn a_sealed_share_keeps_what_its_ciphertext_is_bound_to() {
        assert_eq!(refused(json!({"view": "week", "locale": "en-US"}), true), ["/locale", "/view"]);
        let same = parse(json!({"view": "month", "locale": "de", "title": null, "openOn": "2026-12-31",
            "expiresAt": null, "password": "long enough"}))
        .unwrap()
        .apply(&options(), true)
        .unwrap();
        assert_eq!((same.title.as_str(), same.expires_at), ("", None), "the owner's label may be cleared");
    }
}
