//! The share's link as a QR code, for a rota pinned on a wall: `/s/{id}/qr.svg` and the printed
//! page's copy. Error correction M, black on white with its quiet zone, rectangles and nothing else.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

/// How many pages' codes a warm instance keeps: choosing a code's mask is about ten times the rest of
/// a 250-event month page (8.5 M instructions against 0.9 M, callgrind), and an instance shows the
/// same few shares again and again, in other views, dates and filters that each render anew.
const KEPT_CODES: usize = 16;

static RECENT_CODES: Mutex<VecDeque<(String, Arc<str>)>> = Mutex::new(VecDeque::new());

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
/// data:`): the printed page carries it without a request of its own or a wider policy. The last
/// `KEPT_CODES` links' URLs are kept.
pub fn qr_data_url(link: &str) -> Option<Arc<str>> {
    let recent = |codes: &mut VecDeque<(String, Arc<str>)>| {
        codes.iter().find(|(kept, _)| kept == link).map(|(_, url)| Arc::clone(url))
    };
    if let Some(url) = recent(&mut RECENT_CODES.lock().unwrap_or_else(PoisonError::into_inner)) {
        return Some(url);
    }
    let url: Arc<str> = format!("data:image/svg+xml;base64,{}", STANDARD.encode(qr_svg(link)?)).into();
    let mut codes = RECENT_CODES.lock().unwrap_or_else(PoisonError::into_inner);
    if recent(&mut codes).is_none() {
        if codes.len() == KEPT_CODES {
            codes.pop_front();
        }
        codes.push_back((link.to_owned(), Arc::clone(&url)));
    }
    Some(url)
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

    #[test]
    fn a_kept_code_is_the_one_of_its_own_link() {
        let links: Vec<String> = (0..KEPT_CODES + 3).map(|n| format!("https://share.example.com/s/kept-{n}")).collect();
        let first: Vec<Arc<str>> = links.iter().map(|link| qr_data_url(link).unwrap()).collect();
        for (link, url) in links.iter().zip(&first).rev() {
            let again = qr_data_url(link).unwrap();
            assert_eq!(again, *url, "{link}");
            let svg = STANDARD.decode(again.trim_start_matches("data:image/svg+xml;base64,")).unwrap();
            assert_eq!(String::from_utf8(svg).unwrap(), qr_svg(link).unwrap());
        }
        let last = links.last().unwrap();
        assert!(Arc::ptr_eq(&qr_data_url(last).unwrap(), &qr_data_url(last).unwrap()), "kept, not encoded again");
    }
}
