//! Identifiers: the unguessable share id (the recipients' capability), and the caller's user and
//! group as the identity provider names them.

use serde::{Deserialize, Serialize};
use std::fmt;

/// 128 random bits as 32 lowercase hex digits. Anything else is not a share id, so a malformed id
/// never reaches the store.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ShareId(String);

impl ShareId {
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().simple().to_string())
    }

    pub fn parse(raw: &str) -> Option<Self> {
        let valid = raw.len() == 32 && raw.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        valid.then(|| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// How logs name a share: the id opens the share, so logs carry a digest of it instead.
    pub fn log_ref(&self) -> String {
        use sha2::{Digest, Sha256};
        Sha256::digest(self.0.as_bytes())[..6].iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl TryFrom<String> for ShareId {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw).ok_or_else(|| "not a share id".to_owned())
    }
}

impl From<ShareId> for String {
    fn from(id: ShareId) -> Self {
        id.0
    }
}

impl fmt::Display for ShareId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

macro_rules! principal_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, &'static str> {
                parse_principal(raw).map(|()| Self(raw.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        text_newtype!($name, &'static str);
    };
}

principal_id!(
    /// The caller's user id (`sub` by default), as the identity provider issues it.
    UserId
);
principal_id!(
    /// The caller's group, the tenant every record is scoped to (`tid` by default).
    GroupId
);

/// Ids become parts of store keys, so they may not hold the key separator or control characters.
fn parse_principal(raw: &str) -> Result<(), &'static str> {
    if raw.is_empty() || raw.len() > 256 {
        return Err("must be 1 to 256 characters");
    }
    if raw.chars().any(|c| c.is_control() || c == '#') {
        return Err("must not contain control characters or '#'");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_share_ids_parse_and_differ() {
        let a = ShareId::generate();
        let b = ShareId::generate();
        assert_ne!(a, b);
        assert_eq!(ShareId::parse(a.as_str()), Some(a));
    }

    #[test]
    fn share_id_rejects_anything_but_32_lowercase_hex() {
        for raw in [
            "",
            "abc",
            "6F1C0000000000000000000000000000",
            "6f1c000000000000000000000000000g",
            "<script>aaaaaaaaaaaaaaaaaaaaaaaaa",
        ] {
            assert_eq!(ShareId::parse(raw), None, "{raw}");
        }
    }

    #[test]
    fn principals_refuse_separators_and_empty() {
        assert!(UserId::parse("user-1").is_ok());
        assert!(UserId::parse("").is_err());
        assert!(GroupId::parse("a#b").is_err());
        assert!(GroupId::parse("a\nb").is_err());
        assert!(GroupId::parse(&"x".repeat(257)).is_err());
    }
}
