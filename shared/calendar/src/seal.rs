//! Sealing: the snapshot of a publish body, minimised as the service would store it, encrypted with
//! a key that only the link's fragment carries. The service stores the ciphertext and cannot read it.
//!
//! Format, version 1: `ciphertext = nonce (12 bytes) ‖ AES-256-GCM(key, nonce, plaintext, aad)`
//! (the 16-byte tag at the end), where `aad` is the envelope the ciphertext is bound to
//! (`domain::sealed::additional_data`: `{"v":1,"timeZone",…,"locale"}` as one JSON text) and the
//! plaintext is raw DEFLATE (RFC 1951) of `{"v":1,"title":"…","events":[…]}`, the events in the
//! service's stored shape, without source keys. The key is 32 random bytes, in the link as
//! `#k=` and its base64url (no padding).

use crate::domain::event::{MAX_DESCRIPTION_BYTES, MAX_TEXT_CHARS};
use crate::domain::sanitised_html::is_sanitised;
use crate::domain::sealed::{SEALED_VERSION, additional_data};
use crate::domain::{Description, EventTime, ShareOptions, SharedEvent};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};

#[cfg(feature = "publish")]
mod body;
#[cfg(feature = "publish")]
pub use body::{SealingSecrets, seal_body};

pub const KEY_BYTES: usize = 32;
pub const NONCE_BYTES: usize = 12;
/// The most bytes a plaintext may inflate to: a small ciphertext must not inflate to gigabytes.
pub const MAX_PLAINTEXT_BYTES: usize = 64 * 1024 * 1024;

/// What a sealed share's page shows, as sealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedContent {
    pub title: String,
    pub events: Vec<SharedEvent>,
}

#[derive(Serialize, Deserialize)]
struct Plaintext {
    v: u32,
    #[serde(flatten)]
    content: SealedContent,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("the key is not a sealed share's key")]
    MalformedKey,
    #[error("the ciphertext does not open with this key and envelope")]
    DoesNotOpen,
    #[error("the sealed content is larger than a share may be")]
    TooLarge,
    #[error("the sealed content is not a share's: {0}")]
    Unreadable(String),
}

/// The key as the link's fragment carries it.
pub fn encode_key(key: &[u8; KEY_BYTES]) -> String {
    URL_SAFE_NO_PAD.encode(key)
}

pub fn decode_key(text: &str) -> Result<[u8; KEY_BYTES], OpenError> {
    let bytes = URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).map_err(|_| OpenError::MalformedKey)?;
    bytes.try_into().map_err(|_| OpenError::MalformedKey)
}

/// Seals `content` for a share with `options` (its envelope), with a fresh `key` and `nonce` from
/// the caller's CSPRNG.
pub fn seal(
    content: SealedContent,
    options: &ShareOptions,
    key: &[u8; KEY_BYTES],
    nonce: &[u8; NONCE_BYTES],
) -> Vec<u8> {
    let plaintext = deflated_plaintext(content);
    let aad = additional_data(options);
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
    let sealed = cipher
        .encrypt(Nonce::from_slice(nonce), Payload { msg: &plaintext, aad: &aad })
        .expect("AES-GCM seals any plaintext under 64 GiB");
    let mut ciphertext = Vec::with_capacity(NONCE_BYTES + sealed.len());
    ciphertext.extend_from_slice(nonce);
    ciphertext.extend_from_slice(&sealed);
    ciphertext
}

/// The plaintext of `content` before encryption: its versioned JSON, deflated.
pub fn deflated_plaintext(content: SealedContent) -> Vec<u8> {
    let json = serde_json::to_vec(&Plaintext { v: SEALED_VERSION, content }).expect("the content serializes");
    let mut deflater = DeflateEncoder::new(Vec::with_capacity(json.len() / 4), Compression::default());
    deflater.write_all(&json).expect("writing to memory");
    deflater.finish().expect("writing to memory")
}

/// Opens a ciphertext with its key, for the envelope it was sealed with; what it holds is untrusted
/// (anyone may seal anything): its size is bounded here, its events are checked by their readers.
pub fn open(ciphertext: &[u8], options: &ShareOptions, key: &[u8; KEY_BYTES]) -> Result<SealedContent, OpenError> {
    if ciphertext.len() < NONCE_BYTES {
        return Err(OpenError::DoesNotOpen);
    }
    let (nonce, sealed) = ciphertext.split_at(NONCE_BYTES);
    let aad = additional_data(options);
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
    let plaintext = cipher
        .decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad: &aad })
        .map_err(|_| OpenError::DoesNotOpen)?;
    read_plaintext(&plaintext)
}

/// The content of a decrypted plaintext (the browser decrypts with WebCrypto, then reads here):
/// inflated within [`MAX_PLAINTEXT_BYTES`], of this version, within a share's event limit.
pub fn read_plaintext(deflated: &[u8]) -> Result<SealedContent, OpenError> {
    let mut json = Vec::new();
    let limit = MAX_PLAINTEXT_BYTES as u64 + 1;
    DeflateDecoder::new(deflated)
        .take(limit)
        .read_to_end(&mut json)
        .map_err(|error| OpenError::Unreadable(error.to_string()))?;
    if json.len() > MAX_PLAINTEXT_BYTES {
        return Err(OpenError::TooLarge);
    }
    let plaintext: Plaintext =
        serde_json::from_slice(&json).map_err(|error| OpenError::Unreadable(error.to_string()))?;
    if plaintext.v != SEALED_VERSION {
        return Err(OpenError::Unreadable(format!("version {} (this build reads {SEALED_VERSION})", plaintext.v)));
    }
    if plaintext.content.events.len() > crate::domain::MAX_SHARE_EVENTS {
        return Err(OpenError::TooLarge);
    }
    Ok(plaintext.content)
}

impl SealedContent {
    /// The content held to what the service would have stored, as anyone may seal anything: texts
    /// within the readers' limits and free of control characters, times in order, descriptions in
    /// the sanitiser's own form (`domain::sanitised_html`). Anything the service would not have
    /// stored refuses the whole content.
    pub fn checked(self) -> Result<Self, OpenError> {
        let refused = |what: &str| Err(OpenError::Unreadable(format!("{what} is not what the service would store")));
        let fits = |text: &str| text.chars().count() <= MAX_TEXT_CHARS && !text.chars().any(char::is_control);
        if !fits(&self.title) {
            return refused("the title");
        }
        for event in &self.events {
            let texts = [&event.title, &event.location, &event.resource, &event.status];
            if !texts.into_iter().flatten().all(|text| fits(text)) {
                return refused("an event's text");
            }
            let uid = &event.uid;
            if uid.is_empty() || uid.len() > 256 || !uid.bytes().all(|b| b.is_ascii_graphic()) || event.source.is_some()
            {
                return refused("an event's uid");
            }
            let in_order = match (event.start, event.end) {
                (EventTime::At(start), EventTime::At(end)) => end >= start,
                (EventTime::Day(start), EventTime::Day(end)) => end > start,
                _ => false,
            };
            if !in_order {
                return refused("an event's time");
            }
            let description_fits = match &event.description {
                Some(Description::SanitizedHtml(html)) => html.len() <= MAX_DESCRIPTION_BYTES && is_sanitised(html),
                Some(Description::Text(text)) => text.len() <= MAX_DESCRIPTION_BYTES,
                None => true,
            };
            if !description_fits {
                return refused("a description");
            }
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{DefaultView, DetailLevel};
    use crate::render::fixtures;

    fn options() -> ShareOptions {
        let date = |text: &str| text.parse::<jiff::civil::Date>().unwrap();
        let record =
            fixtures::record("Rota", "Europe/Berlin", date("2026-12-01"), date("2027-01-01"), DetailLevel::Limited);
        record.options
    }

    fn content() -> SealedContent {
        let event = fixtures::timed("Standup MARKER-7", "2026-12-02T09:00:00Z", "2026-12-02T09:15:00Z");
        SealedContent { title: "Team MARKER-7".into(), events: vec![event] }
    }

    #[test]
    fn what_is_sealed_opens_with_its_key_and_envelope_only() {
        let (key, nonce) = ([7u8; KEY_BYTES], [9u8; NONCE_BYTES]);
        let ciphertext = seal(content(), &options(), &key, &nonce);
        assert!(!String::from_utf8_lossy(&ciphertext).contains("MARKER"));
        assert_eq!(open(&ciphertext, &options(), &key).unwrap(), content());
        assert_eq!(open(&ciphertext, &options(), &[8u8; KEY_BYTES]), Err(OpenError::DoesNotOpen));
        let mut other_view = options();
        other_view.view = DefaultView::Agenda;
        assert_eq!(open(&ciphertext, &other_view, &key), Err(OpenError::DoesNotOpen), "the envelope is bound");
        let mut flipped = ciphertext.clone();
        flipped[20] ^= 1;
        assert_eq!(open(&flipped, &options(), &key), Err(OpenError::DoesNotOpen));
        assert_eq!(decode_key(&encode_key(&key)).unwrap(), key);
        assert_eq!(encode_key(&key).len(), 43);
        assert!(decode_key("short").is_err());
    }

    #[test]
    fn a_small_ciphertext_does_not_inflate_without_bound() {
        // 80 MiB of zeros deflate to about 80 KB: sealed by anyone, it is refused once opened.
        let zeros = vec![b' '; MAX_PLAINTEXT_BYTES + 16 * 1024 * 1024];
        let mut deflater = DeflateEncoder::new(Vec::new(), Compression::best());
        deflater.write_all(&zeros).unwrap();
        let bomb = deflater.finish().unwrap();
        let (key, nonce) = ([1u8; KEY_BYTES], [2u8; NONCE_BYTES]);
        let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key));
        let aad = additional_data(&options());
        let sealed = cipher.encrypt(Nonce::from_slice(&nonce), Payload { msg: &bomb, aad: &aad }).unwrap();
        let ciphertext = [nonce.as_slice(), &sealed].concat();
        assert!(ciphertext.len() < 200_000);
        assert_eq!(open(&ciphertext, &options(), &key), Err(OpenError::TooLarge));
    }
}
