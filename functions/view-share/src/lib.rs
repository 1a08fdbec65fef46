//! The view function: what anyone holding a share link gets, without an account: the rendered
//! read-only page and the iCalendar feed. It only reads.

mod cache;
pub mod encoding;

pub use cache::ViewCache;

use jiff::Timestamp;
use lambda_http::http::{HeaderMap, StatusCode, header};
use lambda_http::{Body, Request, RequestExt, Response};
use sha2::{Digest, Sha256};
use share_core::domain::{ShareRecord, SharedEvent};
use share_core::http::{log_response, path_parameter, route_key};
use share_core::render::{self, ErrorPage, PageQuery, with_security_headers};
use share_core::service::{self, ServiceError};
use share_core::store::{PolicyReads, PublishedShare, ShareReads};
use std::sync::Arc;

pub const ROUTES: &[&str] = &["GET /s/{id}", "GET /s/{id}/calendar.ics"];

/// Short enough that a revoke or a policy change reaches recipients behind a CDN within a minute.
const CACHE_CONTROL: &str = "public, max-age=30, s-maxage=30";

enum Representation {
    Page(PageQuery),
    Feed,
}

pub async fn handle<S: ShareReads + PolicyReads>(store: &S, cache: &ViewCache, request: Request) -> Response<Body> {
    let started = std::time::Instant::now();
    let response = serve(store, cache, &request).await;
    log_response(&request, &response, started);
    response
}

async fn serve<S: ShareReads + PolicyReads>(store: &S, cache: &ViewCache, request: &Request) -> Response<Body> {
    let accepted = encoding::Accepted::from_headers(request.headers());
    let Some(preferred) = accepted.preferred() else { return error_response(ErrorPage::TooLarge) };
    let representation = match route_key(request) {
        Some("GET /s/{id}") => {
            let query = request.query_string_parameters();
            Representation::Page(PageQuery::parse(query.iter()))
        }
        Some("GET /s/{id}/calendar.ics") => Representation::Feed,
        _ => return error_response(ErrorPage::NotFound),
    };
    let id = path_parameter(request, "id").unwrap_or_default();
    let now = Timestamp::now();
    let published = match service::share_for_recipient(store, &id, now).await {
        Ok(published) => published,
        Err(error) => return error_response(error_page_for(&error)),
    };
    let etag = entity_tag(&published.record, &representation, now);
    if if_none_match(request.headers(), &preferred.entity_tag(&etag)) {
        let builder = Response::builder().status(StatusCode::NOT_MODIFIED);
        return with_view_headers(builder, &representation, &preferred.entity_tag(&etag))
            .body(Body::Empty)
            .expect("valid response");
    }
    let body = match cache.body(&etag) {
        Some(body) => body,
        None => {
            let events = match snapshot(cache, &published) {
                Ok(events) => events,
                Err(error) => return error_response(error_page_for(&error)),
            };
            let body: Arc<str> = match &representation {
                Representation::Page(query) => render::share_page(&published.record, &events, query, now),
                Representation::Feed => render::calendar_feed(&published.record, &events),
            }
            .into();
            cache.keep_body(&etag, Arc::clone(&body));
            body
        }
    };
    let content_type = match representation {
        Representation::Page(_) => "text/html; charset=utf-8",
        Representation::Feed => "text/calendar; charset=utf-8",
    };
    let Some((coding, sent)) = encoding::fitting_body(cache, &etag, &body, &accepted) else {
        return error_response(ErrorPage::TooLarge);
    };
    let builder = Response::builder().status(StatusCode::OK).header(header::CONTENT_TYPE, content_type);
    let mut builder = with_view_headers(builder, &representation, &coding.entity_tag(&etag));
    if let Some(content_encoding) = coding.content_encoding() {
        builder = builder.header(header::CONTENT_ENCODING, content_encoding);
    }
    builder.body(sent.into_lambda_body()).expect("valid response")
}

/// The share's events, decoded once per generation by a warm instance.
fn snapshot(cache: &ViewCache, published: &PublishedShare) -> Result<Arc<[SharedEvent]>, ServiceError> {
    let record = &published.record;
    if let Some(events) = cache.snapshot(&record.id, &record.generation) {
        return Ok(events);
    }
    let events: Arc<[SharedEvent]> = service::snapshot_events(published)?.into();
    cache.keep_snapshot(&record.id, &record.generation, Arc::clone(&events));
    Ok(events)
}

/// An expired share gets its own page (and 410); anything else a recipient may not see looks like a
/// link to nothing.
fn error_page_for(error: &ServiceError) -> ErrorPage {
    match error {
        ServiceError::Expired => ErrorPage::Expired,
        ServiceError::NotFound | ServiceError::Denied(_) | ServiceError::Invalid(_) | ServiceError::Conflict(_) => {
            ErrorPage::NotFound
        }
        ServiceError::Store(cause) => {
            tracing::error!(error = %cause, "share could not be read");
            ErrorPage::Unavailable
        }
    }
}

/// The variant a recipient sees depends on the snapshot, their query, and (for the page) today.
/// It is also the key of the rendered-body cache: whatever a body depends on must be hashed here.
fn entity_tag(record: &ShareRecord, representation: &Representation, now: Timestamp) -> String {
    let mut hasher = Sha256::new();
    hasher.update(record.id.as_str());
    hasher.update(record.generation.as_str());
    match representation {
        Representation::Page(query) => {
            hasher.update(query.cache_key());
            hasher.update(query.today(record, now).to_string());
        }
        Representation::Feed => hasher.update("feed"),
    }
    let digest = hasher.finalize();
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

fn if_none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers.get_all(header::IF_NONE_MATCH).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(
        |candidate| {
            let candidate = candidate.trim();
            candidate == "*" || candidate.trim_start_matches("W/") == etag
        },
    )
}

fn with_view_headers(
    builder: lambda_http::http::response::Builder,
    representation: &Representation,
    etag: &str,
) -> lambda_http::http::response::Builder {
    let embed = matches!(representation, Representation::Page(query) if query.embed);
    with_security_headers(builder, embed)
        .header(header::ETAG, etag)
        .header(header::CACHE_CONTROL, CACHE_CONTROL)
        .header(header::VARY, "Accept-Encoding")
}

fn error_response(page: ErrorPage) -> Response<Body> {
    let mut builder = with_security_headers(Response::builder().status(page.status()), false)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header(header::CACHE_CONTROL, "no-store");
    match page {
        ErrorPage::Unavailable => builder = builder.header(header::RETRY_AFTER, "2"),
        ErrorPage::TooLarge => builder = builder.header(header::VARY, "Accept-Encoding"),
        ErrorPage::NotFound | ErrorPage::Expired => {}
    }
    builder.body(Body::Text(render::error_page(page))).expect("valid response")
}
