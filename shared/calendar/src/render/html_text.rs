//! Plain text of a sanitised HTML description, for the feed: calendar apps show DESCRIPTION as
//! text. Input is what our sanitiser writes, so a small scanner and a short entity table (plus
//! numeric references) suffice: no HTML parser, which the view function must not link.

/// Plain text of a sanitised HTML description: tags dropped, blocks on their own lines, links
/// followed by their address, entities decoded.
pub(crate) fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut links: Vec<(usize, String)> = Vec::new();
    let mut in_pre = 0usize;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        match c {
            '<' => {
                let Some(close) = rest.find('>') else {
                    out.push_str(rest);
                    break;
                };
                let tag = &rest[1..close];
                rest = &rest[close + 1..];
                let closing = tag.starts_with('/');
                let name: String = tag
                    .trim_start_matches('/')
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .map(|c| c.to_ascii_lowercase())
                    .collect();
                match (name.as_str(), closing) {
                    ("br", _) => out.push('\n'),
                    ("li", false) => {
                        line_break(&mut out);
                        out.push_str("- ");
                    }
                    ("pre", false) => {
                        line_break(&mut out);
                        in_pre += 1;
                    }
                    ("pre", true) => {
                        in_pre = in_pre.saturating_sub(1);
                        line_break(&mut out);
                    }
                    (
                        "p" | "div" | "blockquote" | "ul" | "ol" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "hr"
                        | "li",
                        _,
                    ) => line_break(&mut out),
                    ("a", false) => links.push((out.len(), attribute(tag, "href").unwrap_or_default())),
                    ("a", true) => {
                        if let Some((start, href)) = links.pop() {
                            let shown = out[start..].trim();
                            let address = href.strip_prefix("mailto:").unwrap_or(&href);
                            if !href.is_empty() && shown != address && shown != href {
                                out.push_str(" (");
                                out.push_str(&href);
                                out.push(')');
                            }
                        }
                    }
                    _ => {}
                }
            }
            '&' => {
                let (decoded, used) = entity(rest);
                out.push_str(&decoded);
                rest = &rest[used..];
            }
            c if c.is_whitespace() && in_pre == 0 => {
                if !out.ends_with([' ', '\n']) && !out.is_empty() {
                    out.push(' ');
                }
                rest = &rest[c.len_utf8()..];
            }
            c => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    tidy_lines(&out)
}

fn line_break(out: &mut String) {
    while out.ends_with(' ') {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

/// Trailing spaces off, at most one blank line in a row, none at either end.
fn tidy_lines(text: &str) -> String {
    let mut tidy = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines().map(str::trim_end) {
        if line.trim().is_empty() {
            blank += 1;
            continue;
        }
        if !tidy.is_empty() {
            tidy.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        tidy.push_str(line);
    }
    tidy
}

/// A double-quoted attribute's decoded value (the sanitiser writes them so).
fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let value = &tag[start..start + tag[start..].find('"')?];
    let mut decoded = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        decoded.push_str(&rest[..at]);
        let (text, used) = entity(&rest[at..]);
        decoded.push_str(&text);
        rest = &rest[at + used..];
    }
    decoded.push_str(rest);
    Some(decoded)
}

/// Decodes the entity at the start of `text` (which starts with `&`): the text and bytes used.
fn entity(text: &str) -> (String, usize) {
    let Some(end) = text.char_indices().take(12).find(|&(_, c)| c == ';').map(|(at, _)| at) else {
        return ("&".to_owned(), 1);
    };
    let body = &text[1..end];
    let decoded = match body {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => body
            .strip_prefix("#x")
            .or_else(|| body.strip_prefix("#X"))
            .map(|hex| u32::from_str_radix(hex, 16))
            .or_else(|| body.strip_prefix('#').map(str::parse::<u32>))
            .and_then(Result::ok)
            .and_then(char::from_u32),
    };
    match decoded {
        Some(c) => (c.to_string(), end + 1),
        None => ("&".to_owned(), 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_descriptions_become_plain_text() {
        let html = "<p>Hello <b>team</b> &amp; guests&nbsp;&lt;3</p><ul><li>One</li><li>Two</li></ul>\
                    <p>See <a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"noopener\">the plan</a> or \
                    <a href=\"mailto:kim@example.com\">kim@example.com</a>.</p><pre>  keep\n  this</pre>&#x263A;&#9731;&bogus;";
        assert_eq!(
            html_to_text(html),
            "Hello team & guests <3\n- One\n- Two\nSee the plan (https://example.com/a?b=1&c=2) or kim@example.com.\n  keep\n  this\n☺☃&bogus;"
        );
        assert_eq!(html_to_text("a<br>b<br/>c"), "a\nb\nc");
        assert_eq!(html_to_text("unclosed <b"), "unclosed <b");
    }

    /// The feed's size bound relies on this: tags become at most a line break and a dash, links
    /// their decoded address (written in the tag), entities one character no longer than themselves.
    #[test]
    fn the_text_is_never_longer_than_the_html() {
        for html in [
            "<li>a</li><li></li><li>",
            "<br><br/><p></p><hr>",
            "a\u{3000}b\u{2003}c",
            "<pre> \u{3000} </pre>",
            "<a href=\"https://x.example/&amp;&#x10FFFF;\">y</a>",
            "<a href=\"\">x</a>",
            "&#65536;&#2048;&#128;&#9;&#0;",
            "&lt;&gt;&amp;&quot;&apos;&nbsp;",
            "<ul><li><p>x</p></li></ul>",
            "<a href=\"mailto:a@b\">c</a>",
            "x\r\n\r\ny\r",
        ] {
            let text = html_to_text(html);
            assert!(text.len() <= html.len(), "{html:?} became {text:?}");
        }
    }
}
