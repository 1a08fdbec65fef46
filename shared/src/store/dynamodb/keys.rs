//! The table's key design, in one place: the keys `template.yaml` declares and what each item is
//! stored under.

use super::Item;
use crate::domain::{GroupId, ShareId, SnapshotPiece, UserId};
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

/// A piece of a snapshot, under the generation that wrote it (zero-padded, so its pieces sort by index).
pub fn piece(piece: &SnapshotPiece) -> String {
    format!("{CHUNK_SK_PREFIX}{}#{:04}", piece.generation, piece.index)
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
    fn piece_keys_sort_by_index() {
        let piece =
            |index| SnapshotPiece { generation: crate::domain::Generation::parse("abc").unwrap(), index, digest: 7 };
        assert_eq!(super::piece(&piece(7)), "CHUNK#abc#0007");
        assert!(super::piece(&piece(9)) < super::piece(&piece(10)));
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
}
