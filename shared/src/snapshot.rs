//! A share's events as stored: cut into pieces by their content, each piece a deflated JSON array
//! small enough for a DynamoDB item. Where a piece ends depends only on the events in it (a cut
//! follows an event whose uid hashes to a mark), so an edit of one event changes one piece and
//! leaves the others byte for byte as they were: a write keeps them and stores only what changed.

use crate::domain::SharedEvent;
use flate2::{Compression, read::DeflateDecoder, write::DeflateEncoder};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};

/// Comfortably under DynamoDB's 400 KB item limit, leaving room for keys and attributes: a piece's
/// JSON is cut below this, and deflate never grows it by more than a few bytes a block.
pub const CHUNK_BYTES: usize = 300 * 1024;
/// A piece's JSON is cut before it would grow past this.
const PIECE_JSON_BYTES: usize = 256 * 1024;
/// At least this many events in a piece before a mark may end it.
const PIECE_MIN_EVENTS: usize = 128;
/// One uid in this many is a mark: pieces of about `PIECE_MIN_EVENTS + PIECE_MARK_EVERY` events
/// (a share of 10,000 events in about 26), some tens of KB deflated.
const PIECE_MARK_EVERY: u64 = 256;
/// The most pieces a snapshot is stored in: a commit that seals or deletes a snapshot's pieces does
/// so in one transaction (DynamoDB's hold 100 actions). Past it, `encode` cuts by size only.
pub const MAX_PIECES: usize = 40;

#[derive(Debug, thiserror::Error)]
#[error("stored snapshot cannot be read: {0}")]
pub struct SnapshotError(String);

/// One piece of a snapshot as encoded: its bytes and their digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedPiece {
    pub bytes: Vec<u8>,
    pub digest: u64,
}

impl EncodedPiece {
    fn of(json: &[u8]) -> Self {
        let mut encoder = DeflateEncoder::new(Vec::with_capacity(json.len() / 4), Compression::fast());
        encoder.write_all(json).expect("writing to memory");
        Self::raw(&encoder.finish().expect("writing to memory"))
    }

    fn raw(bytes: &[u8]) -> Self {
        let digest = u64::from_be_bytes(Sha256::digest(bytes)[..8].try_into().expect("8 bytes"));
        Self { bytes: bytes.to_vec(), digest }
    }
}

/// FNV-1a: stable across builds and platforms, which the cut points must be.
fn is_mark(uid: &str) -> bool {
    let hash = uid
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3));
    hash % PIECE_MARK_EVERY == 0
}

/// Encodes events into pieces cut by content (never zero: an empty share has one piece), or, if
/// that makes more than `MAX_PIECES` (hostile uids), into as few as their size allows.
pub fn encode(events: &[SharedEvent]) -> Vec<EncodedPiece> {
    let pieces = encode_cut(events, true);
    match pieces.len() <= MAX_PIECES {
        true => pieces,
        false => encode_few(events),
    }
}

/// Encodes events into as few pieces as their size allows (cut by size only): for a write that
/// stores every piece anew and must keep their number small.
pub fn encode_few(events: &[SharedEvent]) -> Vec<EncodedPiece> {
    encode_cut(events, false)
}

fn encode_cut(events: &[SharedEvent], at_marks: bool) -> Vec<EncodedPiece> {
    let mut pieces = Vec::new();
    let mut json = Vec::with_capacity(PIECE_JSON_BYTES);
    let mut in_piece = 0;
    let mut one = Vec::new();
    for event in events {
        one.clear();
        serde_json::to_writer(&mut one, event).expect("events serialize");
        if in_piece > 0 && json.len() + one.len() + 2 > PIECE_JSON_BYTES {
            json.push(b']');
            pieces.push(EncodedPiece::of(&json));
            (json, in_piece) = (Vec::with_capacity(PIECE_JSON_BYTES), 0);
        }
        json.push(if in_piece == 0 { b'[' } else { b',' });
        json.extend_from_slice(&one);
        in_piece += 1;
        if at_marks && in_piece >= PIECE_MIN_EVENTS && is_mark(&event.uid) {
            json.push(b']');
            pieces.push(EncodedPiece::of(&json));
            (json, in_piece) = (Vec::with_capacity(PIECE_JSON_BYTES), 0);
        }
    }
    if in_piece > 0 || pieces.is_empty() {
        if in_piece == 0 {
            json.push(b'[');
        }
        json.push(b']');
        pieces.push(EncodedPiece::of(&json));
    }
    pieces
}

/// A sealed share's ciphertext in pieces, as it is (the service cannot compress what it cannot read);
/// a ciphertext holds at least its nonce and tag, so there is always a piece.
pub fn encode_sealed(ciphertext: &[u8]) -> Vec<EncodedPiece> {
    ciphertext.chunks(PIECE_JSON_BYTES).map(EncodedPiece::raw).collect()
}

/// The events of a snapshot's pieces, in order.
pub fn decode(pieces: &[Vec<u8>]) -> Result<Vec<SharedEvent>, SnapshotError> {
    let mut events = Vec::new();
    let mut json = Vec::new();
    for piece in pieces {
        json.clear();
        DeflateDecoder::new(piece.as_slice()).read_to_end(&mut json).map_err(|e| SnapshotError(e.to_string()))?;
        let piece: Vec<SharedEvent> = serde_json::from_slice(&json).map_err(|e| SnapshotError(e.to_string()))?;
        events.extend(piece);
    }
    Ok(events)
}

/// The events of a snapshot an earlier build stored: one deflated JSON array cut into chunks.
#[cfg_attr(not(feature = "file-store"), allow(dead_code, reason = "only a store kept in a file is upgraded"))]
pub fn decode_one_stream(chunks: &[Vec<u8>]) -> Result<Vec<SharedEvent>, SnapshotError> {
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

    fn pieces_of(events: &[SharedEvent]) -> Vec<Vec<u8>> {
        encode(events).into_iter().map(|piece| piece.bytes).collect()
    }

    #[test]
    fn round_trips_through_many_pieces() {
        let events: Vec<SharedEvent> = (0..10_000).map(event).collect();
        let pieces = encode(&events);
        assert!(pieces.len() > 20, "{} pieces", pieces.len());
        assert!(pieces.len() <= MAX_PIECES);
        assert!(pieces.iter().all(|piece| piece.bytes.len() <= CHUNK_BYTES));
        assert_eq!(decode(&pieces_of(&events)).unwrap(), events);
    }

    #[test]
    fn an_edit_changes_only_the_piece_that_holds_the_event() {
        let mut events: Vec<SharedEvent> = (0..10_000).map(event).collect();
        let before = encode(&events);
        events[5_000].title = Some("Moved to Thursday".into());
        let after = encode(&events);
        assert_eq!(before.len(), after.len());
        let changed = before.iter().zip(&after).filter(|(old, new)| old != new).count();
        assert_eq!(changed, 1);
        // An event removed, and one added, also change a piece or two, not the snapshot.
        events.remove(7_000);
        events.insert(100, event(99_999));
        let kept: std::collections::HashSet<u64> = before.iter().map(|piece| piece.digest).collect();
        let fresh = encode(&events).iter().filter(|piece| !kept.contains(&piece.digest)).count();
        assert!(fresh <= 4, "{fresh} pieces of {} changed", before.len());
    }

    #[test]
    fn hostile_uids_still_make_bounded_pieces() {
        // No uid a mark: pieces are cut by size; every uid a mark: by the minimum count.
        let big = |i: usize| SharedEvent {
            description: Some(crate::domain::Description::Text("y".repeat(16 * 1024))),
            uid: "same".into(),
            ..event(i)
        };
        let events: Vec<SharedEvent> = (0..100).map(big).collect();
        let pieces = encode(&events);
        assert!(pieces.len() >= 100 * 16 * 1024 / PIECE_JSON_BYTES);
        assert_eq!(decode(&pieces_of(&events)).unwrap(), events);
        let marked: Vec<String> =
            (0..1_000_000).map(|i| format!("m{i}")).filter(|uid| is_mark(uid)).take(1_000).collect();
        let events: Vec<SharedEvent> =
            marked.into_iter().enumerate().map(|(i, uid)| SharedEvent { uid, ..event(i) }).collect();
        assert_eq!(encode(&events).len(), 1_000 / PIECE_MIN_EVENTS + 1);
        assert_eq!(encode_few(&events).len(), 1);
        assert_eq!(decode(&pieces_of(&events)).unwrap(), events);
    }

    #[test]
    fn empty_share_is_one_piece() {
        let pieces = pieces_of(&[]);
        assert_eq!(pieces.len(), 1);
        assert!(decode(&pieces).unwrap().is_empty());
    }

    #[test]
    fn damaged_pieces_are_an_error() {
        let mut pieces = pieces_of(&[event(1)]);
        pieces[0].truncate(3);
        assert!(decode(&pieces).is_err());
    }
}
