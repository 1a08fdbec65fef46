//! What recipients get: the read-only page (askama templates in `templates/`) and the iCalendar feed.

pub mod feed;
pub mod page;
pub mod query;
mod style;
mod timeline;

#[cfg(test)]
mod fixtures;

pub use feed::calendar_feed;
pub use page::{ErrorPage, error_page, share_page};
pub use query::PageQuery;

/// The page's policy: no scripts at all, only the page's own stylesheet (by hash), forms back to
/// the service, framing only when embedded.
pub fn content_security_policy(embed: bool) -> String {
    let frame_ancestors = if embed { "*" } else { "'none'" };
    format!(
        "default-src 'none'; style-src {}; img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors {frame_ancestors}",
        style::style_source()
    )
}
