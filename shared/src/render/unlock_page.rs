//! The page of a password share for a recipient who has not unlocked it: only the password form
//! (no title, no event, no count), or, embedded, only a link that opens the share in a new tab
//! (a `SameSite=Lax` cookie is not sent inside another site's frame).

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
    id: &'a str,
    embed: bool,
    notice: Option<String>,
}

pub fn unlock_page(id: &ShareId, embed: bool, notice: Option<UnlockNotice>) -> String {
    let notice = notice.map(|notice| match notice {
        UnlockNotice::WrongPassword => "That password is not right. Try again.".to_owned(),
        UnlockNotice::TooManyTries { minutes } => {
            format!("Too many wrong passwords. Try again in {minutes} minute{}.", if minutes == 1 { "" } else { "s" })
        }
    });
    UnlockTemplate { id: id.as_str(), embed, notice }.render().expect("unlock page renders")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_posts_to_the_unlock_route_and_the_embed_page_only_links() {
        let id = ShareId::generate();
        let form = unlock_page(&id, false, Some(UnlockNotice::WrongPassword));
        assert!(form.contains(&format!(r#"action="/s/{id}/unlock""#)), "{form}");
        assert!(form.contains(r#"name="password" type="password""#) && form.contains("not right"));
        assert!(!form.contains("<script"));
        let embed = unlock_page(&id, true, None);
        assert!(!embed.contains("<form") && embed.contains(r#"target="_blank""#), "{embed}");
    }
}
