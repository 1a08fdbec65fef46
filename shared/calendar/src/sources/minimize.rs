//! Data minimisation at write time: of each source event keep only what the share's detail level
//! shows, drop events outside the range or cancelled, and count what was left out.

use super::sanitize::{sanitize_html, without_meeting_details_html, without_meeting_details_text};
use super::{SourceDescription, SourceEvent, SourceFormat};
pub use crate::domain::RangeBounds;
use crate::domain::{
    Description, DetailLevel, EventTime, GroupId, LeftOut, SharedEvent, SourceIdSecret, SourceKey, SourceKeys, UserId,
};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// Who published events, in which format: what their UIDs and source keys are derived from.
pub struct EventOrigin {
    uid_scope: String,
    keys: SourceKeys,
    /// The same secret and owner under another name: an event's public UID says nothing of its key.
    uids: SourceKeys,
}

impl EventOrigin {
    pub fn new(secret: &SourceIdSecret, group: &GroupId, owner: &UserId, format: SourceFormat) -> Self {
        Self {
            uid_scope: format!("{group}/{owner}"),
            keys: secret.keys_for(group, owner, format.as_str()),
            uids: secret.keys_for(group, owner, "uid"),
        }
    }

    pub fn keys(&self) -> &SourceKeys {
        &self.keys
    }

    pub fn source_key(&self, event: &SourceEvent) -> Option<SourceKey> {
        event.source_id.as_deref().map(|id| self.keys.key_of(id))
    }
}

pub fn minimize(
    events: Vec<SourceEvent>,
    detail: DetailLevel,
    bounds: &RangeBounds,
    origin: &EventOrigin,
) -> (Vec<SharedEvent>, LeftOut) {
    let mut left_out = LeftOut::default();
    let mut ordinals: HashMap<(EventTime, EventTime), u32> = HashMap::new();
    let mut kept = Vec::with_capacity(events.len());
    for event in events {
        if event.cancelled {
            left_out.cancelled += 1;
            continue;
        }
        if !bounds.overlaps(event.start, event.end) {
            left_out.outside_range += 1;
            continue;
        }
        let ordinal = ordinals.entry((event.start, event.end)).or_default();
        let uid = origin.uid_of(&event, *ordinal);
        *ordinal += 1;
        let source = origin.source_key(&event);
        kept.push(keep_shown(event, detail, uid, source));
    }
    bounds.sort(&mut kept);
    (kept, left_out)
}

/// What a share holds of a changed event, at its detail level under its old UID; `Err` with the
/// reason it leaves the share (cancelled, or now outside the range).
pub fn minimize_changed(
    event: &SourceEvent,
    detail: DetailLevel,
    bounds: &RangeBounds,
    held: &SharedEvent,
) -> Result<SharedEvent, LeftOut> {
    if event.cancelled {
        return Err(LeftOut { cancelled: 1, outside_range: 0 });
    }
    if !bounds.overlaps(event.start, event.end) {
        return Err(LeftOut { cancelled: 0, outside_range: 1 });
    }
    Ok(keep_shown(event.clone(), detail, held.uid.clone(), held.source))
}

fn keep_shown(event: SourceEvent, detail: DetailLevel, uid: String, source: Option<SourceKey>) -> SharedEvent {
    // Marked private at the source (for Graph, decided in `msgraph::is_private`): availability only.
    let detail = if event.private { DetailLevel::Availability } else { detail };
    SharedEvent {
        uid,
        start: event.start,
        end: event.end,
        show_as: event.show_as,
        title: detail.shows_title().then_some(event.title),
        location: event.location.filter(|_| detail.shows_title()),
        description: event.description.filter(|_| detail.shows_description()).and_then(kept_description),
        resource: event.resource,
        status: event.status,
        color: event.color,
        source,
    }
}

/// A description as stored: sanitised, without an invitation's meeting section or links into a
/// meeting, whatever the source; none if nothing else was in it.
fn kept_description(description: SourceDescription) -> Option<Description> {
    let kept = match description {
        SourceDescription::Text(text) => Description::Text(without_meeting_details_text(&text)),
        SourceDescription::Html(html) => {
            Description::SanitizedHtml(without_meeting_details_html(&sanitize_html(&html)))
        }
    };
    let (Description::Text(text) | Description::SanitizedHtml(text)) = &kept;
    (!text.trim().is_empty()).then_some(kept)
}

impl EventOrigin {
    /// A UID stable across re-publishes of the same source event: a keyed digest of its source id
    /// (no one without the secret can test a guessed id against it), else of its times and place
    /// among the events with the same times.
    fn uid_of(&self, event: &SourceEvent, ordinal: u32) -> String {
        let hex: String = match &event.source_id {
            Some(id) => self.uids.key_of(id).hex(),
            None => {
                let mut hasher = Sha256::new();
                hasher.update(self.uid_scope.as_bytes());
                hasher.update([0]);
                hasher.update(format!("{:?}|{:?}|{ordinal}", event.start, event.end).as_bytes());
                hasher.finalize()[..16].iter().map(|b| format!("{b:02x}")).collect()
            }
        };
        format!("{hex}@calendar-share")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{DateRange, ShowAs};
    use jiff::tz::TimeZone;

    fn source(title: &str, start: &str, end: &str) -> SourceEvent {
        SourceEvent {
            source_id: Some(format!("src-{title}")),
            start: EventTime::At(start.parse().unwrap()),
            end: EventTime::At(end.parse().unwrap()),
            show_as: ShowAs::Busy,
            private: false,
            cancelled: false,
            title: title.into(),
            location: Some("Room 1".into()),
            description: Some(SourceDescription::Html(
                "<p onclick=x>Hi <a href=\"https://x.test\">x</a><script>bad()</script></p>".into(),
            )),
            resource: Some("Tier 1".into()),
            status: None,
            color: None,
        }
    }

    fn origin() -> EventOrigin {
        let (group, owner) = (GroupId::parse("g").unwrap(), UserId::parse("u").unwrap());
        EventOrigin::new(&SourceIdSecret::development(), &group, &owner, SourceFormat::Normalized)
    }

    fn december() -> RangeBounds {
        let range = DateRange::new("2026-12-01".parse().unwrap(), "2027-01-01".parse().unwrap()).unwrap();
        RangeBounds::new(range, &TimeZone::get("America/New_York").unwrap())
    }

    #[test]
    fn each_level_keeps_only_what_it_shows() {
        let event = || vec![source("Standup", "2026-12-03T14:00:00Z", "2026-12-03T15:00:00Z")];
        let (avail, _) = minimize(event(), DetailLevel::Availability, &december(), &origin());
        assert_eq!(
            (avail[0].title.as_ref(), avail[0].location.as_ref(), avail[0].description.as_ref()),
            (None, None, None)
        );
        assert_eq!(avail[0].resource.as_deref(), Some("Tier 1"));
        let (limited, _) = minimize(event(), DetailLevel::Limited, &december(), &origin());
        assert_eq!(limited[0].title.as_deref(), Some("Standup"));
        assert!(limited[0].description.is_none());
        let (full, _) = minimize(event(), DetailLevel::Full, &december(), &origin());
        let Some(Description::SanitizedHtml(html)) = &full[0].description else { panic!("no description") };
        assert!(!html.contains("script") && !html.contains("onclick"), "{html}");
        assert!(html.contains("rel=\"noopener noreferrer nofollow\""), "{html}");
    }

    #[test]
    fn private_events_are_availability_only_and_outside_events_counted() {
        let mut private = source("Secret", "2026-12-03T14:00:00Z", "2026-12-03T15:00:00Z");
        private.private = true;
        let outside = source("Late", "2027-01-01T05:00:00Z", "2027-01-01T06:00:00Z");
        let edge = source("Edge", "2027-01-01T04:00:00Z", "2027-01-01T06:00:00Z");
        let (kept, left_out) = minimize(vec![private, outside, edge], DetailLevel::Full, &december(), &origin());
        assert_eq!(left_out, LeftOut { outside_range: 1, cancelled: 0 });
        assert_eq!(kept.len(), 2);
        assert_eq!(
            (kept[0].title.as_ref(), kept[0].location.as_ref(), kept[0].description.as_ref()),
            (None, None, None)
        );
    }

    #[test]
    fn an_invitations_meeting_section_is_never_stored() {
        let zoom = "Bring the Q3 numbers.\n\nJoin Zoom Meeting\nhttps://us06web.zoom.us/j/845?pwd=x\n\nMeeting ID: 845 1236 7890\nPasscode: 552019";
        let mut text = source("Text", "2026-12-03T14:00:00Z", "2026-12-03T15:00:00Z");
        text.description = Some(SourceDescription::Text(zoom.into()));
        let mut html = source("Html", "2026-12-03T14:00:00Z", "2026-12-03T15:00:00Z");
        html.description = Some(SourceDescription::Html(format!("<p>{}</p>", zoom.replace('\n', "<br>"))));
        let mut only = source("Only", "2026-12-03T14:00:00Z", "2026-12-03T15:00:00Z");
        only.description = Some(SourceDescription::Text("Meeting ID: 845 1236 7890".into()));
        let (kept, _) = minimize(vec![text, html, only], DetailLevel::Full, &december(), &origin());
        assert_eq!(kept[0].description, Some(Description::Text("Bring the Q3 numbers.".into())));
        assert_eq!(kept[1].description, Some(Description::SanitizedHtml("<p>Bring the Q3 numbers.</p>".into())));
        assert_eq!(kept[2].description, None, "nothing but meeting details is no description");
    }

    #[test]
    fn uids_are_stable_and_do_not_reveal_the_source_id() {
        let (a, _) = minimize(
            vec![source("A", "2026-12-03T14:00:00Z", "2026-12-03T15:00:00Z")],
            DetailLevel::Full,
            &december(),
            &origin(),
        );
        let (b, _) = minimize(
            vec![source("A", "2026-12-03T14:00:00Z", "2026-12-03T15:00:00Z")],
            DetailLevel::Full,
            &december(),
            &origin(),
        );
        assert_eq!(a[0].uid, b[0].uid);
        assert!(!a[0].uid.contains("src-A"));
        // Keyed: a guess at the id cannot be checked against the UID without the secret, and the
        // UID is not the source key the index holds.
        let unkeyed = Sha256::digest(b"g/u\0src-A")[..16].iter().map(|b| format!("{b:02x}")).collect::<String>();
        assert_ne!(a[0].uid, format!("{unkeyed}@calendar-share"));
        assert!(!a[0].uid.starts_with(&a[0].source.unwrap().hex()));
        let (group, owner) = (GroupId::parse("g").unwrap(), UserId::parse("u").unwrap());
        let other_secret = SourceIdSecret::new(&[9; 32]).unwrap();
        let elsewhere = EventOrigin::new(&other_secret, &group, &owner, SourceFormat::Normalized);
        let (c, _) = minimize(
            vec![source("A", "2026-12-03T14:00:00Z", "2026-12-03T15:00:00Z")],
            DetailLevel::Full,
            &december(),
            &elsewhere,
        );
        assert_ne!(a[0].uid, c[0].uid, "another secret, another UID");
    }
}
