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

/// Sanitised HTML nested at most `MAX_DEPTH` deep. The parser can nest a little deeper than the
/// reduce pass estimated (it reopens formatting elements, a stray `</p>` becomes an element);
/// dropping those tags, text kept, makes what is stored read the same when it is sanitised again.
pub fn within_depth(html: &str) -> String {
    let mut kept = String::with_capacity(html.len());
    let mut depth = 0usize;
    for token in tokenize(html) {
        match token {
            Token::Text { text, .. } => kept.push_str(text),
            Token::Tag { name, written, .. } if VOID.contains(&name) => kept.push_str(written),
            Token::Tag { closing: false, written, .. } => {
                depth += 1;
                if depth <= MAX_DEPTH {
                    kept.push_str(written);
                }
            }
            Token::Tag { closing: true, written, .. } => {
                if depth <= MAX_DEPTH {
                    kept.push_str(written);
                }
                depth = depth.saturating_sub(1);
            }
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deeper_tags_are_dropped_and_their_text_kept() {
        let deep = format!("{}x<br>{}", "<b>".repeat(MAX_DEPTH + 2), "</b>".repeat(MAX_DEPTH + 2));
        let kept = within_depth(&deep);
        assert_eq!(kept, format!("{}x<br>{}", "<b>".repeat(MAX_DEPTH), "</b>".repeat(MAX_DEPTH)));
        let shallow = r#"<p>a <a href="https://x.test/?a>b" rel="noopener noreferrer nofollow">b</a><br>c</p>"#;
        assert_eq!(within_depth(shallow), shallow);
    }
}
