//! Source keys: what live updates match a changed event on. An event's source id (a Graph `id`, a
//! Salesforce `Id`, …) is never stored; a keyed digest of it, scoped to its owner and format, is.
//! Without the secret (held outside the table) a stored key says nothing about the id, and two
//! owners' keys for the same event differ.

use super::{GroupId, SecretKey, UserId};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The secret source keys are made with (`SOURCE_ID_KEY`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceIdSecret(SecretKey);

impl From<SecretKey> for SourceIdSecret {
    fn from(key: SecretKey) -> Self {
        Self(key)
    }
}

impl SourceIdSecret {
    pub fn new(bytes: &[u8]) -> Result<Self, String> {
        SecretKey::new(bytes).map(Self)
    }

    /// The local runner's and the tests' secret: public, so never one a deployment uses.
    pub fn development() -> Self {
        Self(SecretKey::development("local development only: this is not a secret, and never deployed"))
    }

    /// The keys of one owner's source ids in one format (`format` is the body's name for it).
    pub fn keys_for(&self, group: &GroupId, owner: &UserId, format: &str) -> SourceKeys {
        let mut mac = self.0.hmac();
        for part in [group.as_str(), owner.as_str(), format] {
            mac.update(part.as_bytes());
            mac.update(&[0]);
        }
        SourceKeys { mac }
    }
}

/// Makes the source keys of one owner's ids in one format.
#[derive(Clone)]
pub struct SourceKeys {
    mac: Hmac<Sha256>,
}

impl SourceKeys {
    pub fn key_of(&self, source_id: &str) -> SourceKey {
        let mut mac = self.mac.clone();
        mac.update(source_id.as_bytes());
        let digest = mac.finalize().into_bytes();
        SourceKey(digest[..16].try_into().expect("SHA-256 is 32 bytes"))
    }
}

/// 128 bits of an owner-scoped HMAC of a source id: kept with each stored event that had an id.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SourceKey([u8; 16]);

/// The part of a key the index holds: enough to find candidates, which the snapshot then confirms.
pub type SourceTag = [u8; 8];

impl SourceKey {
    /// Which of the index's buckets holds the key: its first four bits.
    pub fn bucket(&self) -> u8 {
        self.0[0] >> 4
    }

    pub fn tag(&self) -> SourceTag {
        self.0[..8].try_into().expect("16 bytes")
    }

    /// The key as 32 lowercase hex digits.
    pub fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl fmt::Debug for SourceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SourceKey({})", URL_SAFE_NO_PAD.encode(self.0))
    }
}

impl TryFrom<String> for SourceKey {
    type Error = &'static str;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| "a source key is 16 bytes in base64url")?;
        Ok(Self(bytes.try_into().map_err(|_| "a source key is 16 bytes in base64url")?))
    }
}

impl From<SourceKey> for String {
    fn from(key: SourceKey) -> Self {
        URL_SAFE_NO_PAD.encode(key.0)
    }
}

/// A share's source keys as the index holds them: the tags, in 16 buckets. Buckets keep every item of
/// the index small (a tenth of DynamoDB's item limit at 10,000 events) and let a lookup read only the
/// buckets of the keys it looks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceIndex {
    buckets: BTreeMap<u8, BTreeSet<SourceTag>>,
}

impl SourceIndex {
    pub const BUCKETS: u8 = 16;

    pub fn of<'a>(keys: impl IntoIterator<Item = &'a SourceKey>) -> Self {
        let mut buckets: BTreeMap<u8, BTreeSet<SourceTag>> = BTreeMap::new();
        for key in keys {
            buckets.entry(key.bucket()).or_default().insert(key.tag());
        }
        Self { buckets }
    }

    /// Which buckets hold any tag, one bit each: what a share's record keeps, so that a revoke knows
    /// which index items to delete without reading the snapshot.
    pub fn mask(&self) -> u16 {
        self.buckets.keys().fold(0, |mask, bucket| mask | 1 << bucket)
    }

    pub fn bucket(&self, bucket: u8) -> Option<&BTreeSet<SourceTag>> {
        self.buckets.get(&bucket)
    }

    pub fn buckets(&self) -> impl Iterator<Item = (u8, &BTreeSet<SourceTag>)> {
        self.buckets.iter().map(|(bucket, tags)| (*bucket, tags))
    }
}

/// The buckets a mask names.
pub fn buckets_of(mask: u16) -> impl Iterator<Item = u8> {
    (0..SourceIndex::BUCKETS).filter(move |bucket| mask & (1 << bucket) != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(group: &str, owner: &str, format: &str) -> SourceKeys {
        let group = GroupId::parse(group).unwrap();
        let owner = UserId::parse(owner).unwrap();
        SourceIdSecret::development().keys_for(&group, &owner, format)
    }

    #[test]
    fn keys_differ_by_owner_group_format_and_secret() {
        let id = "AAMkAGI2TG93AAA=";
        let kim = keys("contoso", "kim", "msgraph").key_of(id);
        assert_eq!(kim, keys("contoso", "kim", "msgraph").key_of(id), "stable");
        assert_ne!(kim, keys("contoso", "lee", "msgraph").key_of(id));
        assert_ne!(kim, keys("fabrikam", "kim", "msgraph").key_of(id));
        assert_ne!(kim, keys("contoso", "kim", "normalized").key_of(id));
        assert_ne!(kim, keys("contoso", "kim", "msgraph").key_of("AAMkAGI2TG93AAB="));
        let other = SourceIdSecret::new(&[7; 32]).unwrap();
        let (group, owner) = (GroupId::parse("contoso").unwrap(), UserId::parse("kim").unwrap());
        assert_ne!(kim, other.keys_for(&group, &owner, "msgraph").key_of(id));
        // Parts are separated: ("ab", "c") is not ("a", "bc").
        assert_ne!(keys("contoso", "ab", "c").key_of(id), keys("contoso", "a", "bc").key_of(id));
    }

    #[test]
    fn keys_round_trip_as_text_that_does_not_hold_the_id() {
        let key = keys("contoso", "kim", "normalized").key_of("a1");
        let text: String = key.into();
        assert_eq!(text.len(), 22);
        assert_eq!(SourceKey::try_from(text.clone()).unwrap(), key);
        assert!(SourceKey::try_from("a1".to_owned()).is_err());
        assert!(!format!("{key:?}").contains("a1"));
    }

    #[test]
    fn short_secrets_are_refused_and_secrets_are_not_printed() {
        assert!(SourceIdSecret::new(&[1; 31]).is_err());
        assert_eq!(format!("{:?}", SourceIdSecret::development()), "SourceIdSecret(SecretKey(…))");
    }

    #[test]
    fn the_index_buckets_tags_and_names_its_buckets_in_a_mask() {
        let keys = keys("contoso", "kim", "normalized");
        let all: Vec<SourceKey> = (0..500).map(|i| keys.key_of(&format!("ev-{i}"))).collect();
        let index = SourceIndex::of(&all);
        assert_eq!(index.mask(), u16::MAX, "500 keys fill every bucket");
        assert_eq!(index.buckets().map(|(_, tags)| tags.len()).sum::<usize>(), 500);
        for key in &all {
            assert!(index.bucket(key.bucket()).unwrap().contains(&key.tag()));
        }
        let one = SourceIndex::of(&all[..1]);
        assert_eq!(buckets_of(one.mask()).collect::<Vec<_>>(), vec![all[0].bucket()]);
        assert_eq!(SourceIndex::of(&[]).mask(), 0);
    }
}
