//! A sealed share: a snapshot the publishing side encrypted with a key that only the link's fragment
//! carries. The service stores and serves the ciphertext as given and never sees the key; the page
//! decrypts it in the browser.

use super::{DateRange, DefaultView, DetailLevel, LocaleTag, ShareOptions, ShareTimeZone};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

/// The version of the sealed format (the envelope's `sealed.v` and the plaintext's `v`).
pub const SEALED_VERSION: u32 = 1;
/// The most bytes a ciphertext has, decoded: `/s/{id}/sealed` always fits a Lambda response.
pub const MAX_CIPHERTEXT_BYTES: usize = 3_145_728;
/// A nonce (12 bytes) and a tag (16): what the ciphertext of nothing has.
pub const MIN_CIPHERTEXT_BYTES: usize = 28;

/// A ciphertext as a publish body carries it, checked for its size alone (what it holds, the service
/// cannot know).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedSnapshot {
    ciphertext: Vec<u8>,
    event_count: u32,
}

impl SealedSnapshot {
    /// The ciphertext in base64url (padding optional), and the event count the publisher states.
    pub fn parse(encoded: &str, event_count: u32) -> Result<Self, &'static str> {
        if encoded.len() > MAX_CIPHERTEXT_BYTES.div_ceil(3) * 4 {
            return Err("must be at most 3,145,728 bytes once decoded");
        }
        let ciphertext = URL_SAFE_NO_PAD
            .decode(encoded.trim_end_matches('='))
            .map_err(|_| "must be base64url (RFC 4648 section 5)")?;
        match ciphertext.len() {
            n if n > MAX_CIPHERTEXT_BYTES => Err("must be at most 3,145,728 bytes once decoded"),
            n if n < MIN_CIPHERTEXT_BYTES => Err("is too short to be an AES-GCM ciphertext with its nonce"),
            _ => Ok(Self { ciphertext, event_count }),
        }
    }

    /// A ciphertext as stored.
    pub fn stored(ciphertext: Vec<u8>, event_count: u32) -> Self {
        Self { ciphertext, event_count }
    }

    pub fn ciphertext(&self) -> &[u8] {
        &self.ciphertext
    }

    pub fn into_ciphertext(self) -> Vec<u8> {
        self.ciphertext
    }

    pub fn event_count(&self) -> u32 {
        self.event_count
    }

    /// The ciphertext in base64url without padding, as the page fetches it.
    pub fn encoded(&self) -> String {
        URL_SAFE_NO_PAD.encode(&self.ciphertext)
    }
}

/// The envelope fields a ciphertext is bound to (its AES-GCM additional data): an envelope changed
/// after sealing does not open. `/s/{id}/sealed` serves it as it is bound, and the page renders with
/// the envelope it opened the ciphertext with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SealedEnvelope {
    pub v: u32,
    pub time_zone: ShareTimeZone,
    pub range: DateRange,
    pub detail: DetailLevel,
    pub view: DefaultView,
    pub locale: Option<LocaleTag>,
}

impl SealedEnvelope {
    pub fn of(options: &ShareOptions) -> Self {
        Self {
            v: SEALED_VERSION,
            time_zone: options.time_zone.clone(),
            range: options.range,
            detail: options.detail,
            view: options.view,
            locale: options.locale.clone(),
        }
    }

    /// The additional data: the envelope as one JSON text, fields in this order.
    pub fn additional_data(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("the envelope serializes")
    }

    /// The options of the share this envelope and a sealed `title` describe, as its page needs them.
    pub fn into_options(self, title: String) -> ShareOptions {
        ShareOptions {
            title,
            detail: self.detail,
            view: self.view,
            time_zone: self.time_zone,
            range: self.range,
            rolling: None,
            open_on: None,
            expires_at: None,
            embed_origins: Vec::new(),
            locale: self.locale,
        }
    }
}

/// The additional data of a share's ciphertext.
pub fn additional_data(options: &ShareOptions) -> Vec<u8> {
    SealedEnvelope::of(options).additional_data()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ciphertexts_are_checked_for_encoding_and_size() {
        let sealed = SealedSnapshot::parse(&URL_SAFE_NO_PAD.encode([7u8; 40]), 3).unwrap();
        assert_eq!((sealed.ciphertext().len(), sealed.event_count()), (40, 3));
        assert_eq!(SealedSnapshot::parse(&sealed.encoded(), 3).unwrap(), sealed);
        let padded = base64::engine::general_purpose::URL_SAFE.encode([7u8; 40]);
        assert!(SealedSnapshot::parse(&padded, 3).is_ok(), "padding is optional");
        assert!(SealedSnapshot::parse("not base64!", 0).is_err());
        assert!(SealedSnapshot::parse(&URL_SAFE_NO_PAD.encode([0u8; 27]), 0).is_err());
        let largest = URL_SAFE_NO_PAD.encode(vec![1u8; MAX_CIPHERTEXT_BYTES]);
        assert!(SealedSnapshot::parse(&largest, 0).is_ok());
        let over = URL_SAFE_NO_PAD.encode(vec![1u8; MAX_CIPHERTEXT_BYTES + 1]);
        assert!(SealedSnapshot::parse(&over, 0).is_err());
    }
}
