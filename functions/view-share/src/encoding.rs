//! How a page or feed travels: gzip or br when the client's `Accept-Encoding` allows it (q-values
//! honoured), else as it is, and never over `MAX_SENT_BYTES` as sent. The limit and the gzip are
//! share-core's, which publishing measures feeds with; the br is our own small encoder (`brotli`).

use crate::ViewCache;
use lambda_http::http::{HeaderMap, header};
use std::sync::Arc;

pub use share_core::render::sent::{MAX_SENT_BYTES, gzip};

/// A sealed share's answer: its base64url ciphertext (3 MiB decoded is 4 MiB of text, which JSON never
/// escapes) and a small JSON frame with the group's display settings, well inside Lambda's 6 MB.
pub const MAX_SEALED_SENT_BYTES: usize = MAX_SENT_BYTES + 64 * 1024;

/// A content coding this function sends. br comes from our own encoder (`crate::brotli`), not the
/// `brotli` crate: the view function has a binary-size budget (6,000,000 bytes; 5,951,904 before br),
/// and that crate's encoder alone is about 1 MB of it (8.0.4 on x86-64, `default-features = false,
/// features = ["std"]`, fat LTO at `opt-level = "s"`, stripped: 344,632 bytes for a gzip-only program,
/// 1,342,504 with the encoder, at quality 1 or 5 alike). Ours has no static dictionary or context
/// modelling, yet makes our feeds and pages 4–12% smaller than gzip does (docs/benchmarks.md,
/// "Brotli"), so codings the client weighs alike are sent in this order: br first. It compresses at
/// about half gzip's speed, once per body and coding in a warm instance (the cache keeps it). A feed
/// too large as br for `MAX_SENT_BYTES` goes gzipped if the client takes gzip: publishing measures
/// feeds gzipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Coding {
    Brotli,
    Gzip,
    Identity,
}

/// What a request's `Accept-Encoding` allows, from most to least preferred.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted(Vec<Coding>);

impl Accepted {
    /// RFC 9110 §12.5.3: `gzip` (or `x-gzip`), `br`, and `*` for either, with a q-value over zero
    /// allow them; identity is acceptable unless `identity;q=0`, or `*;q=0` without an identity
    /// entry. No header at all is read as identity only: a client that does not say it can
    /// decompress gets plain bodies. Malformed entries are ignored.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let values: Vec<&str> =
            headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|value| value.to_str().ok()).collect();
        if values.is_empty() {
            return Self(vec![Coding::Identity]);
        }
        let (mut gzip, mut brotli, mut identity, mut any) = (None, None, None, None);
        for entry in values.iter().flat_map(|value| value.split(',')) {
            let mut parts = entry.split(';');
            let name = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let Some(weight) = quality(parts) else { continue };
            let slot = match name.as_str() {
                "gzip" | "x-gzip" => &mut gzip,
                "br" => &mut brotli,
                "identity" => &mut identity,
                "*" => &mut any,
                _ => continue,
            };
            // Repeated entries: the least favourable wins, so a refusal is never overridden.
            *slot = Some(slot.map_or(weight, |seen: u16| seen.min(weight)));
        }
        let gzip = gzip.or(any).unwrap_or(0);
        let brotli = brotli.or(any).unwrap_or(0);
        let identity = identity.or(any.filter(|&w| w == 0)).unwrap_or(1);
        let mut accepted: Vec<(Coding, u16)> =
            [(Coding::Gzip, gzip), (Coding::Brotli, brotli), (Coding::Identity, identity)]
                .into_iter()
                .filter(|&(_, w)| w > 0)
                .collect();
        // Compressed unless the client prefers identity outright; br before gzip at equal weight.
        accepted.sort_by_key(|&(coding, weight)| (std::cmp::Reverse(weight), coding));
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
            Self::Gzip | Self::Brotli => {
                format!("{}-{}\"", plain_tag.trim_end_matches('"'), self.content_encoding().expect("compressed"))
            }
        }
    }

    pub fn content_encoding(self) -> Option<&'static str> {
        match self {
            Self::Brotli => Some("br"),
            Self::Gzip => Some("gzip"),
            Self::Identity => None,
        }
    }
}

/// A body ready to send: as rendered, or compressed (in the coding sent beside it).
#[derive(Debug, Clone)]
pub enum SentBody {
    Plain(Arc<str>),
    Compressed(Arc<[u8]>),
}

impl SentBody {
    pub fn len(&self) -> usize {
        match self {
            Self::Plain(text) => text.len(),
            Self::Compressed(bytes) => bytes.len(),
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
            Self::Compressed(bytes) => lambda_http::Body::Binary(bytes.to_vec()),
        }
    }
}

/// The body to send: in the most preferred acceptable coding whose body fits `limit` as sent,
/// or `None` if none does. Compressed bodies are kept in the cache under their coding's entity tag
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
            Coding::Gzip | Coding::Brotli => {
                let tag = coding.entity_tag(plain_tag);
                let bytes = cache.gzip_body(&tag).unwrap_or_else(|| {
                    let bytes: Arc<[u8]> = match coding {
                        Coding::Brotli => crate::brotli::compress(plain.as_bytes()),
                        _ => gzip(plain.as_bytes()),
                    }
                    .into();
                    cache.keep_gzip_body(&tag, Arc::clone(&bytes));
                    bytes
                });
                SentBody::Compressed(bytes)
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

    use Coding::{Brotli, Gzip, Identity};

    #[test]
    fn compressed_codings_are_sent_when_allowed_and_identity_otherwise() {
        for (values, expected) in [
            (&["gzip, deflate, br"][..], vec![Brotli, Gzip, Identity]),
            (&["br;q=1.0, gzip;q=0.8, *;q=0.1"], vec![Brotli, Gzip, Identity]),
            (&["GZIP"], vec![Gzip, Identity]),
            (&["x-gzip"], vec![Gzip, Identity]),
            (&["*"], vec![Brotli, Gzip, Identity]),
            (&["deflate", "gzip"], vec![Gzip, Identity]),
            (&[], vec![Identity]),
            (&[""], vec![Identity]),
            (&["br"], vec![Brotli, Identity]),
            (&["BR", "deflate"], vec![Brotli, Identity]),
            (&["br, gzip;q=0"], vec![Brotli, Identity]),
            (&["br;q=0.5, gzip;q=0.4"], vec![Brotli, Gzip, Identity]),
            (&["br;q=0.5, gzip"], vec![Gzip, Brotli, Identity]),
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
            (&["*, gzip;q=0"], vec![Brotli, Identity]),
            (&["br;q=0, *"], vec![Gzip, Identity]),
            (&["br, identity;q=0"], vec![Brotli]),
            (&["br;q=0.9, identity"], vec![Identity, Brotli]),
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
        assert_eq!(Brotli.entity_tag("\"abc\""), "\"abc-br\"");
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
        let SentBody::Compressed(bytes) = body else { panic!("gzip") };
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

    #[test]
    fn a_client_that_takes_only_br_gets_br_and_it_is_kept() {
        let cache = ViewCache::new();
        let large: Arc<str> = Arc::from("BEGIN:VEVENT\r\n".repeat(MAX_SENT_BYTES / 10));
        let (coding, body) = fitting_body(&cache, "\"t\"", &large, &accepted(&["br"]), MAX_SENT_BYTES).unwrap();
        let SentBody::Compressed(bytes) = body else { panic!("br") };
        assert_eq!(coding, Brotli);
        assert!(bytes.len() < 100_000, "{} bytes", bytes.len());
        assert_eq!(crate::brotli::tests::decompress(&bytes), large.as_bytes());
        assert_eq!(cache.gzip_body("\"t-br\"").as_deref(), Some(&bytes[..]));
        assert!(cache.gzip_body("\"t-gzip\"").is_none(), "gzip made only when it is sent");
    }

    /// An HTTP API event for the fixtures' share, as a client sends it.
    fn view_request(route: &str, path: &str, accept_encoding: Option<&str>) -> lambda_http::Request {
        let mut headers = serde_json::json!({"host": "share.example.com", "x-forwarded-proto": "https"});
        if let Some(value) = accept_encoding {
            headers["accept-encoding"] = value.into();
        }
        let event = serde_json::json!({
            "version": "2.0",
            "routeKey": route,
            "rawPath": path,
            "rawQueryString": "",
            "headers": headers,
            "pathParameters": {"id": "0123456789abcdef0123456789abcdef"},
            "requestContext": {
                "accountId": "000000000000",
                "apiId": "test",
                "domainName": "share.example.com",
                "http": {"method": "GET", "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "test"},
                "requestId": "test",
                "routeKey": route,
                "stage": "$default",
                "time": "07/Dec/2026:18:00:00 +0000",
                "timeEpoch": 0
            },
            "isBase64Encoded": false
        });
        lambda_http::request::from_str(&event.to_string()).expect("an API Gateway event")
    }

    fn binary(response: &lambda_http::Response<lambda_http::Body>) -> &[u8] {
        match response.body() {
            lambda_http::Body::Binary(bytes) => bytes,
            other => panic!("not a compressed body: {other:?}"),
        }
    }

    /// A feed too large to send as it is goes as br to a client that takes only br, byte for byte
    /// the feed a gzip client gets, under its own entity tag.
    #[test]
    fn a_big_feed_is_sent_as_br_to_a_br_only_client() {
        use lambda_http::http::StatusCode;
        let share = crate::brotli::tests::sample_share(10_000);
        let feed = share_core::render::calendar_feed(&share.record, &share.events);
        assert!(feed.len() > MAX_SENT_BYTES, "{} bytes: it would fit as it is", feed.len());
        let cache = ViewCache::new();
        let config = share_core::ServiceConfig::default();
        let (route, path) = ("GET /s/{id}/calendar.ics", "/s/0123456789abcdef0123456789abcdef/calendar.ics");
        let serve = |accept_encoding| {
            crate::serve_share(&cache, &config, &view_request(route, path, accept_encoding), share.clone())
        };

        let plain = serve(Some("identity"));
        assert_eq!(plain.status(), StatusCode::NOT_ACCEPTABLE);
        for only_br in ["br", "br, gzip;q=0", "br;q=0.5, identity;q=0"] {
            let response = serve(Some(only_br));
            assert_eq!(response.status(), StatusCode::OK, "{only_br}");
            assert_eq!(response.headers()[header::CONTENT_ENCODING], "br");
            assert_eq!(response.headers()[header::VARY], "Accept-Encoding");
            assert!(response.headers()[header::ETAG].to_str().unwrap().ends_with("-br\""));
            let sent = binary(&response);
            assert!(sent.len() <= MAX_SENT_BYTES);
            assert!(crate::brotli::tests::decompress(sent) == feed.as_bytes(), "{only_br}: the feed, complete");
        }
        assert_eq!(serve(Some("gzip, deflate, br")).headers()[header::CONTENT_ENCODING], "br");
        let gzipped = serve(Some("gzip, br;q=0.9"));
        assert_eq!(gzipped.headers()[header::CONTENT_ENCODING], "gzip");
        assert_eq!(gunzip(binary(&gzipped)), feed);
        assert!(binary(&serve(Some("br"))).len() < binary(&gzipped).len(), "br is the smaller");
        assert_ne!(gzipped.headers()[header::ETAG], serve(Some("br")).headers()[header::ETAG]);
    }

    /// Every view takes the same path: the page and the QR code too.
    #[test]
    fn pages_go_as_br_and_answer_304_to_their_br_tag() {
        use lambda_http::http::StatusCode;
        let share = crate::brotli::tests::sample_share(250);
        let cache = ViewCache::new();
        let config = share_core::ServiceConfig::default();
        let id = "0123456789abcdef0123456789abcdef";
        for (route, path) in [("GET /s/{id}", format!("/s/{id}")), ("GET /s/{id}/qr.svg", format!("/s/{id}/qr.svg"))] {
            let response = crate::serve_share(&cache, &config, &view_request(route, &path, Some("br")), share.clone());
            assert_eq!(response.status(), StatusCode::OK, "{route}");
            assert_eq!(response.headers()[header::CONTENT_ENCODING], "br", "{route}");
            let text = String::from_utf8(crate::brotli::tests::decompress(binary(&response))).unwrap();
            assert!(text.contains("<svg") || text.contains("Team rota"), "{route}");
            let tag = response.headers()[header::ETAG].to_str().unwrap().to_owned();
            let mut again = view_request(route, &path, Some("br"));
            again.headers_mut().insert(header::IF_NONE_MATCH, tag.parse().unwrap());
            let not_modified = crate::serve_share(&cache, &config, &again, share.clone());
            assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED, "{route}");
            assert_eq!(not_modified.headers()[header::ETAG], tag.as_str());
        }
    }
}
