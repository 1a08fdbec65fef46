//! HTML sanitising and redaction of descriptions: only formatting and links are kept, and an event's
//! own addresses and join links, every link into an online meeting and every invitation's meeting
//! section are cut out of its body before anything is stored. Raw HTML is reduced first (`reduce`),
//! so sanitising costs time linear in its size.

mod elements;
mod links;
mod meetings;
mod nesting;
mod reduce;
mod serialised;
mod shown;
mod tokenizer;

pub use meetings::{without_meeting_details_html, without_meeting_details_text};
pub use reduce::{MAX_DEPTH, MAX_REDUCED_BYTES, reduce_html};

use reduce::reduce;

use links::{LinkFate, LinkRules, rewrite_written_links};
use std::collections::{HashMap, HashSet};

use crate::domain::sanitised_html::{FORMATTING_TAGS, LINK_REL};
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

    fn link_rules(&self) -> LinkRules {
        LinkRules::new(&self.strings(), &self.link_hosts)
    }
}

/// Formatting and links only; links open without a referrer or opener and carry no ranking. Safe
/// Links are unwrapped, links into online meetings cut.
pub fn sanitize_html(html: &str) -> String {
    sanitize_html_redacting(html, &Redactions::default())
}

/// `sanitize_html`, with the redactions applied: a link whose target holds a redacted string or
/// points at a redacted host loses its target, and the text loses those strings and links.
pub fn sanitize_html_redacting(html: &str, redactions: &Redactions) -> String {
    sanitize_reduced(&reduce_html(html), redactions)
}

/// Sanitising would keep more than the limit asked for (its ends trimmed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("sanitising keeps more than {0} bytes")]
pub struct KeepsTooMuch(pub usize);

/// `sanitize_html`, unless what it keeps would be over `limit` bytes, its ends trimmed: then
/// `Err`, often known from the reduce pass alone, before anything is parsed.
pub fn sanitize_html_within(html: &str, limit: usize) -> Result<String, KeepsTooMuch> {
    let reduced = reduce(html);
    if reduced.shown_at_least > limit {
        return Err(KeepsTooMuch(limit));
    }
    let clean = sanitize_reduced(&reduced.html, &Redactions::default());
    if clean.trim().len() > limit { Err(KeepsTooMuch(limit)) } else { Ok(clean) }
}

fn sanitize_reduced(reduced: &str, redactions: &Redactions) -> String {
    let rules = redactions.link_rules();
    let mut clean = serialised::settled(&builder(rules.clone()).clean(reduced).to_string());
    for secret in redactions.strings() {
        // The serializer escapes `&` (and in attributes `"`), so look for the escaped form too.
        let escaped = secret.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
        replace_ignoring_ascii_case(&mut clean, &escaped, REDACTED);
        replace_ignoring_ascii_case(&mut clean, secret, REDACTED);
    }
    rewrite_written_links(&clean, &rules, true)
}

/// The sanitiser: formatting and links, each link judged by `rules`.
fn builder(rules: LinkRules) -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::empty();
    builder
        .add_tags(FORMATTING_TAGS)
        .clean_content_tags(HIDDEN_CONTENT_TAGS.into())
        .tag_attributes(HashMap::from([("a", HashSet::from(["href"]))]))
        .generic_attributes(HashSet::new())
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some(LINK_REL))
        // Runs after the scheme check, so a replaced target is checked in `fate_of`.
        .attribute_filter(move |_, attribute, value| match attribute {
            "href" => match rules.fate_of(value) {
                LinkFate::Keep => Some(value.into()),
                LinkFate::Replace(target) => Some(target.into()),
                LinkFate::Cut => None,
            },
            _ => Some(value.into()),
        });
    builder
}

/// Plain text with the redactions applied, as `sanitize_html_redacting` does for HTML.
pub fn redact_text(text: &str, redactions: &Redactions) -> String {
    let mut text = text.to_owned();
    for secret in redactions.strings() {
        replace_ignoring_ascii_case(&mut text, secret, REDACTED);
    }
    rewrite_written_links(&text, &redactions.link_rules(), false)
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

    /// Bodies as mail clients write them (Word's HTML with its styles and conditional comments,
    /// Outlook's group footers and invitations), and HTML written by hand, loosely.
    fn ordinary_bodies() -> Vec<(String, String)> {
        let mut bodies: Vec<(String, String)> = [
            ("teams.html", include_str!("../../../../../tests/fixtures/invitations/teams.html")),
            ("zoom.html", include_str!("../../../../../tests/fixtures/invitations/zoom.html")),
            ("webex.html", include_str!("../../../../../tests/fixtures/invitations/webex.html")),
            ("meet.html", include_str!("../../../../../tests/fixtures/invitations/meet.html")),
            ("loose", "<p>One<p>Two <b>bold <i>both</b> italic</i><ul><li>a<li>b<span>c</ul><table><tr><td>cell<td>cell 2\
                <tr><td>row 2</table>text after<br/><font color=red face=Arial>red</font><center>centred</center>\
                <dl><dt>term<dd>said</dl><h1>Title<h2>Sub</h2><pre>\npre text</pre><textarea>area &amp; text</textarea>\
                <select><option>o1<option>o2</select><p>a<xmp><b></xmp>b<a href=https://a.test>x<a href=https://b.test>y</a>\
                <table>foster <b>parented</b><tr><td>in</td></tr></table><p><b>carried<p>on</b> &nbsp;&copy; 1 < 2"),
        ]
        .into_iter()
        .map(|(name, html)| (name.to_owned(), html.to_owned()))
        .collect();
        let graph: serde_json::Value =
            serde_json::from_str(include_str!("../../../../../tests/fixtures/msgraph/calendar_view.json")).unwrap();
        for (index, event) in graph["value"].as_array().unwrap().iter().enumerate() {
            if let Some(content) = event.pointer("/body/content").and_then(|c| c.as_str()) {
                bodies.push((format!("calendar_view.json event {index}"), content.to_owned()));
            }
        }
        bodies
    }

    #[test]
    fn reducing_first_changes_nothing_an_ordinary_body_shows() {
        for (name, html) in ordinary_bodies() {
            let direct = builder(LinkRules::default()).clean(&html).to_string();
            let reduced = builder(LinkRules::default()).clean(&reduce_html(&html)).to_string();
            assert_eq!(reduced, direct, "{name}");
        }
    }

    #[test]
    fn hostile_markup_reaches_the_parser_shallow_short_and_without_attributes() {
        let deep = "<div>".repeat(1_000_000);
        assert_eq!(reduce_html(&deep).matches("<div>").count(), MAX_DEPTH);
        let lists = "<ul><li>".repeat(40_000);
        assert!(reduce_html(&lists).matches('<').count() <= MAX_DEPTH);
        let attributes: String = (0..500_000).map(|i| format!(" a{i}=\"{i}\"")).collect();
        assert_eq!(reduce_html(&format!("<p{attributes}>kept</p>")), "<p>kept</p>");
        assert!(reduce_html(&"&amp;".repeat(1_000_000)).len() <= MAX_REDUCED_BYTES);
        // The parser turns a stray `</p>` under the deepest element into one more: it is not kept, so
        // sanitising what is stored changes nothing.
        let stray = sanitize_html(&format!("{}x</p>", "<ul><li>".repeat(200)));
        assert_eq!(sanitize_html(&stray), stray);
        let clean = sanitize_html(&format!("Agenda{}", "<b><i>".repeat(500_000)));
        assert!(clean.starts_with("Agenda") && clean.matches("<b>").count() <= MAX_DEPTH, "{}", &clean[..100]);
    }

    #[test]
    fn a_body_is_refused_unparsed_only_when_it_keeps_more_than_the_limit() {
        let limit = 1000;
        let bodies = [
            "x".repeat(limit),
            "x".repeat(limit + 1),
            format!(" {} ", "<b>x</b>".repeat(limit / 8)),
            format!("{}y", "<b>x</b>".repeat(limit / 8)),
            "&#32;&nbsp;&Tab;&amp;".repeat(limit),
            format!("<template>{}</template>ok", "x".repeat(2 * limit)),
            format!("<svg><text>{}</text></svg>", "x".repeat(2 * limit)),
            // Sanitising drops an element named as a MathML one, content and all.
            format!("<sum>{}</sum>", "x".repeat(2 * limit)),
            format!("<o:p>{}</o:p>", "x".repeat(2 * limit)),
            // Written links may be cut to a stand-in, or unwrapped to something shorter.
            "intervie<!---->tps://nam12.safelinks.protection.outlook.com/?url=%FF ".repeat(limit / 40),
            format!("<select>{}</select>", "<b></b>".repeat(limit)),
            format!("<textarea>{}</textarea>", "<".repeat(limit + 1)),
            format!("<plaintext>{}", "&".repeat(limit / 4)),
            "</p>".repeat(limit / 7 + 1),
            format!("\0\r\n{}", " \u{a0}\u{2003}".repeat(limit)),
        ];
        for body in bodies {
            let keeps = sanitize_html(&body).trim().len();
            match sanitize_html_within(&body, limit) {
                Ok(clean) => assert!(clean.trim().len() <= limit && clean == sanitize_html(&body), "{}", &body[..40]),
                Err(_) => assert!(keeps > limit, "refused, yet it keeps {keeps} bytes: {}", &body[..40]),
            }
        }
        assert!(reduce(&"<b>x</b>".repeat(limit)).shown_at_least > limit, "known before parsing");
    }

    #[test]
    fn end_tags_with_nothing_to_close_do_not_reach_the_parser() {
        assert_eq!(reduce_html("<span>a</x></div></body></span>"), "<span>a</span>");
        assert_eq!(reduce_html("a</p></br>"), "a</p></br>", "the parser makes elements of these");
        assert_eq!(reduce_html("<b><div></b>x"), "<b><div></b>x", "the adoption agency needs it");
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
