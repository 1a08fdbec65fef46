//! A lower bound on what sanitising keeps of the reduce pass's output, counted as it is written,
//! so that a body keeping more than the description limit is refused before it is parsed.

/// Bytes sanitising surely keeps, its result's ends trimmed: whole words of text (a word ends at
/// white space or at a tag that stays), and the tags that stay. A word holding `:` may be a
/// written link, which sanitising may cut; one holding `&` may hold a character reference, which
/// may stand for either: such words count nothing, and neither does white space.
#[derive(Default)]
pub struct ShownBytes {
    total: usize,
    word: usize,
    word_uncertain: bool,
}

impl ShownBytes {
    /// Text written out: `kept` where sanitising keeps it, `literal` where character references are
    /// not read (`plaintext`).
    pub fn text(&mut self, text: &str, kept: bool, literal: bool) {
        for c in text.chars() {
            if c.is_whitespace() {
                self.end_word();
            } else if c != '\0' {
                // The parser drops NUL in text.
                self.word += c.len_utf8();
                self.word_uncertain |= !kept || c == ':' || (c == '&' && !literal);
            }
        }
    }

    /// A tag that stays in the sanitised result: it ends the word before it, and `bytes` of it count.
    pub fn tag(&mut self, bytes: usize) {
        self.end_word();
        self.total += bytes;
    }

    fn end_word(&mut self) {
        if !self.word_uncertain {
            self.total += self.word;
        }
        self.word = 0;
        self.word_uncertain = false;
    }

    pub fn total(mut self) -> usize {
        self.end_word();
        self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(pieces: &[(&str, bool)]) -> usize {
        let mut bytes = ShownBytes::default();
        for (text, kept) in pieces {
            bytes.text(text, *kept, false);
        }
        bytes.total()
    }

    #[test]
    fn words_that_may_shrink_count_nothing() {
        assert_eq!(shown(&[("two words\0 ", true)]), 8);
        assert_eq!(shown(&[("see x://y or a&amp;b", true)]), 5);
        // Text joined across what was dropped between is one word.
        assert_eq!(shown(&[("abc:", true), ("//def", true)]), 0);
        assert_eq!(shown(&[("abc ", true), ("hidden", false), (" def", true)]), 6);
    }
}
