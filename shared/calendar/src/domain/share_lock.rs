//! A password share's lock: the password's slow salted hash, the generation unlock cookies are
//! bound to, and the key its feed needs. None of it is ever in an API response or a log.

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{ARGON2ID_IDENT, Algorithm, Argon2, Block, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::fmt;
use subtle::ConstantTimeEq;

pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// argon2id at OWASP's first recommended setting (19 MiB, 2 passes, 1 lane): one check costs
/// 10-50 ms of one core (benches/password.rs).
const ARGON2_MEMORY_KIB: u32 = 19 * 1024;
const ARGON2_PASSES: u32 = 2;

fn argon2() -> Argon2<'static> {
    let params = Params::new(ARGON2_MEMORY_KIB, ARGON2_PASSES, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The working memory of one argon2id hash (19 MiB), owned by whoever hashes so that it is reused
/// from check to check: argon2 would allocate it each time, and the allocator keeps what it is given
/// back.
pub struct HashMemory(Vec<Block>);

impl HashMemory {
    pub fn new() -> Self {
        Self(vec![Block::default(); ARGON2_MEMORY_KIB as usize])
    }

    /// `out` filled with the hash of `password` under `argon2` and `salt`.
    fn hash_into(&mut self, argon2: &Argon2<'_>, password: &[u8], salt: &[u8], out: &mut [u8]) -> bool {
        let blocks = argon2.params().block_count();
        if self.0.len() < blocks {
            self.0.resize(blocks, Block::default());
        }
        argon2.hash_password_into_with_memory(password, salt, out, &mut self.0[..blocks]).is_ok()
    }
}

impl Default for HashMemory {
    fn default() -> Self {
        Self::new()
    }
}

/// 8 to 128 characters, as the publisher typed it; never stored, never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(…)")
    }
}

impl Password {
    pub fn parse(raw: String) -> Result<Self, String> {
        let chars = raw.chars().count();
        if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars) {
            return Err(format!("must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters"));
        }
        Ok(Self(raw))
    }
}

/// What a publish or `PUT` asks of the password.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PasswordChange {
    /// No `password` field: a `PUT` keeps the current one (a new share has none).
    #[default]
    Keep,
    /// `"password": null`.
    Remove,
    Set(Password),
}

/// How long an unlock cookie opens its share.
pub const UNLOCK_LIFETIME: SignedDuration = SignedDuration::from_hours(12);

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareLock {
    /// PHC string of the password's argon2id hash.
    password_hash: String,
    /// New on every password change and rotation: unlock cookies name it, so older ones stop opening.
    password_generation: String,
    /// 244 random bits (two v4 UUIDs), base64url: the feed's `?key=`.
    feed_key: String,
}

impl fmt::Debug for ShareLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ShareLock(…)")
    }
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    for chunk in bytes.chunks_mut(16) {
        chunk.copy_from_slice(&uuid::Uuid::new_v4().as_bytes()[..chunk.len()]);
    }
    bytes
}

/// 32 bytes of two v4 UUIDs (122 random bits each), base64url.
fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

impl ShareLock {
    /// Hashes the password (the slow part) with a fresh salt; a new generation and feed key.
    pub fn new(password: &Password) -> Self {
        Self::new_in(password, &mut HashMemory::new())
    }

    /// `new`, hashing in `memory`.
    pub fn new_in(password: &Password, memory: &mut HashMemory) -> Self {
        let salt_bytes = random_bytes::<16>();
        let salt = SaltString::encode_b64(&salt_bytes).expect("16 bytes make a valid salt");
        let argon2 = argon2();
        let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
        assert!(memory.hash_into(&argon2, password.0.as_bytes(), &salt_bytes, &mut out), "argon2 hashes any password");
        let hash = PasswordHash {
            algorithm: ARGON2ID_IDENT,
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(argon2.params()).expect("the parameters are a PHC string"),
            salt: Some(salt.as_salt()),
            hash: Some(Output::new(&out).expect("32 bytes are a valid output")),
        };
        Self { password_hash: hash.to_string(), password_generation: random_token(), feed_key: random_token() }
    }

    /// The same password under a new generation and feed key (a rotation).
    pub fn reissued(&self) -> Self {
        Self {
            password_hash: self.password_hash.clone(),
            password_generation: random_token(),
            feed_key: random_token(),
        }
    }

    /// Whether `attempt` is the password (the slow check; the unlock route's alone).
    pub fn verify(&self, attempt: &str) -> bool {
        self.verify_in(attempt, &mut HashMemory::new())
    }

    /// `verify`, hashing in `memory`; the hashes are compared in constant time.
    pub fn verify_in(&self, attempt: &str, memory: &mut HashMemory) -> bool {
        let Ok(hash) = PasswordHash::new(&self.password_hash) else { return false };
        let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else { return false };
        let Ok(params) = Params::try_from(&hash) else { return false };
        let mut salt_bytes = [0u8; 64];
        let Ok(salt) = salt.decode_b64(&mut salt_bytes) else { return false };
        if hash.algorithm != ARGON2ID_IDENT || hash.version != Some(Version::V0x13.into()) {
            return false;
        }
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let mut out = vec![0u8; expected.len()];
        memory.hash_into(&argon2, attempt.as_bytes(), salt, &mut out)
            && Output::new(&out).is_ok_and(|out| out == expected)
    }

    pub fn feed_key(&self) -> &str {
        &self.feed_key
    }

    pub fn password_generation(&self) -> &str {
        &self.password_generation
    }

    /// Compared in constant time, so response times say nothing of how much of a guess was right.
    pub fn opens_feed(&self, key: &str) -> bool {
        self.feed_key.as_bytes().ct_eq(key.as_bytes()).into()
    }
}

/// The lockout of a share's unlock route: after `max_wrong` wrong passwords within `window` of the
/// first, every attempt answers 429 until that window ends. Apart from it, a share checks at most
/// `max_checks` passwords, right or wrong, in each `check_window` of the clock (whole minutes): each
/// check costs a core tens of milliseconds, so one client must not be able to ask for them unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutRule {
    pub window: SignedDuration,
    pub max_wrong: u32,
    pub check_window: SignedDuration,
    pub max_checks: u32,
}

impl Default for LockoutRule {
    fn default() -> Self {
        Self {
            window: SignedDuration::from_mins(15),
            max_wrong: 10,
            check_window: SignedDuration::from_mins(1),
            max_checks: 30,
        }
    }
}

/// The wrong tries counted in a share's current window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrongTries {
    pub window_start: Timestamp,
    pub count: u32,
}

impl LockoutRule {
    /// The start of the check window `now` falls in.
    pub fn check_window_start(&self, now: Timestamp) -> Timestamp {
        let window = self.check_window.as_millis().max(1) as i64;
        let start = now.as_millisecond().div_euclid(window) * window;
        Timestamp::from_millisecond(start).unwrap_or(now)
    }

    /// Whether the `count`-th check of the window that started at `start` is refused, and for how
    /// long: the rest of that window.
    pub fn refuses_check(&self, count: u32, start: Timestamp, now: Timestamp) -> Option<SignedDuration> {
        let ends = start + self.check_window;
        (count > self.max_checks && now < ends).then(|| ends.duration_since(now))
    }

    /// Whether a try already counted (`tries` includes it) is refused, and for how long: the tries
    /// before it used up the window's allowance.
    pub fn refuses(&self, tries: WrongTries, now: Timestamp) -> Option<SignedDuration> {
        let ends = tries.window_start + self.window;
        (tries.count > self.max_wrong && now < ends).then(|| ends.duration_since(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_checks_at_most_thirty_passwords_in_a_minute_of_the_clock() {
        let rule = LockoutRule::default();
        let now: Timestamp = "2026-12-07T09:41:23.5Z".parse().unwrap();
        let start = rule.check_window_start(now);
        assert_eq!(start, "2026-12-07T09:41:00Z".parse::<Timestamp>().unwrap());
        assert_eq!(rule.refuses_check(30, start, now), None);
        assert_eq!(rule.refuses_check(31, start, now), Some(SignedDuration::from_millis(36_500)));
    }

    #[test]
    fn passwords_are_8_to_128_characters() {
        assert!(Password::parse("1234567".into()).is_err());
        assert!(Password::parse("12345678".into()).is_ok());
        assert!(Password::parse("é".repeat(128)).is_ok(), "characters, not bytes");
        assert!(Password::parse("x".repeat(129)).is_err());
        assert_eq!(format!("{:?}", Password::parse("secret-pass".into()).unwrap()), "Password(…)");
    }

    #[test]
    fn a_lock_opens_with_its_password_only() {
        let lock = ShareLock::new(&Password::parse("correct horse".into()).unwrap());
        assert!(lock.password_hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(!lock.password_hash.contains("correct horse"));
        assert!(lock.verify("correct horse"));
        assert!(!lock.verify("correct horsE"));
        let mut memory = HashMemory::new();
        let reused = ShareLock::new_in(&Password::parse("battery staple".into()).unwrap(), &mut memory);
        assert!(reused.verify_in("battery staple", &mut memory) && !reused.verify_in("battery stapler", &mut memory));
        assert!(reused.verify("battery staple"), "one memory or another, the same hash");
        // Locks stored before hashing moved into owned memory hold the crate's own PHC strings.
        use argon2::password_hash::PasswordHasher;
        let salt = SaltString::encode_b64(&[7u8; 16]).unwrap();
        let stored = argon2().hash_password(b"stored before", &salt).unwrap().to_string();
        let earlier = ShareLock { password_hash: stored, ..reused.clone() };
        assert!(earlier.verify_in("stored before", &mut memory) && !earlier.verify_in("stored after", &mut memory));
        assert!(!format!("{lock:?}").contains(&lock.feed_key));
        let reissued = lock.reissued();
        assert!(reissued.verify("correct horse"));
        assert_ne!(reissued.feed_key, lock.feed_key);
        assert_ne!(reissued.password_generation, lock.password_generation);
        assert!(lock.feed_key.len() >= 22, "at least 128 bits");
        assert!(
            lock.opens_feed(&lock.feed_key.clone()) && !lock.opens_feed("") && !lock.opens_feed(&reissued.feed_key)
        );
    }

    #[test]
    fn lockout_holds_for_the_rest_of_a_fixed_window() {
        let rule = LockoutRule::default();
        let start: Timestamp = "2026-12-01T12:00:00Z".parse().unwrap();
        // `count` includes the try being decided: the eleventh is the first refused.
        let tries = |count| WrongTries { window_start: start, count };
        assert_eq!(rule.refuses(tries(10), start), None);
        assert_eq!(rule.refuses(tries(11), start + SignedDuration::from_mins(5)), Some(SignedDuration::from_mins(10)));
        assert_eq!(rule.refuses(tries(11), start + SignedDuration::from_mins(15)), None);
    }
}
