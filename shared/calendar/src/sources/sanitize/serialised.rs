//! Sanitised HTML read back as the serialiser wrote it: text never holds a raw `<`, every element
//! but `br` and `hr` is closed, and attribute values are double-quoted (a `>` may sit inside one).

use super::reduce::MAX_DEPTH;

pub enum Token<'a> {
    Tag { name: &'a str, closing: bool, at: usize, written: &'a str },
    Text { text: &'a str, at: usize },
}

impl Token<'_> {
    pub fn at(&self) -> usize {
        match self {
            Token::Tag { at, .. } | Token::Text { at, .. } => *at,
        }
    }
}

pub const VOID: [&str; 2] = ["br", "hr"];

pub fn tokenize(html: &str) -> Vec<Token<'_>> {
    let bytes = html.as_bytes();
    let mut tokens = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] != b'<' {
            let end = html[at..].find('<').map_or(html.len(), |offset| at + offset);
            tokens.push(Token::Text { text: &html[at..end], at });
            at = end;
            continue;
        }
        let mut end = at + 1;
        let mut quoted = false;
        while end < bytes.len() && (quoted || bytes[end] != b'>') {
            quoted ^= bytes[end] == b'"';
            end += 1;
        }
        let end = (end + 1).min(html.len());
        let inside = html[at + 1..end].trim_end_matches('>');
        let closing = inside.starts_with('/');
        let name = inside.trim_start_matches('/').split([' ', '/']).next().unwrap_or_default();
        tokens.push(Token::Tag { name, closing, at, written: &html[at..end] });
        at = end;
    }
    tokens
}

/// How deep sanitised HTML nests at most: half the reduce pass's cap. The parser can nest a little
/// deeper than the pass estimated (it reopens formatting elements, a stray `</p>` becomes an
/// element), and the pass's estimate of sanitised HTML can run up to twice its depth (a link
/// nested in a link); within this, sanitising what is stored again reads it the same.
pub const MAX_SANITISED_DEPTH: usize = MAX_DEPTH / 2;

/// Sanitised HTML as the parser reads it back: nested at most `MAX_SANITISED_DEPTH` deep, and
/// without a link inside a link (the parser splits those, differently each time: its adoption
/// agency, run on its own output). The tags dropped for either are unwrapped, their text kept.
pub fn settled(html: &str) -> String {
    let mut kept = String::with_capacity(html.len());
    // For each open element: whether its tags are kept.
    let mut open: Vec<bool> = Vec::new();
    let mut open_links = 0usize;
    for token in tokenize(html) {
        match token {
            Token::Text { text, .. } => kept.push_str(text),
            Token::Tag { name, written, .. } if VOID.contains(&name) => kept.push_str(written),
            Token::Tag { name, closing: false, written, .. } => {
                let keep = open.len() < MAX_SANITISED_DEPTH && !(name == "a" && open_links > 0);
                if keep {
                    kept.push_str(written);
                    open_links += usize::from(name == "a");
                }
                open.push(keep);
            }
            Token::Tag { name, closing: true, written, .. } => {
                if open.pop().unwrap_or(true) {
                    kept.push_str(written);
                    open_links -= usize::from(name == "a" && open_links > 0);
                }
            }
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deeper_tags_are_unwrapped() {
        let deep = format!("{}x<br>{}", "<b>".repeat(MAX_DEPTH + 2), "</b>".repeat(MAX_DEPTH + 2));
        let kept = settled(&deep);
        let (open, close) = ("<b>".repeat(MAX_SANITISED_DEPTH), "</b>".repeat(MAX_SANITISED_DEPTH));
        assert_eq!(kept, format!("{open}x<br>{close}"));
        let shallow = r#"<p>a <a href="https://x.test/?a>b" rel="noopener noreferrer nofollow">b</a><br>c</p>"#;
        assert_eq!(settled(shallow), shallow);
    }

    #[test]
    fn a_link_inside_a_link_is_unwrapped() {
        let nested = r#"<a href="https://a.test">a <ul><li><a href="https://b.test">b</a></li></ul> c</a>"#;
        assert_eq!(settled(nested), r#"<a href="https://a.test">a <ul><li>b</li></ul> c</a>"#);
    }
}
