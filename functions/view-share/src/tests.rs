//! The view function's own checks of what only it decides.

use super::*;
use share_calendar::render::fixtures;
use share_core::domain::{DetailLevel, RollingWindow};

/// A rolling share's page and feed turn over at midnight in the share's zone; a fixed share's
/// feed does not change with the day.
#[test]
fn a_rolling_shares_tags_follow_its_window() {
    let date = |text: &str| text.parse::<jiff::civil::Date>().unwrap();
    let mut record =
        fixtures::record("Rota", "Europe/Berlin", date("2026-12-01"), date("2027-01-01"), DetailLevel::Limited);
    let at = |text: &str| text.parse::<Timestamp>().unwrap();
    let (evening, late, next_morning) =
        (at("2026-12-07T18:00:00Z"), at("2026-12-07T23:30:00Z"), at("2026-12-08T06:00:00Z"));
    let page = Representation::Page(PageQuery::default(), "https://share.example.com".into());
    let tag = |record: &ShareRecord, representation: &Representation, now| {
        entity_tag(record, &DisplaySettings::NONE, representation, now)
    };
    let feed = Representation::Feed(CalendarFile::Feed);
    assert_eq!(tag(&record, &feed, evening), tag(&record, &feed, next_morning));
    record.options.rolling = Some(RollingWindow::new(0, 14).unwrap());
    for representation in [&page, &feed] {
        // 23:30 UTC is already the 8th in Berlin.
        assert_ne!(tag(&record, representation, evening), tag(&record, representation, late));
        assert_eq!(tag(&record, representation, late), tag(&record, representation, next_morning));
    }
}
