//! What recipients get: the read-only page (askama templates in `templates/`) and the iCalendar feed.

pub mod feed;
pub mod page;

pub use feed::calendar_feed;
pub use page::{ErrorPage, PageQuery, error_page, share_page};

/// The page's policy: no scripts at all, styles only from the page itself, framing only when embedded.
pub fn content_security_policy(embed: bool) -> String {
    let frame_ancestors = if embed { "*" } else { "'none'" };
    format!(
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors {frame_ancestors}"
    )
}
