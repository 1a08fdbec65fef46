//! A share's events as stored: JSON, deflated, cut into pieces small enough for DynamoDB items.

use crate::domain::SharedEvent;
use flate2::{Compression, read::DeflateDecoder, write::DeflateEncoder};
use std::io::{Read, Write};

/// Comfortably under DynamoDB's 400 KB item limit, leaving room for keys and the share record.
pub const CHUNK_BYTES: usize = 300 * 1024;

#[derive(Debug, thiserror::Error)]
#[error("stored snapshot cannot be read: {0}")]
pub struct SnapshotError(String);

/// Encodes events into one or more compressed chunks (never zero: an empty share has one chunk).
pub fn encode(events: &[SharedEvent]) -> Vec<Vec<u8>> {
    let json = serde_json::to_vec(events).expect("events serialize");
    let mut encoder = DeflateEncoder::new(Vec::with_capacity(json.len() / 4), Compression::fast());
    encoder.write_all(&json).expect("writing to memory");
    let compressed = encoder.finish().expect("writing to memory");
    if compressed.is_empty() {
        return vec![Vec::new()];
    }
    compressed.chunks(CHUNK_BYTES).map(<[u8]>::to_vec).collect()
}

pub fn decode(chunks: &[Vec<u8>]) -> Result<Vec<SharedEvent>, SnapshotError> {
    let compressed: Vec<u8> = chunks.concat();
    let mut json = Vec::with_capacity(compressed.len() * 4);
    DeflateDecoder::new(compressed.as_slice()).read_to_end(&mut json).map_err(|e| SnapshotError(e.to_string()))?;
    serde_json::from_slice(&json).map_err(|e| SnapshotError(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{EventTime, ShowAs};

    fn event(i: usize) -> SharedEvent {
        SharedEvent {
            uid: format!("uid-{i}"),
            start: EventTime::At(jiff::Timestamp::from_second(1_800_000_000 + i as i64 * 3600).unwrap()),
            end: EventTime::At(jiff::Timestamp::from_second(1_800_001_800 + i as i64 * 3600).unwrap()),
            show_as: ShowAs::Busy,
            title: Some(format!("Event {i} {}", "x".repeat(i % 97))),
            location: None,
            description: None,
            resource: Some("Tier 1".into()),
            status: None,
            color: None,
            source: None,
        }
    }

    #[test]
    fn round_trips_through_many_chunks() {
        let events: Vec<SharedEvent> = (0..20_000).map(event).collect();
        let chunks = encode(&events);
        assert!(chunks.iter().all(|c| c.len() <= CHUNK_BYTES));
        assert_eq!(decode(&chunks).unwrap(), events);
    }

    #[test]
    fn empty_share_is_one_chunk() {
        let chunks = encode(&[]);
        assert_eq!(chunks.len(), 1);
        assert!(decode(&chunks).unwrap().is_empty());
    }

    #[test]
    fn damaged_chunks_are_an_error() {
        let mut chunks = encode(&[event(1)]);
        chunks[0].truncate(3);
        assert!(decode(&chunks).is_err());
    }
}
