//! Who may frame a response to a recipient, and the Content-Security-Policy that says so: the one
//! place the page's policy is decided (`http::page` sends it with its companions).

use super::style;
use crate::domain::EmbedOrigin;

/// Which sites may frame a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing<'a> {
    /// The page, the feed, error pages.
    Nobody,
    /// The embed page of a share without `embedOrigins`.
    AnySite,
    /// The embed page of a share with `embedOrigins`: exactly these.
    Only(&'a [EmbedOrigin]),
}

impl<'a> Framing<'a> {
    /// The embed page's framing for a share's `embedOrigins`.
    pub fn embed_page(origins: &'a [EmbedOrigin]) -> Self {
        if origins.is_empty() { Self::AnySite } else { Self::Only(origins) }
    }
}

/// What a response may run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scripts {
    /// Every page the service renders: no script at all.
    None,
    /// A sealed share's shell: its one same-origin script and the renderer compiled to WebAssembly
    /// (`'wasm-unsafe-eval'` compiles it; no `'unsafe-eval'`, no inline script), which fetch the
    /// ciphertext from the same origin.
    SealedShell,
}

/// The page's policy: scripts as `scripts` says, only the page's own stylesheet (by hash), forms
/// back to the service, framing as `framing` says.
pub fn content_security_policy(framing: Framing<'_>, scripts: Scripts) -> String {
    let frame_ancestors = match framing {
        Framing::Nobody => "'none'".to_owned(),
        Framing::AnySite => "*".to_owned(),
        Framing::Only(origins) => origins.iter().map(EmbedOrigin::as_str).collect::<Vec<_>>().join(" "),
    };
    let scripts = match scripts {
        Scripts::None => "",
        Scripts::SealedShell => "script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; ",
    };
    format!(
        "default-src 'none'; {scripts}style-src {}; img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors {frame_ancestors}",
        style::style_source()
    )
}
