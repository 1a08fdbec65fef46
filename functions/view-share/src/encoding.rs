//! How a page or feed travels: gzip when the client's `Accept-Encoding` allows it (q-values
//! honoured), else as it is, and never over `MAX_SENT_BYTES` as sent. The limit and the gzip are
//! share-core's, which publishing measures feeds with.

use crate::ViewCache;
use lambda_http::http::{HeaderMap, header};
use std::sync::Arc;

pub use share_core::render::sent::{MAX_SENT_BYTES, gzip};

/// A sealed share's answer: its base64url ciphertext (3 MiB decoded is 4 MiB of text, which JSON never
/// escapes) and a small JSON frame with the group's display settings, well inside Lambda's 6 MB.
pub const MAX_SEALED_SENT_BYTES: usize = MAX_SENT_BYTES + 64 * 1024;

/// A content coding this function sends. Brotli is left out: the view function has a binary-size
/// budget (6,000,000 bytes; 5,893,640 before issue 26), and the pure-Rust `brotli` crate's encoder
/// alone is about 1 MB of it (8.0.4 on x86-64, `default-features = false, features = ["std"]`, fat LTO at
/// `opt-level = "s"`, stripped: 344,632 bytes for a gzip-only program, 1,342,504 with the encoder,
/// at quality 1 or 5 alike). gzip is what every calendar app and browser takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Gzip,
    Identity,
}

/// What a request's `Accept-Encoding` allows, from most to least preferred.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted(Vec<Coding>);

impl Accepted {
    /// RFC 9110 §12.5.3: `gzip` (or `x-gzip`) and `*` with a q-value over zero allow gzip;
    /// identity is acceptable unless `identity;q=0`, or `*;q=0` without an identity entry. No
    /// header at all is read as identity only: a client that does not say it can decompress gets
    /// plain bodies. Malformed entries are ignored.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let values: Vec<&str> =
            headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|value| value.to_str().ok()).collect();
        if values.is_empty() {
            return Self(vec![Coding::Identity]);
        }
        let (mut gzip, mut identity, mut any) = (None, None, None);
        for entry in values.iter().flat_map(|value| value.split(',')) {
            let mut parts = entry.split(';');
            let name = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let Some(weight) = quality(parts) else { continue };
            let slot = match name.as_str() {
                "gzip" | "x-gzip" => &mut gzip,
                "identity" => &mut identity,
                "*" => &mut any,
                _ => continue,
            };
            // Repeated entries: the least favourable wins, so a refusal is never overridden.
            *slot = Some(slot.map_or(weight, |seen: u16| seen.min(weight)));
        }
        let gzip = gzip.or(any).unwrap_or(0);
        let identity = identity.or(any.filter(|&w| w == 0)).unwrap_or(1);
        let mut accepted: Vec<(Coding, u16)> =
            [(Coding::Gzip, gzip), (Coding::Identity, identity)].into_iter().filter(|&(_, w)| w > 0).collect();
        // Compressed unless the client prefers identity outright.
        accepted.sort_by_key(|&(coding, weight)| (std::cmp::Reverse(weight), coding != Coding::Gzip));
        Self(accepted.into_iter().map(|(coding, _)| coding).collect())
    }

    /// The coding to send when size is no concern, if any is acceptable.
    pub fn preferred(&self) -> Option<Coding> {
        self.0.first().copied()
    }

    pub fn allows(&self, coding: Coding) -> bool {
        self.0.contains(&coding)
    }
}

/// The q-value of an entry's parameters, in thousandths; `None` if malformed.
fn quality<'a>(parameters: impl Iterator<Item = &'a str>) -> Option<u16> {
    let mut weight = 1000;
    for parameter in parameters {
        let (name, value) = parameter.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("q") {
            continue;
        }
        let value = value.trim();
        let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
        let valid = matches!(whole, "0" | "1")
            && fraction.len() <= 3
            && fraction.bytes().all(|b| b.is_ascii_digit())
            && (whole == "0" || fraction.bytes().all(|b| b == b'0'));
        if !valid {
            return None;
        }
        let thousandths: u16 = format!("{fraction:0<3}").parse().ok()?;
        weight = if whole == "1" { 1000 } else { thousandths };
    }
    Some(weight)
}

impl Coding {
    /// The entity tag of this coding's body: a compressed body is another representation, so
    /// caches never hand one out for the other.
    pub fn entity_tag(self, plain_tag: &str) -> String {
        match self {
            Self::Identity => plain_tag.to_owned(),
            Self::Gzip => format!("{}-gzip\"", plain_tag.trim_end_matches('"')),
        }
    }

    pub fn content_encoding(self) -> Option<&'static str> {
        match self {
            Self::Gzip => Some("gzip"),
            Self::Identity => None,
        }
    }
}

/// A body ready to send: as rendered, or compressed.
#[derive(Debug, Clone)]
pub enum SentBody {
    Plain(Arc<str>),
    Gzip(Arc<[u8]>),
}

impl SentBody {
    pub fn len(&self) -> usize {
        match self {
            Self::Plain(text) => text.len(),
            Self::Gzip(bytes) => bytes.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl SentBody {
    pub fn into_lambda_body(self) -> lambda_http::Body {
        match self {
            Self::Plain(text) => lambda_http::Body::Text(text.to_string()),
            Self::Gzip(bytes) => lambda_http::Body::Binary(bytes.to_vec()),
        }
    }
}

/// The body to send: in the most preferred acceptable coding whose body fits `limit` as sent,
/// or `None` if none does. Gzipped bodies are kept in the cache under their coding's entity tag
/// (even one too large to send, so asking again costs no compression).
pub fn fitting_body(
    cache: &ViewCache,
    plain_tag: &str,
    plain: &Arc<str>,
    accepted: &Accepted,
    limit: usize,
) -> Option<(Coding, SentBody)> {
    accepted.0.iter().find_map(|&coding| {
        let body = match coding {
            Coding::Identity => SentBody::Plain(Arc::clone(plain)),
            Coding::Gzip => {
                let tag = coding.entity_tag(plain_tag);
                let bytes = cache.gzip_body(&tag).unwrap_or_else(|| {
                    let bytes: Arc<[u8]> = gzip(plain.as_bytes()).into();
                    cache.keep_gzip_body(&tag, Arc::clone(&bytes));
                    bytes
                });
                SentBody::Gzip(bytes)
            }
        };
        (body.len() <= limit).then_some((coding, body))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_http::http::HeaderValue;

    fn accepted(values: &[&str]) -> Accepted {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(header::ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
        }
        Accepted::from_headers(&headers)
    }

    use Coding::{Gzip, Identity};

    #[test]
    fn gzip_is_sent_when_allowed_and_identity_otherwise() {
        for (values, expected) in [
            (&["gzip, deflate, br"][..], vec![Gzip, Identity]),
            (&["br;q=1.0, gzip;q=0.8, *;q=0.1"], vec![Gzip, Identity]),
            (&["GZIP"], vec![Gzip, Identity]),
            (&["x-gzip"], vec![Gzip, Identity]),
            (&["*"], vec![Gzip, Identity]),
            (&["deflate", "gzip"], vec![Gzip, Identity]),
            (&[], vec![Identity]),
            (&[""], vec![Identity]),
            (&["br"], vec![Identity]),
            (&["identity"], vec![Identity]),
        ] {
            assert_eq!(accepted(values).0, expected, "{values:?}");
        }
    }

    #[test]
    fn q_values_are_honoured() {
        for (values, expected) in [
            (&["gzip;q=0"][..], vec![Identity]),
            (&["gzip; q=0.000, identity"], vec![Identity]),
            (&["gzip;Q=0.0"], vec![Identity]),
            (&["gzip;q=0.5, identity;q=0.9"], vec![Identity, Gzip]),
            (&["gzip;q=0.9, identity;q=0.9"], vec![Gzip, Identity]),
            (&["gzip, identity;q=0"], vec![Gzip]),
            (&["gzip, *;q=0"], vec![Gzip]),
            (&["*;q=0"], vec![]),
            (&["*;q=0, identity"], vec![Identity]),
            (&["gzip, gzip;q=0"], vec![Identity]),
            (&["*, gzip;q=0"], vec![Identity]),
        ] {
            assert_eq!(accepted(values).0, expected, "{values:?}");
        }
    }

    #[test]
    fn malformed_entries_are_ignored() {
        for values in [&["gzip;q=2"][..], &["gzip;q=0.5000"], &["gzip;q=abc"], &["gzip;q=1.5"], &["gzip;q"]] {
            assert_eq!(accepted(values).0, vec![Identity], "{values:?}");
        }
        assert_eq!(accepted(&["gzip;q=oops, gzip"]).0, vec![Gzip, Identity]);
    }

    #[test]
    fn compressed_bodies_have_their_own_entity_tag() {
        assert_eq!(Identity.entity_tag("\"abc\""), "\"abc\"");
        assert_eq!(Gzip.entity_tag("\"abc\""), "\"abc-gzip\"");
    }

    fn gunzip(bytes: &[u8]) -> String {
        use std::io::Read;
        let mut text = String::new();
        flate2::read::GzDecoder::new(bytes).read_to_string(&mut text).unwrap();
        text
    }

    #[test]
    fn the_preferred_coding_that_fits_is_sent_and_gzip_is_kept() {
        let cache = ViewCache::new();
        let text: Arc<str> = Arc::from("BEGIN:VCALENDAR\r\n".repeat(1000));
        let (coding, body) = fitting_body(&cache, "\"t\"", &text, &accepted(&["gzip"]), MAX_SENT_BYTES).unwrap();
        let SentBody::Gzip(bytes) = body else { panic!("gzip") };
        assert_eq!(coding, Gzip);
        assert!(bytes.len() < text.len() / 10);
        assert_eq!(gunzip(&bytes), *text);
        assert_eq!(cache.gzip_body("\"t-gzip\"").as_deref(), Some(&bytes[..]));
        let (coding, _) = fitting_body(&cache, "\"t\"", &text, &accepted(&[]), MAX_SENT_BYTES).unwrap();
        assert_eq!(coding, Identity);
    }

    #[test]
    fn a_body_too_large_as_it_is_goes_compressed_or_not_at_all() {
        let cache = ViewCache::new();
        let large: Arc<str> = Arc::from("x".repeat(MAX_SENT_BYTES + 1));
        assert!(fitting_body(&cache, "\"t\"", &large, &accepted(&["identity"]), MAX_SENT_BYTES).is_none());
        let (coding, body) =
            fitting_body(&cache, "\"t\"", &large, &accepted(&["gzip;q=0.5, identity"]), MAX_SENT_BYTES).unwrap();
        assert_eq!((coding, body.len() < 100_000), (Gzip, true), "identity is preferred but does not fit");
        let just_fits: Arc<str> = Arc::from("x".repeat(MAX_SENT_BYTES));
        assert_eq!(fitting_body(&cache, "\"u\"", &just_fits, &accepted(&[]), MAX_SENT_BYTES).unwrap().0, Identity);
    }
}
