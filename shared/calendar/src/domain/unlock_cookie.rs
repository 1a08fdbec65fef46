//! The cookie that opens a password share after its password was given: an expiry and an
//! HMAC-SHA256 over the share id, the lock's password generation and that expiry. The key is a
//! template-managed secret (`SHARE_COOKIE_KEY`), not in the table: a table dump alone cannot forge
//! a cookie, and a password change, removal or rotation (a new generation or id) voids the old ones.

use super::{SecretKey, ShareId, ShareLock, UNLOCK_LIFETIME};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use jiff::Timestamp;
use sha2::Sha256;

pub const UNLOCK_COOKIE_NAME: &str = "share_unlock";

/// The key unlock cookies are signed with (`SHARE_COOKIE_KEY`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnlockCookieKey(SecretKey);

impl From<SecretKey> for UnlockCookieKey {
    fn from(key: SecretKey) -> Self {
        Self(key)
    }
}

impl UnlockCookieKey {
    pub fn new(bytes: &[u8]) -> Result<Self, String> {
        SecretKey::new(bytes).map(Self)
    }

    /// The local runner's and the tests' key: public, so never one a deployment uses.
    pub fn development() -> Self {
        Self(SecretKey::development("local development unlock cookies: not a secret, never deployed"))
    }

    fn mac(&self, id: &ShareId, lock: &ShareLock, expires: i64) -> Hmac<Sha256> {
        let mut mac = self.0.hmac();
        for part in [id.as_str(), lock.password_generation(), &expires.to_string()] {
            mac.update(part.as_bytes());
            mac.update(&[0]);
        }
        mac
    }

    /// The cookie's value: `{expiry epoch seconds}.{base64url MAC}`.
    pub fn issue(&self, id: &ShareId, lock: &ShareLock, now: Timestamp) -> String {
        let expires = (now + UNLOCK_LIFETIME).as_second();
        let tag = self.mac(id, lock, expires).finalize().into_bytes();
        format!("{expires}.{}", URL_SAFE_NO_PAD.encode(tag))
    }

    /// Whether a cookie value opens this share's current lock now (MAC compared in constant time).
    pub fn opens(&self, id: &ShareId, lock: &ShareLock, value: &str, now: Timestamp) -> bool {
        let Some((expires, tag)) = value.split_once('.') else { return false };
        let (Ok(expires), Ok(tag)) = (expires.parse::<i64>(), URL_SAFE_NO_PAD.decode(tag)) else { return false };
        let within_lifetime = expires > now.as_second() && expires <= (now + UNLOCK_LIFETIME).as_second();
        within_lifetime && self.mac(id, lock, expires).verify_slice(&tag).is_ok()
    }
}

/// The `Set-Cookie` header of an unlock: only sent back to this share's paths, over HTTPS.
pub fn unlock_set_cookie(id: &ShareId, value: &str) -> String {
    format!(
        "{UNLOCK_COOKIE_NAME}={value}; Max-Age={}; Path=/s/{id}; HttpOnly; Secure; SameSite=Lax",
        UNLOCK_LIFETIME.as_secs()
    )
}

/// The unlock cookie's value among a request's `Cookie` headers' pairs.
pub fn unlock_cookie_in<'a>(cookie_headers: impl Iterator<Item = &'a str>) -> impl Iterator<Item = &'a str> {
    cookie_headers
        .flat_map(|header| header.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(name, _)| *name == UNLOCK_COOKIE_NAME)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Password;

    #[test]
    fn a_cookie_opens_its_share_and_generation_until_it_expires() {
        let key = UnlockCookieKey::development();
        let lock = ShareLock::new(&Password::parse("open sesame".into()).unwrap());
        let (id, other) = (ShareId::generate(), ShareId::generate());
        let now: Timestamp = "2026-12-01T12:00:00Z".parse().unwrap();
        let value = key.issue(&id, &lock, now);
        assert!(key.opens(&id, &lock, &value, now));
        assert!(key.opens(&id, &lock, &value, now + jiff::SignedDuration::from_hours(11)));
        assert!(!key.opens(&id, &lock, &value, now + UNLOCK_LIFETIME), "expired");
        assert!(!key.opens(&other, &lock, &value, now), "another share");
        assert!(!key.opens(&id, &lock.reissued(), &value, now), "a new generation");
        assert!(!UnlockCookieKey::new(&[7; 32]).unwrap().opens(&id, &lock, &value, now), "another key");
        let (expires, tag) = value.split_once('.').unwrap();
        let stretched = format!("{}.{tag}", expires.parse::<i64>().unwrap() + 3600);
        assert!(!key.opens(&id, &lock, &stretched, now), "the expiry is under the MAC");
        assert!(!key.opens(&id, &lock, "garbage", now));
    }

    #[test]
    fn the_cookie_is_confined_to_the_share() {
        let id = ShareId::generate();
        let header = unlock_set_cookie(&id, "1.abc");
        assert!(header.contains(&format!("Path=/s/{id};")));
        for attribute in ["HttpOnly", "Secure", "SameSite=Lax", "Max-Age=43200"] {
            assert!(header.contains(attribute), "{attribute}");
        }
        let found: Vec<_> = unlock_cookie_in(["a=b; share_unlock=1.x", "share_unlock=2.y"].into_iter()).collect();
        assert_eq!(found, ["1.x", "2.y"]);
    }
}
