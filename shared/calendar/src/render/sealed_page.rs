//! A sealed share as the service serves it: the page's shell, in the recipient's language (the
//! service cannot render what it cannot read), and `/s/{id}/sealed`, the ciphertext with what the
//! page needs beside it: the envelope it was sealed with and the group's display settings.

use super::PageQuery;
use super::locale::{LanguageSources, Strings};
use crate::domain::{DisplaySettings, SealedSnapshot, ShareRecord, sealed::SEALED_VERSION};
use askama::Template;
use serde::Serialize;

#[derive(Template)]
#[template(path = "sealed.html", whitespace = "minimize")]
struct SealedTemplate {
    lang: &'static str,
    t: &'static Strings,
}

/// The shell of a sealed share's page, in the language the recipient's page would have.
pub fn sealed_page(record: &ShareRecord, display: &DisplaySettings, query: &PageQuery) -> String {
    let sources = LanguageSources {
        picked: query.lang,
        share_locale: record.options.locale.as_ref(),
        group_locale: display.locale.as_ref(),
        browser: query.browser_language,
    };
    let language = sources.resolve();
    SealedTemplate { lang: language.tag(), t: Strings::of(language) }.render().expect("sealed page renders")
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SealedJson<'a> {
    v: u32,
    ciphertext: String,
    event_count: u32,
    envelope: Envelope<'a>,
    display: &'a DisplaySettings,
}

/// The envelope fields the ciphertext is bound to, as the page checks them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Envelope<'a> {
    time_zone: &'a str,
    range: &'a crate::domain::DateRange,
    detail: crate::domain::DetailLevel,
    view: &'a str,
    locale: Option<&'a str>,
}

/// `GET /s/{id}/sealed`: the ciphertext as stored (base64url), its envelope and the display settings.
pub fn sealed_json(record: &ShareRecord, sealed: &SealedSnapshot, display: &DisplaySettings) -> String {
    let options = &record.options;
    let answer = SealedJson {
        v: SEALED_VERSION,
        ciphertext: sealed.encoded(),
        event_count: sealed.event_count(),
        envelope: Envelope {
            time_zone: options.time_zone.name(),
            range: &options.range,
            detail: options.detail,
            view: options.view.as_str(),
            locale: options.locale.as_ref().map(crate::domain::LocaleTag::as_str),
        },
        display,
    };
    serde_json::to_string(&answer).expect("the answer serializes")
}
