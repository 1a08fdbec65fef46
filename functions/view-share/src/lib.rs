//! The view function: what anyone holding a share link gets, without an account: the rendered
//! read-only page and the iCalendar feed. It only reads.

pub mod brotli;
mod cache;
mod calendar_files;
pub mod encoding;
mod rehearsal;

pub use cache::ViewCache;

use calendar_files::CalendarFile;
pub use rehearsal::rehearse;

use jiff::Timestamp;
use lambda_http::http::{HeaderMap, StatusCode, header};
use lambda_http::{Body, Request, RequestExt, Response};
use sha2::{Digest, Sha256};
use share_core::ServiceConfig;
use share_core::domain::{DisplaySettings, SealedSnapshot, ShareId, ShareRecord, SharedEvent, unlock_cookie_in};
use share_core::http::page::{self, HTML, error_page_for, error_page_response, with_security_headers};
use share_core::http::{log_response, path_parameter, public_base_url, route_key};
use share_core::render::locale::Language;
use share_core::render::{self, ErrorPage, Framing, PageQuery, Scripts};
use share_core::secrets::SecretName;
use share_core::service::{self, ServiceError};
use share_core::store::{PolicyReads, ShareReads};
use std::sync::Arc;

/// HEAD answers as GET without a body; any other path under /s/ gets the HTML 404 page.
pub const ROUTES: &[&str] = &[
    "GET /s/{id}",
    "HEAD /s/{id}",
    "GET /s/{id}/calendar.ics",
    "HEAD /s/{id}/calendar.ics",
    "GET /s/{id}/events/{event}",
    "HEAD /s/{id}/events/{event}",
    "GET /s/{id}/freebusy.ics",
    "HEAD /s/{id}/freebusy.ics",
    "GET /s/{id}/qr.svg",
    "HEAD /s/{id}/qr.svg",
    "GET /s/{id}/sealed",
    "HEAD /s/{id}/sealed",
    "GET /s/{proxy+}",
    "HEAD /s/{proxy+}",
    "GET /openapi.json",
];

/// What a sealed share's shell loads: the page-assets function serves both.
const SEALED_SHELL: render::ShellAssets =
    render::ShellAssets { script: page_assets::SCRIPT_PATH, renderer: page_assets::RENDERER_PATH };

/// Short enough that a revoke or a policy change reaches recipients behind a CDN within a minute.
const CACHE_CONTROL: &str = "public, max-age=30, s-maxage=30";

/// A password share's every response is for one reader: no shared cache may keep or reuse it.
const LOCKED_CACHE_CONTROL: &str = "private, no-store";

/// An SVG opened on its own is a document: the QR code's may load and run nothing.
const QR_CODE_POLICY: &str = "default-src 'none'";

/// A share as a recipient is shown it: its record, its events (shared with the cache) or, sealed,
/// its ciphertext, and its group's display settings.
#[derive(Clone)]
pub(crate) struct ShownShare {
    record: ShareRecord,
    events: Arc<[SharedEvent]>,
    sealed: Option<Arc<SealedSnapshot>>,
    display: DisplaySettings,
}

/// What every step of answering one request reads beside the share.
struct Viewing<'a> {
    cache: &'a ViewCache,
    config: &'a ServiceConfig,
    request: &'a Request,
    now: Timestamp,
}

enum Representation {
    /// The query, and the origin the page's subscribe links are built on.
    Page(PageQuery, String),
    Feed(CalendarFile),
    /// The QR code of the page's link on this origin.
    QrCode(String),
    /// A sealed share's ciphertext, envelope and display settings, for its page to decrypt.
    Sealed,
}

/// The function as Lambda runs it (`share_core::lambda`): it checks cookies with its own key, rehearses
/// a view during init, and keeps one cache per execution environment.
pub async fn run_in_lambda() -> Result<(), lambda_http::Error> {
    let cache: &'static ViewCache = Box::leak(Box::new(ViewCache::new()));
    share_core::lambda::run_in_lambda(
        &[SecretName::UnlockCookieKey, SecretName::OriginVerify],
        rehearse(),
        move |store, config, request| handle_at(store, cache, config, request),
    )
    .await
}

/// Serves on the request's own (well-formed) host, as without a configured `PUBLIC_BASE_URL`, with
/// the development cookie key.
pub async fn handle<S: ShareReads + PolicyReads>(store: &S, cache: &ViewCache, request: Request) -> Response<Body> {
    static DEFAULTS: std::sync::LazyLock<ServiceConfig> = std::sync::LazyLock::new(ServiceConfig::default);
    handle_at(store, cache, &DEFAULTS, request).await
}

/// `config.public_base_url` is the configured origin of share links (`PUBLIC_BASE_URL`); the page's
/// subscribe links name the feed on it, as the share object's `icsUrl` does.
pub async fn handle_at<S: ShareReads + PolicyReads>(
    store: &S,
    cache: &ViewCache,
    config: &ServiceConfig,
    request: Request,
) -> Response<Body> {
    let started = std::time::Instant::now();
    let mut response = match route_key(&request) {
        Some("GET /openapi.json") => api_description(),
        _ if !page::came_through_cdn(&request, config) => page::around_the_cdn(),
        _ => serve(store, cache, config, &request).await,
    };
    if request.method() == lambda_http::http::Method::HEAD {
        *response.body_mut() = Body::Empty;
    }
    log_response(&request, &response, started);
    response
}

/// Only the store read is generic: the rest is compiled once, whatever the store.
async fn serve<S: ShareReads + PolicyReads>(
    store: &S,
    cache: &ViewCache,
    config: &ServiceConfig,
    request: &Request,
) -> Response<Body> {
    let view = match ViewRequest::of(config, request) {
        Ok(view) => view,
        Err((page, language)) => return error_response(page, language),
    };
    let viewing = Viewing { cache, config, request, now: Timestamp::now() };
    let read = share_and_snapshot(store, cache, &view.id, viewing.now).await;
    respond(&viewing, view, read)
}

/// Answers `request` with a share already in hand: the init rehearsal's, which so walks every step
/// of a view but the store's read.
fn serve_share(cache: &ViewCache, config: &ServiceConfig, request: &Request, share: ShownShare) -> Response<Body> {
    match ViewRequest::of(config, request) {
        Ok(view) => respond(&Viewing { cache, config, request, now: Timestamp::now() }, view, Ok(share)),
        Err((page, language)) => error_response(page, language),
    }
}

/// What a request asks for, understood before anything is read.
struct ViewRequest {
    id: ShareId,
    representation: Representation,
    accepted: encoding::Accepted,
    /// The language of an error page: the reader's pick, else their browser's (no share read yet).
    error_language: Language,
}

impl ViewRequest {
    /// The error page to answer instead, in its language, when the request names nothing to view.
    fn of(config: &ServiceConfig, request: &Request) -> Result<Self, (ErrorPage, Language)> {
        let accept_language = page::accept_language(request);
        let error_language = page::answer_language(request, accept_language.as_deref());
        let refuse = |page| Err((page, error_language));
        let accepted = encoding::Accepted::from_headers(request.headers());
        if accepted.preferred().is_none() {
            return refuse(ErrorPage::TooLarge);
        }
        let representation = match route_key(request) {
            Some("GET /s/{id}" | "HEAD /s/{id}") => {
                let query = request.query_string_parameters();
                let origin = public_base_url(request, config.public_base_url.as_ref());
                let page_query = PageQuery::parse(query.iter()).with_accept_language(accept_language.as_deref());
                Representation::Page(page_query, origin)
            }
            Some("GET /s/{id}/sealed" | "HEAD /s/{id}/sealed") => Representation::Sealed,
            Some("GET /s/{id}/qr.svg" | "HEAD /s/{id}/qr.svg") => {
                Representation::QrCode(public_base_url(request, config.public_base_url.as_ref()))
            }
            route => match route.and_then(|route| CalendarFile::of_route(route, request)) {
                Some(Some(file)) => Representation::Feed(file),
                _ => return refuse(ErrorPage::NotFound),
            },
        };
        let Some(id) = path_parameter(request, "id").as_deref().and_then(ShareId::parse) else {
            return refuse(ErrorPage::NotFound);
        };
        Ok(Self { id, representation, accepted, error_language })
    }
}

fn respond(viewing: &Viewing<'_>, view: ViewRequest, read: Result<ShownShare, ServiceError>) -> Response<Body> {
    let ViewRequest { representation, accepted, error_language, .. } = view;
    let share = match read {
        Ok(share) => share,
        Err(error) => return error_response(error_page_for(&error), error_language),
    };
    let record = &share.record;
    // A sealed share has no feed, and only a sealed share has a ciphertext.
    let served = match representation {
        Representation::Page(..) => true,
        Representation::Feed(file) => !record.sealed && file.exists(record, &share.events, viewing.now),
        Representation::Sealed => record.sealed,
        // A sealed share's link holds its key, which a code the service draws cannot hold.
        Representation::QrCode(_) => !record.sealed,
    };
    // A password share's feed files ask for the key before telling which events exist.
    if let Some(refusal) = refusal_of_locked(viewing, record, &representation, error_language) {
        return refusal;
    }
    if !served {
        return error_response(ErrorPage::NotFound, error_language);
    }
    let preferred = accepted.preferred().expect("checked before the read");
    let etag = entity_tag(record, &share.display, &representation, viewing.now);
    if if_none_match(viewing.request.headers(), &preferred.entity_tag(&etag)) {
        let builder = Response::builder().status(StatusCode::NOT_MODIFIED);
        return with_view_headers(builder, record, &representation, &preferred.entity_tag(&etag))
            .body(Body::Empty)
            .expect("valid response");
    }
    let body = rendered_body(viewing, &share, &representation, &etag);
    let content_type = match representation {
        Representation::Page(..) => HTML,
        Representation::Feed(_) => "text/calendar; charset=utf-8",
        Representation::Sealed => "application/json",
        Representation::QrCode(_) => "image/svg+xml",
    };
    let limit = match representation {
        Representation::Sealed => encoding::MAX_SEALED_SENT_BYTES,
        _ => encoding::MAX_SENT_BYTES,
    };
    let Some((coding, sent)) = encoding::fitting_body(viewing.cache, &etag, &body, &accepted, limit) else {
        return error_response(ErrorPage::TooLarge, error_language);
    };
    let builder = Response::builder().status(StatusCode::OK).header(header::CONTENT_TYPE, content_type);
    let mut builder = with_view_headers(builder, record, &representation, &coding.entity_tag(&etag));
    if let Some(content_encoding) = coding.content_encoding() {
        builder = builder.header(header::CONTENT_ENCODING, content_encoding);
    }
    if let Representation::Feed(file) = &representation
        && let Some(disposition) = file.disposition()
    {
        builder = builder.header(header::CONTENT_DISPOSITION, disposition);
    }
    if let (Representation::QrCode(_), Some(headers)) = (&representation, builder.headers_mut()) {
        headers.insert(header::CONTENT_SECURITY_POLICY, header::HeaderValue::from_static(QR_CODE_POLICY));
    }
    builder.body(sent.into_lambda_body()).expect("valid response")
}

/// The page or feed, rendered once per variant (`etag`) by a warm instance.
fn rendered_body(viewing: &Viewing<'_>, share: &ShownShare, representation: &Representation, etag: &str) -> Arc<str> {
    if let Some(body) = viewing.cache.body(etag) {
        return body;
    }
    let ShownShare { record, events, sealed, display } = share;
    let body: Arc<str> = match (representation, sealed) {
        (Representation::Page(query, _), Some(_)) => render::sealed_page(record, display, query, &SEALED_SHELL),
        (Representation::Page(query, origin), None) => {
            render::share_page(record, events, display, query, origin, viewing.now)
        }
        (Representation::Sealed, Some(sealed)) => render::sealed_json(record, sealed, display),
        (Representation::Feed(file), _) => file.render(record, events, viewing.now).unwrap_or_default(),
        (Representation::QrCode(origin), _) => render::qr_svg(&format!("{origin}/s/{}", record.id)).unwrap_or_default(),
        (Representation::Sealed, None) => String::new(),
    }
    .into();
    viewing.cache.keep_body(etag, Arc::clone(&body));
    body
}

/// The share's record, read on every request (revoke, expiry and policy are decided fresh), and its
/// events, decoded once per generation by a warm instance: a share whose snapshot is held costs one
/// small read of its record, one never served costs one read of the whole share, and only a share
/// re-published since it was last served costs both. The group's display settings come with the
/// owner's standing.
async fn share_and_snapshot<S: ShareReads + PolicyReads>(
    store: &S,
    cache: &ViewCache,
    id: &ShareId,
    now: Timestamp,
) -> Result<ShownShare, ServiceError> {
    let share = service::share_for_recipient(store, id, now, !cache.holds_share(id)).await?;
    let display = share.display;
    let generation = &share.record.generation;
    if let Some(sealed) = cache.ciphertext(id, generation).filter(|_| share.record.sealed) {
        return Ok(ShownShare { record: share.record, events: Arc::new([]), sealed: Some(sealed), display });
    }
    if let Some(events) = cache.snapshot(id, generation) {
        return Ok(ShownShare { record: share.record, events, sealed: None, display });
    }
    let (record, chunks) = match share.chunks {
        Some(chunks) => (share.record, chunks),
        None => {
            let published = service::snapshot_for_recipient(store, &share.record, now).await?;
            (published.record, published.chunks)
        }
    };
    if record.sealed {
        let sealed = Arc::new(SealedSnapshot::stored(chunks.concat(), record.event_count));
        cache.keep_ciphertext(id, &record.generation, Arc::clone(&sealed));
        return Ok(ShownShare { record, events: Arc::new([]), sealed: Some(sealed), display });
    }
    let events: Arc<[SharedEvent]> = service::snapshot_events(&chunks)?.into();
    cache.keep_snapshot(id, &record.generation, Arc::clone(&events));
    Ok(ShownShare { record, events, sealed: None, display })
}

/// The variant a recipient sees depends on the snapshot, their query, and (for the page) today.
/// It is also the key of the rendered-body cache: whatever a body depends on must be hashed here.
fn entity_tag(
    record: &ShareRecord,
    display: &DisplaySettings,
    representation: &Representation,
    now: Timestamp,
) -> String {
    let mut hasher = Sha256::new();
    hasher.update(record.id.as_str());
    hasher.update(record.generation.as_str());
    match representation {
        Representation::Page(query, origin) => {
            // The group's settings (≤ 16 KiB, most groups none): their JSON is their identity.
            if !display.is_empty() {
                hasher.update(serde_json::to_vec(display).unwrap_or_default());
            }
            hasher.update(query.cache_key());
            hasher.update(origin);
            hasher.update(query.today(&record.options.time_zone, now).to_string());
            // A rolling share's page moves with its window, which starts on a day of the share's zone.
            hasher.update(record.options.range_at(now).start.to_string());
            if record.sealed {
                // A deploy with a new renderer names new assets: the shell that loads them is new.
                hasher.update(SEALED_SHELL.script);
            }
        }
        Representation::Feed(file) => {
            hasher.update(file.tag());
            if record.options.rolling.is_some() {
                hasher.update(record.options.range_at(now).start.to_string());
            }
        }
        Representation::QrCode(origin) => {
            hasher.update("qr");
            hasher.update(origin);
        }
        Representation::Sealed => {
            hasher.update("sealed");
            hasher.update(serde_json::to_vec(display).unwrap_or_default());
        }
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

/// What a password share answers in place of its page or feed, unless the request opens it: the
/// page takes a valid unlock cookie (401 and the form without one; embedded, only a link), the
/// feed its key (404 without, as for a link to nothing).
fn refusal_of_locked(
    viewing: &Viewing<'_>,
    record: &ShareRecord,
    representation: &Representation,
    language: Language,
) -> Option<Response<Body>> {
    let lock = record.lock.as_ref()?;
    let Viewing { request, now, .. } = *viewing;
    let cookie_key = &viewing.config.unlock_cookie_key;
    match representation {
        // The code holds only the page's link, which its reader has already.
        Representation::QrCode(_) => None,
        // The page's script fetches the ciphertext with the reader's unlock cookie.
        Representation::Sealed => {
            let cookies = request.headers().get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok());
            let opens = unlock_cookie_in(cookies).any(|value| cookie_key.opens(&record.id, lock, value, now));
            (!opens).then(|| error_response(ErrorPage::NotFound, language))
        }
        Representation::Feed(_) => {
            let query = request.query_string_parameters();
            let opens = query.all("key").unwrap_or_default().iter().any(|key| lock.opens_feed(key));
            (!opens).then(|| error_response(ErrorPage::NotFound, language))
        }
        Representation::Page(query, _) => {
            let cookies = request.headers().get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok());
            let opens = unlock_cookie_in(cookies).any(|value| cookie_key.opens(&record.id, lock, value, now));
            if opens && !query.embed {
                return None;
            }
            let language = query.lang.or(query.browser_language).unwrap_or(Language::DEFAULT);
            let page = render::unlock_page(&record.id, query.embed, None, language, query.lang);
            let builder = Response::builder().status(StatusCode::UNAUTHORIZED).header(header::CONTENT_TYPE, HTML);
            Some(
                with_locked_headers(
                    with_security_headers(builder, framing_of(record, representation), Scripts::None),
                    representation,
                )
                .body(Body::Text(page))
                .expect("valid"),
            )
        }
    }
}

/// A password share's responses differ by reader (their cookie): never stored by a shared cache.
fn with_locked_headers(
    builder: lambda_http::http::response::Builder,
    representation: &Representation,
) -> lambda_http::http::response::Builder {
    builder.header(header::CACHE_CONTROL, LOCKED_CACHE_CONTROL).header(header::VARY, vary(representation, true))
}

/// What a response depends on beyond its URL: the page speaks the browser's language, and a password
/// share's answers depend on the reader's cookie.
fn vary(representation: &Representation, locked: bool) -> &'static str {
    match (representation, locked) {
        (Representation::Page(..), true) => "Cookie, Accept-Encoding, Accept-Language",
        (Representation::Feed(_) | Representation::Sealed | Representation::QrCode(_), true) => {
            "Cookie, Accept-Encoding"
        }
        (Representation::Page(..), false) => "Accept-Encoding, Accept-Language",
        (Representation::Feed(_) | Representation::Sealed | Representation::QrCode(_), false) => "Accept-Encoding",
    }
}

fn with_view_headers(
    builder: lambda_http::http::response::Builder,
    record: &ShareRecord,
    representation: &Representation,
    etag: &str,
) -> lambda_http::http::response::Builder {
    let scripts = match representation {
        Representation::Page(..) if record.sealed => Scripts::SealedShell,
        _ => Scripts::None,
    };
    let builder =
        with_security_headers(builder, framing_of(record, representation), scripts).header(header::ETAG, etag);
    if record.lock.is_some() {
        with_locked_headers(builder, representation)
    } else {
        builder.header(header::CACHE_CONTROL, CACHE_CONTROL).header(header::VARY, vary(representation, false))
    }
}

/// Who may frame a view of the share: the embed page the share's `embedOrigins` (any site without
/// them), anything else nobody.
fn framing_of<'a>(record: &'a ShareRecord, representation: &Representation) -> Framing<'a> {
    match representation {
        Representation::Page(query, _) if query.embed => Framing::embed_page(&record.options.embed_origins),
        _ => Framing::Nobody,
    }
}

/// The API's description, public like the recipients' routes (it holds no data of anyone's).
fn api_description() -> Response<Body> {
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CACHE_CONTROL, "public, max-age=300")
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .body(Body::Text(share_core::http::OPENAPI_JSON.to_owned()))
        .expect("valid response")
}

fn error_response(page: ErrorPage, language: Language) -> Response<Body> {
    let mut builder = with_security_headers(Response::builder(), Framing::Nobody, Scripts::None)
        .header(header::CACHE_CONTROL, "no-store");
    if page == ErrorPage::TooLarge {
        builder = builder.header(header::VARY, "Accept-Encoding");
    }
    error_page_response(builder, page, language)
}

#[cfg(test)]
mod tests;
