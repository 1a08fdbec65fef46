//! Data minimisation at write time: of each source event keep only what the share's detail level
//! shows, drop events outside the range or cancelled, and count what was left out.

use super::{SourceDescription, SourceEvent};
use crate::domain::{DateRange, Description, DetailLevel, EventTime, LeftOut, SharedEvent};
use jiff::{Timestamp, tz::TimeZone};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

/// Where a share sits in time, to decide which events fall inside it.
pub struct RangeBounds {
    range: DateRange,
    zone: TimeZone,
    start: Timestamp,
    end: Timestamp,
}

impl RangeBounds {
    pub fn new(range: DateRange, zone: &TimeZone) -> Self {
        let at_midnight = |day: jiff::civil::Date| {
            day.to_zoned_datetime(zone.clone()).map(|z| z.timestamp()).unwrap_or(Timestamp::MIN)
        };
        Self { range, zone: zone.clone(), start: at_midnight(range.start), end: at_midnight(range.end) }
    }

    /// Where an event starts in time, all-day events at midnight in the share's zone: the order a
    /// reader expects, all-day events first among those starting together.
    fn order_key(&self, time: EventTime) -> (Timestamp, bool) {
        match time {
            EventTime::At(at) => (at, true),
            EventTime::Day(day) => {
                (day.to_zoned_datetime(self.zone.clone()).map(|z| z.timestamp()).unwrap_or(Timestamp::MIN), false)
            }
        }
    }

    pub fn overlaps(&self, start: EventTime, end: EventTime) -> bool {
        match (start, end) {
            (EventTime::Day(s), EventTime::Day(e)) => s < self.range.end && e > self.range.start,
            (EventTime::At(s), EventTime::At(e)) if s == e => self.start <= s && s < self.end,
            (EventTime::At(s), EventTime::At(e)) => s < self.end && e > self.start,
            _ => false,
        }
    }
}

pub fn minimize(
    events: Vec<SourceEvent>,
    detail: DetailLevel,
    bounds: &RangeBounds,
    uid_scope: &str,
) -> (Vec<SharedEvent>, LeftOut) {
    let mut left_out = LeftOut::default();
    let mut ordinals: HashMap<(EventTime, EventTime), u32> = HashMap::new();
    let mut kept = Vec::with_capacity(events.len());
    for event in events {
        if event.cancelled {
            left_out.cancelled += 1;
            continue;
        }
        if !bounds.overlaps(event.start, event.end) {
            left_out.outside_range += 1;
            continue;
        }
        let ordinal = ordinals.entry((event.start, event.end)).or_default();
        let uid = event_uid(uid_scope, &event, *ordinal);
        *ordinal += 1;
        kept.push(keep_shown(event, detail, uid));
    }
    kept.sort_by_cached_key(|event| (bounds.order_key(event.start), bounds.order_key(event.end)));
    (kept, left_out)
}

fn keep_shown(event: SourceEvent, detail: DetailLevel, uid: String) -> SharedEvent {
    let detail = if event.private { DetailLevel::Availability } else { detail };
    SharedEvent {
        uid,
        start: event.start,
        end: event.end,
        show_as: event.show_as,
        title: detail.shows_title().then_some(event.title),
        location: event.location.filter(|_| detail.shows_title()),
        description: event.description.filter(|_| detail.shows_description()).map(|d| match d {
            SourceDescription::Text(text) => Description::Text(text),
            SourceDescription::Html(html) => Description::SanitizedHtml(sanitize_html(&html)),
        }),
        resource: event.resource,
        status: event.status,
        color: event.color,
    }
}

/// A UID stable across re-publishes of the same source event, from which the source id cannot be read.
fn event_uid(scope: &str, event: &SourceEvent, ordinal: u32) -> String {
    let mut hasher = Sha256::new();
    hasher.update(scope.as_bytes());
    hasher.update([0]);
    match &event.source_id {
        Some(id) => hasher.update(id.as_bytes()),
        None => hasher.update(format!("{:?}|{:?}|{ordinal}", event.start, event.end).as_bytes()),
    }
    let digest = hasher.finalize();
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}@calendar-share")
}

/// What a sanitised description may hold: formatting and links, nothing that loads, runs or styles.
#[rustfmt::skip]
const FORMATTING_TAGS: [&str; 27] = [
    "a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p",
    "pre", "s", "small", "span", "strong", "sub", "sup", "u", "ul",
];
/// Elements whose content is not text a reader sees: dropped with their content, not unwrapped.
const HIDDEN_CONTENT_TAGS: [&str; 10] =
    ["script", "style", "title", "template", "iframe", "noscript", "noembed", "noframes", "object", "xmp"];
/// Stands where a redacted address or join link was.
pub const REDACTED: &str = "[hidden]";
/// Shorter strings are not redacted: they would cut ordinary words and numbers.
const MIN_REDACTED_CHARS: usize = 5;

/// What to cut out of one event's description: exact strings (its people's addresses, its join link
/// and conference id) and every link to some hosts (its online meeting's provider).
#[derive(Debug, Clone, Default)]
pub struct Redactions {
    pub strings: Vec<String>,
    pub link_hosts: Vec<String>,
}

impl Redactions {
    fn strings(&self) -> Vec<&str> {
        let mut kept: Vec<&str> =
            self.strings.iter().map(|s| s.trim()).filter(|s| s.chars().count() >= MIN_REDACTED_CHARS).collect();
        // Longest first, so a string that contains another is cut out whole.
        kept.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        kept.dedup();
        kept
    }

    fn blocks_link(&self, strings: &[String], url: &str) -> bool {
        let lower = url.to_lowercase();
        strings.iter().any(|s| lower.contains(s.as_str())) || self.blocks_host_of(url)
    }

    fn blocks_host_of(&self, url: &str) -> bool {
        let Some(host) = ammonia::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_ascii_lowercase)) else {
            return false;
        };
        self.link_hosts
            .iter()
            .map(|h| h.to_ascii_lowercase())
            .any(|blocked| host == blocked || host.strip_suffix(blocked.as_str()).is_some_and(|sub| sub.ends_with('.')))
    }

    fn is_empty(&self) -> bool {
        self.strings.is_empty() && self.link_hosts.is_empty()
    }
}

/// Formatting and links only; links open without a referrer or opener and carry no ranking.
pub fn sanitize_html(html: &str) -> String {
    sanitize_html_redacting(html, &Redactions::default())
}

/// `sanitize_html`, with the redactions applied: a link whose target holds a redacted string or
/// points at a redacted host loses its target, and the text loses those strings and links.
pub fn sanitize_html_redacting(html: &str, redactions: &Redactions) -> String {
    let mut builder = ammonia::Builder::empty();
    builder
        .add_tags(FORMATTING_TAGS)
        .clean_content_tags(HIDDEN_CONTENT_TAGS.into())
        .tag_attributes(HashMap::from([("a", HashSet::from(["href"]))]))
        .generic_attributes(HashSet::new())
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer nofollow"));
    if !redactions.is_empty() {
        let for_links = redactions.clone();
        let lowered: Vec<String> = redactions.strings().iter().map(|s| s.to_lowercase()).collect();
        builder.attribute_filter(move |_, _, value| (!for_links.blocks_link(&lowered, value)).then(|| value.into()));
    }
    let mut clean = builder.clean(html).to_string();
    for secret in redactions.strings() {
        // The serializer escapes `&` (and in attributes `"`), so look for the escaped form too.
        let escaped = secret.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
        replace_ignoring_ascii_case(&mut clean, &escaped, REDACTED);
        replace_ignoring_ascii_case(&mut clean, secret, REDACTED);
    }
    cut_links_to_blocked_hosts(&clean, redactions)
}

/// Plain text with the redactions applied, as `sanitize_html_redacting` does for HTML.
pub fn redact_text(text: &str, redactions: &Redactions) -> String {
    let mut text = text.to_owned();
    for secret in redactions.strings() {
        replace_ignoring_ascii_case(&mut text, secret, REDACTED);
    }
    cut_links_to_blocked_hosts(&text, redactions)
}

fn replace_ignoring_ascii_case(haystack: &mut String, needle: &str, with: &str) {
    // ASCII lowercasing keeps every byte offset, so matches in the copy are matches in the original.
    let lower_haystack = haystack.to_ascii_lowercase();
    let lower_needle = needle.to_ascii_lowercase();
    if !lower_haystack.contains(&lower_needle) {
        return;
    }
    let mut out = String::with_capacity(haystack.len());
    let mut copied = 0;
    for (index, _) in lower_haystack.match_indices(&lower_needle) {
        out.push_str(&haystack[copied..index]);
        out.push_str(with);
        copied = index + needle.len();
    }
    out.push_str(&haystack[copied..]);
    *haystack = out;
}

/// Replaces every `scheme://…` URL in text whose host is blocked. A URL ends at whitespace or at a
/// character that ends text or an attribute in serialised HTML, so markup is never cut.
fn cut_links_to_blocked_hosts(text: &str, redactions: &Redactions) -> String {
    if redactions.link_hosts.is_empty() {
        return text.to_owned();
    }
    let is_scheme_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-');
    let ends_url = |c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | '`');
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (separator, _) in text.match_indices("://") {
        let start = text[..separator]
            .char_indices()
            .rev()
            .find(|&(_, c)| !is_scheme_char(c))
            .map_or(0, |(index, c)| index + c.len_utf8());
        if start < copied || start == separator {
            continue;
        }
        let rest = &text[separator + 3..];
        let url = &rest[..rest.find(ends_url).unwrap_or(rest.len())];
        // Punctuation after a URL in prose belongs to the sentence.
        let url = url.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '}']);
        let end = separator + 3 + url.len();
        if redactions.blocks_host_of(&text[start..end]) {
            out.push_str(&text[copied..start]);
            out.push_str(REDACTED);
            copied = end;
        }
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ShowAs;

    fn source(title: &str, start: &str, end: &str) -> SourceEvent {
        SourceEvent {
            source_id: Some(format!("src-{title}")),
            start: EventTime::At(start.parse().unwrap()),
            end: EventTime::At(end.parse().unwrap()),
            show_as: ShowAs::Busy,
            private: false,
            cancelled: false,
            title: title.into(),
            location: Some("Room 1".into()),
            description: Some(SourceDescription::Html(
                "<p onclick=x>Hi <a href=\"https://x.test\">x</a><script>bad()</script></p>".into(),
            )),
            resource: Some("Tier 1".into()),
            status: None,
            color: None,
        }
    }

    fn december() -> RangeBounds {
        let range = DateRange::new("2026-12-01".parse().unwrap(), "2027-01-01".parse().unwrap()).unwrap();
        RangeBounds::new(range, &TimeZone::get("America/New_York").unwrap())
    }

    #[test]
    fn each_level_keeps_only_what_it_shows() {
        let event = || vec![source("Standup", "2026-12-03T14:00:00Z", "2026-12-03T15:00:00Z")];
        let (avail, _) = minimize(event(), DetailLevel::Availability, &december(), "g/u");
        assert_eq!(
            (avail[0].title.as_ref(), avail[0].location.as_ref(), avail[0].description.as_ref()),
            (None, None, None)
        );
        assert_eq!(avail[0].resource.as_deref(), Some("Tier 1"));
        let (limited, _) = minimize(event(), DetailLevel::Limited, &december(), "g/u");
        assert_eq!(limited[0].title.as_deref(), Some("Standup"));
        assert!(limited[0].description.is_none());
        let (full, _) = minimize(event(), DetailLevel::Full, &december(), "g/u");
        let Some(Description::SanitizedHtml(html)) = &full[0].description else { panic!("no description") };
        assert!(!html.contains("script") && !html.contains("onclick"), "{html}");
        assert!(html.contains("rel=\"noopener noreferrer nofollow\""), "{html}");
    }

    #[test]
    fn private_events_are_availability_only_and_outside_events_counted() {
        let mut private = source("Secret", "2026-12-03T14:00:00Z", "2026-12-03T15:00:00Z");
        private.private = true;
        let outside = source("Late", "2027-01-01T05:00:00Z", "2027-01-01T06:00:00Z");
        let edge = source("Edge", "2027-01-01T04:00:00Z", "2027-01-01T06:00:00Z");
        let (kept, left_out) = minimize(vec![private, outside, edge], DetailLevel::Full, &december(), "g/u");
        assert_eq!(left_out, LeftOut { outside_range: 1, cancelled: 0 });
        assert_eq!(kept.len(), 2);
        assert_eq!(
            (kept[0].title.as_ref(), kept[0].location.as_ref(), kept[0].description.as_ref()),
            (None, None, None)
        );
    }

    #[test]
    fn uids_are_stable_and_do_not_reveal_the_source_id() {
        let (a, _) = minimize(
            vec![source("A", "2026-12-03T14:00:00Z", "2026-12-03T15:00:00Z")],
            DetailLevel::Full,
            &december(),
            "g/u",
        );
        let (b, _) = minimize(
            vec![source("A", "2026-12-03T14:00:00Z", "2026-12-03T15:00:00Z")],
            DetailLevel::Full,
            &december(),
            "g/u",
        );
        assert_eq!(a[0].uid, b[0].uid);
        assert!(!a[0].uid.contains("src-A"));
    }

    #[test]
    fn only_formatting_and_links_survive_sanitising() {
        let html = r#"<html><head><title>Secret title</title><style>p{color:red}</style><meta http-equiv="refresh" content="0;url=https://x.test"></head>
            <body><p style="color:red" class="c" id="i" title="tip" onclick="x()">Hi <b>there</b></p>
            <img src="https://tracker.test/pixel.gif" alt="pixel"><iframe src="https://x.test">frame text</iframe>
            <a href="javascript:alert(1)">js</a> <a href="/relative">rel</a> <a href="//evil.test/x">proto</a>
            <a href="https://ok.test/a?b=1&amp;c=2" target="_blank" rel="opener">ok</a> <a href="mailto:desk@ok.test">mail</a>
            <form action="https://x.test"><input value="v"></form><svg><text>svg</text></svg><!-- note --><script>bad()</script></body></html>"#;
        let clean = sanitize_html(html);
        for gone in [
            "Secret title",
            "color",
            "refresh",
            "class",
            "id=",
            "title=",
            "onclick",
            "<img",
            "pixel",
            "iframe",
            "frame text",
            "javascript",
            "/relative",
            "evil.test",
            "target",
            "opener\"",
            "<form",
            "<input",
            "<svg",
            "note",
            "bad()",
        ] {
            assert!(!clean.contains(gone), "{gone} survived in {clean}");
        }
        assert!(clean.contains("<p>Hi <b>there</b></p>"), "{clean}");
        assert!(
            clean.contains(r#"<a href="https://ok.test/a?b=1&amp;c=2" rel="noopener noreferrer nofollow">ok</a>"#),
            "{clean}"
        );
        assert!(
            clean.contains(r#"<a href="mailto:desk@ok.test" rel="noopener noreferrer nofollow">mail</a>"#),
            "{clean}"
        );
        assert_eq!(sanitize_html(&clean), clean, "sanitising is stable");
    }

    #[test]
    fn redaction_cuts_secrets_out_of_links_and_text_whatever_their_case() {
        let redactions = Redactions {
            strings: vec!["AdeleV@Contoso.com".to_owned(), "https://join.test/m?a=1&b=2".to_owned(), "42".to_owned()],
            link_hosts: vec!["meet.test".to_owned()],
        };
        let html = r#"<p>Write to adelev@contoso.COM or <a href="mailto:ADELEV@contoso.com">Adele</a>;
            <a href="https://join.test/m?a=1&amp;b=2">join</a> https://join.test/m?a=1&amp;b=2 room 42
            <a href="https://eu.MEET.test/options?o=7">options</a> see https://meet.test/x?y=1&amp;z=2, or
            <a href="https://notmeet.test/">other</a> https://example.com/?u=https://meet.test/q</p>"#;
        let clean = sanitize_html_redacting(html, &redactions);
        assert!(!clean.to_ascii_lowercase().contains("adelev@contoso.com"), "{clean}");
        assert!(!clean.contains("join.test") && !clean.contains("//meet.test") && !clean.contains("MEET"), "{clean}");
        assert!(clean.contains("room 42"), "too short to redact: {clean}");
        assert!(clean.contains(&format!("Write to {REDACTED} or <a rel=")), "{clean}");
        assert!(clean.contains(&format!("see {REDACTED}, or")), "{clean}");
        assert!(clean.contains(r#"<a href="https://notmeet.test/" rel"#), "{clean}");
        assert_eq!(redact_text("Mail AdeleV@contoso.com now", &redactions), format!("Mail {REDACTED} now"));
        assert_eq!(
            redact_text("Join <https://meet.test/j/1?pwd=x> or call", &redactions),
            format!("Join <{REDACTED}> or call")
        );
    }
}
