//! A language's names and formats from CLDR (ICU4X over the data baked into `data/` for the shipped
//! languages only), resolved once per process: a page then takes names from tables and writes times
//! from a pattern, and formats with ICU4X only the few dates it writes out in full.

use super::Language;
use super::cldr::LocaleData;
use crate::domain::TimeFormat;
use crate::render::timeline::Clock;
use icu_calendar::Gregorian;
use icu_calendar::types::Weekday as CldrWeekday;
use icu_calendar::week::WeekInformation;
use icu_datetime::fieldsets::{E, M, MD, MDE, T, YM, YMD, YMDE};
use icu_datetime::input::{Date as CldrDate, Time as CldrTime};
use icu_datetime::{DateTimeFormatterPreferences, FixedCalendarDateTimeFormatter};
use icu_locale_core::Locale;
use icu_locale_core::preferences::extensions::unicode::keywords::HourCycle;
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
    day_month: Formatter<MD>,
    day_month_year: Formatter<YMD>,
}

/// How a language writes a time of day, taken from its CLDR hour-minute format (what comes before
/// the hour and after the minutes in the morning and in the afternoon, the day period if any,
/// between them, and whether hours are padded and counted to twelve), written out once for every
/// minute of the day: a page's events then each copy theirs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClockPattern {
    /// Every minute's text, one after the other.
    texts: String,
    /// Where each minute's text ends in `texts`.
    ends: Vec<u32>,
    pub twelve_hour: bool,
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
        let clock = ClockPattern::load(prefs);
        let other_cycle = if clock.twelve_hour { HourCycle::H23 } else { HourCycle::H12 };
        let mut other_prefs = prefs;
        other_prefs.hour_cycle = Some(other_cycle);
        let other_clock = ClockPattern::load(other_prefs);
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
            day_month: formatter!(prefs, MD::long()),
            day_month_year: formatter!(prefs, YMD::long()),
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

    /// A week's dates: "December 7 – December 13, 2026"; the year on both ends when they differ.
    pub fn week_period(&self, first: Date, last: Date) -> String {
        if first.year() == last.year() {
            format!(
                "{} \u{2013} {}",
                self.day_month.format(&cldr_date(first)),
                self.day_month_year.format(&cldr_date(last))
            )
        } else {
            format!(
                "{} \u{2013} {}",
                self.day_month_year.format(&cldr_date(first)),
                self.day_month_year.format(&cldr_date(last))
            )
        }
    }
}

impl ClockPattern {
    /// Splits the formatted 09:05 and 21:05 around their digits, and writes every minute so.
    fn load(prefs: DateTimeFormatterPreferences) -> Self {
        let formatter: Formatter<T> = formatter!(prefs, T::hm());
        let written = |hour| formatter.format(&CldrTime::try_new(hour, 5, 0, 0).expect("valid time")).to_string();
        let (morning, evening) = (written(9), written(21));
        let (am_before, am_hour, separator, am_after) = split_digits(&morning);
        let (pm_before, pm_hour, _, pm_after) = split_digits(&evening);
        // Written as is into the page, without escaping.
        let parts = [am_before, am_after, pm_before, pm_after, separator];
        assert!(parts.iter().all(|part| !part.contains(['<', '>', '&', '"', '\''])), "{morning:?} {evening:?}");
        let (pad_hour, twelve_hour) = (am_hour.len() == 2, pm_hour == "9");
        let mut texts = String::with_capacity(usize::from(MINUTES_PER_DAY) * (morning.len() + 2));
        let mut ends = Vec::with_capacity(usize::from(MINUTES_PER_DAY));
        for minutes in 0..MINUTES_PER_DAY {
            let (hour, minute) = (minutes / 60, minutes % 60);
            let (before, after) = if twelve_hour && hour >= 12 { (pm_before, pm_after) } else { (am_before, am_after) };
            let shown = if twelve_hour { (hour + 11) % 12 + 1 } else { hour };
            texts.push_str(before);
            if pad_hour {
                texts.push_str(&format!("{shown:02}"));
            } else {
                texts.push_str(&shown.to_string());
            }
            texts.push_str(separator);
            texts.push_str(&format!("{minute:02}"));
            texts.push_str(after);
            ends.push(u32::try_from(texts.len()).expect("a day's times are short"));
        }
        Self { texts, ends, twelve_hour }
    }

    /// Writes minutes since midnight (24:00 as the end of a day reads as midnight).
    pub(crate) fn write(&self, clock: Clock, f: &mut dyn fmt::Write) -> fmt::Result {
        let index = usize::from(clock.0 % MINUTES_PER_DAY);
        let start = if index == 0 { 0 } else { self.ends[index - 1] as usize };
        f.write_str(&self.texts[start..self.ends[index] as usize])
    }
}

/// Text before the first run of digits, that run, the text up to the next run, and the text after it.
fn split_digits(text: &str) -> (&str, &str, &str, &str) {
    let digit_run = |from: usize| {
        let start = text[from..].find(|c: char| c.is_ascii_digit()).map_or(text.len(), |i| from + i);
        let end = text[start..].find(|c: char| !c.is_ascii_digit()).map_or(text.len(), |i| start + i);
        (start, end)
    };
    let (hour_start, hour_end) = digit_run(0);
    let (minute_start, minute_end) = digit_run(hour_end);
    (&text[..hour_start], &text[hour_start..hour_end], &text[hour_end..minute_start], &text[minute_end..])
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
