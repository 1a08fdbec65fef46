//! The share's link as a QR code, for a rota pinned on a wall: `/s/{id}/qr.svg` and the printed
//! page's copy. Error correction M, black on white with its quiet zone, rectangles and nothing else.

use qrcode::{Color, EcLevel, QrCode};
use std::collections::VecDeque;
use std::fmt::Write;
use std::sync::{Arc, Mutex, PoisonError};

/// The white margin a reader needs around the code, in modules (ISO/IEC 18004 asks for four).
const QUIET_ZONE: usize = 4;

/// How many pages' codes a warm instance keeps: choosing a code's mask is about ten times the rest of
/// a 250-event month page (8.5 M instructions against 0.9 M, callgrind), and an instance shows the
/// same few shares again and again, in other views, dates and filters that each render anew.
const KEPT_CODES: usize = 16;

static RECENT_CODES: Mutex<VecDeque<(String, Arc<str>)>> = Mutex::new(VecDeque::new());

/// The code of `link` (the page's own address, never a query: a feed key must not end up on a
/// wall), as an SVG document; `None` only for a link too long for any QR code. Each row's runs of
/// dark modules are one path segment each, in module units: about 4 KB for a share's link, where a
/// rectangle per module in pixels was 20 KB.
pub fn qr_svg(link: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(link, EcLevel::M).ok()?;
    let width = code.width();
    let side = width + 2 * QUIET_ZONE;
    let mut svg = format!(
        "<?xml version=\"1.0\" standalone=\"yes\"?><svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" \
         width=\"256\" height=\"256\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{side}\" height=\"{side}\" fill=\"#ffffff\"/><path fill=\"#000000\" d=\""
    );
    for (y, row) in code.to_colors().chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            let run = row[x..].iter().take_while(|&&module| module == Color::Dark).count();
            if run == 0 {
                x += 1;
                continue;
            }
            write!(svg, "M{} {}h{run}v1h-{run}z", x + QUIET_ZONE, y + QUIET_ZONE).expect("a String takes it");
            x += run;
        }
    }
    svg.push_str("\"/></svg>");
    Some(svg)
}

/// The same code as a `data:` URL, which the page's policy already lets an `<img>` show (`img-src
/// data:`): the printed page carries it without a request of its own or a wider policy. Percent-encoded
/// rather than base64, so it stays text that compresses with the page. The last `KEPT_CODES` links'
/// URLs are kept.
pub fn qr_data_url(link: &str) -> Option<Arc<str>> {
    let recent = |codes: &mut VecDeque<(String, Arc<str>)>| {
        codes.iter().find(|(kept, _)| kept == link).map(|(_, url)| Arc::clone(url))
    };
    if let Some(url) = recent(&mut RECENT_CODES.lock().unwrap_or_else(PoisonError::into_inner)) {
        return Some(url);
    }
    let url: Arc<str> = data_url(&qr_svg(link)?).into();
    let mut codes = RECENT_CODES.lock().unwrap_or_else(PoisonError::into_inner);
    if recent(&mut codes).is_none() {
        if codes.len() == KEPT_CODES {
            codes.pop_front();
        }
        codes.push_back((link.to_owned(), Arc::clone(&url)));
    }
    Some(url)
}

/// `data:image/svg+xml,` and the document with every character an HTML attribute or a URL would read
/// otherwise percent-encoded (`"`, `'`, `<`, `>`, `&`, `#`, `%`, spaces).
fn data_url(svg: &str) -> String {
    let mut url = String::with_capacity(svg.len() + svg.len() / 4 + 20);
    url.push_str("data:image/svg+xml,");
    for byte in svg.bytes() {
        match byte {
            b'"' | b'\'' | b'<' | b'>' | b'&' | b'#' | b'%' | b' ' | b'\n' => {
                write!(url, "%{byte:02X}").expect("a String takes it");
            }
            _ => url.push(char::from(byte)),
        }
    }
    url
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
        let url = qr_data_url("https://share.example.com/s/x").unwrap();
        assert!(url.starts_with("data:image/svg+xml,%3C"), "{url}");
        assert!(!url.contains(['"', '\'', '<', '>', '&', '#', ' ']), "{url}");
        let share_link = qr_data_url("https://share.example.com/s/0123456789abcdef0123456789abcdef").unwrap();
        assert!(share_link.len() < 6_000, "a share's link costs its page about 5 KB, not 27: {}", share_link.len());
    }

    #[test]
    fn a_kept_code_is_the_one_of_its_own_link() {
        let links: Vec<String> = (0..KEPT_CODES + 3).map(|n| format!("https://share.example.com/s/kept-{n}")).collect();
        let first: Vec<Arc<str>> = links.iter().map(|link| qr_data_url(link).unwrap()).collect();
        for (link, url) in links.iter().zip(&first).rev() {
            let again = qr_data_url(link).unwrap();
            assert_eq!(again, *url, "{link}");
            assert_eq!(*again, data_url(&qr_svg(link).unwrap()));
        }
        let last = links.last().unwrap();
        assert!(Arc::ptr_eq(&qr_data_url(last).unwrap(), &qr_data_url(last).unwrap()), "kept, not encoded again");
    }
}
