//! A description's HTML in the one form the sanitiser writes (`sources::sanitize`): formatting tags
//! without attributes, links with an `http`, `https` or `mailto` target and the sanitiser's `rel`,
//! text with `&`, `<`, `>` and no-break spaces escaped, every element closed in order. A sealed
//! share's page checks what it decrypted against this form (anyone may seal anything), where the
//! service runs the sanitiser itself: the check is a few kilobytes in the browser, the sanitiser
//! (an HTML parser and URL and IDNA tables) some 300 KB.

/// What a sanitised description may hold: formatting and links, nothing that loads, runs or styles.
#[rustfmt::skip]
pub const FORMATTING_TAGS: [&str; 27] = [
    "a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p",
    "pre", "s", "small", "span", "strong", "sub", "sup", "u", "ul",
];
/// Elements without content or end tag.
const VOID_TAGS: [&str; 2] = ["br", "hr"];
/// What the sanitiser puts on every link.
pub const LINK_REL: &str = "noopener noreferrer nofollow";
const LINK_SCHEMES: [&str; 3] = ["http://", "https://", "mailto:"];
/// Deeper than the sanitiser ever nests (`sanitize::serialised::MAX_SANITISED_DEPTH`).
const MAX_NESTING: usize = 512;

/// Whether `html` is in the sanitiser's form (and so safe to put in a page as it is).
pub fn is_sanitised(html: &str) -> bool {
    let mut open: Vec<&str> = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        let Some(tag_start) = rest.strip_prefix('<') else {
            let end = rest.find('<').unwrap_or(rest.len());
            if !is_escaped_text(&rest[..end], &["&amp;", "&lt;", "&gt;", "&nbsp;"]) {
                return false;
            }
            rest = &rest[end..];
            continue;
        };
        let Some((tag, after)) = read_tag(tag_start) else { return false };
        rest = after;
        match tag {
            Tag::Close(name) => {
                if open.pop() != Some(name) {
                    return false;
                }
            }
            Tag::Open(name) if VOID_TAGS.contains(&name) => {}
            Tag::Open(name) => {
                if open.len() >= MAX_NESTING {
                    return false;
                }
                open.push(name);
            }
        }
    }
    open.is_empty()
}

enum Tag<'a> {
    Open(&'a str),
    Close(&'a str),
}

/// One tag after its `<`, and what follows its `>`; `None` for anything the sanitiser never writes.
fn read_tag(text: &str) -> Option<(Tag<'_>, &str)> {
    if let Some(closing) = text.strip_prefix('/') {
        let (name, after) = closing.split_once('>')?;
        let known = FORMATTING_TAGS.contains(&name) && !VOID_TAGS.contains(&name);
        return known.then_some((Tag::Close(name), after));
    }
    let name_end = text.find([' ', '>'])?;
    let name = &text[..name_end];
    if !FORMATTING_TAGS.contains(&name) {
        return None;
    }
    let after_name = &text[name_end..];
    if let Some(after) = after_name.strip_prefix('>') {
        return Some((Tag::Open(name), after));
    }
    if name != "a" {
        return None;
    }
    // `<a rel="…">` (a link whose target the sanitiser dropped) or `<a href="…" rel="…">`.
    let mut attributes = after_name.strip_prefix(' ')?;
    if let Some(href) = attributes.strip_prefix("href=\"") {
        let (target, after) = href.split_once('"')?;
        let scheme_allowed = LINK_SCHEMES
            .iter()
            .any(|scheme| target.get(..scheme.len()).is_some_and(|start| start.eq_ignore_ascii_case(scheme)));
        if !scheme_allowed || !is_escaped_text(target, &["&amp;", "&quot;", "&nbsp;"]) {
            return None;
        }
        attributes = after.strip_prefix(' ')?;
    }
    let after = attributes.strip_prefix("rel=\"")?.strip_prefix(LINK_REL)?.strip_prefix("\">")?;
    Some((Tag::Open("a"), after))
}

/// Text in which every `&` starts one of `entities`, and no `<`, `>` or `"` stands unescaped where
/// the serialiser would have escaped it.
fn is_escaped_text(text: &str, entities: &[&str]) -> bool {
    let in_attribute = entities.contains(&"&quot;");
    let forbidden: &[char] = if in_attribute { &['"'] } else { &['<', '>'] };
    if text.contains(forbidden) || text.contains('\u{a0}') {
        return false;
    }
    text.match_indices('&').all(|(at, _)| entities.iter().any(|entity| text[at..].starts_with(entity)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sanitisers_form_passes() {
        for html in [
            "",
            "plain text &amp; more",
            "<p>Hi <b>there</b></p><br><hr><ul><li>a</li><li>b</li></ul>",
            r#"<a href="https://ok.test/a?b=1&amp;c=2" rel="noopener noreferrer nofollow">ok</a>"#,
            r#"<a href="mailto:desk@ok.test" rel="noopener noreferrer nofollow">mail</a>"#,
            r#"<a rel="noopener noreferrer nofollow">no target</a>"#,
            "1 &lt; 2 &gt; 0&nbsp;ok",
        ] {
            assert!(is_sanitised(html), "{html}");
        }
    }

    #[test]
    fn anything_else_fails() {
        for html in [
            "<img src=x onerror=alert(1)>",
            "<script>alert(1)</script>",
            "<style>p{}</style>",
            "<p onclick=\"x()\">x</p>",
            "<P>x</P>",
            r#"<a href="javascript:alert(1)" rel="noopener noreferrer nofollow">x</a>"#,
            r#"<a href="https://x.test" onclick="y" rel="noopener noreferrer nofollow">x</a>"#,
            r#"<a href="https://x.test">no rel</a>"#,
            r#"<a href="https://x.test" rel="opener">x</a>"#,
            "<!-- comment -->",
            "<b>unclosed",
            "</b>",
            "<b><i>crossed</b></i>",
            "raw < text",
            "raw > text",
            "&#x3C;script&#x3E;",
            "&lt",
            "<br/>",
            "<svg><text>x</text></svg>",
            "<p\n>x</p>",
        ] {
            assert!(!is_sanitised(html), "{html}");
        }
        assert!(!is_sanitised(&"<b>".repeat(MAX_NESTING + 1)));
    }

    /// Everything the sanitiser writes, from hostile markup and real mail clients' bodies, passes.
    #[cfg(feature = "publish")]
    #[test]
    fn what_the_sanitiser_writes_passes() {
        use crate::sources::sanitize::sanitize_html;
        let mut bodies: Vec<String> = [
            include_str!("../../../../tests/fixtures/invitations/teams.html"),
            include_str!("../../../../tests/fixtures/invitations/zoom.html"),
            include_str!("../../../../tests/fixtures/invitations/webex.html"),
            include_str!("../../../../tests/fixtures/invitations/meet.html"),
            r#"<html><head><title>t</title></head><body><p style="x" onclick="y">Hi <b>there</b></p><img src="p">
            <a href="javascript:alert(1)">js</a> <a href="/relative">rel</a> <a href="HTTPS://ok.test/a?b=1&c=2" target="_blank">ok</a>
            <a href="mailto:desk@ok.test">mail</a> <a href="https://bücher.example/ü?q=&quot;x&quot;">idn</a><!-- c --><script>bad()</script></body></html>"#,
            "<p>One<p>Two <b>bold <i>both</b> italic</i><ul><li>a<li>b<span>c</ul><table><tr><td>cell<td>cell 2\
             <tr><td>row 2</table>text after<br/><font color=red>red</font><pre>\npre text</pre><textarea>area &amp; text</textarea>\
             <p>a<xmp><b></xmp>b<a href=https://a.test>x<a href=https://b.test>y</a> &nbsp;&copy; 1 < 2 > 0 \u{a0}",
        ]
        .map(str::to_owned)
        .to_vec();
        bodies.push(format!("{}x</p>", "<ul><li>".repeat(200)));
        bodies.push(format!("Agenda{}", "<b><i>".repeat(5_000)));
        for body in bodies {
            let clean = sanitize_html(&body);
            assert!(is_sanitised(&clean), "{clean}");
        }
    }
}
