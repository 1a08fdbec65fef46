//! Keys held outside the table (Secrets Manager, handed to a function in its environment): at least
//! 32 bytes, never printed. Each use wraps one in a type of its own, so one key cannot stand in for
//! another.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;
use std::sync::Arc;

#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(Arc<[u8]>);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

impl SecretKey {
    pub const MIN_BYTES: usize = 32;

    pub fn new(bytes: &[u8]) -> Result<Self, String> {
        if bytes.len() < Self::MIN_BYTES {
            return Err(format!("must be at least {} bytes", Self::MIN_BYTES));
        }
        Ok(Self(Arc::from(bytes)))
    }

    /// A key for the local runner and the tests: public text, so never one a deployment uses.
    pub(crate) fn development(text: &'static str) -> Self {
        Self(Arc::from(text.as_bytes()))
    }

    /// Whether `candidate` is this key, compared in constant time.
    pub fn is(&self, candidate: &[u8]) -> bool {
        use subtle::ConstantTimeEq;
        self.0.ct_eq(candidate).into()
    }

    /// An HMAC-SHA256 under this key, to feed and finish.
    pub(crate) fn hmac(&self) -> Hmac<Sha256> {
        Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_keys_are_refused_and_keys_are_never_printed() {
        assert!(SecretKey::new(&[1; 31]).is_err());
        let key = SecretKey::new(b"0123456789abcdef0123456789abcdef").unwrap();
        assert_eq!(format!("{key:?}"), "SecretKey(…)");
    }
}
