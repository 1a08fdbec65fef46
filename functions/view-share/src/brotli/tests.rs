//! Round trips through decoders nobody here wrote: the `brotli-decompressor` crate, and Python's
//! `brotli` module (Google's C library) where `BROTLI_PYTHON` names a Python that has it.

use super::*;
use crate::ShownShare;
use share_calendar::render::fixtures;
use share_core::domain::{Description, DetailLevel, DisplaySettings, EventTime, SharedEvent};

pub(crate) fn decompress(compressed: &[u8]) -> Vec<u8> {
    let mut plain = Vec::new();
    brotli_decompressor::BrotliDecompress(&mut &compressed[..], &mut plain).expect("a valid Brotli stream");
    plain
}

fn round_trip(plain: &[u8]) -> Vec<u8> {
    let compressed = compress(plain);
    let decoded = decompress(&compressed);
    assert!(decoded == plain, "{} bytes decoded to {} other bytes", plain.len(), decoded.len());
    compressed
}

/// Bytes that do not compress (splitmix64).
pub(crate) fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed;
    (0..len)
        .map(|_| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (z ^ (z >> 31)) as u8
        })
        .collect()
}

/// A share of `count` events as people write them: a few dozen titles and places, some with
/// descriptions, over a year.
pub(crate) fn sample_share(count: usize) -> ShownShare {
    let date = |text: &str| text.parse::<jiff::civil::Date>().unwrap();
    let mut record =
        fixtures::record("Team rota", "Europe/Berlin", date("2026-01-01"), date("2027-01-01"), DetailLevel::Full);
    const TITLES: [&str; 8] =
        ["Stand-up", "1:1 with Sam", "Design review", "On call", "Sprint planning", "Lunch", "Dentist", "Retro"];
    const PLACES: [&str; 5] = ["Room 4.12", "Teams", "Berlin office, 3rd floor", "Café Einstein", "Zoom"];
    let seed = noise(9, count * 4);
    let events: Vec<SharedEvent> = (0..count)
        .map(|i| {
            let start = jiff::Timestamp::from_second(1_767_225_600 + i as i64 * 31_536_000 / count as i64).unwrap();
            let start = jiff::Timestamp::from_second(start.as_second() / 900 * 900).unwrap();
            let minutes = [15, 30, 45, 60, 90][usize::from(seed[i * 4]) % 5];
            let mut event = fixtures::event(
                &format!("{:016x}@calendar.example.com", u64::from_le_bytes(noise(i as u64, 8).try_into().unwrap())),
                EventTime::At(start),
                EventTime::At(start + jiff::SignedDuration::from_mins(minutes)),
            );
            event.title = Some(format!("{} #{}", TITLES[usize::from(seed[i * 4 + 1]) % 8], i % 97));
            event.location = Some(PLACES[usize::from(seed[i * 4 + 2]) % 5].to_owned());
            if !seed[i * 4 + 3].is_multiple_of(3) {
                let id = u64::from_le_bytes(noise((i as u64 + 1) << 32, 8).try_into().unwrap());
                event.description = Some(Description::Text(format!(
                    "Agenda: review the open items from week {}, then plan the next steps.\n\n\
                     Join the meeting: https://meet.example.com/j/{id:x}?pwd={:x}\nMeeting ID: {} \
                     Passcode: {:06}\nDial in: +49 30 {:07} (Berlin), +44 20 {:07} (London)\n\
                     Notes and slides are in the team folder; please add your updates before the call.",
                    i % 52,
                    id.rotate_left(17),
                    id % 100_000_000_000,
                    id % 999_999,
                    id % 9_999_999,
                    id.rotate_left(7) % 9_999_999,
                )));
            }
            event
        })
        .collect();
    record.event_count = events.len() as u32;
    ShownShare { record, events: events.into(), sealed: None, display: DisplaySettings::NONE }
}

pub(crate) fn sample_feed(count: usize) -> String {
    let share = sample_share(count);
    share_core::render::calendar_feed(&share.record, &share.events)
}

/// The month page of a 250-event share, as the view renders it.
fn sample_page() -> String {
    let share = sample_share(250);
    share_core::render::share_page(
        &share.record,
        &share.events,
        &DisplaySettings::NONE,
        &share_core::render::PageQuery::default(),
        "https://share.example.com",
        "2026-06-15T10:00:00Z".parse().unwrap(),
    )
}

#[test]
fn empty_and_tiny_inputs() {
    assert_eq!(round_trip(b"").len(), 1);
    round_trip(b"a");
    round_trip(b"ab");
    round_trip(b"abcd");
    round_trip(b"aaaaa");
    round_trip(b"abcabcabc");
}

#[test]
fn every_byte_value() {
    let all: Vec<u8> = (0..=255).collect();
    round_trip(&all);
    let twice: Vec<u8> = all.iter().chain(&all).copied().collect();
    round_trip(&twice);
    // Every byte equally often makes every literal code 8 bits long: a code of one code length.
    let many: Vec<u8> = noise(3, 20_000).iter().map(|b| b ^ 0x5a).collect();
    round_trip(&many);
}

#[test]
fn long_runs_and_one_repeated_byte() {
    for len in [4, 5, 100, 70_000, 3 << 20] {
        let compressed = round_trip(&vec![b'x'; len]);
        assert!(compressed.len() < 64 + len / 1000, "{len} bytes of x: {}", compressed.len());
    }
    let mut runs = Vec::new();
    for i in 0..2_000 {
        runs.extend(std::iter::repeat_n((i % 7) as u8, 1 + i * 13 % 900));
    }
    round_trip(&runs);
    round_trip(&b"ab".repeat(1 << 20));
}

#[test]
fn noise_does_not_grow_past_its_length() {
    for len in [1, 3, 1000, 65_536, META_BLOCK_BYTES + 1, 3 << 20] {
        let plain = noise(len as u64, len);
        let compressed = round_trip(&plain);
        assert!(compressed.len() <= len + 10 * (len / META_BLOCK_BYTES + 1), "{len}: {}", compressed.len());
    }
    // Few symbols, no repeats: the simple prefix-code forms.
    for symbols in 2..=6 {
        let plain: Vec<u8> = noise(symbols, 50_000).iter().map(|b| b'a' + b % symbols as u8).collect();
        round_trip(&plain);
    }
}

#[test]
fn meta_block_boundaries() {
    let text = sample_feed(5_000);
    let text = text.as_bytes();
    assert!(text.len() > 2 * META_BLOCK_BYTES + 2, "{} bytes", text.len());
    for len in
        [META_BLOCK_BYTES - 1, META_BLOCK_BYTES, META_BLOCK_BYTES + 1, META_BLOCK_BYTES + 5, 2 * META_BLOCK_BYTES + 1]
    {
        round_trip(&text[..len]);
    }
    // Noise then text: an uncompressed meta-block, then matches reaching back into it.
    let mut mixed = noise(5, META_BLOCK_BYTES);
    mixed.extend_from_within(1000..300_000);
    mixed.extend_from_slice(&text[..100_000]);
    round_trip(&mixed);
    // The last meta-block uncompressed: an empty one ends the stream.
    let mut tail = text[..META_BLOCK_BYTES].to_vec();
    tail.extend(noise(6, 1000));
    round_trip(&tail);
}

#[test]
fn real_feeds_and_pages() {
    round_trip(sample_feed(1).as_bytes());
    for count in [40, 250] {
        let feed = sample_feed(count);
        let compressed = round_trip(feed.as_bytes());
        assert!(compressed.len() * 3 < feed.len(), "{count} events: {} of {}", compressed.len(), feed.len());
    }
    let page = sample_page();
    let compressed = round_trip(page.as_bytes());
    assert!(compressed.len() * 3 < page.len(), "page: {} of {}", compressed.len(), page.len());
}

#[test]
fn a_feed_of_several_megabytes() {
    let feed = sample_feed(10_000);
    assert!(feed.len() > 4 << 20, "{} bytes", feed.len());
    let compressed = round_trip(feed.as_bytes());
    let gzipped = share_core::render::sent::gzip(feed.as_bytes()).len();
    assert!(compressed.len() < gzipped * 11 / 10, "{} br, {gzipped} gzip", compressed.len());
}

/// Decodes with Google's C library through Python's `brotli` module, where `BROTLI_PYTHON` names a
/// Python that has it (`python3 -m venv v && v/bin/pip install brotli`); a note and no check without.
#[test]
fn googles_decoder_reads_our_streams() {
    let Ok(python) = std::env::var("BROTLI_PYTHON") else {
        eprintln!("BROTLI_PYTHON is not set: Google's decoder not tried");
        return;
    };
    let dir = std::env::temp_dir().join(format!("view-share-brotli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut inputs: Vec<Vec<u8>> = vec![Vec::new(), b"a".to_vec(), (0..=255).collect(), vec![b'x'; 3 << 20]];
    inputs.push(noise(1, META_BLOCK_BYTES + 17));
    inputs.push(sample_feed(3_000).into_bytes());
    for (i, plain) in inputs.iter().enumerate() {
        std::fs::write(dir.join(format!("{i}.br")), compress(plain)).unwrap();
        std::fs::write(dir.join(format!("{i}.plain")), plain).unwrap();
    }
    let script = "import brotli, sys, pathlib\n\
                  d = pathlib.Path(sys.argv[1])\n\
                  for p in sorted(d.glob('*.br')):\n\
                  \x20   assert brotli.decompress(p.read_bytes()) == p.with_suffix('.plain').read_bytes(), p\n\
                  print('ok', len(list(d.glob('*.br'))))\n";
    let output = std::process::Command::new(python).args(["-c", script]).arg(&dir).output().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), format!("ok {}", inputs.len()));
}

/// Figures for docs/benchmarks.md: `cargo test --release -p view-share brotli_figures -- --ignored --nocapture`.
#[test]
#[ignore]
fn brotli_figures() {
    let inputs = [
        ("feed, 250 events", sample_feed(250)),
        ("feed, 10,000 events", sample_feed(10_000)),
        ("page (month), 250 events", sample_page()),
    ];
    for (name, text) in inputs {
        let bytes = text.as_bytes();
        let time = |f: &dyn Fn() -> usize| {
            let rounds = (20_000_000 / bytes.len()).clamp(3, 200);
            let started = std::time::Instant::now();
            let mut len = 0;
            for _ in 0..rounds {
                len = f();
            }
            let seconds = started.elapsed().as_secs_f64() / rounds as f64;
            (len, bytes.len() as f64 / seconds / 1e6)
        };
        let (br, br_speed) = time(&|| compress(bytes).len());
        let (gz, gz_speed) = time(&|| share_core::render::sent::gzip(bytes).len());
        let plain = bytes.len() as f64;
        println!(
            "{name}: {} bytes; br {br} ({:.2}%, {br_speed:.0} MB/s), gzip -6 {gz} ({:.2}%, {gz_speed:.0} MB/s)",
            bytes.len(),
            br as f64 / plain * 100.0,
            gz as f64 / plain * 100.0
        );
    }
}
