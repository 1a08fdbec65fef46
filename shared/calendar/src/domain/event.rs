//! One published event as it is stored: only what the share's detail level shows.

use super::SourceKey;
use jiff::{Timestamp, civil::Date};
use serde::{Deserialize, Serialize};

/// When an event starts or ends: an instant, or a calendar date for all-day events (end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum EventTime {
    At(Timestamp),
    Day(Date),
}

impl EventTime {
    pub fn is_all_day(&self) -> bool {
        matches!(self, Self::Day(_))
    }
}

/// The busy state a calendar shows for the event; the names are Microsoft Graph's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum ShowAs {
    Free,
    Tentative,
    #[default]
    Busy,
    Oof,
    WorkingElsewhere,
    Unknown,
}

impl ShowAs {
    pub const NAMES: [&'static str; 6] = ["free", "tentative", "busy", "oof", "workingElsewhere", "unknown"];

    /// Accepts Graph's names case-insensitively (Salesforce sends `Busy`, `OutOfOffice`, `Free`).
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.to_ascii_lowercase().as_str() {
            "free" => Ok(Self::Free),
            "tentative" => Ok(Self::Tentative),
            "busy" => Ok(Self::Busy),
            "oof" | "outofoffice" => Ok(Self::Oof),
            "workingelsewhere" => Ok(Self::WorkingElsewhere),
            "unknown" => Ok(Self::Unknown),
            _ => Err(format!("must be one of {}", Self::NAMES.join(", "))),
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Self::Free => "Free",
            Self::Tentative => "Tentative",
            Self::Busy => "Busy",
            Self::Oof => "Out of office",
            Self::WorkingElsewhere => "Working elsewhere",
            Self::Unknown => "Unknown",
        }
    }

    /// Whether the time is blocked, for the feed's `TRANSP`.
    pub fn blocks_time(&self) -> bool {
        !matches!(self, Self::Free | Self::WorkingElsewhere)
    }
}

/// `#rrggbb`, normalised to lowercase six digits (`#rgb` is expanded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Color(String);

text_newtype!(Color, &'static str);

impl Color {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let hex = raw.strip_prefix('#').filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
        match hex {
            Some(h) if h.len() == 6 => Ok(Self(format!("#{}", h.to_ascii_lowercase()))),
            Some(h) if h.len() == 3 => {
                let expanded: String = h.chars().flat_map(|c| [c, c]).collect();
                Ok(Self(format!("#{}", expanded.to_ascii_lowercase())))
            }
            _ => Err("must be #rrggbb or #rgb"),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The red, green and blue components (parsing guarantees six hex digits).
    pub fn rgb(&self) -> [u8; 3] {
        let component = |i: usize| u8::from_str_radix(&self.0[1 + 2 * i..3 + 2 * i], 16).unwrap_or(0);
        [component(0), component(1), component(2)]
    }
}

/// The most characters of an event's title, location, resource or status, and of a share's title.
pub const MAX_TEXT_CHARS: usize = 500;
/// The most bytes of a description (after sanitising).
pub const MAX_DESCRIPTION_BYTES: usize = 16 * 1024;

/// An event's description (kept at `full` only). HTML is sanitised before it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Description {
    Text(String),
    SanitizedHtml(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SharedEvent {
    /// Stable across re-publishes of the same source event; derived one-way from the source id.
    pub uid: String,
    pub start: EventTime,
    pub end: EventTime,
    pub show_as: ShowAs,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Description>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<Color>,
    /// The keyed digest of the event's source id, if it had one: what live updates match on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceKey>,
}

impl SharedEvent {
    pub fn is_all_day(&self) -> bool {
        self.start.is_all_day()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colors_normalise_and_reject_other_forms() {
        assert_eq!(Color::parse("#1E88E5").unwrap().as_str(), "#1e88e5");
        assert_eq!(Color::parse("#abc").unwrap().as_str(), "#aabbcc");
        for bad in ["1e88e5", "#12345", "#ggg", "red", "#1234", ""] {
            assert!(Color::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn colors_give_their_components() {
        assert_eq!(Color::parse("#1E88E5").unwrap().rgb(), [0x1e, 0x88, 0xe5]);
        assert_eq!(Color::parse("#f0a").unwrap().rgb(), [0xff, 0x00, 0xaa]);
    }

    #[test]
    fn show_as_accepts_graph_and_salesforce_names() {
        assert_eq!(ShowAs::parse("workingElsewhere"), Ok(ShowAs::WorkingElsewhere));
        assert_eq!(ShowAs::parse("OutOfOffice"), Ok(ShowAs::Oof));
        assert!(ShowAs::parse("away").is_err());
    }
}
