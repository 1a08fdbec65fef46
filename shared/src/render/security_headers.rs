//! The security headers on every response to a recipient (page, feed and error pages): the one
//! place the Content-Security-Policy and its companions are decided.

use super::style;
use lambda_http::http::response::Builder;
use lambda_http::http::{HeaderValue, header};

/// The page's policy: no scripts at all, only the page's own stylesheet (by hash), forms back to
/// the service, framing only when embedded.
pub fn content_security_policy(embed: bool) -> String {
    let frame_ancestors = if embed { "*" } else { "'none'" };
    format!(
        "default-src 'none'; style-src {}; img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors {frame_ancestors}",
        style::style_source()
    )
}

/// Adds the security headers; `embed` lets any site frame the response.
pub fn with_security_headers(builder: Builder, embed: bool) -> Builder {
    let builder = builder
        .header(header::CONTENT_SECURITY_POLICY, content_security_policy(embed))
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::REFERRER_POLICY, "no-referrer")
        .header("x-robots-tag", "noindex, nofollow");
    if embed { builder } else { builder.header(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")) }
}
