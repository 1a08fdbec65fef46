//! What recipients get: the read-only page (askama templates in `templates/`), the iCalendar feed,
//! the error pages, and the security headers they all carry.

pub mod feed;
mod html_text;
pub mod page;
pub mod query;
mod security_headers;
mod style;
mod timeline;

#[cfg(test)]
pub(crate) mod fixtures;

pub use feed::calendar_feed;
pub use page::{ErrorPage, error_page, share_page};
pub use query::PageQuery;
pub use security_headers::{content_security_policy, with_security_headers};
