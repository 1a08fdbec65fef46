//! The unlock function: a recipient posts a password share's password and gets the cookie that
//! opens its page. Apart from the view function so that one stays read-only: this one writes only
//! the lockout counts (IAM confines its writes to their partitions).

use jiff::Timestamp;
use lambda_http::http::{StatusCode, header};
use lambda_http::{Body, Request, Response};
use share_core::ServiceConfig;
use share_core::domain::{LockoutRule, ShareId, unlock_set_cookie};
use share_core::http::page::{self, HTML, error_page_for, error_page_response, with_security_headers};
use share_core::http::{ApiError, body_bytes, log_response, path_parameter, route_key};
use share_core::render::locale::Language;
use share_core::render::{self, ErrorPage, Framing, Scripts, UnlockNotice};
use share_core::secrets::SecretName;
use share_core::service::{self, UnlockOutcome};
use share_core::store::{LockoutCounts, PolicyReads, ShareReads};

pub const ROUTES: &[&str] = &["POST /s/{id}/unlock"];

/// A password is at most 128 characters: a form many times that is not one of ours.
pub const MAX_FORM_BYTES: usize = 4096;

const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// The function as Lambda runs it (`share_core::lambda`): it signs cookies with its own key.
pub async fn run_in_lambda() -> Result<(), lambda_http::Error> {
    let rule = LockoutRule::default();
    share_core::lambda::run_in_lambda(
        &[SecretName::UnlockCookieKey, SecretName::OriginVerify],
        async {},
        move |store, config, request| handle(store, config, rule, request),
    )
    .await
}

/// `rule` is the lockout's (the tests shorten its window).
pub async fn handle<S>(store: &S, config: &ServiceConfig, rule: LockoutRule, request: Request) -> Response<Body>
where
    S: ShareReads + PolicyReads + LockoutCounts,
{
    let started = std::time::Instant::now();
    // Refused before anything is read or checked: a request around the CDN skipped its WAF.
    let response = match page::came_through_cdn(&request, config) {
        false => page::around_the_cdn(),
        true => unlock(store, config, rule, &request).await.unwrap_or_else(ApiError::into_response),
    };
    log_response(&request, &response, started);
    response
}

async fn unlock<S>(
    store: &S,
    config: &ServiceConfig,
    rule: LockoutRule,
    request: &Request,
) -> Result<Response<Body>, ApiError>
where
    S: ShareReads + PolicyReads + LockoutCounts,
{
    // The language the form was in: the recipient's pick (the form's address keeps it), else the
    // browser's; the page after it keeps the pick.
    let picked = page::picked_language(request).and_then(Language::parse);
    let language = page::answer_language(request, page::accept_language(request).as_deref());
    let page_response = |page| page_response(page, language);
    if route_key(request) != Some(ROUTES[0]) {
        return Ok(page_response(ErrorPage::NotFound));
    }
    let Some(id) = path_parameter(request, "id").as_deref().and_then(ShareId::parse) else {
        return Ok(page_response(ErrorPage::NotFound));
    };
    let password = password_in_form(request)?;
    let now = Timestamp::now();
    let outcome = match service::unlock_share(store, &config.unlock_cookie_key, rule, &id, &password, now).await {
        Ok(outcome) => outcome,
        Err(error) => return Ok(page_response(error_page_for(&error))),
    };
    let form = FormLanguage { language, picked };
    let location = match picked {
        Some(picked) => format!("/s/{id}?lang={}", picked.tag()),
        None => format!("/s/{id}"),
    };
    let response = match outcome {
        UnlockOutcome::Opened { cookie } => locked_builder(StatusCode::SEE_OTHER)
            .header(header::LOCATION, location)
            .header(header::SET_COOKIE, unlock_set_cookie(&id, &cookie))
            .body(Body::Empty),
        UnlockOutcome::NotLocked => {
            locked_builder(StatusCode::SEE_OTHER).header(header::LOCATION, location).body(Body::Empty)
        }
        UnlockOutcome::Wrong => form_response(StatusCode::UNAUTHORIZED, &id, UnlockNotice::WrongPassword, form),
        UnlockOutcome::LockedOut { retry_after } => {
            // Whole seconds, rounded up: a client that waits that long finds the window over.
            let seconds = i64::try_from((retry_after.as_millis() + 999) / 1000).unwrap_or(i64::MAX).max(1);
            let mut response = form_response(
                StatusCode::TOO_MANY_REQUESTS,
                &id,
                UnlockNotice::TooManyTries { minutes: (seconds + 59) / 60 },
                form,
            )
            .expect("valid response");
            response.headers_mut().insert(header::RETRY_AFTER, seconds.into());
            Ok(response)
        }
    };
    Ok(response.expect("valid response"))
}

/// The form's `password` field: the form must be urlencoded, small, and hold it exactly once.
fn password_in_form(request: &Request) -> Result<String, ApiError> {
    let content_type = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let media_type = content_type.split(';').next().unwrap_or("").trim();
    if !media_type.eq_ignore_ascii_case(FORM_CONTENT_TYPE) {
        return Err(ApiError::BadRequest { detail: format!("The body must be {FORM_CONTENT_TYPE}"), pointer: None });
    }
    let body = body_bytes(request)?;
    if body.len() > MAX_FORM_BYTES {
        return Err(ApiError::BadRequest {
            detail: format!("The form is larger than {MAX_FORM_BYTES} bytes"),
            pointer: None,
        });
    }
    let mut passwords = form_urlencoded::parse(body).filter(|(name, _)| name == "password").map(|(_, value)| value);
    match (passwords.next(), passwords.next()) {
        (Some(password), None) => Ok(password.into_owned()),
        _ => Err(ApiError::BadRequest { detail: "The form must have one password field".into(), pointer: None }),
    }
}

/// Headers every answer about a password share carries: no shared cache keeps it.
fn locked_builder(status: StatusCode) -> lambda_http::http::response::Builder {
    with_security_headers(Response::builder().status(status), Framing::Nobody, Scripts::None)
        .header(header::CACHE_CONTROL, "private, no-store")
        .header(header::VARY, "Cookie, Accept-Language")
}

#[derive(Clone, Copy)]
struct FormLanguage {
    language: Language,
    picked: Option<Language>,
}

fn form_response(
    status: StatusCode,
    id: &ShareId,
    notice: UnlockNotice,
    form: FormLanguage,
) -> Result<Response<Body>, lambda_http::http::Error> {
    locked_builder(status).header(header::CONTENT_TYPE, HTML).body(Body::Text(render::unlock_page(
        id,
        false,
        Some(notice),
        form.language,
        form.picked,
    )))
}

fn page_response(page: ErrorPage, language: Language) -> Response<Body> {
    error_page_response(locked_builder(StatusCode::OK), page, language)
}
