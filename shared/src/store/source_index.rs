//! What a commit changes in the owner's source index: the items that tell which of an owner's shares
//! hold a source key. They are written and deleted in the commit's own transaction, so the index
//! always matches the records it lists.

use crate::domain::{ShareId, ShareRecord, SourceIndex, SourceTag, source_key::buckets_of};

/// Index items a commit writes under the committed record's id, and items of the same owner it deletes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexWrite {
    /// `(bucket, tags)` of the committed share.
    pub put: Vec<(u8, Vec<SourceTag>)>,
    /// `(share, bucket)` items that go: of the superseded record, where the new one has no such bucket
    /// (or lives under another id).
    pub delete: Vec<(ShareId, u8)>,
}

impl IndexWrite {
    /// From the superseded record (with its index, when it was read) to the committed one. Buckets
    /// whose tags did not change are not written again.
    pub fn between(before: Option<(&ShareRecord, Option<&SourceIndex>)>, id: &ShareId, after: &SourceIndex) -> Self {
        let same_share = before.is_some_and(|(record, _)| &record.id == id);
        let known_before = before.and_then(|(_, index)| index).filter(|_| same_share);
        let put = after
            .buckets()
            .filter(|(bucket, tags)| known_before.is_none_or(|old| old.bucket(*bucket) != Some(*tags)))
            .map(|(bucket, tags)| (bucket, tags.iter().copied().collect()))
            .collect();
        let delete = match before {
            None => Vec::new(),
            Some((record, _)) => {
                let kept = if same_share { after.mask() } else { 0 };
                buckets_of(record.source_buckets & !kept).map(|bucket| (record.id.clone(), bucket)).collect()
            }
        };
        Self { put, delete }
    }

    /// Every index item of a share, deleted (a revoke).
    pub fn all_of(record: &ShareRecord) -> Vec<(ShareId, u8)> {
        buckets_of(record.source_buckets).map(|bucket| (record.id.clone(), bucket)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{DetailLevel, GroupId, SourceIdSecret, SourceKey, UserId};
    use crate::render::fixtures;

    fn keys(ids: &[&str]) -> Vec<SourceKey> {
        let (group, owner) = (GroupId::parse("contoso").unwrap(), UserId::parse("kim").unwrap());
        let keys = SourceIdSecret::development().keys_for(&group, &owner, "normalized");
        ids.iter().map(|id| keys.key_of(id)).collect()
    }

    fn record_with(index: &SourceIndex) -> ShareRecord {
        let (start, end) = ("2026-12-01".parse().unwrap(), "2027-01-01".parse().unwrap());
        let mut record = fixtures::record("Rota", "UTC", start, end, DetailLevel::Limited);
        record.source_buckets = index.mask();
        record
    }

    #[test]
    fn a_new_share_puts_every_bucket_and_deletes_nothing() {
        let index = SourceIndex::of(&keys(&["a", "b", "c"]));
        let write = IndexWrite::between(None, &ShareId::generate(), &index);
        assert_eq!(write.put.iter().map(|(_, tags)| tags.len()).sum::<usize>(), 3);
        assert!(write.delete.is_empty());
    }

    #[test]
    fn a_change_writes_only_changed_buckets_and_deletes_emptied_ones() {
        let ids: Vec<String> = (0..40).map(|i| format!("ev-{i}")).collect();
        let all = keys(&ids.iter().map(String::as_str).collect::<Vec<_>>());
        let before = SourceIndex::of(&all);
        let record = record_with(&before);
        let gone = all[0];
        let alone_in_bucket = all.iter().filter(|k| k.bucket() == gone.bucket()).count() == 1;
        let after = SourceIndex::of(all.iter().filter(|k| **k != gone));
        let write = IndexWrite::between(Some((&record, Some(&before))), &record.id, &after);
        if alone_in_bucket {
            assert!(write.put.is_empty());
            assert_eq!(write.delete, vec![(record.id.clone(), gone.bucket())]);
        } else {
            assert_eq!(write.put.len(), 1, "one bucket changed");
            assert_eq!(write.put[0].0, gone.bucket());
            assert!(write.delete.is_empty());
        }
        let unchanged = IndexWrite::between(Some((&record, Some(&before))), &record.id, &before);
        assert_eq!(unchanged, IndexWrite::default());
    }

    #[test]
    fn a_replacement_puts_all_and_a_rotation_deletes_every_old_bucket() {
        let before = SourceIndex::of(&keys(&["a", "b", "c", "d", "e", "f"]));
        let record = record_with(&before);
        let after = SourceIndex::of(&keys(&["a"]));
        let replaced = IndexWrite::between(Some((&record, None)), &record.id, &after);
        assert_eq!(replaced.put.len(), 1);
        assert_eq!(replaced.delete.len(), before.mask().count_ones() as usize - 1);
        let new_id = ShareId::generate();
        let rotated = IndexWrite::between(Some((&record, Some(&before))), &new_id, &before);
        assert_eq!(rotated.put.len(), before.mask().count_ones() as usize);
        assert_eq!(rotated.delete, IndexWrite::all_of(&record));
    }
}
