//! A sealed share as the service serves it: the page's shell, in the recipient's language (the
//! service cannot render what it cannot read), and `/s/{id}/sealed`, the ciphertext with what the
//! page needs beside it: the envelope it was sealed with and the group's display settings.

use super::PageQuery;
use super::locale::{LanguageSources, Strings};
use crate::domain::sealed::{SEALED_VERSION, SealedEnvelope};
use crate::domain::{DisplaySettings, SealedSnapshot, ShareRecord};
use askama::Template;
use serde::Serialize;

#[derive(Template)]
#[template(path = "sealed.html", whitespace = "minimize")]
struct SealedTemplate<'a> {
    lang: &'static str,
    t: &'static Strings,
    share_id: &'a str,
    assets: &'a ShellAssets,
}

/// Where the shell's script and the renderer it runs are served (same origin, names that change
/// with their content).
#[derive(Debug, Clone, Copy)]
pub struct ShellAssets {
    pub script: &'static str,
    pub renderer: &'static str,
}

/// The shell of a sealed share's page, in the language the recipient's page would have: its script
/// fetches the ciphertext, decrypts it with the link's key and renders the page in the browser.
pub fn sealed_page(record: &ShareRecord, display: &DisplaySettings, query: &PageQuery, assets: &ShellAssets) -> String {
    let sources = LanguageSources {
        picked: query.lang,
        share_locale: record.options.locale.as_ref(),
        group_locale: display.locale.as_ref(),
        browser: query.browser_language,
    };
    let language = sources.resolve();
    SealedTemplate { lang: language.tag(), t: Strings::of(language), share_id: record.id.as_str(), assets }
        .render()
        .expect("sealed page renders")
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SealedJson<'a> {
    v: u32,
    ciphertext: String,
    event_count: u32,
    envelope: SealedEnvelope,
    /// Beside the envelope, not bound to the ciphertext: the service checked it is inside the range.
    open_on: Option<jiff::civil::Date>,
    display: &'a DisplaySettings,
}

/// `GET /s/{id}/sealed`: the ciphertext as stored (base64url), the envelope it is bound to and the
/// display settings.
pub fn sealed_json(record: &ShareRecord, sealed: &SealedSnapshot, display: &DisplaySettings) -> String {
    let answer = SealedJson {
        v: SEALED_VERSION,
        ciphertext: sealed.encoded(),
        event_count: sealed.event_count(),
        envelope: SealedEnvelope::of(&record.options),
        open_on: record.options.open_on,
        display,
    };
    serde_json::to_string(&answer).expect("the answer serializes")
}
