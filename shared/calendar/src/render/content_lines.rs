//! RFC 5545 content lines as the feed writes them: TEXT values cleaned of control characters,
//! escaped and folded at 75 octets in one pass over each value, copied in runs between the bytes
//! that need care, so writing costs time linear in the value's length and little per byte.

use crate::domain::EventTime;
use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::Offset;

/// RFC 5545 3.1: content lines SHOULD NOT be longer than 75 octets, line break excluded.
pub(super) const LINE_OCTETS: usize = 75;

/// `YYYYMMDDTHHMMSSZ`.
pub(super) fn utc(at: Timestamp) -> String {
    let mut out = String::with_capacity(16);
    write_utc(&mut out, at);
    out
}

/// Digits written by hand: `strftime`, and then `format!`, showed in profiles of large feeds.
fn write_utc(out: &mut String, at: Timestamp) {
    let t: DateTime = Offset::UTC.to_datetime(at);
    write_date(out, t.date());
    let [h, m, s] = [t.hour(), t.minute(), t.second()].map(|n| n.unsigned_abs());
    let time = [b'T', b'0' + h / 10, b'0' + h % 10, b'0' + m / 10, b'0' + m % 10, b'0' + s / 10, b'0' + s % 10, b'Z'];
    out.push_str(std::str::from_utf8(&time).unwrap_or_default());
}

/// `YYYYMMDD`; a year outside 0–9999 as `{:04}` writes it (`-009`), as the feed always has.
fn write_date(out: &mut String, day: Date) {
    let (month, day_of_month) = (day.month().unsigned_abs(), day.day().unsigned_abs());
    match u16::try_from(day.year()) {
        Ok(year) if year <= 9999 => {
            let digit = |n: u16| b'0' + (n % 10) as u8;
            let year = [digit(year / 1000), digit(year / 100), digit(year / 10), digit(year)];
            out.push_str(std::str::from_utf8(&year).unwrap_or_default());
        }
        _ => {
            use std::fmt::Write;
            let _ = write!(out, "{:04}", day.year());
        }
    }
    let rest = [b'0' + month / 10, b'0' + month % 10, b'0' + day_of_month / 10, b'0' + day_of_month % 10];
    out.push_str(std::str::from_utf8(&rest).unwrap_or_default());
}

/// What a TEXT value's control characters become (RFC 5545 allows none; a bare CR would even end
/// the line).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Breaks {
    /// Every control character a space: one-line values (names, titles, places, categories).
    Spaces,
    /// CRLF, CR and LF an escaped line break, tabs kept, other control characters dropped.
    Kept,
}

/// The bytes a TEXT value is not copied through on: the escaped `\`, `;`, `,`, the C0 controls
/// and DEL, and 0xC2, which starts the C1 controls (U+0080–U+009F) among other characters.
const CAREFUL: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[0x7f] = true;
    table[0xc2] = true;
    table[b'\\' as usize] = true;
    table[b';' as usize] = true;
    table[b',' as usize] = true;
    table
};

/// The feed as content lines: each written, escaped and folded as it goes.
pub(super) struct ContentLines(pub(super) String);

impl ContentLines {
    pub(super) fn with_capacity(bytes: usize) -> Self {
        Self(String::with_capacity(bytes))
    }

    /// A property whose value needs no escaping (names, dates, codes and ids we write ourselves).
    pub(super) fn property(&mut self, name: &str, value: &str) {
        let mut line = Line::start(self, name);
        line.push_str(value);
        line.end();
    }

    /// A TEXT property: control characters as `breaks` says, `\`, `;`, `,` and line breaks escaped
    /// (RFC 5545 3.3.11).
    pub(super) fn text(&mut self, name: &str, value: &str, breaks: Breaks) {
        let mut line = Line::start(self, name);
        line.push_text(value, breaks);
        line.end();
    }

    /// A multi-valued one-line TEXT property (`CATEGORIES`): each value escaped, the values
    /// separated by commas (RFC 5545 3.1.1), so a comma inside a value stays part of it.
    pub(super) fn text_list<'v>(&mut self, name: &str, values: impl IntoIterator<Item = &'v str>) {
        let mut line = Line::start(self, name);
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                line.push_str(",");
            }
            line.push_text(value, Breaks::Spaces);
        }
        line.end();
    }

    pub(super) fn time(&mut self, name: &str, time: EventTime) {
        // Both values are ASCII and at most 17 octets: written whole, then folded if need be.
        let mut value = String::with_capacity(24);
        let mut line = match time {
            EventTime::At(at) => {
                write_utc(&mut value, at);
                Line::start(self, name)
            }
            EventTime::Day(day) => {
                write_date(&mut value, day);
                let mut line = Line::start_named(self, name);
                line.push_str(";VALUE=DATE:");
                line
            }
        };
        line.push_str(&value);
        line.end();
    }
}

/// One content line being written, with the octets on its current physical line.
struct Line<'a> {
    out: &'a mut String,
    octets: usize,
}

impl<'a> Line<'a> {
    fn start(lines: &'a mut ContentLines, name: &str) -> Self {
        let mut line = Self::start_named(lines, name);
        line.push_str(":");
        line
    }

    fn start_named(lines: &'a mut ContentLines, name: &str) -> Self {
        let mut line = Self { out: &mut lines.0, octets: 0 };
        line.push_str(name);
        line
    }

    /// Folds before each character that would pass the limit: CRLF and one space, which readers
    /// remove (a fold may fall inside an escape, never inside a character).
    fn push_str(&mut self, text: &str) {
        let mut rest = text;
        while self.octets + rest.len() > LINE_OCTETS {
            let mut cut = LINE_OCTETS - self.octets;
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            let (fits, next) = rest.split_at(cut);
            self.out.push_str(fits);
            self.out.push_str("\r\n ");
            self.octets = 1;
            rest = next;
        }
        self.out.push_str(rest);
        self.octets += rest.len();
    }

    /// A TEXT value, cleaned and escaped as it is written: the runs between careful bytes copied whole.
    fn push_text(&mut self, text: &str, breaks: Breaks) {
        let bytes = text.as_bytes();
        let (mut run, mut at) = (0, 0);
        while at < bytes.len() {
            let b = bytes[at];
            if !CAREFUL[usize::from(b)] {
                at += 1;
                continue;
            }
            // A C1 control is 0xC2 0x80–0x9F; any other character after 0xC2 is copied.
            let c1 = b == 0xc2 && matches!(bytes.get(at + 1), Some(0x80..=0x9f));
            if b == 0xc2 && !c1 {
                at += 2;
                continue;
            }
            self.push_str(&text[run..at]);
            let (replacement, used) = match (b, breaks) {
                (b'\\', _) => ("\\\\", 1),
                (b';', _) => ("\\;", 1),
                (b',', _) => ("\\,", 1),
                (_, Breaks::Spaces) => (" ", if c1 { 2 } else { 1 }),
                (b'\n', Breaks::Kept) => ("\\n", 1),
                (b'\r', Breaks::Kept) if bytes.get(at + 1) == Some(&b'\n') => ("", 1),
                (b'\r', Breaks::Kept) => ("\\n", 1),
                (b'\t', Breaks::Kept) => ("\t", 1),
                (_, Breaks::Kept) => ("", if c1 { 2 } else { 1 }),
            };
            self.push_str(replacement);
            at += used;
            run = at;
        }
        self.push_str(&text[run..]);
    }

    fn end(self) {
        self.out.push_str("\r\n");
    }
}
