//! Domain types: they can only hold valid values, and are built by parsing.

/// The plumbing of a type held as text: serde reads it through `TryFrom<String>` (its `parse`) and
/// writes it through `From<_> for String` (its `as_str`), and it displays as that text.
macro_rules! text_newtype {
    ($name:ident, $error:ty) => {
        impl TryFrom<String> for $name {
            type Error = $error;
            fn try_from(raw: String) -> Result<Self, Self::Error> {
                Self::parse(&raw)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.as_str().to_owned()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub mod date_time;
pub mod display;
pub mod embed;
pub mod event;
pub mod follow;
pub mod generation;
pub mod ids;
pub mod policy;
pub mod public_origin;
pub mod range_bounds;
pub mod sanitised_html;
pub mod sealed;
pub mod secret;
pub mod share;
pub mod share_lock;
pub mod source_key;
pub mod text;
pub mod unlock_cookie;
pub mod validation;

pub use date_time::{InvalidDateTime, OffsetStyle, parse_offset_date_time, parse_rfc3339};
pub use display::{DayTime, DisplaySettings, LocaleTag, ResourceFolder, TimeFormat, WeekStart};
pub use embed::{EmbedOrigin, MAX_EMBED_ORIGINS};
pub use event::{Color, Description, EventTime, SharedEvent, ShowAs};
pub use follow::RollingWindow;
pub use generation::{Generation, SnapshotPiece};
pub use ids::{GroupId, ShareId, UserId};
pub use policy::{
    SealingRule, SharingDecision, SharingDenial, SharingMode, SharingPolicy, UserPermission, sharing_decision,
};
pub use public_origin::{Authority, InvalidOrigin, PublicOrigin};
pub use range_bounds::{RangeBounds, served_at};
pub use sealed::SealedSnapshot;
pub use secret::SecretKey;
pub use share::{
    DateRange, DefaultView, DetailLevel, LeftOut, MAX_SHARE_EVENTS, Owner, ShareOptions, ShareRecord, ShareState,
    ShareTimeZone,
};
pub use share_lock::{
    HashMemory, LockoutRule, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, Password, PasswordChange, ShareLock,
    UNLOCK_LIFETIME, WrongTries,
};
pub use source_key::{SourceIdSecret, SourceIndex, SourceKey, SourceKeys, SourceTag};
pub use text::without_control_chars;
pub use unlock_cookie::{UNLOCK_COOKIE_NAME, UnlockCookieKey, unlock_cookie_in, unlock_set_cookie};
pub use validation::{
    FieldError, MAX_LISTED_ERRORS, MAX_QUOTED_CHARS, ValidationErrors, bounded_message, json_pointer, quoted,
};
