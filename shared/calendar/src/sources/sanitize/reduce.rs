//! A linear pass over raw HTML before the parser sees it. html5ever's tree builder walks its stack
//! of open elements for most tokens (scope checks, the adoption agency) and its tokenizer compares
//! each attribute with the tag's earlier ones, so deep nesting and long attribute lists cost time
//! quadratic in their size, and every tag or entity costs about a microsecond. Only 16 KiB of
//! sanitised description is ever kept, so the parser gets a bounded, shallow input instead.
//!
//! Dropped on the way: comments, doctypes and processing instructions; the content of the elements
//! sanitising drops whole (`script`, `style`, …; the element stays, empty, so the tree is built as
//! before); every attribute but a link's `href` and the few the parser looks at; end tags the
//! parser would ignore; start tags nested deeper than `MAX_DEPTH` (with their end tags; their text
//! stays); and everything after `MAX_REDUCED_BYTES` of output, cut between tokens. None of it shows
//! in an ordinary body. On the way the pass also counts what sanitising will keep at least, so a
//! body over the description limit can be refused unparsed.

use super::nesting::{EndTag, Nesting};
use super::serialised::MAX_SANITISED_DEPTH;
use super::shown::ShownBytes;
use super::tokenizer::{Content, closes_raw_text, content_of, scan_tag, script_data_end, written};
use crate::domain::sanitised_html::FORMATTING_TAGS;

/// Elements open at once beyond which start tags are dropped: far deeper than any mail client
/// nests, shallow enough that the parser's walks over its stack stay cheap.
pub const MAX_DEPTH: usize = 128;
/// What the parser is given at most: eight times the description limit. Mail clients' HTML, once
/// reduced, runs one to two times what sanitising keeps, so a body this long would not fit anyway;
/// and a request's many bodies each cost the parser at most this (benches/sanitize.rs).
pub const MAX_REDUCED_BYTES: usize = 128 * 1024;

/// The reduce pass's output, and how much sanitising it keeps at least.
pub struct Reduced {
    /// `html` with what can never show dropped, nested at most `MAX_DEPTH` deep and at most
    /// `MAX_REDUCED_BYTES` long; sanitising it reads as sanitising `html` would.
    pub html: String,
    /// Bytes the sanitised result holds at least, its ends trimmed: the text outside content that
    /// sanitising drops (white space and character references not counted), and the formatting
    /// tags that open an element.
    pub shown_at_least: usize,
}

pub fn reduce_html(html: &str) -> String {
    reduce(html).html
}

pub fn reduce(html: &str) -> Reduced {
    let mut pass = Reducer {
        src: html,
        at: 0,
        out: String::with_capacity(html.len().min(64 * 1024)),
        nesting: Nesting::default(),
        full: false,
        shown: ShownBytes::default(),
    };
    while pass.at < html.len() && !pass.full {
        match html[pass.at..].find('<') {
            Some(0) => pass.markup(),
            Some(offset) => pass.text(pass.at, pass.at + offset),
            None => pass.text(pass.at, html.len()),
        }
    }
    Reduced { html: pass.out, shown_at_least: pass.shown.total() }
}

struct Reducer<'a> {
    src: &'a str,
    at: usize,
    out: String,
    nesting: Nesting,
    /// The output budget is spent: nothing more is read.
    full: bool,
    /// What sanitising keeps of the output at least (`Reduced::shown_at_least`).
    shown: ShownBytes,
}

impl Reducer<'_> {
    /// Appends `piece` whole, or spends the budget and appends nothing (then false).
    fn emit(&mut self, piece: &str) -> bool {
        if self.out.len() + piece.len() > MAX_REDUCED_BYTES {
            self.full = true;
            return false;
        }
        self.out.push_str(piece);
        true
    }

    /// Appends as much of `text` as the budget allows, cut between characters; how much it appended.
    fn emit_text(&mut self, text: &str) -> usize {
        let room = MAX_REDUCED_BYTES - self.out.len();
        if text.len() <= room {
            self.out.push_str(text);
            return text.len();
        }
        let mut end = room;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        self.out.push_str(&text[..end]);
        self.full = true;
        end
    }

    fn text(&mut self, from: usize, to: usize) {
        self.nesting.text();
        let text = &self.src[from..to];
        let emitted = self.emit_text(text);
        self.count_shown_text(&text[..emitted], false);
        self.at = to;
    }

    fn count_shown_text(&mut self, text: &str, literal: bool) {
        self.shown.text(text, !self.nesting.in_dropped_content(), literal);
    }

    /// A tag was written that makes (or closes) an element named `name`: if the element stays in
    /// the sanitised result, it separates the text around it, and `bytes` of it count. Counted
    /// only well within the depth the sanitised result is cut to, as the parser may nest a little
    /// deeper than estimated.
    fn count_shown_tag(&mut self, name: &str, bytes: usize) {
        let stays = FORMATTING_TAGS.contains(&name)
            && !self.nesting.in_dropped_content()
            && !self.nesting.ignores_tags()
            && self.nesting.depth() <= MAX_SANITISED_DEPTH / 2;
        if stays {
            self.shown.tag(bytes);
        }
    }

    /// Text the parser must not read as markup (a `<` that starts no tag, or RCDATA) goes out with
    /// `<` escaped, so nothing dropped around it can join it into a tag. Character references are
    /// read in RCDATA as in text; only `plaintext`'s are literal, so it escapes `&` too.
    fn escaped_text(&mut self, text: &str, literal: bool) {
        self.nesting.text();
        let escaped = if literal { text.replace('&', "&amp;") } else { text.to_owned() };
        let escaped = escaped.replace('<', "&lt;");
        if self.emit_text(&escaped) == escaped.len() {
            self.count_shown_text(text, literal);
        }
    }

    fn skip_past(&mut self, needle: char) {
        self.at = self.src[self.at..].find(needle).map_or(self.src.len(), |offset| self.at + offset + 1);
    }

    /// At a `<`: a tag, a comment or another declaration, or text.
    fn markup(&mut self) {
        let rest = &self.src.as_bytes()[self.at..];
        match rest.get(1) {
            Some(b'!') if rest[2..].starts_with(b"--") => self.comment(),
            Some(b'!' | b'?') => self.skip_past('>'),
            Some(b'/') => match rest.get(2) {
                Some(byte) if byte.is_ascii_alphabetic() => self.end_tag(),
                Some(b'>') => self.at += 3,
                Some(_) => self.skip_past('>'),
                None => {
                    self.escaped_text("</", false);
                    self.at += 2;
                }
            },
            Some(byte) if byte.is_ascii_alphabetic() => self.start_tag(),
            _ => {
                self.escaped_text("<", false);
                self.at += 1;
            }
        }
    }

    /// `<!--` … `-->` (or `--!>`; `<!-->` and `<!--->` end at once), to the end of input if unclosed.
    fn comment(&mut self) {
        let body = self.at + 4;
        let bytes = self.src.as_bytes();
        if bytes[body..].starts_with(b">") {
            self.at = body + 1;
            return;
        }
        if bytes[body..].starts_with(b"->") {
            self.at = body + 2;
            return;
        }
        let mut search = body;
        while let Some(offset) = self.src[search..].find("--") {
            let dashes = search + offset;
            if bytes[dashes + 2..].starts_with(b">") {
                self.at = dashes + 3;
                return;
            }
            if bytes[dashes + 2..].starts_with(b"!>") {
                self.at = dashes + 4;
                return;
            }
            search = dashes + 1;
        }
        self.at = self.src.len();
    }

    fn end_tag(&mut self) {
        let Some(tag) = scan_tag(self.src, self.at + 2) else {
            self.at = self.src.len();
            return;
        };
        self.at = tag.end;
        match self.nesting.end(&tag.name) {
            EndTag::Closes => {
                if self.emit(&format!("</{}>", tag.name)) {
                    self.count_shown_tag(&tag.name, 0);
                }
            }
            EndTag::MakesElement => {
                if self.emit(&format!("</{}>", tag.name)) {
                    // `</p>` makes `<p></p>`, `</br>` makes `<br>`.
                    self.count_shown_tag(&tag.name, if tag.name == "p" { 7 } else { 4 });
                }
            }
            EndTag::Dropped => {}
        }
    }

    fn start_tag(&mut self) {
        let Some(tag) = scan_tag(self.src, self.at + 1) else {
            self.at = self.src.len();
            return;
        };
        self.at = tag.end;
        match content_of(&tag.name) {
            Content::Markup => {
                if self.nesting.start(&tag.name) && self.emit(&written(&tag)) {
                    self.count_shown_tag(&tag.name, tag.name.len() + 2);
                }
            }
            Content::Hidden => {
                let content_end = self.raw_text_end(&tag.name);
                self.at = self.end_tag_after(content_end);
                if self.nesting.start(&tag.name) {
                    self.nesting.end(&tag.name);
                    self.emit(&format!("<{0}></{0}>", tag.name));
                }
            }
            Content::Textarea => {
                let content_end = self.raw_text_end(&tag.name);
                let content = &self.src[self.at..content_end];
                self.at = self.end_tag_after(content_end);
                if self.nesting.start(&tag.name) {
                    self.emit(&written(&tag));
                    self.escaped_text(content, false);
                    self.nesting.end(&tag.name);
                    self.emit("</textarea>");
                } else {
                    self.escaped_text(content, false);
                }
            }
            Content::Plaintext => {
                let rest = &self.src[self.at..];
                self.at = self.src.len();
                if self.nesting.start(&tag.name) {
                    self.emit(&written(&tag));
                    self.nesting.text();
                    let emitted = self.emit_text(rest);
                    self.count_shown_text(&rest[..emitted], true);
                } else {
                    self.escaped_text(rest, true);
                }
            }
        }
    }

    /// Where the raw text or RCDATA of `name`, starting here, ends: at its end tag (`</name`
    /// followed by space, `/` or `>`), or at the end of input. Script data also knows its escapes.
    fn raw_text_end(&self, name: &str) -> usize {
        if name == "script" {
            return script_data_end(self.src, self.at);
        }
        let mut search = self.at;
        while let Some(offset) = self.src[search..].find("</") {
            let at = search + offset;
            if closes_raw_text(self.src, at, name) {
                return at;
            }
            search = at + 2;
        }
        self.src.len()
    }

    /// Past the end tag that starts at `at`, if one does.
    fn end_tag_after(&self, at: usize) -> usize {
        if at >= self.src.len() {
            return self.src.len();
        }
        scan_tag(self.src, at + 2).map_or(self.src.len(), |tag| tag.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_hidden_content_and_attributes_are_dropped() {
        let html = concat!(
            r#"<!DOCTYPE html><!--[if mso]><p>x</p><![endif]--><p class="MsoNormal" style="a>b" id=x>Hi "#,
            r#"<a title='t' HREF="https://ok.test/?a=1&amp;b=2" href="https://second.test">link</a>"#,
            r#"<style>p > b {}</style><script>if (a < b) { document.write("</scr" + "ipt>") }</script>"#,
            r#"<?php echo 1 ?><br/><input type=hidden name=n><font color="red" size=2>f</font></p>"#,
        );
        assert_eq!(
            reduce_html(html),
            concat!(
                r#"<p>Hi <a href="https://ok.test/?a=1&amp;b=2">link</a><style></style><script></script>"#,
                r#"<br /><input type=hidden><font color size>f</font></p>"#,
            )
        );
    }

    #[test]
    fn unclosed_comments_tags_and_values_end_the_input() {
        assert_eq!(reduce_html("a<!-- never closed <div>"), "a");
        assert_eq!(reduce_html("a<!---->b<!-->c<!--->d<!-- x --!>e"), "abcde");
        assert_eq!(reduce_html("a<p title=\"never closed>b"), "a");
        assert_eq!(reduce_html("a<div"), "a");
        assert_eq!(reduce_html("a</"), "a&lt;/");
        assert_eq!(reduce_html("a<style>b"), "a<style></style>");
    }

    #[test]
    fn a_bare_lt_cannot_join_what_follows_into_a_tag() {
        assert_eq!(reduce_html("<<!---->div>x"), "&lt;div>x");
        assert_eq!(reduce_html("1 < 2 <3"), "1 &lt; 2 &lt;3");
    }

    #[test]
    fn text_in_dropped_or_raw_elements_never_becomes_markup() {
        assert_eq!(reduce_html("<textarea><b>&amp;</textarea>"), "<textarea>&lt;b>&amp;</textarea>");
        let deep_plaintext = format!("{}<plaintext><b>&amp;", "<div>".repeat(MAX_DEPTH));
        assert!(reduce_html(&deep_plaintext).ends_with("<div>&lt;b>&amp;amp;"));
        assert_eq!(reduce_html("<script><!--<script></script>--></script>after"), "<script></script>after");
        assert_eq!(reduce_html("<title>a</title >b"), "<title></title>b");
    }

    #[test]
    fn nesting_deeper_than_the_cap_is_flattened_and_its_text_kept() {
        let deep = format!("{}x{}", "<div>".repeat(10 * MAX_DEPTH), "</div>".repeat(10 * MAX_DEPTH));
        let reduced = reduce_html(&deep);
        assert_eq!(reduced.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(reduced.matches("</div>").count(), MAX_DEPTH);
        assert!(reduced.contains(">x<"));
        // Siblings after the deep part nest as before.
        let after = reduce_html(&format!("{deep}<p>after</p>"));
        assert!(after.ends_with("</div><p>after</p>"), "{after}");
    }

    #[test]
    fn the_output_is_bounded_and_cut_between_tokens() {
        let long = "é<b>bold</b>".repeat(MAX_REDUCED_BYTES);
        let reduced = reduce_html(&long);
        assert!(reduced.len() <= MAX_REDUCED_BYTES);
        assert!(reduced.len() > MAX_REDUCED_BYTES - 16);
        assert!(long.starts_with(&reduced), "what was written, up to the cut");
        let last_tag = reduced.rfind('<').expect("tags");
        assert!(reduced[last_tag..].contains('>'), "never cut inside a tag: {}", &reduced[last_tag..]);
    }
}
