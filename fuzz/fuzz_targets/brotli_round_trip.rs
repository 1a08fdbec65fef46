//! Arbitrary bytes through the view's Brotli encoder and back through a decoder nobody here wrote.
//! An odd first byte repeats the input past a meta-block (1 MiB), so block boundaries, matches
//! reaching into earlier blocks and long runs are tried too.
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    let plain = match bytes.first() {
        Some(first) if first % 2 == 1 => bytes.repeat((1 << 20) / bytes.len() + 2),
        _ => bytes.to_vec(),
    };
    let compressed = view_share::brotli::compress(&plain);
    let mut decoded = Vec::new();
    brotli_decompressor::BrotliDecompress(&mut &compressed[..], &mut decoded).expect("a valid Brotli stream");
    assert!(decoded == plain, "{} bytes decoded to {} other bytes", plain.len(), decoded.len());
    // Text that does not compress goes in uncompressed meta-blocks: a few bytes each.
    assert!(
        compressed.len() <= plain.len() + 10 * (plain.len() / (1 << 20) + 1),
        "{} grew to {}",
        plain.len(),
        compressed.len()
    );
});
