//! The online-meeting section of an invitation. Teams, Zoom, Webex and Google Meet append one to
//! the organiser's text: the join link, meeting id and passcode, dial-in numbers with conference
//! ids, video-device addresses. Anyone holding the share link could join with them, so a
//! description keeps only what comes before the first line that belongs to such a section (and
//! before the rule or blank lines that introduce it).

use super::links::{LinkRules, rewrite_written_links};
use super::serialised::{Token, VOID, tokenize};

/// Text that only an invitation's meeting section holds, lower-cased; a line holding one (as a
/// word, after white space is collapsed) starts the section.
#[rustfmt::skip]
const SECTION_MARKERS: &[&str] = &[
    // Microsoft Teams, old and new layouts
    "microsoft teams meeting", "microsoft teams need help", "join microsoft teams meeting", "join the meeting now",
    "click here to join the meeting", "join on your computer, mobile app or room device", "join on a video conferencing device",
    "join with a video conferencing device", "dial in by phone", "or call in (audio only)", "find a local number",
    "tenant key:", "video id:", "for organizers: meeting options", "reset dial-in pin",
    "microsoft teams-besprechung", "besprechungs-id:", "kenncode:", "per telefon einwählen", "mandantenschlüssel:",
    // Zoom
    "is inviting you to a scheduled zoom meeting", "join zoom meeting", "one tap mobile", "dial by your location",
    "find your local number", "join by sip", "join by h.323",
    // Webex
    "do not delete or change any of the following text", "join webex meeting", "join your webex meeting",
    "meeting number (access code)", "tap to join from a mobile device", "join from a video system or application",
    "global call-in numbers", "join by phone",
    // Google Meet
    "join with google meet", "join by google meet", "more phone numbers", "learn more about meet",
    "please do not edit this section",
    // The details every one of them prints (not a bare "PIN:" or "access code:": a rota's pager PIN
    // or a door code is the organiser's text, and every service prints a heading above its own)
    "meeting id:", "conference id:", "passcode:", "meeting password:",
];

/// A line that only draws a rule (`_____`, `---`, Google's `-::~:~::~`), or nothing at all.
fn is_rule_or_blank(line: &str) -> bool {
    line.chars().all(|c| matches!(c, '_' | '-' | '~' | ':' | '=' | '*' | '•' | '.') || c.is_whitespace())
}

fn holds_marker(line: &str) -> bool {
    SECTION_MARKERS.iter().any(|marker| {
        line.match_indices(marker).any(|(at, _)| line[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric()))
    })
}

/// Which line the meeting section starts on, if there is one: the first line holding a marker,
/// moved up over the rules and blank lines just above it.
fn section_start(lines: &[String]) -> Option<usize> {
    let first = lines.iter().position(|line| holds_marker(line))?;
    let above = lines[..first].iter().rposition(|line| !is_rule_or_blank(line)).map_or(0, |last_text| last_text + 1);
    Some(above)
}

/// Lower-case, with white space collapsed, as markers are compared.
fn push_normalised(line: &mut String, c: char) {
    if c.is_whitespace() {
        if !line.is_empty() && !line.ends_with(' ') {
            line.push(' ');
        }
    } else {
        line.extend(c.to_lowercase());
    }
}

/// A plain-text description without its meeting section, and without meeting links or Safe
/// Links anywhere in it.
pub fn without_meeting_details_text(text: &str) -> String {
    let mut starts = vec![0];
    starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| {
            let mut normalised = String::new();
            line.chars().for_each(|c| push_normalised(&mut normalised, c));
            normalised
        })
        .collect();
    let kept = match section_start(&lines) {
        Some(line) => text[..starts[line]].trim_end(),
        None => text,
    };
    rewrite_written_links(kept, &LinkRules::default(), false)
}

/// Elements of sanitised HTML that start a new line.
const LINE_BREAKING: [&str; 15] =
    ["br", "div", "p", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr"];

/// Sanitised HTML (the sanitiser already cut meeting links and Safe Links) without its meeting
/// section: cut where the section's first line starts, with the elements still open closed.
pub fn without_meeting_details_html(html: &str) -> String {
    let tokens = tokenize(html);
    let mut line_starts = vec![0];
    let mut lines = vec![String::new()];
    let mut in_pre = 0usize;
    for token in &tokens {
        match token {
            Token::Tag { name, closing, at, .. } => {
                if LINE_BREAKING.contains(name) {
                    line_starts.push(*at);
                    lines.push(String::new());
                }
                if *name == "pre" {
                    in_pre = if *closing { in_pre.saturating_sub(1) } else { in_pre + 1 };
                }
            }
            Token::Text { text, at } => {
                for (offset, c) in decode(text) {
                    if c == '\n' && in_pre > 0 {
                        line_starts.push(at + offset);
                        lines.push(String::new());
                    } else {
                        push_normalised(lines.last_mut().expect("one line at least"), c);
                    }
                }
            }
        }
    }
    let Some(line) = section_start(&lines) else { return html.to_owned() };
    let cut = line_starts[line];
    let mut open: Vec<&str> = Vec::new();
    for token in tokens.iter().take_while(|token| token.at() < cut) {
        if let Token::Tag { name, closing, .. } = token {
            match closing {
                true => {
                    open.pop();
                }
                false if !VOID.contains(name) => open.push(name),
                false => {}
            }
        }
    }
    let mut kept = html[..cut].trim_end().to_owned();
    for name in open.iter().rev() {
        kept.push_str(&format!("</{name}>"));
    }
    kept
}

/// The characters of serialised text with the serialiser's escapes read back, each with its offset.
fn decode(text: &str) -> Vec<(usize, char)> {
    let mut decoded = Vec::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        if c == '&' {
            let rest = &text[offset..];
            let escapes = [("&amp;", '&'), ("&lt;", '<'), ("&gt;", '>'), ("&quot;", '"'), ("&nbsp;", ' ')];
            if let Some((escape, read)) = escapes.iter().find(|(escape, _)| rest.starts_with(escape)) {
                decoded.push((offset, *read));
                for _ in 1..escape.len() {
                    chars.next();
                }
                continue;
            }
        }
        decoded.push((offset, c));
    }
    decoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_section_goes_from_its_rule_to_the_end() {
        let text = "Agenda: budget\n\n_______________\nMicrosoft Teams meeting\nJoin: https://teams.microsoft.com/meet/1?p=x\nMeeting ID: 218 944 012\n_______________\nSee you";
        assert_eq!(without_meeting_details_text(text), "Agenda: budget");
        let html = "<p>Agenda: <b>budget</b></p><div><span>_____</span></div><div><p>Microsoft Teams <a>Need help?</a></p><p>Meeting ID: 1</p></div>";
        assert_eq!(without_meeting_details_html(html), "<p>Agenda: <b>budget</b></p>");
    }

    #[test]
    fn a_cut_inside_open_elements_closes_them() {
        let html = "<div><b>Bring slides<br>Join Zoom Meeting<br>https://zoom.us/j/1</b></div>";
        assert_eq!(without_meeting_details_html(html), "<div><b>Bring slides</b></div>");
        let pre = "<pre>Notes\n-::~:~::~:~::-\nJoin with Google Meet: meet.google.com/abc-defg-hij\n</pre>";
        assert_eq!(without_meeting_details_html(pre), "<pre>Notes</pre>");
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        for text in [
            "Walk through the Q1 roadmap. Dial-in details follow by email.",
            "Chopin: nocturnes; a meeting identifier is not a meeting id",
            "Shopping: pins, tape",
            "Pager PIN: 1234. Door access code: 4411.",
        ] {
            assert_eq!(without_meeting_details_text(text), text);
            let html = format!("<p>{text}</p>");
            assert_eq!(without_meeting_details_html(&html), html);
        }
    }

    #[test]
    fn a_body_that_is_only_an_invitation_keeps_nothing() {
        assert_eq!(without_meeting_details_text("Join Zoom Meeting\nhttps://zoom.us/j/1\nMeeting ID: 1"), "");
        assert_eq!(without_meeting_details_html("<div>Meeting ID: 291 633 251</div>"), "");
    }
}
