//! The publish body's maps from athena's department and provider ids to what the appointments do
//! not carry themselves: each department's time zone and display name, each provider's name.

use crate::domain::{ValidationErrors, without_control_chars};
use crate::sources::{MAX_TEXT_CHARS, MalformedEvents};
use jiff::tz::TimeZone;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use std::collections::{HashMap, HashSet};
use std::fmt;

/// More entries than any practice has departments or providers: a bigger map is refused unread.
pub const MAX_DIRECTORY_ENTRIES: usize = 1_000;
/// athena ids are short numbers; a key longer than this is not one.
pub const MAX_ID_CHARS: usize = 64;

/// One map of the body as sent (`{"71": "Dr. Lee"}`): its entries in order, values strings, duplicates kept
/// so that they can be reported. Any other value type is malformed (400).
#[derive(Debug, Default)]
pub(crate) struct IdMap(Vec<(String, String)>);

impl<'de> Deserialize<'de> for IdMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(IdMapVisitor)
    }
}

struct IdMapVisitor;

impl<'de> Visitor<'de> for IdMapVisitor {
    type Value = IdMap;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object from ids to strings")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<IdMap, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<String, String>()? {
            entries.push(entry);
        }
        Ok(IdMap(entries))
    }
}

/// The three maps as given in a body (`departmentTimeZones`, `departmentNames`, `providerNames`).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DirectoryMaps {
    pub department_time_zones: Option<IdMap>,
    pub department_names: Option<IdMap>,
    pub provider_names: Option<IdMap>,
}

/// Valid zones and names by athena id; ids without an entry take the defaults (the share's zone, no
/// department name, `Provider {id}`).
#[derive(Debug, Clone, Default)]
pub struct PracticeDirectory {
    department_zones: HashMap<String, TimeZone>,
    department_names: HashMap<String, String>,
    provider_names: HashMap<String, String>,
}

impl PracticeDirectory {
    /// Reads the maps of a whole request body (the rest of it skipped): a map of the wrong shape is
    /// malformed (400), a broken entry a rule broken at its pointer.
    pub(crate) fn from_body(body: &[u8], errors: &mut ValidationErrors) -> Result<Self, MalformedEvents> {
        let maps = serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(body))
            .map_err(|error| MalformedEvents::from_serde("", error))?;
        Ok(Self::parse(maps, "", errors))
    }

    /// Reads the maps at `/departmentTimeZones`, … (under `prefix`, empty for a publish body), each
    /// broken entry reported at its own pointer; a broken map adds nothing.
    pub(crate) fn parse(maps: DirectoryMaps, prefix: &str, errors: &mut ValidationErrors) -> Self {
        let zone = |name: &str| TimeZone::get(name).map_err(|_| "must be an IANA time zone, e.g. America/New_York");
        let name = |name: &str| -> Result<String, String> {
            let name = without_control_chars(name.to_owned()).trim().to_owned();
            match name.chars().count() {
                0 => Err("must not be empty".to_owned()),
                count if count > MAX_TEXT_CHARS => Err(format!("must be at most {MAX_TEXT_CHARS} characters")),
                _ => Ok(name),
            }
        };
        Self {
            department_zones: read_map(
                maps.department_time_zones,
                &format!("{prefix}/departmentTimeZones"),
                zone,
                errors,
            ),
            department_names: read_map(maps.department_names, &format!("{prefix}/departmentNames"), name, errors),
            provider_names: read_map(maps.provider_names, &format!("{prefix}/providerNames"), name, errors),
        }
    }

    pub fn department_zone(&self, department: &str) -> Option<&TimeZone> {
        self.department_zones.get(department)
    }

    pub fn department_name(&self, department: &str) -> Option<&str> {
        self.department_names.get(department).map(String::as_str)
    }

    pub fn provider_name(&self, provider: &str) -> Option<&str> {
        self.provider_names.get(provider).map(String::as_str)
    }
}

fn read_map<T, E: fmt::Display>(
    map: Option<IdMap>,
    at: &str,
    read_value: impl Fn(&str) -> Result<T, E>,
    errors: &mut ValidationErrors,
) -> HashMap<String, T> {
    let Some(IdMap(entries)) = map else { return HashMap::new() };
    if entries.len() > MAX_DIRECTORY_ENTRIES {
        errors.push(at, format!("holds at most {MAX_DIRECTORY_ENTRIES} entries"));
        return HashMap::new();
    }
    let (mut read, mut seen) = (HashMap::with_capacity(entries.len()), HashSet::with_capacity(entries.len()));
    for (id, value) in entries {
        let pointer = format!("{at}/{}", id.replace('~', "~0").replace('/', "~1"));
        if id.trim().is_empty() || id.chars().count() > MAX_ID_CHARS || id.chars().any(char::is_control) {
            errors.push(pointer, format!("must be keyed by an id of 1 to {MAX_ID_CHARS} characters"));
            continue;
        }
        if !seen.insert(id.clone()) {
            errors.push(pointer, "is given twice");
            continue;
        }
        if let Some(value) = errors.check(pointer, read_value(&value)) {
            read.insert(id, value);
        }
    }
    read
}

#[cfg(test)]
mod tests {
    use super::super::super::test_support::pointers;
    use super::*;

    fn maps(json: &str) -> DirectoryMaps {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Body {
            department_time_zones: Option<IdMap>,
            department_names: Option<IdMap>,
            provider_names: Option<IdMap>,
        }
        let body: Body = serde_json::from_str(json).unwrap();
        DirectoryMaps {
            department_time_zones: body.department_time_zones,
            department_names: body.department_names,
            provider_names: body.provider_names,
        }
    }

    fn parse(json: &str) -> (PracticeDirectory, ValidationErrors) {
        let mut errors = ValidationErrors::new();
        (PracticeDirectory::parse(maps(json), "", &mut errors), errors)
    }

    #[test]
    fn zones_and_names_are_found_by_id() {
        let (directory, errors) = parse(
            r#"{"departmentTimeZones":{"1":"America/Chicago","2":"Europe/Berlin"},"departmentNames":{"1":" Main St\u0007 Clinic "},
                "providerNames":{"71":"Dr. Lee"}}"#,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(directory.department_zone("1").and_then(TimeZone::iana_name), Some("America/Chicago"));
        assert_eq!(directory.department_zone("3"), None);
        assert_eq!(directory.department_name("1"), Some("Main St Clinic"));
        assert_eq!((directory.provider_name("71"), directory.provider_name("72")), (Some("Dr. Lee"), None));
    }

    #[test]
    fn every_broken_entry_is_reported_at_its_own_pointer() {
        let long = "n".repeat(MAX_TEXT_CHARS + 1);
        let (directory, errors) = parse(&format!(
            r#"{{"departmentTimeZones":{{"1":"Mars/Olympus","2":"America/Denver","a/b~":"EST5EDT,M3.2.0","":"UTC"}},
                "departmentNames":{{"1":"  ","2":"{long}","2":"Annex"}},"providerNames":{{"71":"Dr. Lee","71":"Dr. Kim"}}}}"#
        ));
        assert_eq!(
            pointers(&errors),
            [
                "/departmentTimeZones/1",
                "/departmentTimeZones/a~1b~0",
                "/departmentTimeZones/",
                "/departmentNames/1",
                "/departmentNames/2",
                "/departmentNames/2",
                "/providerNames/71",
            ]
        );
        assert_eq!(directory.department_zone("2").and_then(TimeZone::iana_name), Some("America/Denver"));
        assert_eq!(directory.provider_name("71"), Some("Dr. Lee"), "the first of a repeated id is read");
    }

    #[test]
    fn a_map_over_the_limit_is_refused_whole() {
        let entries: Vec<String> = (0..=MAX_DIRECTORY_ENTRIES).map(|i| format!(r#""{i}":"Dr. {i}""#)).collect();
        let (directory, errors) = parse(&format!(r#"{{"providerNames":{{{}}}}}"#, entries.join(",")));
        assert_eq!(pointers(&errors), ["/providerNames"]);
        assert_eq!(directory.provider_name("1"), None);
        let (directory, errors) = parse(&format!(r#"{{"providerNames":{{{}}}}}"#, entries[1..].join(",")));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(directory.provider_name("1000"), Some("Dr. 1000"));
    }

    #[test]
    fn values_that_are_not_strings_are_malformed() {
        let error = serde_json::from_str::<IdMap>(r#"{"1":5}"#).unwrap_err();
        assert!(error.to_string().starts_with("invalid type: integer"), "{error}");
        assert!(serde_json::from_str::<IdMap>(r#"["America/New_York"]"#).is_err());
    }
}
