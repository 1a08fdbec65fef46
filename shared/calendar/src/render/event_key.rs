//! The opaque key of an event on the page (`?event=KEY`): a short digest of the event's stored
//! `uid`, so it is the same in every render of a snapshot and tells nothing about the source.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventKey(u64);

impl EventKey {
    /// A multiply-rotate digest of the `uid`'s 8-byte words, finished with MurmurHash3's mixer. It
    /// hides nothing secret (the `uid` is itself a one-way digest, and in the feed) and needs no
    /// key; it only has to be short, stable across releases, and cheap enough to take for every
    /// event on a page (a few nanoseconds for a `uid`, where SipHash took tens).
    pub fn of(uid: &str) -> Self {
        const MULTIPLIER: u64 = 0x9E37_79B9_7F4A_7C15;
        let bytes = uid.as_bytes();
        let mut hash = bytes.len() as u64;
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
            hash = (hash ^ word).wrapping_mul(MULTIPLIER).rotate_left(29);
        }
        let mut tail = [0u8; 8];
        tail[..words.remainder().len()].copy_from_slice(words.remainder());
        hash = (hash ^ u64::from_le_bytes(tail)).wrapping_mul(MULTIPLIER);
        Self(fmix64(hash))
    }

    /// Exactly sixteen lowercase hex digits, as [`fmt::Display`] writes them; anything else is no key.
    pub fn parse(value: &str) -> Option<Self> {
        let hex = value.len() == 16 && value.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        hex.then(|| u64::from_str_radix(value, 16).ok().map(Self)).flatten()
    }
}

/// MurmurHash3's 64-bit finaliser: every input bit reaches every output bit.
fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

impl EventKey {
    fn write_hex(&self, out: &mut dyn fmt::Write) -> fmt::Result {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut digits = [0u8; 16];
        for (at, digit) in digits.iter_mut().enumerate() {
            *digit = HEX[((self.0 >> (60 - 4 * at)) & 15) as usize];
        }
        out.write_str(std::str::from_utf8(&digits).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Display for EventKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_hex(f)
    }
}

// Hex digits need no escaping; a page writes a key into every event's link, so it skips both the
// escaper and the formatter.
impl askama::filters::HtmlSafe for EventKey {}

impl askama::FastWritable for EventKey {
    fn write_into(&self, dest: &mut dyn fmt::Write, _: &dyn askama::Values) -> askama::Result<()> {
        Ok(self.write_hex(dest)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_short_and_hide_the_uid() {
        let uid = "0123456789abcdef0123456789abcdef@calendar-share";
        let key = EventKey::of(uid);
        assert_eq!(key, EventKey::of(uid));
        assert_ne!(key, EventKey::of("0123456789abcdef0123456789abcdee@calendar-share"));
        let text = key.to_string();
        assert_eq!(text.len(), 16);
        assert!(!uid.contains(&text) && !text.contains("0123456789"), "{text}");
        assert_eq!(EventKey::parse(&text), Some(key));
    }

    #[test]
    fn keys_of_similar_uids_differ() {
        let mut keys: Vec<EventKey> = (0..10_000).map(|i| EventKey::of(&format!("{i:032x}@calendar-share"))).collect();
        keys.extend(["", "a", "a\0", "ab", "ba", "abcdefgh", "abcdefgh\0"].map(EventKey::of));
        let count = keys.len();
        keys.sort_by_key(|key| key.0);
        keys.dedup();
        assert_eq!(keys.len(), count, "no two alike");
    }

    #[test]
    fn only_sixteen_lowercase_hex_digits_parse() {
        assert_eq!(EventKey::parse("00000000000000ff").map(|k| k.to_string()).as_deref(), Some("00000000000000ff"));
        for bad in
            ["", "00000000000000FF", "0000000000000ff", "00000000000000fff", "+0000000000000ff", "g000000000000000"]
        {
            assert_eq!(EventKey::parse(bad), None, "{bad:?}");
        }
    }
}
