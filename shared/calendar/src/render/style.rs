//! The page's one stylesheet, inlined in a `<style>` element and allowed by its hash in the CSP, so
//! the page needs neither `'unsafe-inline'` nor a second request. The CSS files are template text
//! (`templates/page.css` by hand, `templates/grid.css` generated), so pages copy them verbatim.

use askama::Template;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// Rows of a quarter hour in the week grid: enough for a whole day.
pub(crate) const DAY_ROWS: u16 = 96;
/// Columns that overlapping blocks share (1, 2, 3, 4, 6 or 12 lanes divide it evenly).
pub(crate) const LANE_COLUMNS: u8 = 12;

/// Exactly what `_layout.html` puts between `<style>` and `</style>`.
#[derive(Template)]
#[template(source = r#"{% include "page.css" %}{% include "grid.css" %}"#, ext = "html", whitespace = "minimize")]
struct Stylesheet;

static STYLESHEET: LazyLock<String> = LazyLock::new(|| Stylesheet.render().expect("stylesheet renders"));

static STYLE_SOURCE: LazyLock<String> = LazyLock::new(|| {
    let digest = Sha256::digest(STYLESHEET.as_bytes());
    format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest))
});

/// The CSP source expression that allows exactly this stylesheet.
pub(crate) fn style_source() -> &'static str {
    &STYLE_SOURCE
}

#[cfg(test)]
pub(crate) fn stylesheet() -> &'static str {
    &STYLESHEET
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write;

    /// Placement on the week grid: inline style attributes would need 'unsafe-inline', so every
    /// row, span and lane a block can take is a class.
    fn grid_rules() -> String {
        let mut css = String::new();
        for row in 1..=DAY_ROWS {
            let _ = writeln!(css, ".ts{row}{{grid-row-start:{row}}}.td{row}{{grid-row-end:span {row}}}");
        }
        for column in 1..=LANE_COLUMNS {
            let _ =
                writeln!(css, ".lc{column}{{grid-column-start:{column}}}.lw{column}{{grid-column-end:span {column}}}");
        }
        for hours in 1..=DAY_ROWS / 4 {
            let _ = writeln!(css, ".hr{hours}{{--rows:{}}}", hours * 4);
        }
        css
    }

    #[test]
    fn grid_css_has_every_placement_class() {
        let expected = grid_rules();
        assert!(
            include_str!("../../../../templates/grid.css") == expected,
            "regenerate templates/grid.css as:\n{expected}"
        );
    }

    #[test]
    fn stylesheet_is_the_css_files_verbatim() {
        // Whitespace at the very end of an included file goes, as everywhere in our templates.
        let css = [include_str!("../../../../templates/page.css"), include_str!("../../../../templates/grid.css")]
            .map(str::trim_end);
        assert!(stylesheet() == css.concat());
        let css = css.concat();
        // Template syntax in the CSS would be interpreted, and a closing tag would end the element.
        assert!(!css.contains("{{") && !css.contains("{%") && !css.contains("{#") && !css.contains("</"));
    }

    #[test]
    fn source_is_a_sha256_hash_expression() {
        assert!(style_source().starts_with("'sha256-") && style_source().ends_with("='"));
    }
}
