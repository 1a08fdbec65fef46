//! How large a response body may be as sent, and the gzip the view sends it in: one function, so
//! what a publish measures of a feed is, byte for byte, what the view would send.

use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;

/// The most bytes a response body may have as sent. Compressed bodies travel base64-encoded inside
/// Lambda's 6 MB response, so 4 MiB of them is what fits with room to spare.
pub const MAX_SENT_BYTES: usize = 4 * 1024 * 1024;

/// Gzip at the default level: on text it is within a few percent of the best level at about
/// half the time, and on text that barely compresses every level is alike.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 3 + 64), Compression::default());
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

/// The most bytes `gzip` makes of `plain` bytes. Deflate sends a block that would grow as a stored
/// block instead (5 bytes of header for at most 65,535 of data, and miniz_oxide's blocks are seldom
/// shorter than 31 KiB of input); gzip adds an 18-byte frame. One byte in 1,024 plus 64 covers both.
pub fn gzip_len_bound(plain: usize) -> usize {
    plain + plain / 1024 + 64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes that do not compress at all (splitmix64), the worst case for the bound.
    fn noise(len: usize) -> Vec<u8> {
        let mut state = 7u64;
        (0..len)
            .map(|_| {
                state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut z = state;
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                (z ^ (z >> 31)) as u8
            })
            .collect()
    }

    #[test]
    fn gzip_never_grows_a_body_past_the_bound() {
        let random = noise(3 << 20);
        for len in [0, 1, 100, 65_535, 65_536, 1 << 20, 3 << 20] {
            let gzipped = gzip(&random[..len]).len();
            assert!(gzipped <= gzip_len_bound(len), "{len} bytes gzip to {gzipped}");
            assert!(gzipped > len, "{len} bytes of noise compressed to {gzipped}: not the worst case");
        }
    }
}
