//! CLDR's own patterns for a language's times and week intervals (ICU4X 2.4 has no date-interval
//! formatter, and its hour-minute time pads `H:mm`), written out here and read by a small reader of
//! CLDR's pattern syntax.
//!
//! Copied from cldr-json 48.2.0, `cldr-dates-full/main/{en,en-GB,de,fr,es,it,nl,pt}/ca-gregorian.json`
//! (`pt` is Brazilian Portuguese): `timeFormats.short`, `availableFormats.hm`/`Hm` for the other
//! clock, `dayPeriods.format.abbreviated`, `intervalFormats.hm`/`Hm` (`a` and `h`, `H`), and `intervalFormats.yMMMMd` where the language has it,
//! else `yMMMd` with its month widened to the full name, as ICU does for a `yMMMMd` request. Thin
//! spaces (U+2009) and narrow no-break spaces (U+202F) are CLDR's.

use super::Language;
use jiff::civil::Date;
use std::fmt;

pub(super) struct CldrPatterns {
    /// `timeFormats.short`: the language's own clock.
    pub time: &'static str,
    /// `availableFormats.hm` (or `Hm` for a twelve-hour language): the clock a group may choose.
    pub other_time: &'static str,
    /// `dayPeriods.format.abbreviated`: am, pm.
    pub day_periods: [&'static str; 2],
    /// Two times of one day, `intervalFormats.hm` or `Hm` as `time` is: [the day periods differ,
    /// the same day period] (alike for a 24-hour clock).
    pub time_interval: [&'static str; 2],
    /// The same for `other_time`.
    pub other_time_interval: [&'static str; 2],
    /// The greatest difference's interval pattern: the day, the month, the year.
    pub interval: [&'static str; 3],
}

const EN: CldrPatterns = CldrPatterns {
    time: "h:mm\u{202f}a",
    other_time: "HH:mm",
    day_periods: ["AM", "PM"],
    time_interval: ["h:mm\u{202f}a\u{2009}–\u{2009}h:mm\u{202f}a", "h:mm\u{2009}–\u{2009}h:mm\u{202f}a"],
    other_time_interval: ["HH:mm\u{2009}–\u{2009}HH:mm"; 2],
    interval: ["MMM d\u{2009}–\u{2009}d, y", "MMM d\u{2009}–\u{2009}MMM d, y", "MMM d, y\u{2009}–\u{2009}MMM d, y"],
};
const EN_GB: CldrPatterns = CldrPatterns {
    time: "HH:mm",
    other_time: "h:mm\u{202f}a",
    day_periods: ["am", "pm"],
    time_interval: ["HH:mm–HH:mm"; 2],
    other_time_interval: ["h:mm\u{202f}a\u{2009}–\u{2009}h:mm\u{202f}a", "h:mm\u{2009}–\u{2009}h:mm\u{202f}a"],
    interval: ["d\u{2009}–\u{2009}d MMM y", "d MMM\u{2009}–\u{2009}d MMM y", "d MMM y\u{2009}–\u{2009}d MMM y"],
};
const DE: CldrPatterns = CldrPatterns {
    time: "HH:mm",
    other_time: "h:mm\u{202f}a",
    day_periods: ["AM", "PM"],
    time_interval: ["HH:mm–HH:mm 'Uhr'"; 2],
    other_time_interval: ["h:mm\u{202f}a\u{2009}–\u{2009}h:mm\u{202f}a", "h:mm–h:mm\u{202f}a"],
    interval: ["d.–d. MMM y", "d. MMM\u{2009}–\u{2009}d. MMM y", "d. MMM y\u{2009}–\u{2009}d. MMM y"],
};
const FR: CldrPatterns = CldrPatterns {
    time: "HH:mm",
    other_time: "h:mm\u{202f}a",
    day_periods: ["AM", "PM"],
    time_interval: ["HH:mm\u{2009}–\u{2009}HH:mm"; 2],
    other_time_interval: ["h:mm\u{202f}a\u{2009}–\u{2009}h:mm\u{202f}a", "h:mm\u{2009}–\u{2009}h:mm\u{202f}a"],
    interval: ["d–d MMM y", "d MMM\u{2009}–\u{2009}d MMM y", "d MMM y\u{2009}–\u{2009}d MMM y"],
};
const ES: CldrPatterns = CldrPatterns {
    time: "H:mm",
    other_time: "h:mm\u{202f}a",
    day_periods: ["a.\u{202f}m.", "p.\u{202f}m."],
    time_interval: ["H:mm–H:mm"; 2],
    other_time_interval: ["h:mm\u{202f}a\u{2009}–\u{2009}h:mm\u{202f}a", "h:mm\u{2009}–\u{2009}h:mm\u{202f}a"],
    interval: [
        "d–d 'de' MMMM 'de' y",
        "d 'de' MMMM\u{2009}–\u{2009}d 'de' MMMM 'de' y",
        "d 'de' MMMM 'de' y\u{2009}–\u{2009}d 'de' MMMM 'de' y",
    ],
};
const IT: CldrPatterns = CldrPatterns {
    time: "HH:mm",
    other_time: "h:mm\u{202f}a",
    day_periods: ["AM", "PM"],
    time_interval: ["HH:mm–HH:mm"; 2],
    other_time_interval: ["h:mm\u{202f}a\u{2009}–\u{2009}h:mm\u{202f}a", "h:mm–h:mm\u{202f}a"],
    interval: ["dd–dd MMM y", "dd MMM\u{2009}–\u{2009}dd MMM y", "dd MMM y\u{2009}–\u{2009}dd MMM y"],
};
const NL: CldrPatterns = CldrPatterns {
    time: "HH:mm",
    other_time: "h:mm a",
    day_periods: ["a.m.", "p.m."],
    time_interval: ["HH:mm–HH:mm"; 2],
    other_time_interval: ["h:mm a\u{2009}–\u{2009}h:mm a", "h:mm–h:mm a"],
    interval: ["d–d MMM y", "d MMM\u{2009}–\u{2009}d MMM y", "d MMM y\u{2009}–\u{2009}d MMM y"],
};
const PT: CldrPatterns = CldrPatterns {
    time: "HH:mm",
    other_time: "h:mm\u{202f}a",
    day_periods: ["AM", "PM"],
    time_interval: ["HH:mm\u{2009}–\u{2009}HH:mm"; 2],
    other_time_interval: ["h:mm\u{202f}a\u{2009}–\u{2009}h:mm\u{202f}a", "h:mm\u{2009}–\u{2009}h:mm\u{202f}a"],
    interval: [
        "d\u{2009}–\u{2009}d 'de' MMM 'de' y",
        "d 'de' MMM\u{2009}–\u{2009}d 'de' MMM 'de' y",
        "d 'de' MMM 'de' y\u{2009}–\u{2009}d 'de' MMM 'de' y",
    ],
};

impl CldrPatterns {
    pub fn of(language: Language) -> &'static Self {
        match language {
            Language::EnUs => &EN,
            Language::EnGb => &EN_GB,
            Language::De => &DE,
            Language::Fr => &FR,
            Language::Es => &ES,
            Language::It => &IT,
            Language::Nl => &NL,
            Language::PtBr => &PT,
        }
    }

    /// The interval pattern for the first and last day: the year's if they differ, else the
    /// month's, else the day's.
    pub fn interval_for(&self, first: Date, last: Date) -> &'static str {
        if first.year() != last.year() {
            self.interval[2]
        } else if first.month() != last.month() {
            self.interval[1]
        } else {
            self.interval[0]
        }
    }
}

/// One piece of a CLDR pattern: a field (its letter, how many times) or text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Piece<'a> {
    Field(char, usize),
    Text(&'a str),
}

/// The pieces of a pattern in order: runs of one ASCII letter are fields, text in `'…'` is text
/// (`''` an apostrophe), anything else text.
pub(super) fn pieces(pattern: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = pattern;
    while let Some(first) = rest.chars().next() {
        if first.is_ascii_alphabetic() {
            let count = rest.find(|c| c != first).unwrap_or(rest.len());
            pieces.push(Piece::Field(first, count));
            rest = &rest[count..];
        } else if let Some(after_quote) = rest.strip_prefix('\'') {
            if let Some(after) = after_quote.strip_prefix('\'') {
                pieces.push(Piece::Text("'"));
                rest = after;
            } else {
                let end = after_quote.find('\'').unwrap_or(after_quote.len());
                pieces.push(Piece::Text(&after_quote[..end]));
                rest = after_quote.get(end + 1..).unwrap_or("");
            }
        } else {
            let end = rest.find(|c: char| c.is_ascii_alphabetic() || c == '\'').unwrap_or(rest.len());
            pieces.push(Piece::Text(&rest[..end]));
            rest = &rest[end..];
        }
    }
    pieces
}

/// Writes an interval pattern for two dates: as CLDR defines it, the first date's part ends where
/// a field first repeats. Months are written in full (`months`, January first).
pub(super) fn write_interval(
    pattern: &str,
    (first, last): (Date, Date),
    months: &[String; 12],
    f: &mut dyn fmt::Write,
) -> fmt::Result {
    let mut seen = Vec::with_capacity(4);
    let mut day = first;
    for piece in pieces(pattern) {
        match piece {
            Piece::Text(text) => f.write_str(text)?,
            Piece::Field(letter, count) => {
                if seen.contains(&letter) {
                    day = last;
                    seen.clear();
                }
                seen.push(letter);
                match (letter, count) {
                    ('d', 2) => write!(f, "{:02}", day.day())?,
                    ('d', _) => write!(f, "{}", day.day())?,
                    ('M' | 'L', 3..) => f.write_str(&months[day.month() as usize - 1])?,
                    ('M' | 'L', 2) => write!(f, "{:02}", day.month())?,
                    ('M' | 'L', _) => write!(f, "{}", day.month())?,
                    ('y', 2) => write!(f, "{:02}", day.year().rem_euclid(100))?,
                    ('y', _) => write!(f, "{}", day.year())?,
                    _ => unreachable!("the week intervals hold days, months and years only: {pattern}"),
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
