//! The recipients' language: which one a page speaks ([`Language`], resolved in the contract's
//! order), its words ([`Strings`], one file per language) and its CLDR names and formats
//! ([`Formats`]), and what a page settles on from them and the group's display overrides.

mod cldr;
mod cldr_patterns;
mod formats;
mod language;
mod strings;

pub(crate) use formats::{ClockPattern, Formats};
pub use language::{Language, LanguageSources};
pub use strings::Strings;

use crate::domain::DisplaySettings;
use jiff::civil::Weekday;

/// Everything language-dependent a page needs, resolved once for it.
#[derive(Clone, Copy)]
pub(crate) struct PageLocale {
    pub language: Language,
    pub strings: &'static Strings,
    pub formats: &'static Formats,
    pub clock: &'static ClockPattern,
    pub week_start: Weekday,
}

impl PageLocale {
    /// The language's own week start and clock, unless the group's display overrides them.
    pub fn new(language: Language, display: &DisplaySettings) -> Self {
        let formats = Formats::of(language);
        Self {
            language,
            strings: Strings::of(language),
            formats,
            clock: formats.clock(display.time_format),
            week_start: display.week_start.map_or(formats.first_weekday, |start| start.weekday()),
        }
    }
}

#[cfg(test)]
mod tests;
