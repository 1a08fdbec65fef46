//! How an event and a day show: the event's name and busy tag in words, and the CSS classes for its
//! colour and busy pattern and for a day's place in the calendar. Classes, not style attributes,
//! which would need 'unsafe-inline'; colour is never the only cue.

use crate::domain::{Color, Description, DetailLevel, SharedEvent, ShowAs};
use crate::render::locale::Strings;
use std::collections::BTreeMap;
use std::fmt;

/// `Display` for a type whose `$write` writes only text that needs no HTML escaping (class names,
/// digits), and the marks that let the templates write it straight to the page: every event on a
/// page writes a few of these, and the escaper's pass and the formatter cost more than the text.
macro_rules! html_safe_display {
    ($type:ty, $write:ident) => {
        impl std::fmt::Display for $type {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.$write(f)
            }
        }

        impl askama::filters::HtmlSafe for $type {}

        impl askama::FastWritable for $type {
            fn write_into(&self, dest: &mut dyn std::fmt::Write, _: &dyn askama::Values) -> askama::Result<()> {
                Ok(self.$write(dest)?)
            }
        }
    };
}
pub(super) use html_safe_display;

/// What an event is called on the page: its title, else its busy state.
pub(super) fn label<'a>(event: &'a SharedEvent, strings: &Strings) -> &'a str {
    event.title.as_deref().unwrap_or(strings.show_as(event.show_as))
}

/// A text tag for a titled event's busy state, when it is not the usual "busy".
pub(super) fn show_as_tag(event: &SharedEvent, strings: &Strings) -> Option<&'static str> {
    (event.title.is_some() && event.show_as != ShowAs::Busy).then(|| strings.show_as(event.show_as))
}

/// The look of an event: a palette stripe from its colour and, for availability shares, a busy
/// pattern. Always backed by text; never the only cue.
#[derive(Debug, Clone, Copy)]
pub(super) struct Look {
    palette: u8,
    busy: Option<ShowAs>,
}

/// What a page shows of an event beside its time and name: where, who, its status, its description,
/// and its look. The agenda and the details view show the same facts, each in its own layout.
pub(super) struct EventFacts<'a> {
    pub(super) location: Option<&'a str>,
    pub(super) resource: Option<&'a str>,
    pub(super) status: Option<&'a str>,
    pub(super) description: Option<&'a Description>,
    pub(super) look: Look,
}

impl<'a> EventFacts<'a> {
    pub(super) fn of(event: &'a SharedEvent, looks: &Looks<'_>) -> Self {
        Self {
            location: event.location.as_deref(),
            resource: event.resource.as_deref(),
            status: event.status.as_deref(),
            description: event.description.as_ref(),
            look: looks.of(event),
        }
    }

    /// Only what `detail` shows: what a level does not show is not stored either, and this holds even
    /// for a snapshot that broke that rule.
    pub(super) fn shown_at(self, detail: DetailLevel) -> Self {
        Self {
            location: self.location.filter(|_| detail.shows_title()),
            description: self.description.filter(|_| detail.shows_description()),
            ..self
        }
    }
}

/// How the page colours its events: by their own colour, else by the group's colour for their
/// status; with busy patterns on availability shares.
pub(super) struct Looks<'a> {
    availability: bool,
    /// The group's status colours, each resolved to its palette entry once per page.
    status_palette: Vec<(&'a str, u8)>,
}

impl<'a> Looks<'a> {
    pub(super) fn new(availability: bool, status_colors: &'a BTreeMap<String, Color>) -> Self {
        let status_palette =
            status_colors.iter().map(|(status, color)| (status.as_str(), palette_index(color.as_str()))).collect();
        Self { availability, status_palette }
    }

    pub(super) fn of(&self, event: &SharedEvent) -> Look {
        let palette = match (&event.color, event.status.as_deref()) {
            (Some(color), _) => palette_index(color.as_str()),
            (None, Some(status)) if !self.status_palette.is_empty() => {
                self.status_palette.iter().find(|(named, _)| *named == status).map_or(0, |(_, index)| *index)
            }
            (None, _) => 0,
        };
        Look { palette, busy: self.availability.then_some(event.show_as) }
    }
}

const PALETTE_CLASSES: [&str; 13] = ["k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "k10", "k11", "k12"];

impl Look {
    fn write_classes(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        f.write_str(PALETTE_CLASSES[usize::from(self.palette)])?;
        if let Some(show_as) = self.busy {
            f.write_str(match show_as {
                ShowAs::Free => " sa-free",
                ShowAs::Tentative => " sa-tentative",
                ShowAs::Busy => " sa-busy",
                ShowAs::Oof => " sa-oof",
                ShowAs::WorkingElsewhere => " sa-we",
                ShowAs::Unknown => " sa-unknown",
            })?;
        }
        Ok(())
    }
}

html_safe_display!(Look, write_classes);

/// The stylesheet's palette (k1..k12), in its order.
const PALETTE: [(i32, i32, i32); 12] = [
    (0x1e, 0x88, 0xe5),
    (0x43, 0xa0, 0x47),
    (0xe5, 0x39, 0x35),
    (0xfb, 0x8c, 0x00),
    (0x8e, 0x24, 0xaa),
    (0x00, 0x89, 0x7b),
    (0xd8, 0x1b, 0x60),
    (0xf9, 0xa8, 0x25),
    (0x6d, 0x4c, 0x41),
    (0x39, 0x49, 0xab),
    (0x00, 0xac, 0xc1),
    (0x7c, 0xb3, 0x42),
];

/// The nearest palette colour to `#rrggbb` (a style attribute would need 'unsafe-inline').
fn palette_index(hex: &str) -> u8 {
    let digit = |at: usize| hex.as_bytes().get(at).and_then(|&b| char::from(b).to_digit(16)).unwrap_or(0) as i32;
    let channel = |at: usize| digit(at) * 16 + digit(at + 1);
    let (r, g, b) = (channel(1), channel(3), channel(5));
    let nearest = PALETTE
        .iter()
        .enumerate()
        .min_by_key(|(_, (pr, pg, pb))| {
            // Weighted for the eye's sensitivity, roughly.
            3 * (r - pr).pow(2) + 4 * (g - pg).pow(2) + 2 * (b - pb).pow(2)
        })
        .map_or(0, |(index, _)| index);
    nearest as u8 + 1
}

/// The classes of a day in the month grid or the week: outside the month, outside the share's
/// range, today, without events.
pub(super) struct CellClasses {
    pub(super) in_month: bool,
    pub(super) in_range: bool,
    pub(super) today: bool,
    pub(super) empty: bool,
}

impl CellClasses {
    fn write_classes(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        f.write_str("d")?;
        for (on, class) in
            [(!self.in_month, " om"), (!self.in_range, " oor"), (self.today, " today"), (self.empty, " nil")]
        {
            if on {
                f.write_str(class)?;
            }
        }
        Ok(())
    }
}

html_safe_display!(CellClasses, write_classes);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palette_picks_the_nearest_colour() {
        assert_eq!(palette_index("#1e88e5"), 1);
        assert_eq!(palette_index("#ff0000"), 3);
        assert_eq!(palette_index("#00ff00"), 2);
        assert_eq!(palette_index("#8bc34a"), 12);
        assert_eq!(palette_index("#7b1fa2"), 5);
    }
}
