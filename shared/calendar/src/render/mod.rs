//! What recipients get: the read-only page (askama templates in `templates/`), the iCalendar feed,
//! the error pages, and the security headers they all carry. Publishing takes the feed writer and
//! the feed's size check alone (`publish` feature), never the pages.

mod content_lines;
mod css_colors;
#[cfg(feature = "view")]
pub mod event_key;
pub mod feed;
pub mod feed_size;
#[cfg(feature = "view")]
mod framing;
#[cfg(feature = "view")]
mod freebusy;
mod html_text;
#[cfg(feature = "view")]
pub mod locale;
#[cfg(feature = "view")]
pub mod page;
#[cfg(feature = "view")]
mod qr_code;
#[cfg(feature = "view")]
pub mod query;
#[cfg(feature = "view")]
mod sealed_page;
pub mod sent;
#[cfg(feature = "view")]
mod style;
#[cfg(feature = "view")]
mod timeline;
#[cfg(feature = "view")]
mod unlock_page;

/// Sample shares and events for tests, here and in the crates above.
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;

#[cfg(feature = "publish")]
pub(crate) use css_colors::css_color_rgb;
#[cfg(feature = "view")]
pub use event_key::EventKey;
pub use feed::calendar_feed;
#[cfg(feature = "view")]
pub use framing::{Framing, Scripts, content_security_policy};
#[cfg(feature = "view")]
pub use freebusy::free_busy;
#[cfg(feature = "view")]
pub use page::{ErrorPage, FeedOffer, PageShare, error_page, share_page};
#[cfg(feature = "view")]
pub use qr_code::{qr_data_url, qr_svg};
#[cfg(feature = "view")]
pub use query::PageQuery;
#[cfg(feature = "view")]
pub use sealed_page::{ShellAssets, sealed_json, sealed_page};
#[cfg(feature = "view")]
pub use unlock_page::{UnlockNotice, unlock_page};
