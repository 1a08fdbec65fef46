//! HTML sanitising and redaction of descriptions: only formatting and links are kept, and an event's
//! own addresses and join links are cut out of its body before anything is stored.

use std::collections::{HashMap, HashSet};

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
