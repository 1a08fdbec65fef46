//! Text as it enters the domain: no raw control character ever reaches the store, a page or a feed.

/// `text` without control characters (C0, DEL, C1), keeping tab, line feed and carriage return, the
/// white space of multi-line descriptions. Returns `text` itself when there is nothing to remove.
pub fn without_control_chars(text: String) -> String {
    if text.chars().any(is_removed) { text.chars().filter(|c| !is_removed(*c)).collect() } else { text }
}

fn is_removed(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_nul_escape_del_and_c1_controls_and_keeps_line_breaks() {
        let raw = "A\u{0}B\u{1b}[2J\u{7}C\u{7f}D\u{85}E\u{9b}F\tG\r\nH";
        assert_eq!(without_control_chars(raw.to_owned()), "AB[2JCDEF\tG\r\nH");
        assert_eq!(without_control_chars("Ünïcödé ✓ \u{200b}".to_owned()), "Ünïcödé ✓ \u{200b}", "only controls");
    }
}
