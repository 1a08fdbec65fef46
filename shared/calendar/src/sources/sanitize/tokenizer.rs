//! The HTML tokenizer's reading of markup, as far as the reduce pass needs it: where a tag ends
//! (quoted attribute values included) and which of its attributes the reduced tag keeps, and
//! where raw text, RCDATA and script data end.

use std::borrow::Cow;

/// How the tokenizer reads an element's content, as html5ever switches it for HTML elements.
pub(super) enum Content {
    Markup,
    /// Raw text or RCDATA that sanitising drops with the element.
    Hidden,
    /// RCDATA shown as text.
    Textarea,
    /// Everything to the end of the input is text.
    Plaintext,
}

pub(super) fn content_of(name: &str) -> Content {
    match name {
        "script" | "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" | "title" => Content::Hidden,
        "textarea" => Content::Textarea,
        "plaintext" => Content::Plaintext,
        _ => Content::Markup,
    }
}

/// A start or end tag as the tokenizer reads it: the name lower-cased, the attributes the reduced
/// tag keeps (each as written, quotes included), and where the tag ends.
pub(super) struct Tag<'a> {
    pub name: Cow<'a, str>,
    pub kept: Vec<(&'static str, Option<&'a str>)>,
    pub self_closing: bool,
    pub end: usize,
}

/// The attributes that survive: a link's target, and those that steer tree building (a hidden
/// `input` is not foster-parented; `font` with these leaves foreign content).
fn kept_attributes(name: &str) -> &'static [&'static str] {
    match name {
        "a" => &["href"],
        "input" => &["type"],
        "font" => &["color", "face", "size"],
        _ => &[],
    }
}

fn is_tag_space(byte: u8) -> bool {
    matches!(byte, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

/// Reads the tag whose name starts at `from` (after `<` or `</`) as the HTML tokenizer does,
/// quoted attribute values included; `None` when the input ends inside it (the tokenizer then
/// drops the tag).
pub(super) fn scan_tag(src: &str, from: usize) -> Option<Tag<'_>> {
    let bytes = src.as_bytes();
    let mut at = from;
    while at < bytes.len() && !is_tag_space(bytes[at]) && !matches!(bytes[at], b'/' | b'>') {
        at += 1;
    }
    let written = &src[from..at];
    let name = match written.bytes().any(|b| b.is_ascii_uppercase()) {
        true => Cow::Owned(written.to_ascii_lowercase()),
        false => Cow::Borrowed(written),
    };
    let wanted = kept_attributes(&name);
    let mut tag = Tag { name, kept: Vec::new(), self_closing: false, end: 0 };
    loop {
        while at < bytes.len() && is_tag_space(bytes[at]) {
            at += 1;
        }
        match *bytes.get(at)? {
            b'>' => {
                tag.end = at + 1;
                return Some(tag);
            }
            b'/' => {
                at += 1;
                if bytes.get(at) == Some(&b'>') {
                    tag.self_closing = true;
                    tag.end = at + 1;
                    return Some(tag);
                }
                continue;
            }
            _ => {}
        }
        // An attribute name runs to space, `/`, `>` or `=` (a leading `=` is part of it).
        let name_from = at;
        at += 1;
        while at < bytes.len() && !is_tag_space(bytes[at]) && !matches!(bytes[at], b'/' | b'>' | b'=') {
            at += 1;
        }
        let attribute = &src[name_from..at];
        while at < bytes.len() && is_tag_space(bytes[at]) {
            at += 1;
        }
        let mut value = None;
        if bytes.get(at) == Some(&b'=') {
            at += 1;
            while at < bytes.len() && is_tag_space(bytes[at]) {
                at += 1;
            }
            match *bytes.get(at)? {
                quote @ (b'"' | b'\'') => {
                    let close = at + 1 + src[at + 1..].find(quote as char)?;
                    value = Some(&src[at..=close]);
                    at = close + 1;
                }
                b'>' => {}
                _ => {
                    let value_from = at;
                    while at < bytes.len() && !is_tag_space(bytes[at]) && bytes[at] != b'>' {
                        at += 1;
                    }
                    value = Some(&src[value_from..at]);
                }
            }
        }
        // The tokenizer keeps the first of duplicate attributes.
        if let Some(kept) = wanted.iter().find(|w| attribute.eq_ignore_ascii_case(w))
            && !tag.kept.iter().any(|(name, _)| name == kept)
        {
            tag.kept.push((kept, value));
        }
    }
}

/// A start tag as the reduced input writes it: the name, the kept attributes as written.
pub(super) fn written(tag: &Tag<'_>) -> String {
    let mut out = format!("<{}", tag.name);
    for (name, value) in &tag.kept {
        out.push(' ');
        out.push_str(name);
        // `font` only needs its attributes present; without values, identical ones compare equal.
        if let Some(value) = value
            && tag.name != "font"
        {
            out.push('=');
            out.push_str(value);
        }
    }
    // The space keeps a `/` from joining an unquoted value.
    out.push_str(if tag.self_closing { " />" } else { ">" });
    out
}

/// `</name` followed by space, `/` or `>` at `at`: the end of raw text or RCDATA named `name`.
pub(super) fn closes_raw_text(src: &str, at: usize, name: &str) -> bool {
    let bytes = src.as_bytes();
    let name_end = at + 2 + name.len();
    name_end < bytes.len()
        && bytes[at + 2..name_end].eq_ignore_ascii_case(name.as_bytes())
        && (is_tag_space(bytes[name_end]) || matches!(bytes[name_end], b'/' | b'>'))
}

/// Where script data starting at `from` ends, following the tokenizer's escape states: inside
/// `<!--`, a `<script>` opens a double-escaped part that its `</script>` closes without ending
/// the script.
pub(super) fn script_data_end(src: &str, from: usize) -> usize {
    #[derive(PartialEq)]
    enum State {
        Data,
        Escaped,
        DoubleEscaped,
    }
    let bytes = src.as_bytes();
    let mut state = State::Data;
    let mut at = from;
    while at < bytes.len() {
        let rest = &bytes[at..];
        match state {
            State::Data if rest.starts_with(b"<!--") => {
                state = State::Escaped;
                // `<!--` and `-->` may share their dashes (`<!-->` opens and closes at once).
                at += 2;
                continue;
            }
            State::Data | State::Escaped if rest.starts_with(b"</") && closes_raw_text(src, at, "script") => {
                return at;
            }
            State::Escaped | State::DoubleEscaped if rest.starts_with(b"-->") => state = State::Data,
            State::Escaped if rest.starts_with(b"<") && closes_raw_text_open(src, at) => {
                state = State::DoubleEscaped;
            }
            State::DoubleEscaped if rest.starts_with(b"</") && closes_raw_text(src, at, "script") => {
                state = State::Escaped;
            }
            _ => {}
        }
        at += 1;
    }
    bytes.len()
}

/// `<script` followed by space, `/` or `>` at `at`.
fn closes_raw_text_open(src: &str, at: usize) -> bool {
    let bytes = src.as_bytes();
    let name_end = at + 1 + "script".len();
    name_end < bytes.len()
        && bytes[at + 1..name_end].eq_ignore_ascii_case(b"script")
        && (is_tag_space(bytes[name_end]) || matches!(bytes[name_end], b'/' | b'>'))
}
