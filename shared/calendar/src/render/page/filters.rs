//! The filters form (`templates/_filters.html`): the resources and statuses of the snapshot offered
//! as choices (resources grouped in the group's folders), the recipient's narrowing to one of each
//! or to a folder, and the zones the page's switch offers.

use crate::domain::{ResourceFolder, SharedEvent};
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

/// The group's resource folders as the resource filter groups them: each folder with the resources
/// of the snapshot it holds (a folder holding none is not offered), then the resources in no folder.
#[derive(Default)]
pub(super) struct Folders<'a> {
    pub(super) groups: Vec<FolderGroup<'a>>,
    pub(super) ungrouped: Vec<&'a str>,
    /// The folder the recipient narrowed to.
    pub(super) selected: Option<&'a str>,
    /// The selected folder's resources, each checked per event.
    members: HashSet<&'a str>,
}

pub(super) struct FolderGroup<'a> {
    pub(super) name: &'a str,
    pub(super) resources: Vec<&'a str>,
}

impl<'a> Folders<'a> {
    /// `resources` are the choices offered (the snapshot's resources, already bounded).
    pub(super) fn of(folders: &'a [ResourceFolder], resources: &[&'a str], wanted: Option<&str>) -> Self {
        if folders.is_empty() || resources.is_empty() {
            return Self::default();
        }
        let offered: HashSet<&str> = resources.iter().copied().collect();
        let mut in_a_folder: HashSet<&str> = HashSet::new();
        let mut groups = Vec::new();
        let mut members = HashSet::new();
        let mut selected = None;
        for folder in folders {
            let held: Vec<&'a str> =
                folder.resources.iter().map(String::as_str).filter(|name| offered.contains(name)).collect();
            if held.is_empty() {
                continue;
            }
            in_a_folder.extend(held.iter().copied());
            if selected.is_none() && wanted == Some(folder.name.as_str()) {
                selected = Some(folder.name.as_str());
                members = folder.resources.iter().map(String::as_str).collect();
            }
            groups.push(FolderGroup { name: &folder.name, resources: held });
        }
        let ungrouped = resources.iter().copied().filter(|name| !in_a_folder.contains(name)).collect();
        Self { groups, ungrouped, selected, members }
    }

    pub(super) fn is_selected(&self, name: &str) -> bool {
        self.selected == Some(name)
    }
}

/// The recipient's narrowing, checked per event.
#[derive(Clone, Copy)]
pub(super) struct Narrowing<'a> {
    pub(super) folder: Option<&'a HashSet<&'a str>>,
    pub(super) resource: Option<&'a str>,
    pub(super) status: Option<&'a str>,
}

impl<'a> Narrowing<'a> {
    pub(super) fn new(folders: &'a Folders<'a>, resource: Option<&'a str>, status: Option<&'a str>) -> Self {
        Self { folder: folders.selected.map(|_| &folders.members), resource, status }
    }

    pub(super) fn keeps(&self, event: &SharedEvent) -> bool {
        self.resource.is_none_or(|r| event.resource.as_deref() == Some(r))
            && self.status.is_none_or(|s| event.status.as_deref() == Some(s))
            && self.folder.is_none_or(|members| event.resource.as_deref().is_some_and(|r| members.contains(r)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str, resources: &[&str]) -> ResourceFolder {
        ResourceFolder { name: name.to_owned(), resources: resources.iter().map(|r| (*r).to_owned()).collect() }
    }

    #[test]
    fn folders_group_the_offered_resources_and_a_pick_narrows_to_its_own() {
        let folders =
            [folder("Support", &["Tier 2", "Tier 1", "Gone"]), folder("Empty", &["Gone"]), folder("Both", &["Tier 1"])];
        let offered = ["Lab", "Tier 1", "Tier 2"];
        let grouped = Folders::of(&folders, &offered, Some("Support"));
        let groups: Vec<(&str, &[&str])> = grouped.groups.iter().map(|g| (g.name, g.resources.as_slice())).collect();
        assert_eq!(
            groups,
            [("Support", &["Tier 2", "Tier 1"][..]), ("Both", &["Tier 1"][..])],
            "a folder of none is not offered"
        );
        assert_eq!(grouped.ungrouped, ["Lab"]);
        assert!(grouped.is_selected("Support"));
        let event = |resource: Option<&str>| SharedEvent {
            resource: resource.map(str::to_owned),
            ..crate::render::fixtures::timed("Shift", "2026-12-03T14:00:00Z", "2026-12-03T15:00:00Z")
        };
        let narrowing = Narrowing::new(&grouped, None, None);
        assert!(narrowing.keeps(&event(Some("Tier 1"))) && narrowing.keeps(&event(Some("Tier 2"))));
        assert!(!narrowing.keeps(&event(Some("Lab"))) && !narrowing.keeps(&event(None)));

        for unknown in [Some("Empty"), Some("Nope"), None] {
            let grouped = Folders::of(&folders, &offered, unknown);
            assert_eq!(grouped.selected, None, "{unknown:?} is not a folder of this page");
            assert!(Narrowing::new(&grouped, None, None).keeps(&event(Some("Lab"))));
        }
        assert!(Folders::of(&[], &offered, Some("Support")).groups.is_empty());
    }
}
