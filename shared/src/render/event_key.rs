//! The opaque key of an event on the page (`?event=KEY`): a short digest of the event's stored
//! `uid`, so it is the same in every render of a snapshot and tells nothing about the source.

use siphasher::sip::SipHasher13;
use std::fmt;

/// Fixed keys: the digest hides nothing secret (the `uid` is itself a one-way digest, and in the
/// feed), it only has to be short, stable and cheap enough to take for every event on a page.
const KEYS: (u64, u64) = (0x7368_6172_652d_6576, 0x656e_742d_6b65_7931);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventKey(u64);

impl EventKey {
    pub fn of(uid: &str) -> Self {
        Self(SipHasher13::new_with_keys(KEYS.0, KEYS.1).hash(uid.as_bytes()))
    }

    /// Exactly sixteen lowercase hex digits, as [`fmt::Display`] writes them; anything else is no key.
    pub fn parse(value: &str) -> Option<Self> {
        let hex = value.len() == 16 && value.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        hex.then(|| u64::from_str_radix(value, 16).ok().map(Self)).flatten()
    }
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
    fn only_sixteen_lowercase_hex_digits_parse() {
        assert_eq!(EventKey::parse("00000000000000ff").map(|k| k.to_string()).as_deref(), Some("00000000000000ff"));
        for bad in
            ["", "00000000000000FF", "0000000000000ff", "00000000000000fff", "+0000000000000ff", "g000000000000000"]
        {
            assert_eq!(EventKey::parse(bad), None, "{bad:?}");
        }
    }
}
