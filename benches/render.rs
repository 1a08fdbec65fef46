//! Rendering a recipient's page and feed from a snapshot already in memory: the 250-event month page
//! (goal: at most 60 µs), one event's details page of that share (at most 20 µs) and a 10,000-event
//! share's agenda page, with the other views and the feed for comparison; what gzipping them for the wire costs, up to the densest feed the limits allow; and
//! what checking at publish that a feed can be sent costs.

#[allow(dead_code, reason = "the handlers' helpers are the other benchmarks'")]
mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::civil::{Date, date};
use jiff::{SignedDuration, Timestamp};
use share_core::domain::{
    Color, DateRange, DefaultView, Description, DetailLevel, DisplaySettings, EventTime, Generation, GroupId, LeftOut,
    Owner, ShareId, ShareOptions, ShareRecord, ShareTimeZone, SharedEvent, ShowAs, UserId,
};
use share_core::render::feed_size::check_feed_size;
use share_core::render::{self, PageQuery};
use std::hint::black_box;

/// Where the benchmarked share is served: its subscribe links are built on it.
const ORIGIN: &str = "https://share.example.com";
const NO_DISPLAY: DisplaySettings = DisplaySettings::NONE;
const COLORS: [&str; 5] = ["#1e88e5", "#43a047", "#e53935", "#8e24aa", "#fb8c00"];

fn record(range: DateRange) -> ShareRecord {
    ShareRecord {
        id: ShareId::generate(),
        group: GroupId::parse("contoso").unwrap(),
        owner: Owner { user_id: UserId::parse("kim").unwrap(), email: None },
        options: ShareOptions {
            title: "Support rota".into(),
            detail: DetailLevel::Full,
            view: DefaultView::Month,
            time_zone: ShareTimeZone::parse("America/New_York").unwrap(),
            range,
            rolling: None,
            open_on: None,
            expires_at: None,
            embed_origins: Vec::new(),
            locale: None,
        },
        event_count: 0,
        left_out: LeftOut::default(),
        created_at: Timestamp::from_second(1_795_000_000).unwrap(),
        updated_at: Timestamp::from_second(1_795_000_000).unwrap(),
        generation: Generation::parse("bench").expect("a generation"),
        pieces: Vec::new(),
        source_buckets: 0,
        rotated_from: None,
        follows: Vec::new(),
        sealed: false,
        lock: None,
    }
}

/// `count` events spread evenly over the days from `start`, as publishing stores them (sorted, one
/// in twenty all-day, some overlapping, every field filled in).
fn events(count: usize, start: Date, days: usize) -> Vec<SharedEvent> {
    let zone = jiff::tz::TimeZone::get("America/New_York").unwrap();
    let per_day = count.div_ceil(days);
    let mut events: Vec<SharedEvent> = (0..count)
        .map(|i| {
            let day = start.checked_add(jiff::Span::new().days((i / per_day) as i64)).unwrap();
            let slot = i % per_day;
            let (start, end) = if i % 20 == 19 {
                (EventTime::Day(day), EventTime::Day(day.tomorrow().unwrap()))
            } else {
                let hour = 8 + (slot * 10 / per_day.max(1)) as i8;
                let at = day.at(hour, (slot % 2 * 30) as i8, 0, 0).to_zoned_datetime(zone.clone()).unwrap().timestamp();
                (EventTime::At(at), EventTime::At(at + SignedDuration::from_mins(90)))
            };
            SharedEvent {
                uid: format!("{i:032x}@calendar-share"),
                start,
                end,
                show_as: ShowAs::Busy,
                title: Some(format!("On call: engineer {}", i % 37)),
                location: Some(format!("Desk {}", i % 12)),
                description: Some(Description::Text(
                    "Pager rotation; escalate to the duty manager after 15 minutes.".into(),
                )),
                resource: Some(format!("Tier {}", 1 + i % 3)),
                status: Some("Confirmed".into()),
                color: Some(Color::parse(COLORS[i % COLORS.len()]).unwrap()),
                source: None,
            }
        })
        .collect();
    events.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.end.cmp(&b.end)));
    events
}

fn query(pairs: &[(&'static str, &'static str)]) -> PageQuery {
    PageQuery::parse(pairs.iter().copied())
}

fn bench_render(c: &mut Criterion) {
    let now: Timestamp = "2026-12-10T15:00:00Z".parse().unwrap();
    let december = record(DateRange::new(date(2026, 12, 1), date(2027, 1, 1)).unwrap());
    let month_events = events(250, date(2026, 12, 1), 31);
    let year = record(DateRange::new(date(2026, 12, 1), date(2027, 12, 1)).unwrap());
    let year_events = events(10_000, date(2026, 12, 1), 365);

    let month = query(&[]);
    let page = render::share_page(&december, &month_events, &NO_DISPLAY, &month, ORIGIN, now);
    println!("250-event month page: {} bytes", page.len());
    c.bench_function("month page, 250 events", |b| {
        b.iter(|| {
            render::share_page(
                black_box(&december),
                black_box(&month_events),
                &NO_DISPLAY,
                black_box(&month),
                ORIGIN,
                now,
            )
        })
    });
    // The default above is American English (a 12-hour clock); the same page in German.
    let german = query(&[("lang", "de")]);
    c.bench_function("month page, 250 events, German", |b| {
        b.iter(|| {
            render::share_page(
                black_box(&december),
                black_box(&month_events),
                &NO_DISPLAY,
                black_box(&german),
                ORIGIN,
                now,
            )
        })
    });
    let week = query(&[("view", "week")]);
    c.bench_function("week page, 250-event share", |b| {
        b.iter(|| {
            render::share_page(
                black_box(&december),
                black_box(&month_events),
                &NO_DISPLAY,
                black_box(&week),
                ORIGIN,
                now,
            )
        })
    });
    let day = query(&[("view", "day")]);
    c.bench_function("day page, 250-event share", |b| {
        b.iter(|| {
            render::share_page(
                black_box(&december),
                black_box(&month_events),
                &NO_DISPLAY,
                black_box(&day),
                ORIGIN,
                now,
            )
        })
    });
    // The group's display settings: day hours, status colours, two folders, and one picked.
    let group = DisplaySettings::from_json(&serde_json::json!({"dayStart": "07:00", "dayEnd": "19:00",
        "statusColors": {"Confirmed": "#2e7d32", "Tentative": "#f9a825"},
        "resourceFolders": [{"name": "Front line", "resources": ["Tier 1", "Tier 2"]},
            {"name": "Escalation", "resources": ["Tier 3"]}]}))
    .expect("valid display settings");
    let week_in_folder = query(&[("view", "week"), ("folder", "Front line")]);
    c.bench_function("week page, 250-event share, group display, folder picked", |b| {
        b.iter(|| {
            render::share_page(
                black_box(&december),
                black_box(&month_events),
                black_box(&group),
                black_box(&week_in_folder),
                ORIGIN,
                now,
            )
        })
    });
    // The month page's links carry these keys; the goal is at most 20 µs.
    let key = render::EventKey::of(&month_events[month_events.len() / 2].uid).to_string();
    let details = PageQuery::parse([("date", "2026-12-10"), ("event", key.as_str())]);
    let page = render::share_page(&december, &month_events, &NO_DISPLAY, &details, ORIGIN, now);
    assert!(page.contains("<dt>When</dt>"), "the details view");
    println!("details page of a 250-event share: {} bytes", page.len());
    c.bench_function("details page, 250-event share", |b| {
        b.iter(|| {
            render::share_page(
                black_box(&december),
                black_box(&month_events),
                &NO_DISPLAY,
                black_box(&details),
                ORIGIN,
                now,
            )
        })
    });

    let agenda = query(&[("view", "agenda")]);
    let page = render::share_page(&year, &year_events, &NO_DISPLAY, &agenda, ORIGIN, now);
    println!("10,000-event agenda page: {} bytes", page.len());
    c.bench_function("agenda page, 10,000-event share", |b| {
        b.iter(|| {
            render::share_page(black_box(&year), black_box(&year_events), &NO_DISPLAY, black_box(&agenda), ORIGIN, now)
        })
    });
    c.bench_function("month page, 10,000-event share", |b| {
        b.iter(|| {
            render::share_page(black_box(&year), black_box(&year_events), &NO_DISPLAY, black_box(&month), ORIGIN, now)
        })
    });
    let filtered = query(&[("view", "agenda"), ("resource", "Tier 2"), ("tz", "Europe/Berlin")]);
    c.bench_function("agenda page, 10,000-event share, filtered, other zone", |b| {
        b.iter(|| {
            render::share_page(
                black_box(&year),
                black_box(&year_events),
                &NO_DISPLAY,
                black_box(&filtered),
                ORIGIN,
                now,
            )
        })
    });

    c.bench_function("feed, 250 events", |b| {
        b.iter(|| render::calendar_feed(black_box(&december), black_box(&month_events)))
    });
    c.bench_function("feed, 10,000 events", |b| {
        b.iter(|| render::calendar_feed(black_box(&year), black_box(&year_events)))
    });
}

/// The densest feed a 5,000,000-byte body can make: 281 events, each with a 16 KiB description and
/// 500-character title and location of text that hardly compresses (as tests/hostile/responses.rs
/// builds it).
fn dense_events() -> Vec<SharedEvent> {
    let mut next = support::splitmix(2);
    let mut text = |bytes: usize| support::dense_text(&mut next, bytes);
    (0..281)
        .map(|i| {
            let at = Timestamp::from_second(1_795_000_000 + i * 3600).unwrap();
            SharedEvent {
                uid: format!("{i:032x}@calendar-share"),
                start: EventTime::At(at),
                end: EventTime::At(at + SignedDuration::from_mins(30)),
                show_as: ShowAs::Busy,
                title: Some(text(650)),
                location: Some(text(650)),
                description: Some(Description::Text(text(16 * 1024))),
                resource: None,
                status: None,
                color: None,
                source: None,
            }
        })
        .collect()
}

fn bench_gzip(c: &mut Criterion) {
    let now: Timestamp = "2026-12-10T15:00:00Z".parse().unwrap();
    let december = record(DateRange::new(date(2026, 12, 1), date(2027, 1, 1)).unwrap());
    let year = record(DateRange::new(date(2026, 12, 1), date(2027, 12, 1)).unwrap());
    let page =
        render::share_page(&december, &events(250, date(2026, 12, 1), 31), &NO_DISPLAY, &query(&[]), ORIGIN, now);
    let feed = render::calendar_feed(&year, &events(10_000, date(2026, 12, 1), 365));
    let dense = dense_events();
    let dense_feed = render::calendar_feed(&year, &dense);
    for (name, body) in [("250-event month page", &page), ("10,000-event feed", &feed), ("densest feed", &dense_feed)] {
        println!("{name}: {} bytes, {} gzipped", body.len(), view_share::encoding::gzip(body.as_bytes()).len());
    }

    let mut group = c.benchmark_group("for the wire");
    group.sample_size(10);
    group.bench_function("gzip, 250-event month page", |b| {
        b.iter(|| view_share::encoding::gzip(black_box(page.as_bytes())))
    });
    group.bench_function("gzip, 10,000-event feed", |b| {
        b.iter(|| view_share::encoding::gzip(black_box(feed.as_bytes())))
    });
    group.bench_function("feed, densest share (281 events of 16 KiB)", |b| {
        b.iter(|| render::calendar_feed(black_box(&year), black_box(&dense)))
    });
    group.bench_function("gzip, densest feed", |b| {
        b.iter(|| view_share::encoding::gzip(black_box(dense_feed.as_bytes())))
    });
    group.finish();

    // What a publish adds to see that the feed can be sent: a bound for a typical share, the
    // rendered feed and its gzip for the densest.
    let mut group = c.benchmark_group("publish's feed size check");
    group.sample_size(10);
    let typical = events(10_000, date(2026, 12, 1), 365);
    let check = |events: &[SharedEvent]| check_feed_size(&year.options, year.updated_at, events);
    println!("10,000 events: {:?}; densest: {:?}", check(&typical), check(&dense));
    group.bench_function("10,000 events", |b| b.iter(|| check(black_box(&typical))));
    group.bench_function("densest share (281 events of 16 KiB)", |b| b.iter(|| check(black_box(&dense))));
    group.finish();
}

criterion_group!(benches, bench_render, bench_gzip);
criterion_main!(benches);
