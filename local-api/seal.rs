//! The sealing of a publish body (`share-seal`): read as the service reads it, minimised as the
//! service would store it, sealed under a key the caller draws.

use serde_json::{Map, Value, json};
use share_core::domain::sealed::SEALED_VERSION;
use share_core::domain::{GroupId, SharedEvent, SourceIdSecret, UserId};
use share_core::http::ApiError;
use share_core::http::publish_request::PublishRequest;
use share_core::seal::{self, KEY_BYTES, NONCE_BYTES, SealedContent};
use share_core::sources::minimize::{EventOrigin, RangeBounds, minimize};

/// The envelope fields a sealed body keeps in the clear, as the publish body gave them.
const ENVELOPE: [&str; 7] = ["visibility", "detail", "view", "timeZone", "expiresAt", "locale", "embedOrigins"];

/// The sealed body, key and fragment for a publish body, or what the service would answer it.
pub fn seal_body(
    raw: &[u8],
    label: Option<String>,
    key: &[u8; KEY_BYTES],
    nonce: &[u8; NONCE_BYTES],
) -> Result<Value, ApiError> {
    if raw.len() > share_core::http::MAX_BODY_BYTES {
        return Err(ApiError::PayloadTooLarge);
    }
    let request = PublishRequest::parse(raw, jiff::Timestamp::now())?;
    if request.sealed.is_some() {
        let errors = share_core::domain::ValidationErrors::single("/sealed", "is sealed already");
        return Err(ApiError::invalid(errors));
    }
    let options = request.options;
    // Uids keyed with a secret thrown away after sealing: they name no source id, to anyone.
    let mut throwaway = [0u8; 32];
    getrandom::getrandom(&mut throwaway).map_err(|_| ApiError::Internal)?;
    let secret = SourceIdSecret::new(&throwaway).map_err(|_| ApiError::Internal)?;
    let (group, owner) = (GroupId::parse("sealed").expect("a group"), UserId::parse("sealed").expect("a user"));
    let origin = EventOrigin::new(&secret, &group, &owner, request.format);
    let bounds = RangeBounds::new(options.range, options.time_zone.zone());
    let (events, _) = minimize(request.events, options.detail, &bounds, &origin);
    let events: Vec<SharedEvent> = events.into_iter().map(|event| SharedEvent { source: None, ..event }).collect();
    let event_count = events.len();
    let content = SealedContent { title: options.title.clone(), events };
    let ciphertext = seal::seal(content, &options, key, nonce);

    let given: Map<String, Value> = serde_json::from_slice(raw).map_err(|_| ApiError::Internal)?;
    let mut body: Map<String, Value> = ENVELOPE
        .iter()
        .filter_map(|field| given.get(*field).map(|value| ((*field).to_owned(), value.clone())))
        .collect();
    if let Some(password) = given.get("password") {
        body.insert("password".into(), password.clone());
    }
    if let Some(label) = label {
        body.insert("title".into(), json!(label));
    }
    body.insert("range".into(), json!(options.range));
    body.insert(
        "sealed".into(),
        json!({"v": SEALED_VERSION, "ciphertext": base64_url(&ciphertext), "eventCount": event_count}),
    );
    let key = seal::encode_key(key);
    Ok(json!({"body": body, "fragment": format!("#k={key}"), "key": key}))
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
