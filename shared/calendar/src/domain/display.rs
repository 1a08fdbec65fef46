//! The group's calendar display defaults (`display` in the settings): the language and formats its
//! share pages default to, the day grid's hours, status colours and resource folders. Applied at
//! view time to every share of the group.

use super::{Color, ValidationErrors};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// Status colours and resource folders a group may keep: the settings are read on every view.
pub const MAX_STATUS_COLORS: usize = 50;
pub const MAX_RESOURCE_FOLDERS: usize = 50;
pub const MAX_FOLDER_RESOURCES: usize = 200;
pub const MAX_DISPLAY_NAME_CHARS: usize = 500;
/// The whole `display` object as stored, so the settings item stays one small read.
pub const MAX_DISPLAY_BYTES: usize = 16 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DisplaySettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<LocaleTag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub week_start: Option<WeekStart>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_format: Option<TimeFormat>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_start: Option<DayTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_end: Option<DayTime>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub status_colors: BTreeMap<String, Color>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_folders: Vec<ResourceFolder>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceFolder {
    pub name: String,
    pub resources: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum WeekStart {
    Monday,
    Sunday,
    Saturday,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimeFormat {
    #[serde(rename = "12h")]
    TwelveHour,
    #[serde(rename = "24h")]
    TwentyFourHour,
}

/// A whole hour of the day, `00:00` to `24:00` (the grid's hour rows), as minutes since midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DayTime(u16);

/// A well-formed BCP 47 language tag (`en-US`, `de`, `pt-BR`, `zh-Hant-TW`), in its canonical case.
/// Whether the pages speak it is decided where they render; an unsupported tag falls back there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LocaleTag(String);

impl Default for DisplaySettings {
    fn default() -> Self {
        Self::NONE
    }
}

impl DisplaySettings {
    /// A group without display settings: the pages follow their language alone.
    pub const NONE: Self = Self {
        locale: None,
        week_start: None,
        time_format: None,
        day_start: None,
        day_end: None,
        status_colors: BTreeMap::new(),
        resource_folders: Vec::new(),
    };

    pub fn is_empty(&self) -> bool {
        self == &Self::NONE
    }

    /// Every rule `display` (as sent, any JSON) breaks, with pointers under `/display`.
    pub fn from_json(raw: &Value) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let Some(fields) = raw.as_object() else {
            return Err(ValidationErrors::single("/display", "must be an object"));
        };
        let mut display = Self::default();
        for (name, value) in fields {
            let pointer = format!("/display/{}", super::validation::escape_pointer_token(name));
            match name.as_str() {
                "locale" => display.locale = errors.check(&pointer, text(value).and_then(LocaleTag::parse)),
                "weekStart" => display.week_start = errors.check(&pointer, text(value).and_then(WeekStart::parse)),
                "timeFormat" => display.time_format = errors.check(&pointer, text(value).and_then(TimeFormat::parse)),
                "dayStart" => display.day_start = errors.check(&pointer, text(value).and_then(DayTime::parse)),
                "dayEnd" => display.day_end = errors.check(&pointer, text(value).and_then(DayTime::parse)),
                "statusColors" => display.status_colors = status_colors(value, &pointer, &mut errors),
                "resourceFolders" => display.resource_folders = resource_folders(value, &pointer, &mut errors),
                _ => errors.push(&pointer, "is not a display setting"),
            }
        }
        if let (Some(start), Some(end)) = (display.day_start, display.day_end)
            && end <= start
        {
            errors.push("/display/dayEnd", "must be later than dayStart");
        }
        if display.day_start == Some(DayTime::END_OF_DAY) {
            errors.push("/display/dayStart", "must be earlier than 24:00");
        }
        if display.day_end == Some(DayTime::MIDNIGHT) {
            errors.push("/display/dayEnd", "must be later than 00:00");
        }
        errors.into_result()?;
        let stored = serde_json::to_vec(&display).map_or(usize::MAX, |json| json.len());
        if stored > MAX_DISPLAY_BYTES {
            return Err(ValidationErrors::single(
                "/display",
                format!("is {stored} bytes as stored; at most {MAX_DISPLAY_BYTES} are kept"),
            ));
        }
        Ok(display)
    }

    /// The grid's hours: from `dayStart` to `dayEnd`, either defaulting to the day's own edge.
    pub fn day_hours(&self) -> Option<(DayTime, DayTime)> {
        if self.day_start.is_none() && self.day_end.is_none() {
            return None;
        }
        Some((self.day_start.unwrap_or(DayTime::MIDNIGHT), self.day_end.unwrap_or(DayTime::END_OF_DAY)))
    }

    pub fn status_color(&self, status: &str) -> Option<&Color> {
        self.status_colors.get(status)
    }
}

fn text(value: &Value) -> Result<&str, String> {
    value.as_str().ok_or_else(|| "must be a string".to_owned())
}

/// A status, folder or resource name: what the page shows in its filters.
fn display_name(value: &Value) -> Result<String, String> {
    let name = text(value)?;
    if name.trim().is_empty() {
        Err("must not be blank".to_owned())
    } else if name.chars().count() > MAX_DISPLAY_NAME_CHARS {
        Err(format!("must be at most {MAX_DISPLAY_NAME_CHARS} characters"))
    } else if name.chars().any(char::is_control) {
        Err("must not hold control characters".to_owned())
    } else {
        Ok(name.to_owned())
    }
}

fn status_colors(value: &Value, pointer: &str, errors: &mut ValidationErrors) -> BTreeMap<String, Color> {
    let Some(entries) = value.as_object() else {
        errors.push(pointer, "must be an object of status name → colour");
        return BTreeMap::new();
    };
    if entries.len() > MAX_STATUS_COLORS {
        errors.push(pointer, format!("must name at most {MAX_STATUS_COLORS} statuses"));
        return BTreeMap::new();
    }
    let mut colors = BTreeMap::new();
    for (status, color) in entries {
        let at = format!("{pointer}/{}", super::validation::escape_pointer_token(status));
        let name = errors.check(&at, display_name(&Value::String(status.clone())));
        let color = errors.check(&at, text(color).and_then(|raw| Color::parse(raw).map_err(str::to_owned)));
        if let (Some(name), Some(color)) = (name, color) {
            colors.insert(name, color);
        }
    }
    colors
}

fn resource_folders(value: &Value, pointer: &str, errors: &mut ValidationErrors) -> Vec<ResourceFolder> {
    let Some(folders) = value.as_array() else {
        errors.push(pointer, "must be an array of {\"name\", \"resources\"}");
        return Vec::new();
    };
    if folders.len() > MAX_RESOURCE_FOLDERS {
        errors.push(pointer, format!("must hold at most {MAX_RESOURCE_FOLDERS} folders"));
        return Vec::new();
    }
    let mut kept: Vec<ResourceFolder> = Vec::with_capacity(folders.len());
    for (index, folder) in folders.iter().enumerate() {
        let at = format!("{pointer}/{index}");
        let Some(fields) = folder.as_object() else {
            errors.push(&at, "must be an object with \"name\" and \"resources\"");
            continue;
        };
        if let Some(unknown) = fields.keys().find(|key| !matches!(key.as_str(), "name" | "resources")) {
            errors.push(format!("{at}/{}", super::validation::escape_pointer_token(unknown)), "is not a folder field");
        }
        let name = match fields.get("name") {
            Some(name) => errors.check(format!("{at}/name"), display_name(name)),
            None => errors.require(format!("{at}/name"), None),
        };
        if let Some(name) = &name
            && kept.iter().any(|folder| &folder.name == name)
        {
            errors.push(format!("{at}/name"), "names another folder already");
        }
        let resources = match fields.get("resources").map(Value::as_array) {
            None => errors.require(format!("{at}/resources"), None),
            Some(Some(list)) if list.is_empty() || list.len() > MAX_FOLDER_RESOURCES => {
                errors.push(format!("{at}/resources"), format!("must list 1 to {MAX_FOLDER_RESOURCES} resources"));
                None
            }
            Some(Some(list)) => {
                let mut names: Vec<String> = Vec::with_capacity(list.len());
                for (i, resource) in list.iter().enumerate() {
                    if let Some(resource) = errors.check(format!("{at}/resources/{i}"), display_name(resource))
                        && !names.contains(&resource)
                    {
                        names.push(resource);
                    }
                }
                Some(names)
            }
            Some(None) => {
                errors.push(format!("{at}/resources"), "must be an array of resource names");
                None
            }
        };
        if let (Some(name), Some(resources)) = (name, resources) {
            kept.push(ResourceFolder { name, resources });
        }
    }
    kept
}

impl WeekStart {
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw {
            "monday" => Ok(Self::Monday),
            "sunday" => Ok(Self::Sunday),
            "saturday" => Ok(Self::Saturday),
            _ => Err("must be \"monday\", \"sunday\" or \"saturday\"".to_owned()),
        }
    }

    pub fn weekday(self) -> jiff::civil::Weekday {
        match self {
            Self::Monday => jiff::civil::Weekday::Monday,
            Self::Sunday => jiff::civil::Weekday::Sunday,
            Self::Saturday => jiff::civil::Weekday::Saturday,
        }
    }
}

impl TimeFormat {
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw {
            "12h" => Ok(Self::TwelveHour),
            "24h" => Ok(Self::TwentyFourHour),
            _ => Err("must be \"12h\" or \"24h\"".to_owned()),
        }
    }
}

impl DayTime {
    pub const MIDNIGHT: Self = Self(0);
    pub const END_OF_DAY: Self = Self(24 * 60);

    pub fn parse(raw: &str) -> Result<Self, String> {
        let invalid = || {
            format!("must be a whole hour, \"HH:00\" from 00:00 to 24:00 (not {:?})", super::validation::quoted(raw))
        };
        let bytes = raw.as_bytes();
        if bytes.len() != 5 || bytes[2] != b':' {
            return Err(invalid());
        }
        let number = |digits: &str| digits.parse::<u16>().ok().filter(|_| digits.bytes().all(|b| b.is_ascii_digit()));
        let (Some(hour), Some(minute)) = (number(&raw[..2]), number(&raw[3..])) else {
            return Err(invalid());
        };
        let minutes = hour * 60 + minute;
        if minute != 0 || minutes > Self::END_OF_DAY.0 {
            return Err(invalid());
        }
        Ok(Self(minutes))
    }

    pub fn minutes(self) -> u16 {
        self.0
    }

    pub fn hour(self) -> u16 {
        self.0 / 60
    }
}

impl fmt::Display for DayTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl TryFrom<String> for DayTime {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<DayTime> for String {
    fn from(time: DayTime) -> Self {
        time.to_string()
    }
}

text_newtype!(LocaleTag, String);

impl LocaleTag {
    pub const MAX_CHARS: usize = 64;

    /// RFC 5646's shape: a 2-3 or 5-8 letter language, then subtags of 1-8 letters or digits; the
    /// language in lower case, a script in title case and a region in upper case (before any
    /// extension).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let invalid = || "must be a BCP 47 language tag such as \"en-US\" or \"de\"".to_owned();
        if raw.is_empty() || raw.len() > Self::MAX_CHARS || !raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(invalid());
        }
        let mut canonical = String::with_capacity(raw.len());
        let mut in_extension = false;
        for (index, subtag) in raw.split('-').enumerate() {
            let letters = subtag.bytes().all(|b| b.is_ascii_alphabetic());
            let shaped = match index {
                0 => letters && matches!(subtag.len(), 2 | 3 | 5..=8),
                _ => (1..=8).contains(&subtag.len()),
            };
            if !shaped {
                return Err(invalid());
            }
            if index > 0 {
                canonical.push('-');
            }
            in_extension |= index > 0 && subtag.len() == 1;
            match subtag.len() {
                _ if index == 0 || in_extension => canonical.push_str(&subtag.to_ascii_lowercase()),
                4 if letters => {
                    canonical.push_str(&subtag[..1].to_ascii_uppercase());
                    canonical.push_str(&subtag[1..].to_ascii_lowercase());
                }
                2 if letters => canonical.push_str(&subtag.to_ascii_uppercase()),
                _ => canonical.push_str(&subtag.to_ascii_lowercase()),
            }
        }
        if raw.ends_with('-') || raw.split('-').next_back().is_some_and(|last| last.len() == 1 && in_extension) {
            return Err(invalid());
        }
        Ok(Self(canonical))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pointers(raw: Value) -> Vec<String> {
        let errors = DisplaySettings::from_json(&raw).expect_err("invalid");
        errors.errors().iter().map(|error| error.pointer.clone()).collect()
    }

    #[test]
    fn the_contracts_example_is_kept_whole() {
        let raw = json!({"locale": "en-US", "weekStart": "sunday", "timeFormat": "12h", "dayStart": "07:00",
            "dayEnd": "19:00", "statusColors": {"Confirmed": "#2e7d32", "Tentative": "#f9a825"},
            "resourceFolders": [{"name": "Support", "resources": ["Tier 1", "Tier 2"]}]});
        let display = DisplaySettings::from_json(&raw).unwrap();
        assert_eq!(serde_json::to_value(&display).unwrap(), raw);
        assert_eq!(display.day_hours().map(|(s, e)| (s.minutes(), e.minutes())), Some((420, 1140)));
        assert_eq!(display.status_color("Confirmed").map(Color::as_str), Some("#2e7d32"));
        assert!(DisplaySettings::from_json(&json!({})).unwrap().is_empty());
    }

    #[test]
    fn every_bad_value_is_named_by_its_pointer() {
        let found = pointers(json!({"locale": "english!", "weekStart": "friday", "timeFormat": 12,
            "dayStart": "7:00", "dayEnd": "19:10", "statusColors": {"Confirmed": "green", "": "#fff"},
            "resourceFolders": [{"name": "", "resources": []}, {"resources": ["A", 5]}, "x"], "theme": "dark"}));
        for pointer in [
            "/display/locale",
            "/display/weekStart",
            "/display/timeFormat",
            "/display/dayStart",
            "/display/dayEnd",
            "/display/statusColors/Confirmed",
            "/display/statusColors/",
            "/display/resourceFolders/0/name",
            "/display/resourceFolders/0/resources",
            "/display/resourceFolders/1/name",
            "/display/resourceFolders/1/resources/1",
            "/display/resourceFolders/2",
            "/display/theme",
        ] {
            assert!(found.iter().any(|p| p == pointer), "{pointer} in {found:?}");
        }
        assert_eq!(pointers(json!({"dayStart": "19:00", "dayEnd": "07:00"})), ["/display/dayEnd"]);
        assert_eq!(pointers(json!({"dayStart": "24:00"})), ["/display/dayStart"]);
        assert_eq!(pointers(json!([])), ["/display"]);
        let twin = json!({"resourceFolders": [{"name": "A", "resources": ["x"]}, {"name": "A", "resources": ["y"]}]});
        assert_eq!(pointers(twin), ["/display/resourceFolders/1/name"]);
    }

    #[test]
    fn a_display_too_large_to_keep_is_refused() {
        let long = "r".repeat(MAX_DISPLAY_NAME_CHARS - 2);
        let folders: Vec<Value> =
            (0..40).map(|i| json!({"name": format!("F{i}"), "resources": [format!("{long}{i}")]})).collect();
        assert_eq!(pointers(json!({"resourceFolders": folders})), ["/display"]);
    }

    #[test]
    fn day_times_are_whole_hours_of_the_day() {
        assert_eq!(DayTime::parse("07:00").unwrap().minutes(), 420);
        assert_eq!(DayTime::parse("24:00").unwrap(), DayTime::END_OF_DAY);
        for bad in ["7:00", "07:10", "07:30", "24:15", "25:00", "07-00", "+7:00", "0a:00", "07:0٠"] {
            assert!(DayTime::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn locale_tags_are_checked_for_shape_and_put_in_canonical_case() {
        for (raw, canonical) in
            [("en-us", "en-US"), ("DE", "de"), ("pt-br", "pt-BR"), ("zh-hant-tw", "zh-Hant-TW"), ("es-419", "es-419")]
        {
            assert_eq!(LocaleTag::parse(raw).unwrap().as_str(), canonical);
        }
        assert_eq!(LocaleTag::parse("de-DE-u-co-phonebk").unwrap().as_str(), "de-DE-u-co-phonebk");
        for bad in ["", "e", "english-", "en_US", "en--US", "en-US-", "toolonglanguage", "en-u", "1en", "en-abcdefghi"]
        {
            assert!(LocaleTag::parse(bad).is_err(), "{bad}");
        }
    }
}
