//! The share service's pure code: validated domain types, the publish body with the source readers
//! and minimisation (`publish`), sealing, the problem+json of a refused body, and the recipients'
//! page and feed (`view`). Nothing here does I/O, so it builds for the browser (wasm32) as it does
//! for the functions.

pub mod body;
pub mod domain;
pub mod problem;
#[cfg(feature = "publish")]
pub mod publish_request;
#[cfg(any(feature = "publish", feature = "view"))]
pub mod render;
pub mod seal;
#[cfg(feature = "publish")]
pub mod sources;

/// getrandom's custom backend in the browser: the module's host fills the bytes from WebCrypto's
/// `crypto.getRandomValues` (the JS that loads a browser module provides `env.browser_random`).
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
mod browser_random {
    #[link(wasm_import_module = "env")]
    unsafe extern "C" {
        fn browser_random(dest: *mut u8, len: usize);
    }

    /// # Safety
    /// `dest` is valid for `len` bytes of writes (getrandom's contract for this hook).
    #[unsafe(no_mangle)]
    unsafe extern "Rust" fn __getrandom_v03_custom(dest: *mut u8, len: usize) -> Result<(), getrandom::Error> {
        unsafe { browser_random(dest, len) };
        Ok(())
    }
}
