//! The recipients' HTML answers, for the view and unlock functions alike: the language an answer
//! speaks before a share is read, the error page a service error becomes, and the security headers
//! every page carries.

use crate::ServiceConfig;
use crate::render::locale::Language;
use crate::render::{self, ErrorPage, Framing, Scripts, content_security_policy};
use crate::service::ServiceError;
use lambda_http::http::response::Builder;
use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Request, RequestExt, Response};

pub const HTML: &str = "text/html; charset=utf-8";

/// The header the CDN adds to every request it forwards to the recipients' routes (template.yaml).
pub const ORIGIN_HEADER: &str = "x-origin-verify";

/// Whether the request came through the CDN: any request where no CDN is configured, else only one
/// with the CDN's header. The WAF and the cache are the CDN's; a request around them is refused.
pub fn came_through_cdn(request: &Request, config: &ServiceConfig) -> bool {
    let Some(secret) = &config.origin_secret else { return true };
    request.headers().get_all(ORIGIN_HEADER).iter().any(|value| secret.is(value.as_bytes()))
}

/// The answer to a request that went around the CDN.
pub fn around_the_cdn() -> Response<Body> {
    Response::builder()
        .status(StatusCode::FORBIDDEN)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::Text("Open the share's link: this address answers only through the share's own domain.\n".into()))
        .expect("valid response")
}

/// The reader's pick: the last `lang=`, as the page's own query takes it.
pub fn picked_language(request: &Request) -> Option<&str> {
    request.query_string_parameters_ref().and_then(|query| query.all("lang")?.last().copied())
}

/// The browser's `Accept-Language`, every value of it.
pub fn accept_language(request: &Request) -> Option<String> {
    let values: Vec<&str> =
        request.headers().get_all(header::ACCEPT_LANGUAGE).iter().filter_map(|v| v.to_str().ok()).collect();
    (!values.is_empty()).then(|| values.join(","))
}

/// The language of an answer given before any share is read: the reader's pick, else their browser's
/// (`accept_language`, as `accept_language` read it).
pub fn answer_language(request: &Request, accept_language: Option<&str>) -> Language {
    Language::requested(picked_language(request), accept_language).unwrap_or(Language::DEFAULT)
}

/// An expired share gets its own page (and 410); anything else a recipient may not see looks like a
/// link to nothing; a store that cannot be read is worth trying again (logged by cause).
pub fn error_page_for(error: &ServiceError) -> ErrorPage {
    match error {
        ServiceError::Expired => ErrorPage::Expired,
        ServiceError::NotFound | ServiceError::Denied(_) | ServiceError::Invalid(_) | ServiceError::Conflict(_) => {
            ErrorPage::NotFound
        }
        ServiceError::Store(cause) => {
            tracing::error!(error = %cause, "share could not be read");
            ErrorPage::Unavailable
        }
        // Only a call that writes several shares stops midway; a recipient's read does not.
        ServiceError::Midway { cause, .. } => error_page_for(cause),
    }
}

pub fn status_of(page: ErrorPage) -> StatusCode {
    match page {
        ErrorPage::NotFound => StatusCode::NOT_FOUND,
        ErrorPage::Expired => StatusCode::GONE,
        ErrorPage::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorPage::TooLarge => StatusCode::NOT_ACCEPTABLE,
    }
}

/// The error page in `language`, on `builder`'s headers (the function's cache rules).
pub fn error_page_response(builder: Builder, page: ErrorPage, language: Language) -> Response<Body> {
    let mut builder = builder.status(status_of(page)).header(header::CONTENT_TYPE, HTML);
    if page == ErrorPage::Unavailable {
        builder = builder.header(header::RETRY_AFTER, "2");
    }
    builder.body(Body::Text(render::error_page(page, language))).expect("valid response")
}

/// Adds the security headers. `X-Frame-Options`, which cannot name sites, only where nobody may frame.
pub fn with_security_headers(builder: Builder, framing: Framing<'_>, scripts: Scripts) -> Builder {
    let builder = builder
        .header(header::CONTENT_SECURITY_POLICY, content_security_policy(framing, scripts))
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::REFERRER_POLICY, "no-referrer")
        .header("x-robots-tag", "noindex, nofollow");
    match framing {
        Framing::Nobody => builder.header(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        Framing::AnySite | Framing::Only(_) => builder,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expired_share_answers_410_gone() {
        assert_eq!(status_of(ErrorPage::Expired), StatusCode::GONE);
        assert_eq!(status_of(ErrorPage::NotFound), StatusCode::NOT_FOUND);
        assert_eq!(status_of(ErrorPage::Unavailable), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(status_of(ErrorPage::TooLarge), StatusCode::NOT_ACCEPTABLE);
    }
}
