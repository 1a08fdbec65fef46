//! The security headers on every response to a recipient (page, feed and error pages): the one
//! place the Content-Security-Policy and its companions are decided.

use super::style;
use crate::domain::EmbedOrigin;
use lambda_http::http::response::Builder;
use lambda_http::http::{HeaderValue, header};

/// Which sites may frame a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing<'a> {
    /// The page, the feed, error pages.
    Nobody,
    /// The embed page of a share without `embedOrigins`.
    AnySite,
    /// The embed page of a share with `embedOrigins`: exactly these.
    Only(&'a [EmbedOrigin]),
}

impl<'a> Framing<'a> {
    /// The embed page's framing for a share's `embedOrigins`.
    pub fn embed_page(origins: &'a [EmbedOrigin]) -> Self {
        if origins.is_empty() { Self::AnySite } else { Self::Only(origins) }
    }
}

/// The page's policy: no scripts at all, only the page's own stylesheet (by hash), forms back to
/// the service, framing as `framing` says.
pub fn content_security_policy(framing: Framing<'_>) -> String {
    let frame_ancestors = match framing {
        Framing::Nobody => "'none'".to_owned(),
        Framing::AnySite => "*".to_owned(),
        Framing::Only(origins) => origins.iter().map(EmbedOrigin::as_str).collect::<Vec<_>>().join(" "),
    };
    format!(
        "default-src 'none'; style-src {}; img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors {frame_ancestors}",
        style::style_source()
    )
}

/// Adds the security headers. `X-Frame-Options`, which cannot name sites, only where nobody may frame.
pub fn with_security_headers(builder: Builder, framing: Framing<'_>) -> Builder {
    let builder = builder
        .header(header::CONTENT_SECURITY_POLICY, content_security_policy(framing))
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::REFERRER_POLICY, "no-referrer")
        .header("x-robots-tag", "noindex, nofollow");
    match framing {
        Framing::Nobody => builder.header(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        Framing::AnySite | Framing::Only(_) => builder,
    }
}
