//! The share's link as a QR code, for a rota pinned on a wall: `/s/{id}/qr.svg` and the printed
//! page's copy. Error correction M, black on white with its quiet zone, rectangles and nothing else.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// The code of `link` (the page's own address, never a query: a feed key must not end up on a
/// wall), as an SVG document; `None` only for a link too long for any QR code.
pub fn qr_svg(link: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(link, EcLevel::M).ok()?;
    let svg = code
        .render::<svg::Color<'_>>()
        .min_dimensions(256, 256)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    Some(svg)
}

/// The same code as a `data:` URL, which the page's policy already lets an `<img>` show (`img-src
/// data:`): the printed page carries it without a request of its own or a wider policy.
pub fn qr_data_url(link: &str) -> Option<String> {
    qr_svg(link).map(|svg| format!("data:image/svg+xml;base64,{}", STANDARD.encode(svg)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_is_an_svg_of_black_on_white_without_script() {
        let svg = qr_svg("https://share.example.com/s/0123456789abcdef0123456789abcdef").unwrap();
        assert!(svg.contains("<svg") && svg.contains("#000000") && svg.contains("#ffffff"), "{svg}");
        assert!(!svg.to_ascii_lowercase().contains("script"));
        assert!(!svg.contains("href"), "links nowhere");
        assert!(qr_data_url("https://share.example.com/s/x").unwrap().starts_with("data:image/svg+xml;base64,"));
    }
}
