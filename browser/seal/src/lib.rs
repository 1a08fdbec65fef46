//! The sealing function for the publishing web app: share-calendar's `seal_body`, the code
//! `share-seal` runs, as a plain WebAssembly module (no wasm-bindgen). `seal.mjs` copies a publish
//! body into the module's memory (`alloc`), calls `seal`, reads the answer and frees both
//! (`dealloc`); the key, nonce and uid secret come from WebCrypto through `env.browser_random`.
//!
//! An answer is one buffer, returned as its address (low 32 bits) and length (high 32): a first byte
//! `0` and the JSON asked for, or `1` and the problem+json the service would answer.

use share_calendar::domain::sealed::additional_data;
use share_calendar::problem::Problem;
use share_calendar::publish_request::PublishRequest;
use share_calendar::seal::{SealingSecrets, seal_body};

/// A buffer of `len` bytes for the host to write into; it hands it back with `dealloc`.
#[unsafe(no_mangle)]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    Box::into_raw(vec![0u8; len].into_boxed_slice()).cast()
}

/// Frees a buffer from `alloc`, or an answer.
///
/// # Safety
/// `ptr` and `len` are one such buffer's, and it is freed once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dealloc(ptr: *mut u8, len: usize) {
    drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) });
}

/// Seals the publish body at `body` (`body_len` bytes of JSON): `{"body", "key", "fragment"}`, as
/// `share-seal` prints it. `label` (`label_len` bytes of UTF-8; a null pointer for none) is kept as
/// the share's title for the owner's lists; `now_ms` is the host's clock (ms since 1970).
///
/// # Safety
/// `body` and a non-null `label` are valid for reads of their lengths.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn seal(
    body: *const u8,
    body_len: usize,
    label: *const u8,
    label_len: usize,
    now_ms: f64,
) -> u64 {
    let raw = unsafe { std::slice::from_raw_parts(body, body_len) };
    let label = (!label.is_null())
        .then(|| String::from_utf8_lossy(unsafe { std::slice::from_raw_parts(label, label_len) }).into_owned());
    answer(sealed(raw, label, now_ms))
}

/// The AES-GCM additional data a sealed body's ciphertext is bound to (its envelope as one JSON
/// text), for a host that opens what it sealed.
///
/// # Safety
/// `body` is valid for reads of `body_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bound_envelope(body: *const u8, body_len: usize, now_ms: f64) -> u64 {
    let raw = unsafe { std::slice::from_raw_parts(body, body_len) };
    answer(now(now_ms).and_then(|now| Ok(additional_data(&PublishRequest::parse(raw, now)?.options))))
}

fn sealed(raw: &[u8], label: Option<String>, now_ms: f64) -> Result<Vec<u8>, Problem> {
    let mut secrets = SealingSecrets { key: [0; 32], nonce: [0; 12], uid_secret: [0; 32] };
    for bytes in [&mut secrets.key[..], &mut secrets.nonce, &mut secrets.uid_secret] {
        getrandom::fill(bytes).map_err(|_| Problem::internal())?;
    }
    let sealed = seal_body(raw, label, now(now_ms)?, &secrets)?;
    Ok(serde_json::to_vec(&sealed).expect("JSON serializes"))
}

fn now(now_ms: f64) -> Result<jiff::Timestamp, Problem> {
    jiff::Timestamp::from_millisecond(now_ms as i64).map_err(|_| Problem::internal())
}

/// The answer's buffer, leaked to the host (which frees it with `dealloc`), as address and length.
fn answer(result: Result<Vec<u8>, Problem>) -> u64 {
    let (status, json) = match result {
        Ok(json) => (0, json),
        Err(problem) => (1, problem.to_json()),
    };
    let mut bytes = Vec::with_capacity(1 + json.len());
    bytes.push(status);
    bytes.extend_from_slice(&json);
    let len = bytes.len() as u64;
    let ptr = Box::into_raw(bytes.into_boxed_slice()) as *mut u8 as usize as u64;
    ptr | (len << 32)
}
