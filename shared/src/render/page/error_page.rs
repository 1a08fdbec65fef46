//! What a recipient gets when a share cannot be shown, page and status: 404 for a link that leads
//! nowhere, 410 Gone for an expired share, 406 when no coding the client takes fits the size every
//! response keeps to, 503 when the store cannot be read. Same layout as the share page.

use askama::Template;
use lambda_http::http::StatusCode;

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

impl ErrorPage {
    pub fn status(self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Expired => StatusCode::GONE,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::TooLarge => StatusCode::NOT_ACCEPTABLE,
        }
    }
}

#[derive(Template)]
#[template(path = "error.html", whitespace = "minimize")]
struct ErrorTemplate {
    /// Error pages are in English whatever the language (they come before a share is read).
    lang: &'static str,
    heading: &'static str,
    message: &'static str,
}

pub fn error_page(kind: ErrorPage) -> String {
    let (heading, message) = match kind {
        ErrorPage::NotFound => (
            "Calendar not found",
            "This link does not lead to a shared calendar: it may be mistyped, or the calendar is no longer shared.",
        ),
        ErrorPage::Expired => (
            "This calendar has expired",
            "The person who shared this calendar set the link to stop working, and that time has passed.",
        ),
        ErrorPage::Unavailable => {
            ("Please try again", "The calendar cannot be shown right now; try again in a moment.")
        }
        ErrorPage::TooLarge => (
            "This calendar is too large to send",
            "It is too large to send uncompressed. Calendar apps and browsers that accept compressed (gzip) downloads can get it.",
        ),
    };
    ErrorTemplate { lang: "en", heading, message }.render().expect("error page renders")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expired_share_answers_410_gone() {
        assert_eq!(ErrorPage::Expired.status(), StatusCode::GONE);
        assert_eq!(ErrorPage::NotFound.status(), StatusCode::NOT_FOUND);
        assert_eq!(ErrorPage::Unavailable.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(ErrorPage::TooLarge.status(), StatusCode::NOT_ACCEPTABLE);
    }
}
