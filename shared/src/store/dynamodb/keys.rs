//! The table's key design, in one place: the keys `template.yaml` declares and what each item is
//! stored under.

use super::Item;
use crate::domain::{Generation, GroupId, ShareId, UserId};
use aws_sdk_dynamodb::types::AttributeValue;
use jiff::Timestamp;
use std::collections::HashMap;

/// An owner's shares in a group (`gsi1pk`, `gsi1sk`).
pub const GSI1: &str = "gsi1";
/// Every share of a group by creation (`gsi1pk`, `gsi2sk`).
pub const GSI2: &str = "gsi2";
pub const RECORD_SK: &str = "RECORD";
pub const POLICY_SK: &str = "POLICY";
pub const IDEMPOTENCY_SK: &str = "IDEMPOTENCY";
pub const USER_SK_PREFIX: &str = "USER#";
pub const CHUNK_SK_PREFIX: &str = "CHUNK#";
/// Under an id a share was rotated away from: the id it moved to, for a while.
pub const FORWARD_SK: &str = "MOVED";

pub fn share(id: &ShareId) -> String {
    format!("SHARE#{id}")
}

/// Zero-padded, so a generation's chunks sort by index.
pub fn chunk(generation: &Generation, index: u32) -> String {
    format!("{CHUNK_SK_PREFIX}{generation}#{index:04}")
}

/// Sort-key ranges (inclusive) that hold every chunk but those of `except`: a query for leftovers
/// need not read the current snapshot. (`#` sorts before `$`, so `{prefix}$` ends the prefix's keys.)
pub fn chunk_ranges_except(except: Option<&Generation>) -> Vec<(String, String)> {
    let end = format!("{}$", CHUNK_SK_PREFIX.trim_end_matches('#'));
    match except {
        None => vec![(CHUNK_SK_PREFIX.to_owned(), end)],
        Some(generation) => vec![
            (CHUNK_SK_PREFIX.to_owned(), format!("{CHUNK_SK_PREFIX}{generation}#")),
            (format!("{CHUNK_SK_PREFIX}{generation}$"), end),
        ],
    }
}

/// The generation and index text of a chunk's sort key; `None` for any other item.
pub fn chunk_parts(sk: &str) -> Option<(&str, &str)> {
    sk.strip_prefix(CHUNK_SK_PREFIX).and_then(|rest| rest.rsplit_once('#'))
}

pub fn group(group: &GroupId) -> String {
    format!("GROUP#{group}")
}

pub fn user(user: &UserId) -> String {
    format!("{USER_SK_PREFIX}{user}")
}

pub fn owner_prefix(owner: &UserId) -> String {
    format!("OWNER#{owner}#")
}

/// Where gsi1 sorts a share among its owner's: by creation, then id.
pub fn owner_share(owner: &UserId, created_at: Timestamp, id: &ShareId) -> String {
    format!("{}{}", owner_prefix(owner), group_share(created_at, id))
}

/// Where gsi2 sorts a share among its group's: by creation, then id. Fixed-precision RFC 3339, so
/// the text sorts as the time does.
pub fn group_share(created_at: Timestamp, id: &ShareId) -> String {
    let created = jiff::fmt::temporal::DateTimePrinter::new().precision(Some(9)).timestamp_to_string(&created_at);
    format!("{created}#{id}")
}

/// A bucket of an owner's source index; its items' sort keys are share ids. The owner is named by a
/// digest, which keeps the keys short (a lookup reads whole items) and the user id out of them.
pub fn sources(group: &GroupId, owner: &UserId, bucket: u8) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(group.as_str().as_bytes());
    hasher.update([0]);
    hasher.update(owner.as_str().as_bytes());
    let digest: String = hasher.finalize()[..10].iter().map(|b| format!("{b:02x}")).collect();
    format!("SOURCES#{digest}#{bucket:x}")
}

/// A share's wrong unlock tries live in a partition of their own: the unlock function may write
/// only partitions with this prefix (`dynamodb:LeadingKeys` in template.yaml).
pub fn lockout(id: &ShareId) -> String {
    format!("LOCKOUT#{id}")
}

pub const LOCKOUT_SK: &str = "LOCKOUT";

/// The password checks of one window of the clock, beside the wrong tries in the share's partition.
pub fn checks_sk(window_start: jiff::Timestamp) -> String {
    format!("CHECKS#{}", window_start.as_millisecond())
}

pub fn idempotency(key_digest: &str) -> String {
    format!("IDEMPOTENCY#{key_digest}")
}

/// An item holding only its key.
pub fn of(pk: String, sk: impl Into<String>) -> Item {
    HashMap::from([("pk".to_owned(), AttributeValue::S(pk)), ("sk".to_owned(), AttributeValue::S(sk.into()))])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_keys_sort_by_index() {
        let generation = Generation::parse("abc").unwrap();
        assert_eq!(chunk(&generation, 7), "CHUNK#abc#0007");
        assert!(chunk(&generation, 9) < chunk(&generation, 10));
    }

    #[test]
    fn chunk_ranges_leave_out_one_generation_only() {
        let current = Generation::parse("b5").unwrap();
        let ranges = chunk_ranges_except(Some(&current));
        let held = |sk: &str| ranges.iter().any(|(low, high)| low.as_str() <= sk && sk <= high.as_str());
        assert!(!held(&chunk(&current, 1)) && !held(&chunk(&current, 9999)));
        for other in ["a9", "b4", "b50", "b6", "ff"] {
            let other = Generation::parse(other).unwrap();
            assert!(held(&chunk(&other, 1)) && held(&chunk(&other, 9999)), "{other}");
        }
        assert!(!held(RECORD_SK) && !held(FORWARD_SK));
        let all = chunk_ranges_except(None);
        assert_eq!(all, vec![("CHUNK#".to_owned(), "CHUNK$".to_owned())]);
    }

    #[test]
    fn source_index_keys_are_short_and_owner_scoped() {
        let (contoso, kim) = (GroupId::parse("contoso").unwrap(), UserId::parse("kim").unwrap());
        let key = sources(&contoso, &kim, 15);
        assert_eq!(key.len(), "SOURCES#".len() + 20 + 2);
        assert!(key.ends_with("#f") && !key.contains("kim"));
        assert_ne!(key, sources(&contoso, &UserId::parse("lee").unwrap(), 15));
        assert_ne!(key, sources(&GroupId::parse("fabrikam").unwrap(), &kim, 15));
    }

    #[test]
    fn chunk_keys_split_back() {
        let generation = Generation::parse("abc").unwrap();
        assert_eq!(chunk_parts(&chunk(&generation, 12)), Some(("abc", "0012")));
        assert_eq!(chunk_parts(RECORD_SK), None);
    }
}
