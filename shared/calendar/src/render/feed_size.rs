//! Whether a snapshot's calendar feed can be sent. The feed stays complete, so it must fit
//! `MAX_SENT_BYTES` gzipped, and a publish measures it before it stores anything. Gzipping
//! megabytes at every publish would be waste, so the cheapest sufficient test decides: a bound from
//! the values' lengths settles typical shares, the rendered feed's length most others, and only a
//! feed that could pass the limit gzipped is gzipped.

use super::feed::{feed_len_bound, write_feed};
use super::sent::{MAX_SENT_BYTES, gzip, gzip_len_bound};
use crate::domain::{ShareOptions, SharedEvent};
use jiff::Timestamp;

/// Room kept under the limit for a rotation, which serves the same snapshot with a new `DTSTAMP`:
/// a value of the same length in every event, whose digits gzip may code or match differently.
/// Measured, that moves a feed near the limit by a few bytes (see the test); this is far more.
const ROTATION_SLACK: usize = 4096;

/// How a feed was found to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedFit {
    /// Its size bound, gzip's worst growth included, is within the limit.
    Bounded,
    /// Rendered, it is this long, and gzip's worst growth of that is within the limit.
    Plain { bytes: usize },
    /// Rendered and gzipped as the view sends it, it is this long.
    Gzipped { bytes: usize },
}

/// The feed would be `gzipped` bytes as sent, over the `limit` a publish allows (4 MiB less the
/// rotation's room).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "the share's calendar feed would be {gzipped} bytes even compressed; at most {limit} bytes (4 MiB) can be sent: publish fewer or shorter events"
)]
pub struct FeedTooLarge {
    pub gzipped: usize,
    pub limit: usize,
}

/// Whether the feed of these events, published at `published_at`, fits `MAX_SENT_BYTES` as the view
/// sends it to a client that accepts gzip (and, when plainly small enough, to any client).
pub fn check_feed_size(
    options: &ShareOptions,
    published_at: Timestamp,
    events: &[SharedEvent],
) -> Result<FeedFit, FeedTooLarge> {
    if gzip_len_bound(feed_len_bound(options, events)) <= MAX_SENT_BYTES {
        return Ok(FeedFit::Bounded);
    }
    let feed = write_feed(options, published_at, events);
    if gzip_len_bound(feed.len()) <= MAX_SENT_BYTES {
        return Ok(FeedFit::Plain { bytes: feed.len() });
    }
    let gzipped = gzip(feed.as_bytes()).len();
    let limit = MAX_SENT_BYTES - ROTATION_SLACK;
    if gzipped <= limit { Ok(FeedFit::Gzipped { bytes: gzipped }) } else { Err(FeedTooLarge { gzipped, limit }) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Description, DetailLevel, ShareRecord};
    use crate::render::calendar_feed;
    use crate::render::fixtures::{self, dense_event, timed};
    use jiff::civil::date;

    fn record() -> ShareRecord {
        fixtures::record("Rota", "Europe/Berlin", date(2026, 7, 1), date(2026, 9, 1), DetailLevel::Full)
    }

    fn dense_events(count: usize) -> Vec<SharedEvent> {
        let mut seed = 3;
        (0..count).map(|i| dense_event(&mut seed, i)).collect()
    }

    fn check(record: &ShareRecord, events: &[SharedEvent]) -> Result<FeedFit, FeedTooLarge> {
        check_feed_size(&record.options, record.updated_at, events)
    }

    #[test]
    fn a_typical_share_is_settled_by_the_bound_alone() {
        let events: Vec<_> = (0..10_000)
            .map(|i| {
                let mut e = timed(&format!("On call: person {i}"), "2026-08-03T09:00:00Z", "2026-08-03T17:00:00Z");
                e.location = Some("Desk 4, second floor".into());
                e.description = Some(Description::Text("Pager 555; escalate to the duty manager".into()));
                e
            })
            .collect();
        assert_eq!(check(&record(), &events), Ok(FeedFit::Bounded));
    }

    fn with_description(i: usize, description: Description) -> SharedEvent {
        let mut e = timed(&format!("e{i}"), "2026-08-03T09:00:00Z", "2026-08-03T17:00:00Z");
        e.description = Some(description);
        e
    }

    #[test]
    fn a_feed_that_fits_uncompressed_is_measured_without_gzip() {
        // The bound counts HTML twice over; its text is shorter than the HTML.
        let html = "<p>Escalate to the duty manager after 15 minutes</p>".repeat(300);
        let events: Vec<_> = (0..200).map(|i| with_description(i, Description::SanitizedHtml(html.clone()))).collect();
        let record = record();
        let plain = calendar_feed(&record, &events).len();
        assert_eq!(check(&record, &events), Ok(FeedFit::Plain { bytes: plain }));
    }

    #[test]
    fn a_feed_too_large_plainly_is_measured_as_the_view_sends_it() {
        let text = "Pager rotation; escalate to the duty manager after 15 minutes. ".repeat(20);
        let mut events = dense_events(100);
        events.extend((0..5000).map(|i| with_description(i, Description::Text(text.clone()))));
        let record = record();
        let feed = calendar_feed(&record, &events);
        assert!(feed.len() > MAX_SENT_BYTES, "{} bytes: this feed would fit plainly", feed.len());
        assert_eq!(check(&record, &events), Ok(FeedFit::Gzipped { bytes: gzip(feed.as_bytes()).len() }));
    }

    #[test]
    fn a_feed_over_the_limit_even_gzipped_is_refused() {
        let events = dense_events(320);
        let record = record();
        let gzipped = gzip(calendar_feed(&record, &events).as_bytes()).len();
        assert!(gzipped > MAX_SENT_BYTES, "{gzipped} bytes gzipped: not the case meant");
        let refused = check(&record, &events).unwrap_err();
        assert_eq!(refused, FeedTooLarge { gzipped, limit: MAX_SENT_BYTES - ROTATION_SLACK });
        assert!(refused.to_string().contains(&format!("would be {gzipped} bytes even compressed")));
    }

    /// Stamps unlike and like the events' own times (which gzip may then match against).
    #[test]
    fn a_new_stamp_moves_the_gzipped_size_by_far_less_than_the_rotation_slack() {
        let mut seed = 5;
        let many: Vec<_> = (0..10_000)
            .map(|i| {
                let mut e = dense_event(&mut seed, i);
                e.title = Some(fixtures::noise_text(&mut seed, 100));
                e.description = Some(Description::Text(fixtures::noise_text(&mut seed, 200)));
                e.location = None;
                e
            })
            .collect();
        for events in [dense_events(240), many] {
            let mut record = record();
            let mut sizes = Vec::new();
            let own = |i: usize| match events[i].start {
                crate::domain::EventTime::At(at) => at,
                crate::domain::EventTime::Day(_) => unreachable!("timed events"),
            };
            for stamp in [
                own(0),
                own(events.len() / 2),
                "2027-01-01T00:00:00Z".parse().unwrap(),
                "2099-12-31T12:34:56Z".parse().unwrap(),
            ] {
                record.updated_at = stamp;
                sizes.push(gzip(calendar_feed(&record, &events).as_bytes()).len() as i64);
            }
            let spread = sizes.iter().max().unwrap() - sizes.iter().min().unwrap();
            eprintln!("{} events: gzipped sizes {sizes:?}, spread {spread} bytes", events.len());
            assert!(spread * 64 <= ROTATION_SLACK as i64, "{sizes:?}");
        }
    }
}
