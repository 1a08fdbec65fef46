//! The page in its language: which language it speaks (the contract's order of sources), its
//! words, CLDR's names, week start and clock, the group's overrides, and the language switch.

use super::tests::{between, noon, rota, sample_events};
use super::*;
use crate::domain::{LocaleTag, TimeFormat, WeekStart};
use jiff::civil::date;

const TODAY: Date = date(2026, 12, 10);

fn page(record: &ShareRecord, display: &DisplaySettings, pairs: &[(&str, &str)], browser: Option<&str>) -> String {
    let query = PageQuery::parse(pairs.iter().copied()).with_accept_language(browser);
    share_page(record, &sample_events(), display, &query, "https://share.example.com", noon(TODAY))
}

fn html_lang(page: &str) -> &str {
    between(page, "<html lang=\"", "\"")
}

fn tag(raw: &str) -> Option<LocaleTag> {
    Some(LocaleTag::parse(raw).unwrap())
}

/// The month grid's column headings, in order.
fn weekday_columns(page: &str) -> Vec<&str> {
    between(page, "<thead>", "</thead>")
        .split("<abbr title=\"")
        .skip(1)
        .map(|th| &th[..th.find('"').unwrap()])
        .collect()
}

#[test]
fn each_source_decides_the_language_in_the_contracts_order() {
    let mut record = rota();
    let group = DisplaySettings { locale: tag("it-IT"), ..DisplaySettings::NONE };
    assert_eq!(html_lang(&page(&record, &DisplaySettings::NONE, &[], None)), "en-US", "nothing asks: en-US");
    assert_eq!(html_lang(&page(&record, &DisplaySettings::NONE, &[], Some("nl-BE,nl;q=0.9"))), "nl");
    assert_eq!(html_lang(&page(&record, &group, &[], Some("nl"))), "it", "the group's before the browser's");
    record.options.locale = tag("de-AT");
    assert_eq!(html_lang(&page(&record, &group, &[], Some("nl"))), "de", "the share's before the group's");
    assert_eq!(html_lang(&page(&record, &group, &[("lang", "fr")], Some("nl"))), "fr", "the pick first");
    assert_eq!(html_lang(&page(&record, &group, &[("lang", "tlh")], Some("nl"))), "de", "an unsupported pick");
    record.options.locale = tag("ja-JP");
    assert_eq!(html_lang(&page(&record, &group, &[], None)), "it", "an unsupported share locale");
}

#[test]
fn a_german_page_has_german_words_names_and_a_monday_week() {
    let page = page(&rota(), &DisplaySettings::NONE, &[("lang", "de")], None);
    assert!(page.contains("<h2 id=\"period\">Dezember 2026</h2>"), "{page}");
    assert!(page.contains(">Monat</a>") && page.contains(">Woche</a>") && page.contains(">Heute</a>"));
    assert_eq!(weekday_columns(&page)[..2], ["Montag", "Dienstag"]);
    assert!(page.contains("<span class=\"t\">09:00</span> <bdi>On call: Kim</bdi>"), "24-hour clock");
    assert!(page.contains("Dieser schreibgeschützte Kalender umfasst Dienstag, 1. Dezember 2026 bis "), "footer");
    assert!(!page.contains(">Month<") && !page.contains("Subscribe<"), "no English left in the chrome");
}

#[test]
fn an_american_page_has_a_twelve_hour_clock_and_a_sunday_week() {
    let page = page(&rota(), &DisplaySettings::NONE, &[], Some("en-US"));
    assert_eq!(weekday_columns(&page), ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]);
    assert!(page.contains("<span class=\"t\">9:00\u{202f}AM</span> <bdi>On call: Kim</bdi>"), "{page}");
    let first_cell = between(&page, "<tbody>", "</td>");
    assert!(first_cell.contains("<span class=\"dn\">29</span>"), "November 29, a Sunday, opens the grid");
    let week = self::page(&rota(), &DisplaySettings::NONE, &[("view", "week"), ("date", "2026-12-03")], Some("en-US"));
    assert!(week.contains("<h2 id=\"period\">November 29\u{2009}\u{2013}\u{2009}December 5, 2026</h2>"), "{week}");
}

#[test]
fn the_groups_display_overrides_the_languages_week_start_and_clock() {
    let display = DisplaySettings {
        week_start: Some(WeekStart::Monday),
        time_format: Some(TimeFormat::TwentyFourHour),
        ..DisplaySettings::NONE
    };
    let page = page(&rota(), &display, &[], Some("en-US"));
    assert_eq!(weekday_columns(&page)[0], "Monday");
    assert!(page.contains("<span class=\"t\">09:00</span> <bdi>On call: Kim</bdi>"), "{page}");
    let display = DisplaySettings { time_format: Some(TimeFormat::TwelveHour), ..DisplaySettings::NONE };
    let week = self::page(&rota(), &display, &[("view", "week"), ("date", "2026-12-03"), ("lang", "pt-BR")], None);
    assert!(week.contains("9:00\u{202f}AM\u{2009}\u{2013}\u{2009}5:00\u{202f}PM"), "{week}");
}

#[test]
fn the_switch_offers_every_language_and_links_keep_a_pick() {
    let page = page(&rota(), &DisplaySettings::NONE, &[("lang", "es"), ("view", "week"), ("tz", "Europe/Paris")], None);
    let switch = between(&page, "<select id=\"f-lang\" name=\"lang\">", "</select>");
    assert_eq!(switch.matches("<option").count(), crate::render::locale::Language::ALL.len());
    assert!(switch.contains("<option value=\"es\" lang=\"es\" selected>Español</option>"), "{switch}");
    assert!(switch.contains("<option value=\"de\" lang=\"de\">Deutsch</option>"));
    let form = between(&page, "aria-label=\"Idioma\">", "</form>");
    assert!(form.contains("name=\"view\" value=\"week\"") && form.contains("name=\"tz\" value=\"Europe/Paris\""));
    assert!(
        page.contains("rel=\"next\" href=\"?view=week&#38;date=2026-12-14&#38;tz=Europe/Paris&#38;lang=es\""),
        "{page}"
    );
    assert!(page.contains("<input type=\"hidden\" name=\"lang\" value=\"es\">"), "the filters form keeps it");
    let browser = self::page(&rota(), &DisplaySettings::NONE, &[("view", "week")], Some("es"));
    assert!(!browser.contains("lang=es"), "the browser's language is not a pick: links leave it out");
}
