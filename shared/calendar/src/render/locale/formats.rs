//! A language's names and formats from CLDR (ICU4X over the data baked into `data/` for the shipped
//! languages only), resolved once per process: a page then takes names from tables and writes times
//! from a pattern, and formats with ICU4X only the few dates it writes out in full.

use super::Language;
use super::cldr::LocaleData;
use super::cldr_patterns::{self, CldrPatterns, Piece};
use crate::domain::TimeFormat;
use crate::render::timeline::Clock;
use icu_calendar::Gregorian;
use icu_calendar::types::Weekday as CldrWeekday;
use icu_calendar::week::WeekInformation;
use icu_datetime::fieldsets::{E, M, MDE, YM, YMDE};
use icu_datetime::input::Date as CldrDate;
use icu_datetime::{DateTimeFormatterPreferences, FixedCalendarDateTimeFormatter};
use icu_locale_core::Locale;
use jiff::civil::{Date, Weekday};
use std::fmt;
use std::sync::OnceLock;

type Formatter<F> = FixedCalendarDateTimeFormatter<Gregorian, F>;

/// Panics only if the baked data lacks a shipped language or a marker, which the tests rule out.
macro_rules! formatter {
    ($prefs:expr, $field_set:expr) => {
        Formatter::try_new_unstable(&LocaleData, $prefs, $field_set).expect("baked data")
    };
}

pub(crate) struct Formats {
    /// Monday first.
    weekdays: [String; 7],
    /// Abbreviated ("Thu", "Do."), Monday first.
    weekdays_short: [String; 7],
    /// Standalone ("December", "Dezember").
    months: [String; 12],
    pub first_weekday: Weekday,
    /// The language's own clock, and the other one for a group that overrides it.
    clock: ClockPattern,
    other_clock: ClockPattern,
    long_date: Formatter<YMDE>,
    short_date: Formatter<MDE>,
    month_year: Formatter<YM>,
    patterns: &'static CldrPatterns,
}

/// How a language writes a time of day, CLDR's short time pattern (or the hour-minute one of the
/// other clock), and two times of one day by its interval pattern, each written out once for every
/// minute of the day: a page's events then each copy theirs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClockPattern {
    time: MinuteTexts,
    /// [the day periods differ, the same day period]: "9:00 AM – 1:00 PM", "9:00 – 10:30 AM".
    ranges: [TimeInterval; 2],
    pub twelve_hour: bool,
}

/// An interval pattern split where its second time begins: "h:mm", " – ", "h:mm a".
#[derive(Debug, Clone, PartialEq, Eq)]
struct TimeInterval {
    start: MinuteTexts,
    between: &'static str,
    end: MinuteTexts,
}

/// One pattern's text for every minute of the day.
#[derive(Debug, Clone, PartialEq, Eq)]
struct MinuteTexts {
    /// Every minute's text, one after the other.
    texts: String,
    /// Where each minute's text ends in `texts`.
    ends: Vec<u32>,
}

const MINUTES_PER_DAY: u16 = 24 * 60;

/// The ICU locale whose CLDR data stands for a language (a region where week data needs one).
fn cldr_locale(language: Language) -> Locale {
    let tag = match language {
        Language::EnUs => "en-US",
        Language::EnGb => "en-GB",
        Language::De => "de-DE",
        Language::Fr => "fr-FR",
        Language::Es => "es-ES",
        Language::It => "it-IT",
        Language::Nl => "nl-NL",
        Language::PtBr => "pt-BR",
    };
    Locale::try_from_str(tag).expect("shipped locales parse")
}

impl Formats {
    pub fn of(language: Language) -> &'static Self {
        static CACHE: [OnceLock<Formats>; Language::ALL.len()] = [const { OnceLock::new() }; Language::ALL.len()];
        CACHE[language as usize].get_or_init(|| Self::load(language))
    }

    fn load(language: Language) -> Self {
        let locale = cldr_locale(language);
        let prefs = DateTimeFormatterPreferences::from(&locale);
        let weekday_long: Formatter<E> = formatter!(prefs, E::long());
        let weekday_short: Formatter<E> = formatter!(prefs, E::medium());
        let month: Formatter<M> = formatter!(prefs, M::long());
        let weekdays = std::array::from_fn(|i| weekday_long.format(&cldr_weekday(i)).to_string());
        let weekdays_short = std::array::from_fn(|i| weekday_short.format(&cldr_weekday(i)).to_string());
        let months = std::array::from_fn(|i| {
            month.format(&CldrDate::try_new_gregorian(2026, i as u8 + 1, 1).expect("valid date")).to_string()
        });
        let week = WeekInformation::try_new_unstable(&LocaleData, (&locale).into()).expect("baked week data");
        let patterns = CldrPatterns::of(language);
        let clock = ClockPattern::load(patterns.time, patterns.time_interval, patterns.day_periods);
        let other_clock = ClockPattern::load(patterns.other_time, patterns.other_time_interval, patterns.day_periods);
        Self {
            weekdays,
            weekdays_short,
            months,
            first_weekday: jiff_weekday(week.first_weekday),
            clock,
            other_clock,
            long_date: formatter!(prefs, YMDE::long()),
            short_date: formatter!(prefs, MDE::medium()),
            month_year: formatter!(prefs, YM::long()),
            patterns,
        }
    }

    pub fn weekday_short(&self, day: Date) -> &str {
        &self.weekdays_short[day.weekday().to_monday_zero_offset() as usize]
    }

    pub fn weekday_names(&self, weekday: Weekday) -> (&str, &str) {
        let index = weekday.to_monday_zero_offset() as usize;
        (&self.weekdays[index], &self.weekdays_short[index])
    }

    pub fn month(&self, day: Date) -> &str {
        &self.months[day.month() as usize - 1]
    }

    /// The clock a page uses: the language's own unless the group sets one.
    pub fn clock(&self, time_format: Option<TimeFormat>) -> &ClockPattern {
        match time_format {
            Some(TimeFormat::TwelveHour) if !self.clock.twelve_hour => &self.other_clock,
            Some(TimeFormat::TwentyFourHour) if self.clock.twelve_hour => &self.other_clock,
            _ => &self.clock,
        }
    }

    /// "Thursday, December 3, 2026", "Donnerstag, 3. Dezember 2026".
    pub fn write_long_date(&self, day: Date, f: &mut dyn fmt::Write) -> fmt::Result {
        write!(f, "{}", self.long_date.format(&cldr_date(day)))
    }

    /// "Thu, Dec 3", "Do., 3. Dez.".
    pub fn write_short_date(&self, day: Date, f: &mut dyn fmt::Write) -> fmt::Result {
        write!(f, "{}", self.short_date.format(&cldr_date(day)))
    }

    /// "December 2026".
    pub fn month_year(&self, day: Date) -> String {
        self.month_year.format(&cldr_date(day)).to_string()
    }

    /// A week's dates as CLDR's interval: "7 – 13 December 2026", "7.–13. Dezember 2026",
    /// "November 29 – December 5, 2026" (thin spaces where CLDR has them).
    pub fn week_period(&self, first: Date, last: Date) -> String {
        let mut written = String::new();
        let pattern = self.patterns.interval_for(first, last);
        cldr_patterns::write_interval(pattern, (first, last), &self.months, &mut written).expect("a String takes it");
        written
    }
}

impl ClockPattern {
    fn load(time: &'static str, ranges: [&'static str; 2], day_periods: [&str; 2]) -> Self {
        let time = cldr_patterns::pieces(time);
        let twelve_hour = time.iter().any(|piece| matches!(piece, Piece::Field('h', _)));
        Self {
            time: MinuteTexts::load(&time, day_periods),
            // A 24-hour clock's two intervals are one pattern: its tables are written once.
            ranges: match ranges {
                [alike, other] if alike == other => {
                    let interval = TimeInterval::load(alike, day_periods);
                    [interval.clone(), interval]
                }
                _ => ranges.map(|range| TimeInterval::load(range, day_periods)),
            },
            twelve_hour,
        }
    }

    /// Writes minutes since midnight (24:00 as the end of a day reads as midnight).
    pub(crate) fn write(&self, clock: Clock, f: &mut dyn fmt::Write) -> fmt::Result {
        self.time.write(clock, f)
    }

    /// Writes two times of one day (or of a night into the next) as one interval.
    pub(crate) fn write_range(&self, start: Clock, end: Clock, f: &mut dyn fmt::Write) -> fmt::Result {
        let afternoon = |clock: Clock| clock.0 % MINUTES_PER_DAY >= 12 * 60;
        let range = &self.ranges[usize::from(afternoon(start) == afternoon(end))];
        range.start.write(start, f)?;
        f.write_str(range.between)?;
        range.end.write(end, f)
    }
}

impl TimeInterval {
    /// As CLDR defines an interval pattern: the first time's part ends where a field first repeats,
    /// and the text just before it stands between the two.
    fn load(pattern: &'static str, day_periods: [&str; 2]) -> Self {
        let pieces = cldr_patterns::pieces(pattern);
        let mut seen = Vec::with_capacity(3);
        let second = pieces
            .iter()
            .position(|piece| match *piece {
                Piece::Field(letter, _) if seen.contains(&letter) => true,
                Piece::Field(letter, _) => {
                    seen.push(letter);
                    false
                }
                Piece::Text(_) => false,
            })
            .expect("an interval pattern repeats a field");
        let Some(Piece::Text(between)) = pieces[..second].last().copied() else {
            unreachable!("text stands between an interval's times: {pattern}")
        };
        Self {
            start: MinuteTexts::load(&pieces[..second - 1], day_periods),
            between,
            end: MinuteTexts::load(&pieces[second..], day_periods),
        }
    }
}

impl MinuteTexts {
    /// Every minute by a CLDR time pattern's pieces (`h`/`H` hours, padded when doubled; `mm`; `a`).
    fn load(pieces: &[Piece<'_>], [am, pm]: [&str; 2]) -> Self {
        let mut texts = String::with_capacity(usize::from(MINUTES_PER_DAY) * 12);
        let mut ends = Vec::with_capacity(usize::from(MINUTES_PER_DAY));
        for minutes in 0..MINUTES_PER_DAY {
            let (hour, minute) = (minutes / 60, minutes % 60);
            for piece in pieces {
                match *piece {
                    Piece::Text(text) => texts.push_str(text),
                    Piece::Field('h', count) => push_number(&mut texts, (hour + 11) % 12 + 1, count),
                    Piece::Field('H', count) => push_number(&mut texts, hour, count),
                    Piece::Field('m', count) => push_number(&mut texts, minute, count),
                    Piece::Field('a', _) => texts.push_str(if hour < 12 { am } else { pm }),
                    Piece::Field(..) => {
                        unreachable!("a time pattern holds hours, minutes and a day period: {pieces:?}")
                    }
                }
            }
            ends.push(u32::try_from(texts.len()).expect("a day's times are short"));
        }
        // Written as is into the page, without escaping.
        assert!(!texts.contains(['<', '>', '&', '"']), "{pieces:?}");
        Self { texts, ends }
    }

    fn write(&self, clock: Clock, f: &mut dyn fmt::Write) -> fmt::Result {
        let index = usize::from(clock.0 % MINUTES_PER_DAY);
        let start = if index == 0 { 0 } else { self.ends[index - 1] as usize };
        f.write_str(&self.texts[start..self.ends[index] as usize])
    }
}

/// An hour or minute (under 100), padded to two digits when its field is doubled. Written digit by
/// digit: a table is 1,440 times, and ten tables a language are built on its first page.
fn push_number(texts: &mut String, value: u16, count: usize) {
    let digit = |value: u16| char::from(b'0' + (value % 10) as u8);
    if value >= 10 || count == 2 {
        texts.push(digit(value / 10));
    }
    texts.push(digit(value));
}

fn cldr_date(day: Date) -> CldrDate<Gregorian> {
    CldrDate::try_new_gregorian(i32::from(day.year()), day.month() as u8, day.day() as u8)
        .unwrap_or_else(|_| CldrDate::try_new_gregorian(1970, 1, 1).expect("valid date"))
}

/// Monday first, as the tables are.
fn cldr_weekday(index: usize) -> CldrWeekday {
    const ORDER: [CldrWeekday; 7] = [
        CldrWeekday::Monday,
        CldrWeekday::Tuesday,
        CldrWeekday::Wednesday,
        CldrWeekday::Thursday,
        CldrWeekday::Friday,
        CldrWeekday::Saturday,
        CldrWeekday::Sunday,
    ];
    ORDER[index]
}

fn jiff_weekday(day: CldrWeekday) -> Weekday {
    match day {
        CldrWeekday::Monday => Weekday::Monday,
        CldrWeekday::Tuesday => Weekday::Tuesday,
        CldrWeekday::Wednesday => Weekday::Wednesday,
        CldrWeekday::Thursday => Weekday::Thursday,
        CldrWeekday::Friday => Weekday::Friday,
        CldrWeekday::Saturday => Weekday::Saturday,
        CldrWeekday::Sunday => Weekday::Sunday,
    }
}
