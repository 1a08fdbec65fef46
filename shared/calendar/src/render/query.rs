//! The recipient's choices from the query string, and the links that carry them from page to page.
//! Anything invalid is dropped here or when it meets the snapshot, so it is never echoed.

use super::EventKey;
use super::locale::Language;
use crate::domain::{DefaultView, ShareTimeZone};
use jiff::{Timestamp, civil::Date};
use std::fmt::Write;

/// The recipient's choices; anything invalid is ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageQuery {
    pub view: Option<DefaultView>,
    pub date: Option<Date>,
    pub embed: bool,
    /// `header=0` on the embed page: no title, zone line or subscribe links.
    pub no_header: bool,
    /// `controls=0` on the embed page: no view switch, pager or filters.
    pub no_controls: bool,
    /// Narrows to one resource; only honoured if some event of the snapshot has it.
    pub resource: Option<String>,
    /// Narrows to one status; only honoured if some event of the snapshot has it.
    pub status: Option<String>,
    /// Narrows to the resources of one of the group's resource folders; only honoured if the folder
    /// holds a resource of the snapshot.
    pub folder: Option<String>,
    /// Shows times in another zone than the share's (canonical IANA name).
    pub tz: Option<ShareTimeZone>,
    /// Agenda pages within a day too full for one page: events of the day already shown.
    pub skip: usize,
    /// Shows one event's details; a key no event of the page has shows the page itself.
    pub event: Option<EventKey>,
    /// `lang=`: the recipient's pick of language; an unsupported tag is no pick.
    pub lang: Option<Language>,
    /// The browser's most preferred supported language (`Accept-Language`), set by the handler.
    pub browser_language: Option<Language>,
}

/// Longer than any IANA name or sensible filter value: such input is ignored, not looked up.
const MAX_VALUE_LEN: usize = 500;

impl PageQuery {
    pub fn parse<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut query = Self::default();
        for (name, value) in pairs {
            if value.len() > MAX_VALUE_LEN {
                continue;
            }
            match name {
                "view" => query.view = DefaultView::parse(value).ok(),
                "date" => query.date = parse_date(value),
                "embed" => query.embed = value == "1",
                "header" => query.no_header = value == "0",
                "controls" => query.no_controls = value == "0",
                "resource" => query.resource = Some(value.to_owned()).filter(|v| !v.is_empty()),
                "status" => query.status = Some(value.to_owned()).filter(|v| !v.is_empty()),
                "folder" => query.folder = Some(value.to_owned()).filter(|v| !v.is_empty()),
                "tz" => query.tz = canonical_zone(value),
                "skip" => query.skip = parse_skip(value),
                "event" => query.event = EventKey::parse(value),
                "lang" => query.lang = Language::parse(value),
                _ => {}
            }
        }
        query
    }

    /// Identifies the rendered variant, for the ETag: every input that changes the page. Strings are
    /// debug-quoted so that no value can imitate a separator.
    pub fn cache_key(&self) -> String {
        format!(
            "{:?}|{:?}|{}|{}|{}|{:?}|{:?}|{:?}|{:?}|{}|{:?}|{:?}|{:?}",
            self.view.map(|v| v.as_str()),
            self.date.map(|d| d.to_string()),
            self.embed,
            self.no_header,
            self.no_controls,
            self.resource,
            self.status,
            self.folder,
            self.tz.as_ref().map(|tz| tz.name()),
            self.skip,
            self.event.map(|key| key.to_string()),
            self.lang.map(Language::tag),
            self.browser_language.map(Language::tag),
        )
    }

    /// Takes the browser's language from its `Accept-Language` header.
    pub fn with_accept_language(self, header: Option<&str>) -> Self {
        Self { browser_language: header.and_then(Language::from_accept_language), ..self }
    }

    /// The day the page treats as today (it opens on it and marks it); it belongs in the ETag
    /// beside [`Self::cache_key`], as it turns over at midnight in the zone the page shows.
    pub fn today(&self, share_zone: &ShareTimeZone, now: Timestamp) -> Date {
        let zone = self.tz.as_ref().unwrap_or(share_zone);
        zone.zone().to_datetime(now).date()
    }
}

/// Only the `YYYY-MM-DD` form: jiff's parser would also take date-times, which we do not offer.
fn parse_date(value: &str) -> Option<Date> {
    if value.len() != 10 {
        return None;
    }
    value.parse().ok()
}

/// Digits only, and no more than a share can hold; anything else starts the day at its beginning.
fn parse_skip(value: &str) -> usize {
    const MAX_SKIP: usize = 100_000;
    let digits = !value.is_empty() && value.len() <= 6 && value.bytes().all(|b| b.is_ascii_digit());
    digits.then(|| value.parse().ok()).flatten().filter(|&skip| skip <= MAX_SKIP).unwrap_or(0)
}

/// A zone the tz database knows, under its canonical spelling (lookups ignore case).
fn canonical_zone(value: &str) -> Option<ShareTimeZone> {
    let zone = ShareTimeZone::parse(value).ok()?;
    match zone.zone().iana_name() {
        Some(name) if name != value => ShareTimeZone::parse(name).ok(),
        Some(_) => Some(zone),
        None => None,
    }
}

/// Where a page starts: a day, less the first `skip` events listed under it (for an agenda day too
/// full for one page; the other views always start at a whole day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageStart {
    pub date: Date,
    pub skip: usize,
}

impl PageStart {
    pub fn day(date: Date) -> Self {
        Self { date, skip: 0 }
    }
}

/// What a link on the page keeps from the current page: filters, zone, language (when the
/// recipient picked one) and embedding.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LinkState<'a> {
    pub folder: Option<&'a str>,
    pub resource: Option<&'a str>,
    pub status: Option<&'a str>,
    pub tz: Option<&'a str>,
    pub lang: Option<Language>,
    pub embed: bool,
    /// An embed page's `header=0` and `controls=0`, which its links keep.
    pub no_header: bool,
    pub no_controls: bool,
}

impl LinkState<'_> {
    /// A relative link (`?view=…`) to the same share; values are percent-encoded here and
    /// HTML-escaped by the template.
    pub fn href(&self, view: DefaultView, date: Option<Date>) -> String {
        let mut href = String::with_capacity(64);
        href.push_str("?view=");
        href.push_str(view.as_str());
        if let Some(date) = date {
            let _ = write!(href, "&date={date}");
        }
        self.push_common(&mut href, true);
        href
    }

    /// A link to the page starting at `start` (pager links).
    pub fn href_from(&self, view: DefaultView, start: PageStart) -> String {
        let mut href = self.href(view, Some(start.date));
        if start.skip > 0 {
            let _ = write!(href, "&skip={}", start.skip);
        }
        href
    }

    /// The same page in the share's own zone.
    pub fn without_tz(&self, view: DefaultView, date: Option<Date>) -> String {
        Self { tz: None, ..*self }.href(view, date)
    }

    fn push_common(&self, href: &mut String, with_tz: bool) {
        for (name, value) in [("folder", self.folder), ("resource", self.resource), ("status", self.status)] {
            if let Some(value) = value {
                href.push('&');
                href.push_str(name);
                href.push('=');
                percent_encode(value, href);
            }
        }
        if with_tz && let Some(tz) = self.tz {
            href.push_str("&tz=");
            percent_encode(tz, href);
        }
        if let Some(lang) = self.lang {
            href.push_str("&lang=");
            href.push_str(lang.tag());
        }
        if self.embed {
            href.push_str("&embed=1");
            if self.no_header {
                href.push_str("&header=0");
            }
            if self.no_controls {
                href.push_str("&controls=0");
            }
        }
    }
}

/// `application/x-www-form-urlencoded` value encoding, as a GET form would send it.
fn percent_encode(value: &str, out: &mut String) {
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(byte as char),
            b' ' => out.push('+'),
            _ => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
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

    #[test]
    fn invalid_values_are_dropped() {
        let query = PageQuery::parse([
            ("view", "<script>"),
            ("date", "2026-13-01"),
            ("embed", "yes"),
            ("resource", ""),
            ("tz", "Mars/Olympus_Mons"),
            ("skip", "-1"),
            ("event", "<b>"),
        ]);
        assert_eq!(query, PageQuery::default());
        for skip in ["", "1e3", "+4", "100001", "99999999999999999999", " 4"] {
            assert_eq!(PageQuery::parse([("skip", skip)]).skip, 0, "{skip:?}");
        }
        assert_eq!(PageQuery::parse([("skip", "40")]).skip, 40);
        assert_eq!(PageQuery::parse([("date", "2026-12-03T10:00")]).date, None);
    }

    #[test]
    fn valid_values_are_kept_and_zone_names_canonical() {
        let query = PageQuery::parse([
            ("view", "week"),
            ("date", "2026-12-03"),
            ("embed", "1"),
            ("resource", "Tier 1"),
            ("status", "Confirmed"),
            ("tz", "europe/berlin"),
            ("view", "day"),
            ("event", "0123456789abcdef"),
        ]);
        assert_eq!(query.view, Some(DefaultView::Day));
        assert_eq!(query.event.map(|key| key.to_string()).as_deref(), Some("0123456789abcdef"));
        assert_eq!(query.date, Some(jiff::civil::date(2026, 12, 3)));
        assert!(query.embed);
        assert_eq!(query.resource.as_deref(), Some("Tier 1"));
        assert_eq!(query.status.as_deref(), Some("Confirmed"));
        assert_eq!(query.tz.as_ref().map(|tz| tz.name()), Some("Europe/Berlin"));
    }

    #[test]
    fn cache_key_tells_every_input_apart() {
        let base = PageQuery::parse([("resource", "a")]);
        let variants = [
            PageQuery::parse([("resource", "a"), ("view", "week")]),
            PageQuery::parse([("resource", "a"), ("date", "2026-12-03")]),
            PageQuery::parse([("resource", "a"), ("embed", "1")]),
            PageQuery::parse([("resource", "a\"|Some(\"b")]),
            PageQuery::parse([("resource", "a"), ("status", "b")]),
            PageQuery::parse([("resource", "a"), ("folder", "b")]),
            PageQuery::parse([("resource", "a"), ("tz", "UTC")]),
            PageQuery::parse([("resource", "a"), ("skip", "3")]),
            PageQuery::parse([("resource", "a"), ("event", "00000000000000ff")]),
            PageQuery::parse([("resource", "a"), ("lang", "de")]),
            PageQuery::parse([("resource", "a")]).with_accept_language(Some("fr-FR,fr;q=0.9")),
        ];
        for variant in &variants {
            assert_ne!(base.cache_key(), variant.cache_key(), "{variant:?}");
        }
        assert_eq!(base.cache_key(), PageQuery::parse([("resource", "a"), ("view", "nope")]).cache_key());
        assert_eq!(base.cache_key(), PageQuery::parse([("resource", "a"), ("lang", "tlh")]).cache_key());
        assert_eq!(base.cache_key(), base.clone().with_accept_language(Some("ja, ko;q=0.5")).cache_key());
    }

    #[test]
    fn links_keep_filters_encoded() {
        let state = LinkState {
            folder: None,
            resource: Some("Tier 1&x=<y>"),
            status: None,
            tz: Some("America/New_York"),
            lang: None,
            embed: true,
            no_header: false,
            no_controls: false,
        };
        assert_eq!(
            state.href(DefaultView::Month, Some(jiff::civil::date(2026, 12, 1))),
            "?view=month&date=2026-12-01&resource=Tier+1%26x%3D%3Cy%3E&tz=America/New_York&embed=1"
        );
        assert_eq!(state.without_tz(DefaultView::Agenda, None), "?view=agenda&resource=Tier+1%26x%3D%3Cy%3E&embed=1");
        let picked = LinkState { lang: Some(Language::PtBr), ..state };
        assert_eq!(
            picked.without_tz(DefaultView::Day, None),
            "?view=day&resource=Tier+1%26x%3D%3Cy%3E&lang=pt-BR&embed=1"
        );
        let bare = LinkState { no_header: true, no_controls: true, ..state };
        assert!(bare.href(DefaultView::Week, None).ends_with("&embed=1&header=0&controls=0"));
        let parsed = PageQuery::parse([("embed", "1"), ("header", "0"), ("controls", "0")]);
        assert!(parsed.no_header && parsed.no_controls);
        assert_ne!(parsed.cache_key(), PageQuery::parse([("embed", "1")]).cache_key());
    }
}
