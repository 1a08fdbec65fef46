//! Every language's week intervals and times against CLDR 48's own patterns and what ICU 78 (CLDR
//! 48.0, `Intl.DateTimeFormat.formatRange` with day, long month and year) writes for them.

use super::*;
use crate::domain::{DisplaySettings, TimeFormat};
use crate::render::locale::PageLocale;
use crate::render::timeline::Clock;
use jiff::civil::{Weekday, date};

/// CLDR's spaces made visible: thin `|`, narrow no-break `_`.
fn visible(text: &str) -> String {
    text.replace('\u{2009}', "|").replace('\u{202f}', "_")
}

fn week(language: Language, first: Date, last: Date) -> String {
    visible(&PageLocale::new(language, &DisplaySettings::NONE).formats.week_period(first, last))
}

#[test]
fn every_language_writes_a_week_as_cldrs_interval() {
    // (language, same month, across months, across years), as ICU writes them from CLDR's data.
    let expected = [
        (
            Language::EnUs,
            "December 6|–|12, 2026",
            "November 29|–|December 5, 2026",
            "December 27, 2026|–|January 2, 2027",
        ),
        (Language::EnGb, "7|–|13 December 2026", "30 November|–|6 December 2026", "28 December 2026|–|3 January 2027"),
        (Language::De, "7.–13. Dezember 2026", "30. November|–|6. Dezember 2026", "28. Dezember 2026|–|3. Januar 2027"),
        (Language::Fr, "7–13 décembre 2026", "30 novembre|–|6 décembre 2026", "28 décembre 2026|–|3 janvier 2027"),
        (
            Language::Es,
            "7–13 de diciembre de 2026",
            "30 de noviembre|–|6 de diciembre de 2026",
            "28 de diciembre de 2026|–|3 de enero de 2027",
        ),
        (Language::It, "07–13 dicembre 2026", "30 novembre|–|06 dicembre 2026", "28 dicembre 2026|–|03 gennaio 2027"),
        (Language::Nl, "7–13 december 2026", "30 november|–|6 december 2026", "28 december 2026|–|3 januari 2027"),
        (
            Language::PtBr,
            "6|–|12 de dezembro de 2026",
            "29 de novembro|–|5 de dezembro de 2026",
            "27 de dezembro de 2026|–|2 de janeiro de 2027",
        ),
    ];
    for (language, same_month, across_months, across_years) in expected {
        let sunday_first = PageLocale::new(language, &DisplaySettings::NONE).week_start == Weekday::Sunday;
        let shift = |day: Date| if sunday_first { day.yesterday().unwrap() } else { day };
        let weeks = [
            (date(2026, 12, 7), date(2026, 12, 13)),
            (date(2026, 11, 30), date(2026, 12, 6)),
            (date(2026, 12, 28), date(2027, 1, 3)),
        ];
        let written = weeks.map(|(first, last)| week(language, shift(first), shift(last)));
        assert_eq!(written, [same_month, across_months, across_years], "{language:?}");
    }
}

#[test]
fn the_interval_patterns_are_cldrs() {
    // The `d` patterns of cldr-json 48.2.0's `intervalFormats.yMMMd` (`yMMMMd` for es), verbatim.
    let day = |language| visible(CldrPatterns::of(language).interval[0]);
    assert_eq!(day(Language::EnUs), "MMM d|–|d, y");
    assert_eq!(day(Language::EnGb), "d|–|d MMM y");
    assert_eq!(day(Language::De), "d.–d. MMM y");
    assert_eq!(day(Language::Es), "d–d 'de' MMMM 'de' y");
    assert_eq!(day(Language::It), "dd–dd MMM y");
    assert_eq!(day(Language::PtBr), "d|–|d 'de' MMM 'de' y");
    for language in Language::ALL {
        let patterns = CldrPatterns::of(language);
        assert_eq!(patterns.interval_for(date(2026, 12, 1), date(2026, 12, 7)), patterns.interval[0]);
        assert_eq!(patterns.interval_for(date(2026, 11, 30), date(2026, 12, 6)), patterns.interval[1]);
        assert_eq!(patterns.interval_for(date(2026, 12, 30), date(2027, 1, 5)), patterns.interval[2]);
    }
}

#[test]
fn patterns_read_as_fields_and_text() {
    assert_eq!(
        pieces("d 'de' MMMM 'de' y"),
        [
            Piece::Field('d', 1),
            Piece::Text(" "),
            Piece::Text("de"),
            Piece::Text(" "),
            Piece::Field('M', 4),
            Piece::Text(" "),
            Piece::Text("de"),
            Piece::Text(" "),
            Piece::Field('y', 1),
        ]
    );
    assert_eq!(
        pieces("HH 'o''clock'"),
        [Piece::Field('H', 2), Piece::Text(" "), Piece::Text("o"), Piece::Text("clock")]
    );
    assert_eq!(pieces("h''mm"), [Piece::Field('h', 1), Piece::Text("'"), Piece::Field('m', 2)]);
}

fn times(language: Language, time_format: Option<TimeFormat>) -> [String; 3] {
    let display = DisplaySettings { time_format, ..DisplaySettings::NONE };
    let locale = PageLocale::new(language, &display);
    [(9, 5), (13, 30), (0, 0)].map(|(hour, minute)| {
        let mut written = String::new();
        locale.clock.write(Clock(hour * 60 + minute), &mut written).unwrap();
        visible(&written)
    })
}

#[test]
fn every_language_writes_times_by_cldrs_short_time_pattern() {
    // CLDR 48 `timeFormats.short`: en "h:mm a", es "H:mm", the others "HH:mm".
    let expected = [
        (Language::EnUs, ["9:05_AM", "1:30_PM", "12:00_AM"]),
        (Language::EnGb, ["09:05", "13:30", "00:00"]),
        (Language::De, ["09:05", "13:30", "00:00"]),
        (Language::Fr, ["09:05", "13:30", "00:00"]),
        (Language::Es, ["9:05", "13:30", "0:00"]),
        (Language::It, ["09:05", "13:30", "00:00"]),
        (Language::Nl, ["09:05", "13:30", "00:00"]),
        (Language::PtBr, ["09:05", "13:30", "00:00"]),
    ];
    for (language, written) in expected {
        assert_eq!(times(language, None), written, "{language:?}");
    }
}

#[test]
fn the_other_clock_is_cldrs_hour_minute_pattern() {
    // CLDR 48 `availableFormats.hm` (`Hm` for en), with the language's own day periods.
    let expected = [
        (Language::EnUs, ["09:05", "13:30", "00:00"]),
        (Language::EnGb, ["9:05_am", "1:30_pm", "12:00_am"]),
        (Language::De, ["9:05_AM", "1:30_PM", "12:00_AM"]),
        (Language::Es, ["9:05_a._m.", "1:30_p._m.", "12:00_a._m."]),
        (Language::Nl, ["9:05 a.m.", "1:30 p.m.", "12:00 a.m."]),
        (Language::PtBr, ["9:05_AM", "1:30_PM", "12:00_AM"]),
    ];
    for (language, written) in expected {
        let other = if language == Language::EnUs { TimeFormat::TwentyFourHour } else { TimeFormat::TwelveHour };
        assert_eq!(times(language, Some(other)), written, "{language:?}");
    }
}

#[test]
fn every_language_writes_two_times_of_a_day_as_cldrs_interval() {
    // What ICU 78 (CLDR 48.0, `Intl.DateTimeFormat(lang, {hour: "numeric", minute: "2-digit",
    // hour12}).formatRange`) writes for 09:00–10:30 and 09:00–13:05 on the 24-hour clock, then the
    // 12-hour one: the day period once when both times share it.
    let expected = [
        (Language::EnUs, ["09:00|–|10:30", "09:00|–|13:05", "9:00|–|10:30_AM", "9:00_AM|–|1:05_PM"]),
        (Language::EnGb, ["09:00–10:30", "09:00–13:05", "9:00|–|10:30_am", "9:00_am|–|1:05_pm"]),
        (Language::De, ["09:00–10:30 Uhr", "09:00–13:05 Uhr", "9:00–10:30_AM", "9:00_AM|–|1:05_PM"]),
        (Language::Fr, ["09:00|–|10:30", "09:00|–|13:05", "9:00|–|10:30_AM", "9:00_AM|–|1:05_PM"]),
        (Language::Es, ["9:00–10:30", "9:00–13:05", "9:00|–|10:30_a._m.", "9:00_a._m.|–|1:05_p._m."]),
        (Language::It, ["09:00–10:30", "09:00–13:05", "9:00–10:30_AM", "9:00_AM|–|1:05_PM"]),
        (Language::Nl, ["09:00–10:30", "09:00–13:05", "9:00–10:30 a.m.", "9:00 a.m.|–|1:05 p.m."]),
        (Language::PtBr, ["09:00|–|10:30", "09:00|–|13:05", "9:00|–|10:30_AM", "9:00_AM|–|1:05_PM"]),
    ];
    for (language, written) in expected {
        let ranges = [TimeFormat::TwentyFourHour, TimeFormat::TwelveHour].map(|time_format| {
            let locale =
                PageLocale::new(language, &DisplaySettings { time_format: Some(time_format), ..DisplaySettings::NONE });
            [(10, 30), (13, 5)].map(|(hour, minute)| {
                let mut range = String::new();
                locale.clock.write_range(Clock(9 * 60), Clock(hour * 60 + minute), &mut range).unwrap();
                visible(&range)
            })
        });
        assert_eq!(ranges.concat(), written, "{language:?}");
    }
    // An evening into midnight crosses the day period; midnight reads as 12:00 AM.
    let us = PageLocale::new(Language::EnUs, &DisplaySettings::NONE);
    let mut night = String::new();
    us.clock.write_range(Clock(18 * 60), Clock(24 * 60), &mut night).unwrap();
    assert_eq!(visible(&night), "6:00_PM|–|12:00_AM");
}
