//! What every target checks: any body is parsed or refused without a panic, and whatever parses keeps
//! the rules that minimisation and storage rely on.

use share_core::domain::{Description, DetailLevel, EventTime, GroupId, SourceIdSecret, UserId};
use share_core::http::publish_request::PublishRequest;
use share_core::snapshot;
use share_core::sources::minimize::{EventOrigin, RangeBounds, minimize};
use share_core::sources::sanitize::sanitize_html;
use share_core::sources::{MAX_DESCRIPTION_BYTES, MAX_TEXT_CHARS, SourceDescription};

/// A publish body whose `events` are the fuzzer's bytes, in `format`, at full detail so that
/// descriptions go through the sanitiser too.
#[allow(dead_code, reason = "the whole-body target does not wrap its input")]
pub fn body_with_events(format: &str, events: &[u8]) -> Vec<u8> {
    let mut body = format!(
        r#"{{"title":"Fuzz","visibility":"public","detail":"full","timeZone":"America/New_York","format":"{format}","events":"#
    )
    .into_bytes();
    body.extend_from_slice(events);
    body.push(b'}');
    body
}

#[allow(dead_code, reason = "the sanitiser target checks HTML, not bodies")]
pub fn check(body: &[u8]) {
    let now = jiff::Timestamp::from_second(1_800_000_000).expect("in range");
    let Ok(request) = PublishRequest::parse(body, now) else { return };
    for event in &request.events {
        match (event.start, event.end) {
            (EventTime::At(s), EventTime::At(e)) => assert!(s <= e, "timed event ends before it starts"),
            (EventTime::Day(s), EventTime::Day(e)) => assert!(s < e, "all-day event without a day"),
            _ => panic!("start and end of different kinds"),
        }
        assert!(event.title.chars().count() <= MAX_TEXT_CHARS);
        assert!(event.location.as_ref().is_none_or(|l| l.chars().count() <= MAX_TEXT_CHARS));
        if let Some(SourceDescription::Text(d) | SourceDescription::Html(d)) = &event.description {
            assert!(d.len() <= MAX_DESCRIPTION_BYTES);
        }
    }
    let submitted = request.events.len();
    let options = &request.options;
    let bounds = RangeBounds::new(options.range, options.time_zone.zone());
    let (group, owner) = (GroupId::parse("group").unwrap(), UserId::parse("user").unwrap());
    let origin = EventOrigin::new(&SourceIdSecret::development(), &group, &owner, request.format);
    for detail in [DetailLevel::Availability, options.detail] {
        let (kept, left_out) = minimize(request.events.clone(), detail, &bounds, &origin);
        assert_eq!(kept.len() + left_out.total() as usize, submitted, "every event kept or counted");
        for event in &kept {
            assert!(detail.shows_title() || (event.title.is_none() && event.location.is_none()));
            assert!(detail.shows_description() || event.description.is_none());
            if let Some(Description::SanitizedHtml(html)) = &event.description {
                assert_only_formatting_and_links(html);
                assert_eq!(&sanitize_html(html), html, "sanitising is stable");
            }
        }
        let chunks = snapshot::encode(&kept);
        assert_eq!(snapshot::decode(&chunks).expect("own chunks decode"), kept);
    }
}

#[rustfmt::skip]
const ALLOWED_TAGS: [&str; 27] = [
    "a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p",
    "pre", "s", "small", "span", "strong", "sub", "sup", "u", "ul",
];

/// Every tag of serialised, sanitised HTML is a formatting tag or a link whose only attributes are an
/// http(s)/mailto `href` and our `rel` (text never holds a raw `<`: the serialiser escapes it).
pub fn assert_only_formatting_and_links(html: &str) {
    for tag in html.split('<').skip(1) {
        let tag = tag.split_once('>').map_or(tag, |(inside, _)| inside);
        let tag = tag.strip_prefix('/').unwrap_or(tag);
        let (name, mut attributes) = tag.split_once(' ').unwrap_or((tag, ""));
        assert!(ALLOWED_TAGS.contains(&name), "tag <{name}> survived sanitising: {html}");
        while let Some((attribute, rest)) = attributes.trim_start().split_once("=\"") {
            let (value, rest) = rest.split_once('"').expect("attribute values are quoted");
            match attribute {
                "href" => assert!(
                    ["http:", "https:", "mailto:"].iter().any(|scheme| value.to_ascii_lowercase().starts_with(scheme)),
                    "link to {value} survived sanitising"
                ),
                "rel" if name == "a" => assert_eq!(value, "noopener noreferrer nofollow"),
                other => panic!("attribute {other} survived sanitising: {html}"),
            }
            attributes = rest;
        }
        assert!(attributes.trim().is_empty(), "unparsed attributes {attributes:?} in {html}");
    }
}
