//! RFC 5545 content lines as the feed writes them: TEXT values escaped and lines folded at 75
//! octets in one pass over each value, so writing costs time linear in the value's length.

use crate::domain::EventTime;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::Offset;
use std::borrow::Cow;
use std::fmt::Write;

/// RFC 5545 3.1: content lines SHOULD NOT be longer than 75 octets, line break excluded.
pub(super) const LINE_OCTETS: usize = 75;

/// `YYYYMMDDTHHMMSSZ` (formatted by hand: `strftime` showed in profiles of large feeds).
pub(super) fn utc(at: Timestamp) -> String {
    let t = Offset::UTC.to_datetime(at);
    format!("{}T{:02}{:02}{:02}Z", ical_date(t.date()), t.hour(), t.minute(), t.second())
}

fn ical_date(day: Date) -> String {
    format!("{:04}{:02}{:02}", day.year(), day.month(), day.day())
}

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

    /// A TEXT property: `\`, `;`, `,` and line breaks escaped (RFC 5545 3.3.11).
    pub(super) fn text(&mut self, name: &str, value: &str) {
        let mut line = Line::start(self, name);
        line.push_text(value);
        line.end();
    }

    /// A multi-valued TEXT property (`CATEGORIES`): each value escaped, the values separated by
    /// commas (RFC 5545 3.1.1), so a comma inside a value stays part of it.
    pub(super) fn text_list(&mut self, name: &str, values: &[Cow<'_, str>]) {
        let mut line = Line::start(self, name);
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                line.push(',');
            }
            line.push_text(value);
        }
        line.end();
    }

    pub(super) fn time(&mut self, name: &str, time: EventTime) {
        match time {
            EventTime::At(at) => self.property(name, &utc(at)),
            EventTime::Day(day) => {
                let mut named = String::with_capacity(name.len() + 11);
                let _ = write!(named, "{name};VALUE=DATE");
                self.property(&named, &ical_date(day));
            }
        }
    }
}

/// One content line being written, with the octets on its current physical line.
struct Line<'a> {
    out: &'a mut String,
    octets: usize,
}

impl<'a> Line<'a> {
    fn start(lines: &'a mut ContentLines, name: &str) -> Self {
        let mut line = Self { out: &mut lines.0, octets: 0 };
        line.push_str(name);
        line.push(':');
        line
    }

    /// Folds before a character that would pass the limit: CRLF and one space, which readers
    /// remove (a fold may fall inside an escape, never inside a character).
    fn push(&mut self, c: char) {
        let len = c.len_utf8();
        if self.octets + len > LINE_OCTETS {
            self.out.push_str("\r\n ");
            self.octets = 1;
        }
        self.out.push(c);
        self.octets += len;
    }

    fn push_str(&mut self, text: &str) {
        text.chars().for_each(|c| self.push(c));
    }

    /// A TEXT value, escaped as it is written.
    fn push_text(&mut self, text: &str) {
        for c in text.chars() {
            match c {
                '\\' | ';' | ',' => {
                    self.push('\\');
                    self.push(c);
                }
                '\n' => {
                    self.push('\\');
                    self.push('n');
                }
                c => self.push(c),
            }
        }
    }

    fn end(self) {
        self.out.push_str("\r\n");
    }
}

/// Control characters are not allowed in TEXT values (a bare CR would even end the line).
pub(super) fn one_line(text: &str) -> Cow<'_, str> {
    if !text.contains(char::is_control) {
        return Cow::Borrowed(text);
    }
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// Line breaks as LF (escaped when written), other control characters dropped.
pub(super) fn multi_line(text: &str) -> Cow<'_, str> {
    if !text.contains(|c: char| c.is_control() && c != '\n' && c != '\t') {
        return Cow::Borrowed(text);
    }
    let text = text.replace("\r\n", "\n");
    text.chars()
        .filter_map(|c| match c {
            '\r' => Some('\n'),
            '\n' | '\t' => Some(c),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}
