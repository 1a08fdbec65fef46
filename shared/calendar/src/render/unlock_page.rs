//! The page of a password share for a recipient who has not unlocked it: only the password form
//! (no title, no event, no count), or, embedded, only a link that opens the share in a new tab
//! (a `SameSite=Lax` cookie is not sent inside another site's frame).

use super::locale::{Language, Strings};
use crate::domain::ShareId;
use askama::Template;

/// Why the form is shown again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnlockNotice {
    WrongPassword,
    /// Too many wrong tries; the minutes until the window ends, rounded up.
    TooManyTries {
        minutes: i64,
    },
}

#[derive(Template)]
#[template(path = "unlock.html", whitespace = "minimize")]
struct UnlockTemplate<'a> {
    lang: &'static str,
    t: &'static Strings,
    id: &'a str,
    /// The recipient's pick of language, which the form and the page after it keep.
    picked: Option<&'static str>,
    embed: bool,
    notice: Option<String>,
}

/// In `language`; `picked` is the recipient's own pick (`lang=`), if that is where it came from.
pub fn unlock_page(
    id: &ShareId,
    embed: bool,
    notice: Option<UnlockNotice>,
    language: Language,
    picked: Option<Language>,
) -> String {
    let t = Strings::of(language);
    let notice = notice.map(|notice| match notice {
        UnlockNotice::WrongPassword => t.wrong_password.to_owned(),
        UnlockNotice::TooManyTries { minutes } => {
            let unit = if minutes == 1 { t.minute } else { t.minutes };
            format!("{}{minutes} {unit}{}", t.too_many_tries_before, t.too_many_tries_after)
        }
    });
    let picked = picked.map(Language::tag);
    UnlockTemplate { lang: language.tag(), t, id: id.as_str(), picked, embed, notice }
        .render()
        .expect("unlock page renders")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_posts_to_the_unlock_route_and_the_embed_page_only_links() {
        let id = ShareId::generate();
        let form = unlock_page(&id, false, Some(UnlockNotice::WrongPassword), Language::EnUs, None);
        assert!(form.contains(&format!(r#"action="/s/{id}/unlock""#)), "{form}");
        assert!(form.contains(r#"name="password" type="password""#) && form.contains("not right"));
        assert!(!form.contains("<script"));
        let embed = unlock_page(&id, true, None, Language::EnUs, None);
        assert!(!embed.contains("<form") && embed.contains(r#"target="_blank""#), "{embed}");
    }

    #[test]
    fn the_form_speaks_the_language_and_keeps_a_pick() {
        let id = ShareId::generate();
        let notice = Some(UnlockNotice::TooManyTries { minutes: 3 });
        let form = unlock_page(&id, false, notice, Language::De, Some(Language::De));
        assert!(form.contains(r#"<html lang="de">"#), "{form}");
        assert!(form.contains("Passwort erforderlich") && form.contains("in 3 Minuten noch einmal"), "{form}");
        assert!(form.contains(&format!(r#"action="/s/{id}/unlock?lang=de""#)), "{form}");
        let embed = unlock_page(&id, true, None, Language::Fr, None);
        assert!(embed.contains(&format!(r#"href="/s/{id}" "#)) && embed.contains("Mot de passe requis"), "{embed}");
    }
}
