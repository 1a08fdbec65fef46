//! A snapshot generation: the name under which one write stores the pieces of a snapshot, so a
//! re-publish can write beside the current snapshot and switch in one step; and the pieces a record
//! points at, each named by the generation that wrote it and a digest of its bytes, so a later write
//! keeps the pieces it would write again byte for byte.

use serde::{Deserialize, Serialize};

/// Random for every snapshot, so concurrent writers never share one. It becomes part of store
/// keys, so it holds only ASCII letters, digits, `-` and `_`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Generation(String);

text_newtype!(Generation, &'static str);

impl Generation {
    /// A fresh name: 64 random bits as 16 lowercase hex digits.
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().simple().to_string()[..16].to_owned())
    }

    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        if raw.is_empty() || raw.len() > 64 {
            return Err("must be 1 to 64 characters");
        }
        if !raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err("must hold only ASCII letters, digits, '-' and '_'");
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One piece of a share's snapshot: stored as piece `index` of `generation`, whose bytes have `digest`.
/// Stored in the record as `generation.index.digest` (digest in hex), which keeps a record of a
/// hundred pieces small.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SnapshotPiece {
    pub generation: Generation,
    pub index: u32,
    pub digest: u64,
}

impl TryFrom<String> for SnapshotPiece {
    type Error = &'static str;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        const MALFORMED: &str = "a snapshot piece is `generation.index.digest`";
        let mut parts = raw.split('.');
        let (Some(generation), Some(index), Some(digest), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(MALFORMED);
        };
        Ok(Self {
            generation: Generation::parse(generation)?,
            index: index.parse().map_err(|_| MALFORMED)?,
            digest: u64::from_str_radix(digest, 16).map_err(|_| MALFORMED)?,
        })
    }
}

impl From<SnapshotPiece> for String {
    fn from(piece: SnapshotPiece) -> Self {
        format!("{}.{}.{:x}", piece.generation, piece.index, piece.digest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_names_are_fresh_and_parse_back() {
        let names: std::collections::HashSet<Generation> = (0..100).map(|_| Generation::generate()).collect();
        assert_eq!(names.len(), 100, "no two alike");
        for name in names {
            assert_eq!(name.as_str().len(), 16);
            assert_eq!(Generation::parse(name.as_str()).as_ref(), Ok(&name));
        }
    }

    #[test]
    fn generation_refuses_key_separators_and_empty() {
        assert!(Generation::parse("stale_2-b").is_ok());
        for raw in ["", "a#b", "a b", "a\nb", "é", &"x".repeat(65)] {
            assert!(Generation::parse(raw).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn stored_generations_read_back_and_bad_ones_do_not() {
        let generation = Generation::parse("3f2a9c0d1e4b5a6f").unwrap();
        let json = serde_json::to_string(&generation).unwrap();
        assert_eq!(json, r#""3f2a9c0d1e4b5a6f""#);
        assert_eq!(serde_json::from_str::<Generation>(&json).unwrap(), generation);
        assert!(serde_json::from_str::<Generation>(r#""CHUNK#1""#).is_err());
    }

    #[test]
    fn pieces_read_back_from_their_stored_text() {
        let piece = SnapshotPiece { generation: Generation::parse("3f2a9c0d").unwrap(), index: 12, digest: 0xfeed };
        let json = serde_json::to_string(&piece).unwrap();
        assert_eq!(json, r#""3f2a9c0d.12.feed""#);
        assert_eq!(serde_json::from_str::<SnapshotPiece>(&json).unwrap(), piece);
        for bad in [r#""3f2a.12""#, r#""3f2a.x.ff""#, r#""3f2a.1.zz""#, r#""a#b.1.ff""#, r#""a.1.ff.2""#] {
            assert!(serde_json::from_str::<SnapshotPiece>(bad).is_err(), "{bad}");
        }
    }
}
