//! Names and formats per language against CLDR's own data (cldr-json 48: `ca-gregorian.json`
//! months and days, `dateFormats`/`timeFormats`, `weekData.json` firstDay), and the display
//! overrides of week start and clock.

use super::*;
use crate::domain::{TimeFormat, WeekStart};
use crate::render::timeline::Clock;
use jiff::civil::date;

fn clock(locale: &PageLocale, hour: u16, minute: u16) -> String {
    let mut written = String::new();
    locale.clock.write(Clock(hour * 60 + minute), &mut written).unwrap();
    // CLDR puts a narrow no-break space before the day period.
    written.replace('\u{202f}', " ")
}

fn long_date(formats: &Formats) -> String {
    let mut written = String::new();
    formats.write_long_date(date(2026, 12, 3), &mut written).unwrap();
    written
}

#[test]
fn every_language_has_cldr_names_week_start_and_clock() {
    // (language, December, Thursday, first day, 13:30, 09:05, full date of 2026-12-03).
    let facts = [
        (Language::EnUs, "December", "Thursday", Weekday::Sunday, "1:30 PM", "9:05 AM", "Thursday, December 3, 2026"),
        (Language::EnGb, "December", "Thursday", Weekday::Monday, "13:30", "09:05", "Thursday, 3 December 2026"),
        (Language::De, "Dezember", "Donnerstag", Weekday::Monday, "13:30", "09:05", "Donnerstag, 3. Dezember 2026"),
        (Language::Fr, "décembre", "jeudi", Weekday::Monday, "13:30", "09:05", "jeudi 3 décembre 2026"),
        (Language::Es, "diciembre", "jueves", Weekday::Monday, "13:30", "9:05", "jueves, 3 de diciembre de 2026"),
        (Language::It, "dicembre", "giovedì", Weekday::Monday, "13:30", "09:05", "giovedì 3 dicembre 2026"),
        (Language::Nl, "december", "donderdag", Weekday::Monday, "13:30", "09:05", "donderdag 3 december 2026"),
        (
            Language::PtBr,
            "dezembro",
            "quinta-feira",
            Weekday::Sunday,
            "13:30",
            "09:05",
            "quinta-feira, 3 de dezembro de 2026",
        ),
    ];
    for (language, december, thursday, first_day, afternoon, morning, full) in facts {
        let locale = PageLocale::new(language, &DisplaySettings::NONE);
        let day = date(2026, 12, 3);
        assert_eq!(locale.formats.month(day), december, "{language:?}");
        assert_eq!(locale.formats.weekday_names(day.weekday()).0, thursday, "{language:?}");
        assert_eq!(locale.week_start, first_day, "{language:?}");
        assert_eq!(clock(&locale, 13, 30), afternoon, "{language:?}");
        assert_eq!(clock(&locale, 9, 5), morning, "{language:?}");
        assert_eq!(long_date(locale.formats), full, "{language:?}");
    }
}

#[test]
fn twelve_hour_clocks_count_midnight_and_noon_as_twelve() {
    let locale = PageLocale::new(Language::EnUs, &DisplaySettings::NONE);
    assert_eq!(clock(&locale, 0, 0), "12:00 AM");
    assert_eq!(clock(&locale, 12, 15), "12:15 PM");
    assert_eq!(clock(&locale, 23, 59), "11:59 PM");
    assert_eq!(clock(&locale, 24, 0), "12:00 AM", "the end of a day is midnight");
}

#[test]
fn the_groups_display_overrides_week_start_and_clock() {
    let display = DisplaySettings {
        week_start: Some(WeekStart::Saturday),
        time_format: Some(TimeFormat::TwelveHour),
        ..DisplaySettings::NONE
    };
    let german = PageLocale::new(Language::De, &display);
    assert_eq!(german.week_start, Weekday::Saturday);
    assert!(german.clock.twelve_hour);
    assert!(clock(&german, 13, 30).starts_with("1:30"), "{}", clock(&german, 13, 30));
    let display = DisplaySettings { time_format: Some(TimeFormat::TwentyFourHour), ..DisplaySettings::NONE };
    let american = PageLocale::new(Language::EnUs, &display);
    assert_eq!(clock(&american, 13, 30), "13:30");
    assert_eq!(american.week_start, Weekday::Sunday, "no override, the language's own");
}

#[test]
fn every_language_has_its_own_words() {
    let english = Strings::of(Language::EnUs);
    for language in Language::ALL.into_iter().filter(|l| !matches!(l, Language::EnUs | Language::EnGb)) {
        let strings = Strings::of(language);
        assert_ne!(strings.month, english.month, "{language:?}");
        assert_ne!(strings.today, english.today, "{language:?}");
    }
    assert_eq!(Strings::of(Language::De).month, "Monat");
    assert_eq!(Strings::of(Language::Fr).today, "Aujourd’hui");
}
