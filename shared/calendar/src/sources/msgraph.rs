//! Microsoft Graph `event` resources as `/me/calendarView` returns them (the bare array, or the page
//! with `value`). Only what a share can show is read; attendees, organizer, join links, categories and
//! every other field are never kept, and the event's own addresses and join links are cut out of its body.

use super::ReadContext;
use super::reader::{RecordErrors, RecordsAt, SourceRecord, non_blank};
use super::sanitize::{Redactions, redact_text, sanitize_html_redacting, sanitize_html_within};
use super::{MAX_DESCRIPTION_BYTES, SourceDescription, SourceEvent};
use crate::domain::{EventTime, ShowAs};
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use serde::Deserialize;
use serde_json::Value;
use windows_timezones::WindowsTimezone;

/// More addresses and join details than one body is redacted against (a town hall's invitation
/// list): such an event's body is not kept. Bounds the redaction work a request can cause.
const MAX_REDACTIONS: usize = 256;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GraphEvent {
    id: Option<String>,
    subject: Option<String>,
    start: Option<GraphDateTime>,
    end: Option<GraphDateTime>,
    is_all_day: Option<bool>,
    location: Option<GraphLocation>,
    body: Option<GraphBody>,
    show_as: Option<String>,
    sensitivity: Option<String>,
    is_cancelled: Option<bool>,
    // Read only to cut them out of the body, never kept; any shape is accepted.
    attendees: Option<Value>,
    organizer: Option<Value>,
    online_meeting: Option<Value>,
    online_meeting_url: Option<Value>,
    web_link: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GraphDateTime {
    date_time: Option<String>,
    time_zone: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GraphLocation {
    display_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GraphBody {
    content_type: Option<String>,
    content: Option<String>,
}

impl SourceRecord for GraphEvent {
    const AT: RecordsAt = RecordsAt::array_or_page("value");

    fn read(self, record: &mut RecordErrors<'_>, _: &ReadContext) -> Option<SourceEvent> {
        let redactions = self.redactions();
        let all_day = self.is_all_day.unwrap_or(false);
        let start = read_time(record, "start", self.start, all_day);
        let end = read_time(record, "end", self.end, all_day);
        let times = record.ordered("end", start, end);
        // Private events may come without a subject; they are published as availability only anyway.
        let title = record.title_or_untitled("subject", self.subject);
        let location = record.text("location/displayName", non_blank(self.location.and_then(|l| l.display_name)));
        let description = self.body.and_then(|body| read_body(record, body, &redactions));
        let show_as = record.show_as_or_busy("showAs", self.show_as.as_deref().map(ShowAs::parse));
        let private = record.check("sensitivity", is_private(self.sensitivity.as_deref()));
        Some(SourceEvent {
            show_as: show_as?,
            private: private?,
            cancelled: self.is_cancelled.unwrap_or(false),
            location,
            description,
            ..SourceEvent::new(self.id, times?, title?)
        })
    }
}

/// Graph's private-event rule: `private` and `confidential` events are published as availability
/// only, at any detail level (`normal` and `personal` are not private); `minimize` applies it.
fn is_private(sensitivity: Option<&str>) -> Result<bool, &'static str> {
    match sensitivity.map(str::to_ascii_lowercase).as_deref() {
        None | Some("normal" | "personal") => Ok(false),
        Some("private" | "confidential") => Ok(true),
        Some(_) => Err("must be one of normal, personal, private, confidential"),
    }
}

/// A `dateTimeTimeZone`: a wall-clock time without offset, in `timeZone`. All-day events are dates
/// at midnight (the end exclusive), whatever the zone.
fn read_time(
    record: &mut RecordErrors<'_>,
    field: &str,
    value: Option<GraphDateTime>,
    all_day: bool,
) -> Option<EventTime> {
    let value = record.require(field, value)?;
    let (date_time_field, zone_field) = (format!("{field}/dateTime"), format!("{field}/timeZone"));
    let date_time = record.require(&date_time_field, value.date_time);
    let date_time = date_time.and_then(|raw| record.check(&date_time_field, parse_wall_clock(&raw)));
    let zone = record.require(&zone_field, value.time_zone);
    let zone = zone.and_then(|name| record.check(&zone_field, graph_zone(&name)));
    let date_time = date_time?;
    if all_day {
        if date_time.time() != jiff::civil::Time::midnight() {
            record.push(&date_time_field, "all-day events start and end at midnight");
            return None;
        }
        zone?;
        return Some(EventTime::Day(date_time.date()));
    }
    let at = zone?.to_timestamp(date_time);
    record.check(&date_time_field, at.map(EventTime::At).map_err(|_| "is out of range"))
}

/// Graph's `2026-12-03T09:00:00.0000000`: no offset, up to seven fractional digits.
fn parse_wall_clock(raw: &str) -> Result<DateTime, &'static str> {
    const EXPECTED: &str =
        "must be a date-time without offset, e.g. 2026-12-03T09:00:00.0000000 (the zone goes in timeZone)";
    // jiff reads an offset or a zone annotation and ignores it; Graph never sends one, so refuse it.
    let time_part = raw.split_once(['T', 't']).map_or("", |(_, time)| time);
    if time_part.contains(['+', '-', 'Z', 'z', '[']) {
        return Err(EXPECTED);
    }
    raw.parse::<DateTime>().map_err(|_| EXPECTED)
}

/// "UTC", an IANA name, or a Windows name ("Pacific Standard Time") mapped by CLDR's windowsZones.
pub(crate) fn graph_zone(name: &str) -> Result<TimeZone, String> {
    if let Ok(zone) = TimeZone::get(name) {
        return Ok(zone);
    }
    let iana = match name.parse::<WindowsTimezone>() {
        Ok(windows) => Some(windows.tzdb_id()),
        Err(_) if name.eq_ignore_ascii_case("tzone://Microsoft/Utc") => Some("UTC"),
        Err(_) => None,
    };
    iana.and_then(|iana| TimeZone::get(iana).ok()).ok_or_else(|| {
        let shown: String = name.chars().take(64).collect();
        format!("unknown time zone \"{}\": expected an IANA or a Windows time zone name", shown.escape_default())
    })
}

fn read_body(record: &mut RecordErrors<'_>, body: GraphBody, redactions: &Redactions) -> Option<SourceDescription> {
    let content = non_blank(body.content);
    let is_html = match body.content_type.as_deref().map(str::to_ascii_lowercase).as_deref() {
        // Graph's default is HTML.
        None | Some("html") => true,
        Some("text") => false,
        Some(_) => {
            record.push("body/contentType", "must be \"html\" or \"text\"");
            return None;
        }
    };
    let too_long = format!("must be at most {MAX_DESCRIPTION_BYTES} bytes (after sanitising)");
    // Sanitised first, so the limit counts what would be kept (Outlook wraps bodies in styles) and
    // the redaction below works on a bounded text. A body that surely keeps more is refused unparsed.
    let content = match (is_html, content?) {
        (true, html) => match sanitize_html_within(&html, MAX_DESCRIPTION_BYTES) {
            Ok(clean) => clean,
            Err(_) => {
                record.push("body/content", too_long);
                return None;
            }
        },
        (false, text) => text,
    };
    let mut fits = |text: &str| {
        let fits = text.trim().len() <= MAX_DESCRIPTION_BYTES;
        if !fits {
            record.push("body/content", too_long.clone());
        }
        fits
    };
    if content.trim().is_empty() || !fits(&content) {
        return None;
    }
    // A body that names more people and links than we redact is not kept at all: never half-redacted.
    if redactions.strings.len() > MAX_REDACTIONS {
        return None;
    }
    let kept = if is_html { sanitize_html_redacting(&content, redactions) } else { redact_text(&content, redactions) };
    let kept = kept.trim().to_owned();
    if kept.is_empty() || !fits(&kept) {
        return None;
    }
    Some(if is_html { SourceDescription::Html(kept) } else { SourceDescription::Text(kept) })
}

impl GraphEvent {
    /// The addresses and join details the event names, and its meeting provider's host: cut out of its
    /// body, so a published description carries no way into the meeting and no attendee's address.
    fn redactions(&self) -> Redactions {
        let mut redactions = Redactions::default();
        let mut email_of = |value: &Value| {
            if let Some(Value::String(address)) = value.pointer("/emailAddress/address") {
                redactions.strings.push(address.clone());
            }
        };
        if let Some(Value::Array(attendees)) = &self.attendees {
            attendees.iter().for_each(&mut email_of);
        }
        if let Some(organizer) = &self.organizer {
            email_of(organizer);
        }
        let text_at = |value: Option<&Value>| match value {
            Some(Value::String(text)) => Some(text.clone()),
            _ => None,
        };
        let meeting = |key: &str| text_at(self.online_meeting.as_ref().and_then(|m| m.get(key)));
        let join_links: Vec<String> =
            [meeting("joinUrl"), text_at(self.online_meeting_url.as_ref())].into_iter().flatten().collect();
        for link in &join_links {
            if let Some(host) = ammonia::Url::parse(link).ok().and_then(|url| url.host_str().map(str::to_owned)) {
                redactions.link_hosts.push(host);
            }
        }
        redactions.strings.extend(join_links);
        redactions.strings.extend([meeting("tollNumber"), text_at(self.web_link.as_ref())].into_iter().flatten());
        if let Some(id) = meeting("conferenceId") {
            // Invitations print it in groups of three digits ("291 633 251").
            if id.len() > 3 && id.bytes().all(|b| b.is_ascii_digit()) {
                let groups: Vec<&str> =
                    id.as_bytes().chunks(3).map(|g| std::str::from_utf8(g).unwrap_or_default()).collect();
                redactions.strings.push(groups.join(" "));
            }
            redactions.strings.push(id);
        }
        redactions
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{at, pointers, read_json, read_json_at, read_ok};
    use super::super::{MAX_TEXT_CHARS, UNTITLED};
    use super::*;

    #[test]
    fn reads_utc_iana_and_windows_zones_with_seven_digit_fractions() {
        let events = read_ok::<GraphEvent>(
            r#"[{"id":"A1","subject":"Standup","start":{"dateTime":"2026-12-03T09:00:00.0000000","timeZone":"UTC"},
                 "end":{"dateTime":"2026-12-03T09:15:00.1234567","timeZone":"UTC"}},
                {"subject":"Review","start":{"dateTime":"2026-12-03T09:00:00.0000000","timeZone":"Pacific Standard Time"},
                 "end":{"dateTime":"2026-12-03T10:00:00.0000000","timeZone":"America/Los_Angeles"}},
                {"subject":"Berlin","start":{"dateTime":"2026-07-01T09:00:00","timeZone":"W. Europe Standard Time"},
                 "end":{"dateTime":"2026-07-01T10:00:00","timeZone":"tzone://Microsoft/Utc"}}]"#,
        );
        assert_eq!(events[0].start, at("2026-12-03T09:00:00Z"));
        assert_eq!(events[0].end, at("2026-12-03T09:15:00.1234567Z"));
        assert_eq!(events[0].source_id.as_deref(), Some("A1"));
        assert_eq!((events[1].start, events[1].end), (at("2026-12-03T17:00:00Z"), at("2026-12-03T18:00:00Z")));
        assert_eq!((events[2].start, events[2].end), (at("2026-07-01T07:00:00Z"), at("2026-07-01T10:00:00Z")));
    }

    #[test]
    fn all_day_events_are_dates_with_an_exclusive_end() {
        let events = read_ok::<GraphEvent>(
            r#"{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users('x')/calendarView","value":[
                {"subject":"Holiday","isAllDay":true,"start":{"dateTime":"2026-12-25T00:00:00.0000000","timeZone":"Eastern Standard Time"},
                 "end":{"dateTime":"2026-12-26T00:00:00.0000000","timeZone":"Eastern Standard Time"}}]}"#,
        );
        assert_eq!(events[0].start, EventTime::Day("2026-12-25".parse().unwrap()));
        assert_eq!(events[0].end, EventTime::Day("2026-12-26".parse().unwrap()));
    }

    #[test]
    fn maps_show_as_sensitivity_cancellation_location_and_body() {
        let events = read_ok::<GraphEvent>(
            r#"[{"subject":"1:1","showAs":"oof","sensitivity":"private","isCancelled":true,"categories":["Red category"],
                 "location":{"displayName":"Room 7","locationUri":"x"},"body":{"contentType":"text","content":"Agenda"},
                 "start":{"dateTime":"2026-12-03T09:00:00","timeZone":"UTC"},"end":{"dateTime":"2026-12-03T10:00:00","timeZone":"UTC"}},
                {"showAs":"workingElsewhere","sensitivity":"personal","location":{"displayName":""},
                 "body":{"contentType":"html","content":"<html><head><style>p{}</style></head><body></body></html>"},
                 "start":{"dateTime":"2026-12-03T09:00:00","timeZone":"UTC"},"end":{"dateTime":"2026-12-03T10:00:00","timeZone":"UTC"}}]"#,
        );
        let [first, second] = &events[..] else { panic!("two events") };
        assert_eq!((first.show_as, first.private, first.cancelled), (ShowAs::Oof, true, true));
        assert_eq!(first.location.as_deref(), Some("Room 7"));
        assert_eq!(first.description, Some(SourceDescription::Text("Agenda".into())));
        assert_eq!((second.show_as, second.private, second.cancelled), (ShowAs::WorkingElsewhere, false, false));
        assert_eq!(second.title, UNTITLED, "a missing subject is not an error");
        assert_eq!((second.location.as_ref(), second.description.as_ref()), (None, None), "empty values are dropped");
    }

    #[test]
    fn join_links_and_addresses_are_cut_out_of_the_body() {
        let join = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_X%40thread.v2/0?context=%7b%7d&a=1";
        let json = format!(
            r#"[{{"subject":"Sync","onlineMeeting":{{"joinUrl":"{join}"}},
                 "attendees":[{{"emailAddress":{{"name":"Adele Vance","address":"AdeleV@contoso.com"}}}}],
                 "organizer":{{"emailAddress":{{"name":"Alex","address":"alexw@contoso.com"}}}},
                 "body":{{"contentType":"html","content":"<p>Ask adelev@contoso.com <a href=\"mailto:AdeleV@contoso.com\">here</a>. <a href=\"{}\">Join</a> {}</p><a href=\"https://example.com/agenda\">Agenda</a>"}},
                 "start":{{"dateTime":"2026-12-03T09:00:00","timeZone":"UTC"}},"end":{{"dateTime":"2026-12-03T10:00:00","timeZone":"UTC"}}}}]"#,
            join.replace('&', "&amp;"),
            join.replace('&', "&amp;"),
        );
        let events = read_ok::<GraphEvent>(&json);
        let Some(SourceDescription::Html(html)) = &events[0].description else { panic!("html body") };
        let lower = html.to_ascii_lowercase();
        assert!(!lower.contains("adelev@contoso.com") && !lower.contains("meetup-join"), "{html}");
        assert!(html.contains("href=\"https://example.com/agenda\""), "{html}");
        assert!(html.contains("rel=\"noopener noreferrer nofollow\""), "{html}");
    }

    #[test]
    fn a_join_link_wrapped_in_safe_links_is_cut_and_other_safe_links_unwrapped() {
        let join = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_X%40thread.v2/0?context=%7b%7d";
        let wrap = |target: &str| {
            let encoded = target.replace('%', "%25").replace(':', "%3A").replace('/', "%2F").replace('?', "%3F");
            format!(
                "https://nam12.safelinks.protection.outlook.com/?url={encoded}&amp;data=05%7C02%7Ckim%40contoso.com%7C0&amp;reserved=0"
            )
        };
        let json = format!(
            r#"[{{"onlineMeeting":{{"joinUrl":"{join}"}},
                 "body":{{"contentType":"html","content":"<p>Agenda <a href=\"{}\">notes</a></p><p><a href=\"{}\">Join the call</a> or paste {}</p>"}},
                 "start":{{"dateTime":"2026-12-03T09:00:00","timeZone":"UTC"}},"end":{{"dateTime":"2026-12-03T10:00:00","timeZone":"UTC"}}}}]"#,
            wrap("https://contoso.sharepoint.com/notes"),
            wrap(join),
            wrap(join),
        );
        let events = read_ok::<GraphEvent>(&json);
        let Some(SourceDescription::Html(html)) = &events[0].description else { panic!("html body") };
        assert!(!html.contains("safelinks") && !html.contains("meetup-join") && !html.contains("kim%40"), "{html}");
        assert!(html.contains(r#"<a href="https://contoso.sharepoint.com/notes" rel="#), "{html}");
        assert!(html.contains("<a rel=\"noopener noreferrer nofollow\">Join the call</a> or paste [hidden]"), "{html}");
    }

    #[test]
    fn every_broken_rule_is_reported_with_its_pointer() {
        let long = "x".repeat(MAX_TEXT_CHARS + 1);
        let (events, errors) = read_json::<GraphEvent>(&format!(
            r#"{{"value":[
                {{"subject":"ok","start":{{"dateTime":"2026-12-03T10:00:00","timeZone":"UTC"}},"end":{{"dateTime":"2026-12-03T09:00:00","timeZone":"UTC"}}}},
                {{"subject":"{long}","showAs":"away","sensitivity":"secret","location":{{"displayName":"{long}"}},"body":{{"contentType":"rtf","content":"x"}},
                 "start":{{"dateTime":"2026-12-03T10:00:00Z","timeZone":"Mars Standard Time"}},"end":{{"timeZone":"UTC"}}}},
                {{"isAllDay":true,"start":{{"dateTime":"2026-12-03T10:00:00","timeZone":"UTC"}}}}]}}"#
        ));
        assert!(events.unwrap().is_empty());
        assert_eq!(
            pointers(&errors),
            [
                "/events/value/0/end",
                "/events/value/1/start/dateTime",
                "/events/value/1/start/timeZone",
                "/events/value/1/end/dateTime",
                "/events/value/1/subject",
                "/events/value/1/location/displayName",
                "/events/value/1/body/contentType",
                "/events/value/1/showAs",
                "/events/value/1/sensitivity",
                "/events/value/2/start/dateTime",
                "/events/value/2/end",
            ]
        );
    }

    #[test]
    fn a_body_over_the_limit_after_sanitising_is_refused() {
        let padding = format!("<style>{}</style>", "x".repeat(MAX_DESCRIPTION_BYTES));
        let fits = format!(
            r#"[{{"body":{{"contentType":"html","content":"{padding}<p>short</p>"}},"start":{{"dateTime":"2026-12-03T09:00:00","timeZone":"UTC"}},"end":{{"dateTime":"2026-12-03T10:00:00","timeZone":"UTC"}}}}]"#
        );
        assert_eq!(read_ok::<GraphEvent>(&fits).len(), 1);
        let too_long = fits.replace("<p>short</p>", &"y".repeat(MAX_DESCRIPTION_BYTES + 1));
        let (_, errors) = read_json::<GraphEvent>(&too_long);
        assert_eq!(pointers(&errors), ["/events/0/body/content"]);
    }

    #[test]
    fn wrong_types_are_malformed_with_a_pointer() {
        let (result, _) = read_json::<GraphEvent>(r#"[{"subject":"a"},{"start":{"dateTime":5}}]"#);
        assert_eq!(result.unwrap_err().pointer, "/events/1/start/dateTime");
        let (result, _) = read_json::<GraphEvent>(r#"{"value":[{"isAllDay":"yes"}]}"#);
        assert_eq!(result.unwrap_err().pointer, "/events/value/0/isAllDay");
        let (result, _) = read_json::<GraphEvent>(r#"{"@odata.nextLink":"x"}"#);
        assert_eq!(result.unwrap_err().pointer, "/events");
        let (result, _) = read_json::<GraphEvent>(r#"{"records":[]}"#);
        assert!(result.unwrap_err().message.starts_with("missing field `value`"), "a Salesforce page is not Graph's");
        // Fields read only for redaction never make a body malformed, whatever their shape.
        let (result, _) = read_json::<GraphEvent>(
            r#"[{"attendees":"x","organizer":5,"onlineMeeting":[1],"webLink":{},"start":null}]"#,
        );
        assert!(result.is_ok());
    }

    #[test]
    fn pointers_start_where_the_records_sit_in_the_body() {
        let page = r#"{"value":[{"subject":"a","start":{"dateTime":"2026-12-03T09:00:00","timeZone":"UTC"}}]}"#;
        let (_, errors) = read_json_at::<GraphEvent>("/changed", page);
        assert_eq!(pointers(&errors), ["/changed/value/0/end"]);
        let (result, _) = read_json_at::<GraphEvent>("/changed", r#"[{"isAllDay":1}]"#);
        assert_eq!(result.unwrap_err().pointer, "/changed/0/isAllDay");
    }

    #[test]
    fn windows_zone_names_map_through_cldr() {
        for (windows, iana) in [
            ("Pacific Standard Time", "America/Los_Angeles"),
            ("Eastern Standard Time", "America/New_York"),
            ("GMT Standard Time", "Europe/London"),
            ("Tokyo Standard Time", "Asia/Tokyo"),
            ("India Standard Time", "Asia/Calcutta"),
        ] {
            assert_eq!(graph_zone(windows).unwrap().iana_name(), TimeZone::get(iana).unwrap().iana_name(), "{windows}");
        }
        assert!(graph_zone("Customized Time Zone").unwrap_err().contains("unknown time zone"));
    }

    #[test]
    fn a_body_naming_more_people_than_are_redacted_is_not_kept() {
        let attendee = |i: usize| format!(r#"{{"emailAddress":{{"address":"person{i}@contoso.com"}}}}"#);
        let attendees: Vec<String> = (0..=MAX_REDACTIONS).map(attendee).collect();
        let json = format!(
            r#"[{{"attendees":[{}],"body":{{"contentType":"text","content":"Ask person7@contoso.com"}},
                "start":{{"dateTime":"2026-12-03T09:00:00","timeZone":"UTC"}},"end":{{"dateTime":"2026-12-03T10:00:00","timeZone":"UTC"}}}}]"#,
            attendees.join(",")
        );
        assert_eq!(read_ok::<GraphEvent>(&json)[0].description, None);
        let few = json.replacen(&format!(",{}", attendee(MAX_REDACTIONS)), "", 1);
        assert_eq!(read_ok::<GraphEvent>(&few)[0].description, Some(SourceDescription::Text("Ask [hidden]".into())));
    }

    #[test]
    fn a_one_day_event_on_the_last_day_there_is_is_refused() {
        let (_, errors) = read_json::<GraphEvent>(
            r#"[{"isAllDay":true,"start":{"dateTime":"9999-12-31T00:00:00","timeZone":"UTC"},"end":{"dateTime":"9999-12-31T00:00:00","timeZone":"UTC"}}]"#,
        );
        assert_eq!(pointers(&errors), ["/events/0/end"]);
    }
}
