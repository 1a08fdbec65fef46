//! What a recipient gets when a share cannot be shown, page and status: 404 for a link that leads
//! nowhere, 410 Gone for an expired share, 406 when no coding the client takes fits the size every
//! response keeps to, 503 when the store cannot be read. Same layout as the share page.

use crate::render::locale::{Language, Strings};
use askama::Template;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorPage {
    /// No share to show at this link (unknown, withdrawn, or its owner may no longer share): said
    /// alike, so a link reveals nothing.
    NotFound,
    /// Past the expiry its owner set.
    Expired,
    /// The store could not be read; worth trying again.
    Unavailable,
    /// Too large to send in any coding the client accepts (typically: a large feed to a client that
    /// takes no compression).
    TooLarge,
}

#[derive(Template)]
#[template(path = "error.html", whitespace = "minimize")]
struct ErrorTemplate {
    lang: &'static str,
    heading: &'static str,
    message: &'static str,
}

/// In `language`: the reader's pick (`lang=`) or their browser's, as no share was read.
pub fn error_page(kind: ErrorPage, language: Language) -> String {
    let t = Strings::of(language);
    let (heading, message) = match kind {
        ErrorPage::NotFound => (t.not_found_heading, t.not_found_message),
        ErrorPage::Expired => (t.expired_heading, t.expired_message),
        ErrorPage::Unavailable => (t.unavailable_heading, t.unavailable_message),
        ErrorPage::TooLarge => (t.too_large_heading, t.too_large_message),
    };
    ErrorTemplate { lang: language.tag(), heading, message }.render().expect("error page renders")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_pages_speak_the_readers_language() {
        let page = error_page(ErrorPage::Expired, Language::It);
        assert!(page.contains("<html lang=\"it\">") && page.contains("<h1>Questo calendario è scaduto</h1>"), "{page}");
        let page = error_page(ErrorPage::NotFound, Language::EnUs);
        assert!(page.contains("<html lang=\"en-US\">") && page.contains("<h1>Calendar not found</h1>"), "{page}");
    }
}
