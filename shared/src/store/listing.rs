//! Share lists a page at a time, in the one order every store keeps: newest first, ties by id
//! (descending). A page ends with a cursor naming the last share it holds; the next page starts
//! after that position. The cursor holds a position only: whose shares are listed always comes from
//! the caller, so a cursor cannot reach another user's or group's shares.

use crate::domain::{ShareId, ShareRecord};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::Timestamp;
use std::cmp::Ordering;

/// The most shares a list route returns at once.
pub const LIST_PAGE_SIZE: usize = 100;

/// Longer input is not a cursor we issued: refused before decoding.
const MAX_CURSOR_LEN: usize = 96;

/// A position in a share list: just after the share created at `created_at` with id `id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListCursor {
    created_at: Timestamp,
    id: ShareId,
}

impl ListCursor {
    /// The position right after this share.
    pub fn after(record: &ShareRecord) -> Self {
        Self { created_at: record.created_at, id: record.id.clone() }
    }

    /// A cursor as `encode` writes it; anything else (wrong alphabet, length, time or id) is `None`.
    pub fn parse(raw: &str) -> Option<Self> {
        if raw.is_empty() || raw.len() > MAX_CURSOR_LEN {
            return None;
        }
        let decoded = URL_SAFE_NO_PAD.decode(raw).ok()?;
        let text = std::str::from_utf8(&decoded).ok()?;
        let (nanos, id) = text.split_once('.')?;
        if nanos.is_empty() || !nanos.bytes().enumerate().all(|(i, b)| b.is_ascii_digit() || (i == 0 && b == b'-')) {
            return None;
        }
        let created_at = Timestamp::from_nanosecond(nanos.parse().ok()?).ok()?;
        Some(Self { created_at, id: ShareId::parse(id)? })
    }

    /// Opaque to clients: URL-safe base64 of the position.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}.{}", self.created_at.as_nanosecond(), self.id))
    }

    pub fn created_at(&self) -> Timestamp {
        self.created_at
    }

    pub fn id(&self) -> &ShareId {
        &self.id
    }

    /// Whether `record` comes after this position in list order.
    pub fn precedes(&self, record: &ShareRecord) -> bool {
        list_order(&self.created_at, &self.id, &record.created_at, &record.id) == Ordering::Less
    }
}

/// One page of a share list; `next` is where the following page starts, `None` on the last page.
#[derive(Debug, Clone, PartialEq)]
pub struct ShareListPage {
    pub records: Vec<ShareRecord>,
    pub next: Option<ListCursor>,
}

impl ShareListPage {
    /// The page of at most `limit` records from `candidates` (already in list order, starting after
    /// the requested position), given one more than the page was fetched to tell whether more follow.
    pub fn of(mut candidates: Vec<ShareRecord>, limit: usize) -> Self {
        let more = candidates.len() > limit;
        candidates.truncate(limit);
        let next = if more { candidates.last().map(ListCursor::after) } else { None };
        Self { records: candidates, next }
    }
}

/// Newest first, then by id, descending: the order DynamoDB's index reads backwards.
fn list_order(a_created: &Timestamp, a_id: &ShareId, b_created: &Timestamp, b_id: &ShareId) -> Ordering {
    b_created.cmp(a_created).then_with(|| b_id.cmp(a_id))
}

/// Sorts records into list order.
pub(crate) fn newest_first(mut records: Vec<ShareRecord>) -> Vec<ShareRecord> {
    records.sort_by(|a, b| list_order(&a.created_at, &a.id, &b.created_at, &b.id));
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cursor(created: &str, id: &str) -> ListCursor {
        ListCursor { created_at: created.parse().unwrap(), id: ShareId::parse(id).unwrap() }
    }

    #[test]
    fn cursors_round_trip_and_look_opaque() {
        let original = cursor("2026-11-02T09:00:00.123456789Z", "0123456789abcdef0123456789abcdef");
        let encoded = original.encode();
        assert!(!encoded.contains("0123456789abcdef"), "{encoded}");
        assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(ListCursor::parse(&encoded), Some(original));
        let before_epoch = cursor("1969-12-31T23:59:59Z", "0123456789abcdef0123456789abcdef");
        assert_eq!(ListCursor::parse(&before_epoch.encode()), Some(before_epoch));
    }

    #[test]
    fn anything_but_an_issued_cursor_is_refused() {
        let b64 = |text: &str| URL_SAFE_NO_PAD.encode(text);
        for raw in [
            String::new(),
            "not base64!".into(),
            b64("1796202000000000000"),
            b64("1796202000000000000.NOT-A-SHARE-ID"),
            b64("1796202000000000000.0123456789abcdef0123456789abcde"),
            b64("+1796202000000000000.0123456789abcdef0123456789abcdef"),
            b64(".0123456789abcdef0123456789abcdef"),
            b64("99999999999999999999999999.0123456789abcdef0123456789abcdef"),
            b64("1e9.0123456789abcdef0123456789abcdef"),
            "A".repeat(MAX_CURSOR_LEN + 1),
            format!("{}=", b64("1796202000000000000.0123456789abcdef0123456789abcdef")),
        ] {
            assert_eq!(ListCursor::parse(&raw), None, "{raw:?}");
        }
    }
}
