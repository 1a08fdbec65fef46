//! The feed's bytes pinned: varied shares whose feeds hash to what the writer made before it was
//! made faster (issue 26), so a change to how it writes cannot change what it writes.

use super::calendar_feed;
use crate::domain::{Color, Description, DetailLevel, EventTime, ShareRecord, SharedEvent, ShowAs};
use crate::render::fixtures::{event, record};
use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};
use sha2::{Digest, Sha256};

/// A small deterministic generator (splitmix64), so the share is the same on every run.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }

    /// Text of pieces that exercise escaping, control characters and multi-byte characters at folds.
    fn text(&mut self, pieces: usize) -> String {
        const PIECES: [&str; 22] = [
            "On call",
            " engineer ",
            ", ",
            "; ",
            "\\",
            "\n",
            "\r\n",
            "\r",
            "\t",
            "\u{7}",
            "Grüße ",
            "老虎",
            "\u{1F5D3}",
            "é",
            "x",
            "Pager rotation; escalate to the duty manager after 15 minutes.",
            "\u{7f}",
            "\u{80}\u{85}\u{9f}",
            "¢\u{a0}£",
            "\r\r\n",
            "\u{0}",
            "ÿ\u{c0}",
        ];
        (0..pieces).map(|_| self.pick(&PIECES)).collect()
    }

    fn html(&mut self, pieces: usize) -> String {
        const PIECES: [&str; 14] = [
            "<p>",
            "</p>",
            "<br>",
            "<ul><li>One</li><li>Two</li></ul>",
            "<a href=\"https://x.example/a?b=1&amp;c=2\">plan</a>",
            "<a href=\"mailto:kim@example.com\">kim@example.com</a>",
            "&amp;&lt;&gt;&nbsp;&#x263A;&#9731;&bogus;",
            "<pre>  keep\n  this</pre>",
            "text, with; escapes\\ ",
            "  spaced   out  ",
            "<b>bold</b>",
            "<h2>Head</h2>",
            "Grüße 老虎 \u{1F5D3}",
            "\n",
        ];
        (0..pieces).map(|_| self.pick(&PIECES)).collect()
    }
}

fn varied_events(count: usize, seed: u64) -> Vec<SharedEvent> {
    let mut dice = Dice(seed);
    let base: Timestamp = "2026-12-01T05:00:00Z".parse().unwrap();
    let show_as =
        [ShowAs::Free, ShowAs::Tentative, ShowAs::Busy, ShowAs::Oof, ShowAs::WorkingElsewhere, ShowAs::Unknown];
    (0..count)
        .map(|i| {
            let minutes = dice.below(31 * 24 * 4) as i64 * 15 + dice.below(60) as i64;
            let start =
                base + SignedDuration::from_mins(minutes) + SignedDuration::from_secs(dice.below(3) as i64 * 17);
            let day = date(2026, 12, 1).checked_add(jiff::Span::new().days(dice.below(31) as i64)).unwrap();
            let (start, end) = match dice.below(8) {
                0 => (EventTime::Day(day), EventTime::Day(day.tomorrow().unwrap())),
                1 => (EventTime::Day(day), EventTime::Day(day)),
                2 => (EventTime::At(start), EventTime::At(start)),
                3 => (EventTime::At(start), EventTime::At(start - SignedDuration::from_mins(5))),
                4 => (EventTime::Day(day), EventTime::Day(day.checked_add(jiff::Span::new().days(3)).unwrap())),
                _ => (EventTime::At(start), EventTime::At(start + SignedDuration::from_mins(dice.below(600) as i64))),
            };
            let uid = match dice.below(3) {
                0 => format!("{i:032x}@calendar-share"),
                1 => format!("AAMkAD{}=", i * 7919),
                _ => format!("{:x}-{i}", dice.next()),
            };
            let mut e = event(&uid, start, end);
            e.show_as = show_as[dice.below(show_as.len())];
            e.title = match dice.below(6) {
                0 => None,
                1 => Some(dice.text(40)),
                _ => Some(format!("On call: engineer {}", i % 37)),
            };
            e.location = match dice.below(4) {
                0 => None,
                1 => Some(dice.text(30)),
                _ => Some(format!("Desk {}", i % 12)),
            };
            e.description = match dice.below(6) {
                0 => None,
                1 => Some(Description::Text(dice.text(120))),
                2 | 3 => Some(Description::SanitizedHtml(dice.html(12))),
                _ => Some(Description::Text("Pager rotation; escalate to the duty manager after 15 minutes.".into())),
            };
            e.resource = match dice.below(5) {
                0 => None,
                1 => Some(String::new()),
                2 => Some(dice.text(8)),
                _ => Some(format!("Tier {}", 1 + i % 3)),
            };
            e.status = match dice.below(4) {
                0 => None,
                1 => Some(String::new()),
                2 => Some(dice.text(3)),
                _ => Some("Confirmed".into()),
            };
            e.color = match dice.below(4) {
                0 => None,
                1 => Some(Color::parse(&format!("#{:03x}", dice.next() & 0xfff)).unwrap()),
                _ => Some(Color::parse(&format!("#{:06x}", dice.next() & 0xff_ffff)).unwrap()),
            };
            e
        })
        .collect()
}

fn share(title: &str, zone: &str) -> ShareRecord {
    record(title, zone, date(2026, 12, 1), date(2027, 1, 1), DetailLevel::Full)
}

fn digest(feeds: &[String]) -> String {
    let mut hash = Sha256::new();
    for feed in feeds {
        hash.update((feed.len() as u64).to_le_bytes());
        hash.update(feed.as_bytes());
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn varied_feeds_are_byte_for_byte_what_they_were() {
    let feeds = [
        calendar_feed(&share("Support rota", "America/New_York"), &varied_events(250, 1)),
        calendar_feed(&share("Rota, \u{1F5D3};\r\n\\ ünï", "Europe/Berlin"), &varied_events(250, 2)),
        calendar_feed(&share(&"Long title, with; escapes ".repeat(20), "UTC"), &varied_events(40, 3)),
        calendar_feed(&share("Empty", "Asia/Kolkata"), &[]),
        calendar_feed(&share("Awkward", "America/New_York"), &super::tests::awkward_events()),
    ];
    assert_eq!(feeds[0].matches("BEGIN:VEVENT").count(), 250);
    // SHA-256 of these feeds as the writer before issue 26's wrote them.
    assert_eq!(digest(&feeds), "8da6811583d10a3e4d9fc80ab9f059d455d95f5a6631306a05dd67fd9bcdfdb3");
}
