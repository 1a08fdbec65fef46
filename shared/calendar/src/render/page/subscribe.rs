//! Links that subscribe a calendar app to the share's feed: `webcal://` for the reader's own app,
//! and the add-by-address pages of Google Calendar and Outlook on the web. They need the feed's
//! absolute address, so they are built on the public origin the share's own `url` uses.

pub(super) struct SubscribeLinks {
    pub webcal: String,
    pub google: String,
    pub outlook: String,
}

impl SubscribeLinks {
    /// `origin` is a `PublicOrigin` as text (`https://host[:port]`, `http://` only on loopback).
    pub(super) fn for_feed(origin: &str, share_id: &str, title: &str) -> Self {
        let feed = format!("{origin}/s/{share_id}/calendar.ics");
        let without_scheme = feed.split_once("://").map_or(feed.as_str(), |(_, rest)| rest);
        let webcal = format!("webcal://{without_scheme}");
        let mut google = String::from("https://calendar.google.com/calendar/render?cid=");
        encode_component(&webcal, &mut google);
        let mut outlook = String::from("https://outlook.live.com/calendar/0/addfromweb?url=");
        encode_component(&feed, &mut outlook);
        outlook.push_str("&name=");
        encode_component(title, &mut outlook);
        Self { webcal, google, outlook }
    }
}

/// The page's link as a QR code, for its printout: the address (never with a query, so never a feed
/// key) and its code as an image the page's policy shows.
pub(super) struct PrintedLink {
    pub link: String,
    pub image: std::sync::Arc<str>,
}

impl PrintedLink {
    pub(super) fn for_page(origin: &str, share_id: &str) -> Option<Self> {
        let link = format!("{origin}/s/{share_id}");
        crate::render::qr_data_url(&link).map(|image| Self { link, image })
    }
}

/// RFC 3986 component encoding: everything but the unreserved characters as `%XX` (a space as
/// `%20`, which every reader of a query decodes alike, where `+` is form encoding's alone).
fn encode_component(value: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(byte as char),
            _ => {
                out.push('%');
                out.push(HEX[usize::from(byte >> 4)] as char);
                out.push(HEX[usize::from(byte & 15)] as char);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn webcal_link_is_the_feed_address_with_the_webcal_scheme() {
        let links = SubscribeLinks::for_feed("https://share.example.com", ID, "Rota");
        assert_eq!(links.webcal, format!("webcal://share.example.com/s/{ID}/calendar.ics"));
        let local = SubscribeLinks::for_feed("http://127.0.0.1:3000", ID, "Rota");
        assert_eq!(local.webcal, format!("webcal://127.0.0.1:3000/s/{ID}/calendar.ics"));
    }

    #[test]
    fn google_and_outlook_get_the_feed_encoded_as_one_value() {
        let links = SubscribeLinks::for_feed("https://share.example.com", ID, "Rota");
        assert_eq!(
            links.google,
            format!(
                "https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2Fshare.example.com%2Fs%2F{ID}%2Fcalendar.ics"
            )
        );
        assert_eq!(
            links.outlook,
            format!(
                "https://outlook.live.com/calendar/0/addfromweb?url=https%3A%2F%2Fshare.example.com%2Fs%2F{ID}%2Fcalendar.ics&name=Rota"
            )
        );
    }

    #[test]
    fn a_title_cannot_add_parameters_or_leave_its_value() {
        let links = SubscribeLinks::for_feed("https://share.example.com", ID, "Tom & Jerry's #1 rota?x=1 ü");
        let name = links.outlook.split_once("&name=").unwrap().1;
        assert_eq!(name, "Tom%20%26%20Jerry%27s%20%231%20rota%3Fx%3D1%20%C3%BC");
        assert_eq!(links.outlook.matches('&').count(), 1);
        assert!(!links.outlook.contains('#') && !links.outlook.contains(' '));
    }
}
