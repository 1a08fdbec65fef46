//! Rules from RFC 5545's own examples (3.8.5.3), expanded in wall-clock time.

use super::super::rule::read_rule;
use super::*;

fn at(raw: &str) -> DateTime {
    raw.parse().unwrap()
}

/// The starts of `rule` from `start`, within the years 1990–2030, at most `limit` of them.
fn starts(rule: &str, start: &str, limit: usize) -> Vec<String> {
    let rule = read_rule(rule).unwrap();
    let window = Window { from: at("1990-01-01T00:00"), to: at("2030-01-01T00:00"), until: None };
    let mut found = Vec::new();
    expand(&rule, at(start), &window, &mut WorkBudget::new(10_000_000), |local| {
        found.push(local.strftime("%Y-%m-%d %H:%M").to_string());
        found.len() < limit
    })
    .unwrap();
    found
}

#[test]
fn daily_weekly_and_counted_rules() {
    assert_eq!(
        starts("FREQ=DAILY;COUNT=3", "1997-09-02T09:00", 100),
        ["1997-09-02 09:00", "1997-09-03 09:00", "1997-09-04 09:00"]
    );
    assert_eq!(
        starts("FREQ=DAILY;INTERVAL=10;COUNT=3", "1997-09-02T09:00", 100),
        ["1997-09-02 09:00", "1997-09-12 09:00", "1997-09-22 09:00"]
    );
    // Every other week on Tuesday and Thursday, for 8 occurrences (weeks start on Sunday).
    assert_eq!(
        starts("FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH", "1997-09-02T09:00", 100),
        [
            "1997-09-02 09:00",
            "1997-09-04 09:00",
            "1997-09-16 09:00",
            "1997-09-18 09:00",
            "1997-09-30 09:00",
            "1997-10-02 09:00",
            "1997-10-14 09:00",
            "1997-10-16 09:00"
        ]
    );
}

#[test]
fn monthly_rules_by_weekday_ordinal_and_month_day() {
    // The first Friday, for 4 months.
    assert_eq!(
        starts("FREQ=MONTHLY;COUNT=4;BYDAY=1FR", "1997-09-05T09:00", 100),
        ["1997-09-05 09:00", "1997-10-03 09:00", "1997-11-07 09:00", "1997-12-05 09:00"]
    );
    // The second-to-last Monday of the month.
    assert_eq!(
        starts("FREQ=MONTHLY;COUNT=3;BYDAY=-2MO", "1997-09-22T09:00", 100),
        ["1997-09-22 09:00", "1997-10-20 09:00", "1997-11-17 09:00"]
    );
    // The third-to-the-last day of the month.
    assert_eq!(
        starts("FREQ=MONTHLY;BYMONTHDAY=-3", "1997-09-28T09:00", 3),
        ["1997-09-28 09:00", "1997-10-29 09:00", "1997-11-28 09:00"]
    );
    // The 31st skips the months that have none.
    assert_eq!(
        starts("FREQ=MONTHLY;COUNT=3", "1997-01-31T09:00", 100),
        ["1997-01-31 09:00", "1997-03-31 09:00", "1997-05-31 09:00"]
    );
    // The last work day of the month.
    assert_eq!(
        starts("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "1997-09-30T09:00", 3),
        ["1997-09-30 09:00", "1997-10-31 09:00", "1997-11-28 09:00"]
    );
}

#[test]
fn yearly_rules() {
    // Every Thursday in March.
    assert_eq!(
        starts("FREQ=YEARLY;BYMONTH=3;BYDAY=TH", "1997-03-13T09:00", 6),
        [
            "1997-03-13 09:00",
            "1997-03-20 09:00",
            "1997-03-27 09:00",
            "1998-03-05 09:00",
            "1998-03-12 09:00",
            "1998-03-19 09:00"
        ]
    );
    // Monday of week number 20 (ISO weeks).
    assert_eq!(
        starts("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", "1997-05-12T09:00", 3),
        ["1997-05-12 09:00", "1998-05-11 09:00", "1999-05-17 09:00"]
    );
    // The 20th Monday of the year.
    assert_eq!(
        starts("FREQ=YEARLY;BYDAY=20MO", "1997-05-19T09:00", 3),
        ["1997-05-19 09:00", "1998-05-18 09:00", "1999-05-17 09:00"]
    );
    // The 1st, 100th and 200th days, every third year.
    assert_eq!(
        starts("FREQ=YEARLY;INTERVAL=3;COUNT=4;BYYEARDAY=1,100,200", "1997-01-01T09:00", 100),
        ["1997-01-01 09:00", "1997-04-10 09:00", "1997-07-19 09:00", "2000-01-01 09:00"]
    );
    // Birthdays on February 29th come every four years.
    assert_eq!(
        starts("FREQ=YEARLY", "1996-02-29T09:00", 3),
        ["1996-02-29 09:00", "2000-02-29 09:00", "2004-02-29 09:00"]
    );
    // US Presidential Election day: the Tuesday after the first Monday of November, every 4 years.
    assert_eq!(
        starts("FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8", "1996-11-05T09:00", 3),
        ["1996-11-05 09:00", "2000-11-07 09:00", "2004-11-02 09:00"]
    );
}

#[test]
fn sub_daily_rules() {
    assert_eq!(
        starts("FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000Z", "1997-09-02T09:00", 100)[..3],
        ["1997-09-02 09:00", "1997-09-02 12:00", "1997-09-02 15:00"]
    );
    assert_eq!(
        starts("FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40", "1997-09-02T09:00", 4),
        ["1997-09-02 09:00", "1997-09-02 09:20", "1997-09-02 09:40", "1997-09-02 10:00"]
    );
    assert_eq!(
        starts("FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10,11,12,13,14,15,16", "1997-09-02T16:40", 3),
        ["1997-09-02 16:40", "1997-09-03 09:00", "1997-09-03 09:20"]
    );
}

#[test]
fn until_and_the_window_end_the_expansion() {
    let rule = read_rule("FREQ=DAILY").unwrap();
    let window =
        Window { from: at("2026-12-10T00:00"), to: at("2026-12-13T00:00"), until: Some(at("2026-12-11T09:00")) };
    let mut found = Vec::new();
    expand(&rule, at("2020-01-01T09:00"), &window, &mut WorkBudget::new(1_000), |local| {
        found.push(local);
        true
    })
    .unwrap();
    assert_eq!(
        found,
        [at("2026-12-10T09:00"), at("2026-12-11T09:00")],
        "years of days skipped within a budget of 1,000"
    );
}

#[test]
fn the_budget_caps_the_work_not_just_the_output() {
    let rule = read_rule("FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30").unwrap();
    let window = Window { from: at("2026-12-01T00:00"), to: at("2027-01-01T00:00"), until: None };
    let result = expand(&rule, at("2026-01-01T00:00"), &window, &mut WorkBudget::new(1_000_000), |_| true);
    assert_eq!(result, Err(TooMuchWork));
}

#[test]
fn broken_rules_say_what_is_wrong() {
    for (rule, message) in [
        ("", "FREQ is required"),
        ("FREQ=DAILY;COUNT=2;UNTIL=20270101", "COUNT and UNTIL do not go together"),
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL: \"0\" is not valid here"),
        ("FREQ=DAILY;BYHOUR=24", "BYHOUR: \"24\" is not valid here"),
        ("FREQ=DAILY;BYDAY=XX", "BYDAY: \"XX\" is not valid here"),
        ("FREQ=DAILY;BYDAY=54MO", "BYDAY: \"54MO\" is not valid here"),
        ("FREQ=DAILY;COUNT", "expected NAME=value, not \"COUNT\""),
        ("FREQ=WEEKLY;BYDAY=éa", "BYDAY: \"éa\" is not valid here"),
    ] {
        assert_eq!(read_rule(rule).unwrap_err(), message, "{rule}");
    }
}

#[test]
fn week_numbers_follow_the_week_start() {
    let day = |raw: &str| raw.parse::<Date>().unwrap();
    assert_eq!(week_number(day("2026-01-01"), Weekday::Monday), (1, 53));
    assert_eq!(week_number(day("2027-01-01"), Weekday::Monday), (53, 53), "in 2026's last week");
    assert_eq!(week_number(day("2024-12-30"), Weekday::Monday), (1, 52), "in 2025's first week");
}
