//! The share service's pure code: validated domain types, the source readers with minimisation
//! (`publish`), and the recipients' page and feed (`view`). Nothing here does I/O or speaks HTTP, so
//! it builds for the browser (wasm32) as it does for the functions.

pub mod domain;
#[cfg(any(feature = "publish", feature = "view"))]
pub mod render;
pub mod seal;
#[cfg(feature = "publish")]
pub mod sources;
