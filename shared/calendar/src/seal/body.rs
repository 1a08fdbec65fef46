//! The sealing of a publish body, natively (`share-seal`) and in the browser (`browser/seal`): read
//! as the service reads it, minimised as the service would store it, sealed under a key the caller
//! draws; a body the service would refuse gets the problem the service would answer.

use super::{KEY_BYTES, NONCE_BYTES, SealedContent, encode_key, seal};
use crate::body::MAX_BODY_BYTES;
use crate::domain::sealed::SEALED_VERSION;
use crate::domain::{GroupId, SharedEvent, SourceIdSecret, UserId, ValidationErrors};
use crate::problem::Problem;
use crate::publish_request::PublishRequest;
use crate::sources::minimize::{EventOrigin, RangeBounds, minimize};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::Timestamp;
use serde_json::{Map, Value, json};

/// The envelope fields a sealed body keeps in the clear, as the publish body gave them.
const ENVELOPE: [&str; 9] =
    ["visibility", "detail", "view", "timeZone", "expiresAt", "locale", "embedOrigins", "password", "openOn"];

/// The random bytes one sealing takes, fresh from the platform's CSPRNG (the system's natively,
/// WebCrypto's in the browser).
pub struct SealingSecrets {
    pub key: [u8; KEY_BYTES],
    pub nonce: [u8; NONCE_BYTES],
    /// Keys the events' uids and is thrown away after sealing: the uids name no source id, to anyone.
    pub uid_secret: [u8; 32],
}

/// `{"body", "key", "fragment"}` for a publish body (`body` is what to `POST /shares`; the link to
/// hand out is the share's `url` followed by `fragment`), or the problem the service would answer it.
/// `label` is kept as the share's title for the owner's lists (never shown on the page); `now` is
/// the service's clock for `expiresAt` and a range by default.
pub fn seal_body(
    raw: &[u8],
    label: Option<String>,
    now: Timestamp,
    secrets: &SealingSecrets,
) -> Result<Value, Problem> {
    if raw.len() > MAX_BODY_BYTES {
        return Err(Problem::too_large());
    }
    let request = PublishRequest::parse(raw, now)?;
    if request.sealed.is_some() {
        return Err(Problem::invalid(ValidationErrors::single("/sealed", "is sealed already")));
    }
    let options = request.options;
    let secret = SourceIdSecret::new(&secrets.uid_secret).map_err(|_| Problem::internal())?;
    let (group, owner) = (GroupId::parse("sealed").expect("a group"), UserId::parse("sealed").expect("a user"));
    let origin = EventOrigin::new(&secret, &group, &owner, request.format);
    let bounds = RangeBounds::new(options.range, options.time_zone.zone());
    let (events, _) = minimize(request.events, options.detail, &bounds, &origin);
    let events: Vec<SharedEvent> = events.into_iter().map(|event| SharedEvent { source: None, ..event }).collect();
    let event_count = events.len();
    let content = SealedContent { title: options.title.clone(), events };
    let ciphertext = seal(content, &options, &secrets.key, &secrets.nonce);

    let given: Map<String, Value> = serde_json::from_slice(raw).map_err(|_| Problem::internal())?;
    let mut body: Map<String, Value> = ENVELOPE
        .iter()
        .filter_map(|field| given.get(*field).map(|value| ((*field).to_owned(), value.clone())))
        .collect();
    if let Some(label) = label {
        body.insert("title".into(), json!(label));
    }
    body.insert("range".into(), json!(options.range));
    body.insert(
        "sealed".into(),
        json!({"v": SEALED_VERSION, "ciphertext": URL_SAFE_NO_PAD.encode(&ciphertext), "eventCount": event_count}),
    );
    let key = encode_key(&secrets.key);
    Ok(json!({"body": body, "fragment": format!("#k={key}"), "key": key}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::{decode_key, open};

    const SECRETS: SealingSecrets =
        SealingSecrets { key: [7; KEY_BYTES], nonce: [9; NONCE_BYTES], uid_secret: [3; 32] };

    fn now() -> Timestamp {
        "2026-11-27T12:00:00Z".parse().unwrap()
    }

    fn publish_body(visibility: &str) -> Value {
        json!({"title": "Rota MARKER", "visibility": visibility, "detail": "limited", "timeZone": "Europe/Berlin",
            "locale": "de-DE", "password": "long enough", "events": [
                {"id": "a1", "title": "Standup MARKER", "start": "2026-12-02T09:00:00Z", "end": "2026-12-02T09:15:00Z"}]})
    }

    #[test]
    fn a_sealed_body_keeps_the_envelope_in_the_clear_and_opens_with_its_key() {
        let raw = publish_body("public").to_string();
        let sealed = seal_body(raw.as_bytes(), Some("My rota".into()), now(), &SECRETS).unwrap();
        let body = &sealed["body"];
        assert!(!body.to_string().contains("MARKER"), "{body}");
        assert_eq!(body["title"], "My rota");
        assert_eq!((&body["locale"], &body["password"]), (&json!("de-DE"), &json!("long enough")));
        assert_eq!(body["range"], json!({"start": "2026-12-02", "end": "2026-12-03"}));
        assert_eq!(sealed["fragment"], format!("#k={}", sealed["key"].as_str().unwrap()));

        let request = PublishRequest::parse(body.to_string().as_bytes(), now()).unwrap();
        let ciphertext = request.sealed.expect("a sealed body");
        assert_eq!(ciphertext.event_count(), 1);
        let key = decode_key(sealed["key"].as_str().unwrap()).unwrap();
        let content = open(ciphertext.ciphertext(), &request.options, &key).unwrap();
        assert_eq!(content.title, "Rota MARKER");
        assert_eq!(content.events[0].title.as_deref(), Some("Standup MARKER"));
        assert!(content.events.iter().all(|event| event.source.is_none()));
    }

    #[test]
    fn a_body_the_service_would_refuse_gets_its_problem() {
        let group = publish_body("group").to_string();
        let refused = seal_body(group.as_bytes(), None, now(), &SECRETS).unwrap_err();
        assert_eq!((refused.status, refused.errors[0].pointer.as_str()), (422, "/visibility"));
        let sealed = seal_body(publish_body("public").to_string().as_bytes(), None, now(), &SECRETS).unwrap();
        let twice = seal_body(sealed["body"].to_string().as_bytes(), None, now(), &SECRETS).unwrap_err();
        assert_eq!(twice, Problem::invalid(ValidationErrors::single("/sealed", "is sealed already")));
        assert_eq!(seal_body(b"{", None, now(), &SECRETS).unwrap_err().status, 400);
        let huge = vec![b' '; MAX_BODY_BYTES + 1];
        assert_eq!(seal_body(&huge, None, now(), &SECRETS).unwrap_err(), Problem::too_large());
    }
}
