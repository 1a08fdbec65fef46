//! A snapshot generation: the name that ties a share's record to the chunks of the snapshot it
//! points at, so a re-publish can write a new snapshot beside the old one and switch in one step.

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
}
