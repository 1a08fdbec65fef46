//! The filters form (`templates/_filters.html`): the resources and statuses of the snapshot offered
//! as choices, the recipient's narrowing to one of each, and the zones the page's switch offers.

use crate::domain::SharedEvent;
use crate::render::PageQuery;
use std::collections::HashSet;

/// Filter values offered; more would make the page heavy (a chosen one is always honoured).
const MAX_CHOICES: usize = 100;

/// Zones offered by the page's switch (any other valid IANA name works through `tz=` too).
pub(super) const ZONE_CHOICES: &[&str] = &[
    "UTC",
    "Pacific/Honolulu",
    "America/Anchorage",
    "America/Los_Angeles",
    "America/Denver",
    "America/Phoenix",
    "America/Chicago",
    "America/Mexico_City",
    "America/New_York",
    "America/Toronto",
    "America/Bogota",
    "America/Halifax",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
    "Atlantic/Reykjavik",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Madrid",
    "Europe/Paris",
    "Europe/Amsterdam",
    "Europe/Berlin",
    "Europe/Zurich",
    "Europe/Rome",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Europe/Athens",
    "Europe/Helsinki",
    "Europe/Istanbul",
    "Europe/Kyiv",
    "Europe/Moscow",
    "Africa/Lagos",
    "Africa/Cairo",
    "Africa/Johannesburg",
    "Africa/Nairobi",
    "Asia/Jerusalem",
    "Asia/Dubai",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Dhaka",
    "Asia/Bangkok",
    "Asia/Jakarta",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Manila",
    "Asia/Seoul",
    "Asia/Tokyo",
    "Australia/Perth",
    "Australia/Adelaide",
    "Australia/Brisbane",
    "Australia/Sydney",
    "Pacific/Auckland",
];

/// One filter select: the values present in the snapshot, and the honoured choice.
#[derive(Default)]
pub(super) struct Choices<'a> {
    pub(super) values: Vec<&'a str>,
    /// Switched to once the list grows long, so a share of many values stays linear.
    seen: HashSet<&'a str>,
    last: Option<&'a str>,
    pub(super) selected: Option<&'a str>,
}

impl<'a> Choices<'a> {
    /// The distinct resources and statuses of the snapshot, in one pass.
    pub(super) fn of(events: &'a [SharedEvent], query: &PageQuery) -> (Self, Self) {
        let (mut resources, mut statuses) = (Self::default(), Self::default());
        for event in events {
            if let Some(resource) = event.resource.as_deref() {
                resources.add(resource);
            }
            if let Some(status) = event.status.as_deref() {
                statuses.add(status);
            }
        }
        resources.finish(query.resource.as_deref());
        statuses.finish(query.status.as_deref());
        (resources, statuses)
    }

    fn add(&mut self, value: &'a str) {
        // Neighbours often share a value; then a short list is searched; a long one is a set.
        if self.last.is_some_and(|last| same(last, value)) {
            return;
        }
        self.last = Some(value);
        let new = if self.seen.is_empty() {
            let new = !self.values.iter().any(|known| same(known, value));
            if new && self.values.len() == 16 {
                self.seen.extend(self.values.iter().copied());
                self.seen.insert(value);
            }
            new
        } else {
            self.seen.insert(value)
        };
        if new {
            self.values.push(value);
        }
    }

    fn finish(&mut self, wanted: Option<&str>) {
        self.selected = wanted.and_then(|wanted| self.values.iter().copied().find(|value| *value == wanted));
        self.values.sort_unstable_by(|a, b| {
            a.bytes().map(|c| c.to_ascii_lowercase()).cmp(b.bytes().map(|c| c.to_ascii_lowercase())).then(a.cmp(b))
        });
        if self.values.len() > MAX_CHOICES {
            self.values.truncate(MAX_CHOICES);
            if let Some(chosen) = self.selected
                && !self.values.contains(&chosen)
            {
                self.values.push(chosen);
            }
        }
    }

    pub(super) fn is_selected(&self, value: &str) -> bool {
        self.selected == Some(value)
    }
}

/// String equality that rejects on length and last byte before comparing the rest: values such
/// as "Tier 1" and "Tier 2" are common, and a call to `memcmp` per event adds up on large shares.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().last() == b.as_bytes().last() && a == b
}

/// The recipient's narrowing, checked per event.
#[derive(Clone, Copy)]
pub(super) struct Narrowing<'a> {
    pub(super) resource: Option<&'a str>,
    pub(super) status: Option<&'a str>,
}

impl Narrowing<'_> {
    pub(super) fn keeps(&self, event: &SharedEvent) -> bool {
        self.resource.is_none_or(|r| event.resource.as_deref() == Some(r))
            && self.status.is_none_or(|s| event.status.as_deref() == Some(s))
    }
}
