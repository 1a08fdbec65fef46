//! What a link in a description leads to. Safe Links (Microsoft Defender's wrapper, whose `data`
//! names the mailbox the message was sent to) are unwrapped to the address they protect before
//! anything else is decided; links into an online meeting (join, dial-in and meeting-option
//! pages, video-device addresses) are cut, whether or not the event names its meeting.

use super::REDACTED;
use ammonia::Url;

/// Safe Links wrapped in Safe Links are unwrapped this many times at most; deeper ones are cut.
const MAX_UNWRAPS: usize = 4;

/// What becomes of one link.
#[derive(Debug, PartialEq, Eq)]
pub enum LinkFate {
    Keep,
    /// A Safe Link: the address it protects.
    Replace(String),
    Cut,
}

/// The event's own redactions as links are judged: its secrets (lower-cased) and its meeting
/// provider's hosts, on top of the meeting services every event's links are judged against.
#[derive(Debug, Clone, Default)]
pub struct LinkRules {
    secrets: Vec<String>,
    hosts: Vec<String>,
}

impl LinkRules {
    pub fn new(secrets: &[&str], hosts: &[String]) -> Self {
        Self {
            secrets: secrets.iter().map(|s| s.to_lowercase()).collect(),
            hosts: hosts.iter().map(|h| h.to_ascii_lowercase()).collect(),
        }
    }

    pub fn fate_of(&self, link: &str) -> LinkFate {
        let mut target = link.trim().to_owned();
        let mut unwraps = 0;
        while let Some(protected) = safe_link_target(&target) {
            if unwraps == MAX_UNWRAPS {
                return LinkFate::Cut;
            }
            target = protected;
            unwraps += 1;
        }
        if self.blocks(&target) {
            return LinkFate::Cut;
        }
        match unwraps {
            0 => LinkFate::Keep,
            // The protected address takes the wrapper's place only if it is a link sanitising keeps.
            _ if Url::parse(&target).is_ok_and(|url| matches!(url.scheme(), "http" | "https" | "mailto")) => {
                LinkFate::Replace(target)
            }
            _ => LinkFate::Cut,
        }
    }

    pub fn blocks_host_of(&self, url: &str) -> bool {
        host_of(url).is_some_and(|host| self.hosts.iter().any(|blocked| is_under(&host, blocked)))
    }

    fn blocks(&self, url: &str) -> bool {
        let lower = url.to_lowercase();
        self.secrets.iter().any(|secret| lower.contains(secret.as_str()))
            || self.blocks_host_of(url)
            || is_meeting_link(url)
    }
}

fn host_of(url: &str) -> Option<String> {
    let url = Url::parse(url).ok()?;
    match url.scheme() {
        // A mailto address's host is its domain.
        "mailto" => url.path().rsplit_once('@').map(|(_, domain)| domain.to_ascii_lowercase()),
        _ => url.host_str().map(str::to_ascii_lowercase),
    }
}

fn is_under(host: &str, domain: &str) -> bool {
    host.strip_suffix(domain).is_some_and(|sub| sub.is_empty() || sub.ends_with('.'))
}

/// The address a Safe Link protects (its `url` parameter), or `None` if `link` is not one.
fn safe_link_target(link: &str) -> Option<String> {
    let url = Url::parse(link).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    let wrapped = ["safelinks.protection.outlook.com", "safelinks.protection.office365.us"]
        .iter()
        .any(|domain| is_under(&host, domain))
        || (host == "statics.teams.cdn.office.net" && url.path().contains("/safelinks/"));
    if !wrapped {
        return None;
    }
    // A Safe Link without a target leads nowhere worth keeping.
    Some(url.query_pairs().find(|(name, _)| name == "url").map(|(_, target)| target.into_owned()).unwrap_or_default())
}

/// Meeting services whose links open a meeting, its dial-in numbers or its settings, or address a
/// video device to it; support and marketing pages are not among them.
fn is_meeting_link(url: &str) -> bool {
    let Some(host) = host_of(url) else { return false };
    let under = |domain: &str| is_under(&host, domain);
    let path = Url::parse(url).map(|u| u.path().to_ascii_lowercase()).unwrap_or_default();
    if under("teams.microsoft.com") || under("teams.live.com") || under("teams.microsoft.us") {
        return true;
    }
    if under("zoom.us") || under("zoomgov.com") || under("zoom.com") || under("zoomcrc.com") {
        return !host.starts_with("support.");
    }
    if under("webex.com") {
        return !matches!(host.as_str(), "help.webex.com" | "www.webex.com");
    }
    if under("meet.google.com") || under("tel.meet") || (host == "g.co" && path.starts_with("/meet/")) {
        return true;
    }
    // Video-device gateways that print the meeting's tenant key and conference id.
    ["plcm.vc", "pexip.me", "bluejeans.com", "gotomeeting.com", "meet.goto.com"].iter().any(|domain| under(domain))
}

/// More links written inside one (a redirect's target is one) than any ordinary text holds: such a
/// written link is cut whole, which keeps judging links linear in the text.
const MAX_LINKS_IN_ONE: usize = 8;

/// Applies `rules` to every `scheme://` URL written out in `text` (serialised HTML when `html`:
/// there a link's own `href` was judged by the sanitiser and is left alone). A URL ends at white
/// space or at a character that ends text or an attribute, so markup is never cut; links written
/// inside it (a redirect's target) end there too, and are judged on their own.
pub fn rewrite_written_links(text: &str, rules: &LinkRules, html: bool) -> String {
    let ends_url = |c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | '`');
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut separators = text.match_indices("://").map(|(at, _)| at).peekable();
    while let Some(first) = separators.next() {
        let rest = &text[first + 3..];
        let written_end = first + 3 + rest.find(ends_url).unwrap_or(rest.len());
        let mut inside = vec![first];
        while let Some(&next) = separators.peek()
            && next < written_end
        {
            if inside.len() <= MAX_LINKS_IN_ONE {
                inside.push(next);
            }
            separators.next();
        }
        if inside.len() > MAX_LINKS_IN_ONE {
            let start = scheme_start(text, first);
            if start >= copied {
                out.push_str(&text[copied..start]);
                out.push_str(REDACTED);
                copied = written_end;
            }
            continue;
        }
        for separator in inside {
            let start = scheme_start(text, separator);
            if start < copied || start == separator || (html && text[..start].ends_with("href=\"")) {
                continue;
            }
            // Punctuation after a URL in prose belongs to the sentence.
            let written = text[start..written_end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '}']);
            let end = start + written.len();
            let link = if html { written.replace("&amp;", "&") } else { written.to_owned() };
            let replacement = match rules.fate_of(&link) {
                LinkFate::Keep => continue,
                LinkFate::Cut => REDACTED.to_owned(),
                LinkFate::Replace(target) if html => {
                    target.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
                }
                LinkFate::Replace(target) => target,
            };
            out.push_str(&text[copied..start]);
            out.push_str(&replacement);
            copied = end;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Where the scheme of the `scheme://` whose separator is at `separator` starts.
fn scheme_start(text: &str, separator: usize) -> usize {
    let is_scheme_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-');
    text[..separator]
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_scheme_char(c))
        .map_or(0, |(index, c)| index + c.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEAMS_JOIN: &str =
        "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NzQ5%40thread.v2/0?context=%7b%22Tid%22%3a%22x%22%7d";

    fn safe_link(target: &str) -> String {
        let encoded: String = target
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        format!(
            "https://nam12.safelinks.protection.outlook.com/?url={encoded}&data=05%7C02%7Ckim%40contoso.com%7C0&sdata=abc%3D&reserved=0"
        )
    }

    #[test]
    fn safe_links_are_judged_by_what_they_protect() {
        let rules = LinkRules::default();
        assert_eq!(rules.fate_of(&safe_link(TEAMS_JOIN)), LinkFate::Cut);
        assert_eq!(rules.fate_of(&safe_link(&safe_link(TEAMS_JOIN))), LinkFate::Cut);
        assert_eq!(
            rules.fate_of(&safe_link("https://contoso.sharepoint.com/agenda.docx?a=1&b=2")),
            LinkFate::Replace("https://contoso.sharepoint.com/agenda.docx?a=1&b=2".into())
        );
        assert_eq!(rules.fate_of(&safe_link("javascript:alert(1)")), LinkFate::Cut);
        let ap_path = safe_link(TEAMS_JOIN).replace(".com/?url", ".com/ap/t-59584e83/?url");
        assert_eq!(rules.fate_of(&ap_path), LinkFate::Cut);
        assert_eq!(rules.fate_of("https://example.com/safelinks.protection.outlook.com/?url=x"), LinkFate::Keep);
    }

    #[test]
    fn meeting_links_of_each_service_are_cut_and_their_help_pages_kept() {
        let rules = LinkRules::default();
        for cut in [
            TEAMS_JOIN,
            "https://teams.microsoft.com/meet/2189440123?p=AbCdEf",
            "https://dialin.teams.microsoft.com/8840639d?id=719224215",
            "https://us02web.zoom.us/j/85512345678?pwd=abc",
            "https://zoom.us/u/kdEXAMPLE",
            "mailto:85512345678@zoomcrc.com",
            "https://contoso.webex.com/contoso/j.php?MTID=m8b2",
            "https://meet.google.com/abc-defg-hij",
            "https://tel.meet/abc-defg-hij?pin=123",
            "https://dialin.plcm.vc/teams/?key=522621028&conf=1143016284",
            "mailto:522621028@t.plcm.vc",
        ] {
            assert_eq!(rules.fate_of(cut), LinkFate::Cut, "{cut}");
        }
        for kept in [
            "https://support.zoom.us/hc",
            "https://help.webex.com",
            "https://aka.ms/JoinTeamsMeeting",
            "https://notzoom.us/j/1",
        ] {
            assert_eq!(rules.fate_of(kept), LinkFate::Keep, "{kept}");
        }
    }

    #[test]
    fn written_links_are_unwrapped_or_cut_in_text_and_html() {
        let rules = LinkRules::default();
        let text = format!("Join<{}> or read <{}>.", safe_link(TEAMS_JOIN), safe_link("https://example.com/a?b=1&c=2"));
        assert_eq!(
            rewrite_written_links(&text, &rules, false),
            format!("Join<{REDACTED}> or read <https://example.com/a?b=1&c=2>.")
        );
        let html = format!("<p>see {}</p>", safe_link("https://example.com/a?b=1&c=2").replace('&', "&amp;"));
        assert_eq!(rewrite_written_links(&html, &rules, true), "<p>see https://example.com/a?b=1&amp;c=2</p>");
        let redirect = "go to https://example.com/?u=https://meet.google.com/abc-defg-hij now";
        assert_eq!(
            rewrite_written_links(redirect, &rules, false),
            format!("go to https://example.com/?u={REDACTED} now")
        );
        let nested = format!("{} and after", "x://".repeat(100_000));
        assert_eq!(rewrite_written_links(&nested, &rules, false), format!("{REDACTED} and after"));
    }
}
