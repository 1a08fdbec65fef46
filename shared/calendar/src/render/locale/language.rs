//! The languages the pages speak, and which one a page speaks: the contract's order of sources, each
//! tag matched to a supported language or passed over.
//!
//! Matching: the language subtag decides, the region only between English and Portuguese forms.
//! `en`, `en-US` and the US territories (`en-AS`, `en-GU`, `en-MP`, `en-PR`, `en-UM`, `en-VI`) are
//! American English; every other English region (`en-AU`, `en-IE`, `en-IN`, …, whose CLDR parent is
//! `en-001`, as `en-GB`'s is) is British English. Any region of German, French, Spanish, Italian or
//! Dutch (`de-AT`, `fr-CA`, `es-MX`, …) is that language; `pt` and every Portuguese region is
//! Brazilian Portuguese (CLDR's `pt`). Every other language is unsupported and the next source decides.

use crate::domain::LocaleTag;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    EnUs,
    EnGb,
    De,
    Fr,
    Es,
    It,
    Nl,
    PtBr,
}

/// Past this, an `Accept-Language` header is not read further (browsers send a few hundred bytes).
const MAX_ACCEPT_LANGUAGE_BYTES: usize = 1024;

const US_ENGLISH_REGIONS: [&str; 7] = ["US", "AS", "GU", "MP", "PR", "UM", "VI"];

impl Language {
    pub const ALL: [Self; 8] = [Self::EnUs, Self::EnGb, Self::De, Self::Fr, Self::Es, Self::It, Self::Nl, Self::PtBr];
    pub const DEFAULT: Self = Self::EnUs;

    /// The tag `<html lang>` and the `lang` parameter carry.
    pub fn tag(self) -> &'static str {
        match self {
            Self::EnUs => "en-US",
            Self::EnGb => "en-GB",
            Self::De => "de",
            Self::Fr => "fr",
            Self::Es => "es",
            Self::It => "it",
            Self::Nl => "nl",
            Self::PtBr => "pt-BR",
        }
    }

    /// The language's name in itself, for the page's language switch.
    pub fn own_name(self) -> &'static str {
        match self {
            Self::EnUs => "English (US)",
            Self::EnGb => "English (UK)",
            Self::De => "Deutsch",
            Self::Fr => "Français",
            Self::Es => "Español",
            Self::It => "Italiano",
            Self::Nl => "Nederlands",
            Self::PtBr => "Português (Brasil)",
        }
    }

    /// The supported language a well-formed tag asks for, if any.
    pub fn of_tag(tag: &LocaleTag) -> Option<Self> {
        let mut subtags = tag.as_str().split('-');
        let language = subtags.next()?;
        // The region is the first subtag after an optional script: two letters or three digits.
        let region = subtags
            .take_while(|subtag| subtag.len() > 1)
            .find(|subtag| subtag.len() == 2 || (subtag.len() == 3 && subtag.bytes().all(|b| b.is_ascii_digit())));
        Some(match language {
            "en" => match region {
                None => Self::EnUs,
                Some(region) if US_ENGLISH_REGIONS.contains(&region) => Self::EnUs,
                Some(_) => Self::EnGb,
            },
            "de" => Self::De,
            "fr" => Self::Fr,
            "es" => Self::Es,
            "it" => Self::It,
            "nl" => Self::Nl,
            "pt" => Self::PtBr,
            _ => return None,
        })
    }

    /// The supported language a raw tag (a query value, a header entry) asks for; malformed or
    /// unsupported tags ask for none.
    pub fn parse(raw: &str) -> Option<Self> {
        LocaleTag::parse(raw.trim()).ok().as_ref().and_then(Self::of_tag)
    }

    /// What a reader asks for before any share is read: their pick (`lang=`), else their browser's.
    pub fn requested(picked: Option<&str>, accept_language: Option<&str>) -> Option<Self> {
        picked.and_then(Self::parse).or_else(|| accept_language.and_then(Self::from_accept_language))
    }

    /// The reader's most preferred supported language in an `Accept-Language` header: entries by
    /// descending `q` (ties in the header's order), `q=0` and `*` never chosen.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let header = match header.char_indices().nth(MAX_ACCEPT_LANGUAGE_BYTES) {
            Some((cut, _)) => &header[..header[..cut].rfind(',').unwrap_or(cut)],
            None => header,
        };
        let mut best: Option<(u16, Self)> = None;
        for entry in header.split(',') {
            let mut parts = entry.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let weight = parts.find_map(|param| param.trim().strip_prefix("q=")).map_or(Some(1000), quality);
            let (Some(weight), Some(language)) = (weight, Self::parse(tag)) else { continue };
            if weight > 0 && best.is_none_or(|(kept, _)| weight > kept) {
                best = Some((weight, language));
            }
        }
        best.map(|(_, language)| language)
    }
}

/// RFC 9110's qvalue in thousandths: `0`, `0.5`, `1.000`; anything else is no value.
fn quality(raw: &str) -> Option<u16> {
    let (whole, fraction) = raw.split_once('.').unwrap_or((raw, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = format!("{fraction:0<3}").parse::<u16>().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// Where a page's language may come from, in the contract's order.
#[derive(Debug, Clone, Copy, Default)]
pub struct LanguageSources<'a> {
    /// `lang=` in the query: the recipient's pick.
    pub picked: Option<Language>,
    pub share_locale: Option<&'a LocaleTag>,
    pub group_locale: Option<&'a LocaleTag>,
    /// The browser's `Accept-Language`, already matched.
    pub browser: Option<Language>,
}

impl LanguageSources<'_> {
    /// The first source that names a supported language decides; else American English.
    pub fn resolve(&self) -> Language {
        self.picked
            .or_else(|| self.share_locale.and_then(Language::of_tag))
            .or_else(|| self.group_locale.and_then(Language::of_tag))
            .or(self.browser)
            .unwrap_or(Language::DEFAULT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(raw: &str) -> LocaleTag {
        LocaleTag::parse(raw).unwrap()
    }

    #[test]
    fn each_source_decides_in_turn() {
        let (share, group) = (tag("fr-FR"), tag("it"));
        let all = LanguageSources {
            picked: Some(Language::De),
            share_locale: Some(&share),
            group_locale: Some(&group),
            browser: Some(Language::Nl),
        };
        assert_eq!(all.resolve(), Language::De);
        assert_eq!(LanguageSources { picked: None, ..all }.resolve(), Language::Fr);
        assert_eq!(LanguageSources { picked: None, share_locale: None, ..all }.resolve(), Language::It);
        assert_eq!(LanguageSources { browser: Some(Language::Nl), ..Default::default() }.resolve(), Language::Nl);
        assert_eq!(LanguageSources::default().resolve(), Language::EnUs);
    }

    #[test]
    fn an_unsupported_source_lets_the_next_decide() {
        let (share, group) = (tag("ja-JP"), tag("zh-Hant-TW"));
        let sources = LanguageSources {
            picked: Language::parse("sw"),
            share_locale: Some(&share),
            group_locale: Some(&group),
            browser: Language::from_accept_language("ko, pt-PT;q=0.5"),
        };
        assert_eq!(sources.resolve(), Language::PtBr);
        assert_eq!(LanguageSources { browser: None, ..sources }.resolve(), Language::EnUs);
        assert_eq!(Language::parse("<script>"), None);
    }

    #[test]
    fn regions_match_as_documented() {
        for (raw, language) in [
            ("en", Language::EnUs),
            ("en-us", Language::EnUs),
            ("en-PR", Language::EnUs),
            ("en-GB", Language::EnGb),
            ("en-AU", Language::EnGb),
            ("en-Latn-IE", Language::EnGb),
            ("en-001", Language::EnGb),
            ("de-AT", Language::De),
            ("de-CH-1996", Language::De),
            ("fr-CA", Language::Fr),
            ("es-419", Language::Es),
            ("it-CH", Language::It),
            ("nl-BE", Language::Nl),
            ("pt", Language::PtBr),
            ("pt-PT", Language::PtBr),
            ("en-u-hc-h23", Language::EnUs),
        ] {
            assert_eq!(Language::parse(raw), Some(language), "{raw}");
        }
        for language in Language::ALL {
            assert_eq!(Language::parse(language.tag()), Some(language));
        }
    }

    #[test]
    fn accept_language_follows_q_values() {
        assert_eq!(Language::from_accept_language("de-DE,de;q=0.9,en;q=0.8"), Some(Language::De));
        assert_eq!(Language::from_accept_language("en;q=0.5, fr;q=0.9"), Some(Language::Fr));
        assert_eq!(Language::from_accept_language("ja, es;q=0.3, it;q=0.3"), Some(Language::Es));
        assert_eq!(Language::from_accept_language("nl;q=0, en-GB;q=0.1"), Some(Language::EnGb));
        assert_eq!(Language::from_accept_language("*, fr;q=0.2"), Some(Language::Fr));
        assert_eq!(Language::from_accept_language("fr;q=2, it;q=0.5x, nl;q=0.25"), Some(Language::Nl));
        assert_eq!(Language::from_accept_language("nl;q=0"), None);
        assert_eq!(Language::from_accept_language(""), None);
        let long = format!("{}de", "xx;q=0.1, ".repeat(200));
        assert_eq!(Language::from_accept_language(&long), None, "read no further than the limit");
    }
}
