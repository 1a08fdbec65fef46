//! RFC 5545 content lines: unfolded, split into name, parameters and value, and nested into
//! components by `BEGIN`/`END`, each with the line it starts on (for error messages). Only the
//! properties a reader asks for are kept; every other one is dropped as it is read.

/// The deepest nesting of components read (VCALENDAR > VTIMEZONE > STANDARD is three).
const MAX_DEPTH: usize = 8;

/// What was sent, quoted in a message: at most `MAX_QUOTED_CHARS` characters of it, between quotes.
pub(crate) fn shown(raw: &str) -> String {
    format!("\"{}\"", crate::domain::quoted(raw))
}

/// A broken line: its number (1-based, of the line as sent, before unfolding) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LineError {
    pub line: usize,
    pub message: String,
}

impl LineError {
    pub fn new(line: usize, message: impl Into<String>) -> Self {
        Self { line, message: message.into() }
    }
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// One property as read: its name in upper case, its parameters (names in upper case, values
/// without quotes) and its raw value (still escaped, for TEXT values see `unescape_text`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Property {
    pub name: String,
    pub params: Vec<Parameter>,
    pub value: String,
    pub line: usize,
}

impl Property {
    /// The first value of a parameter, matched case-insensitively on its name.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// A component (`VEVENT`, `VTIMEZONE`, `STANDARD`, …) with the properties kept and its children.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Component {
    pub name: String,
    pub line: usize,
    pub properties: Vec<Property>,
    pub children: Vec<Component>,
}

impl Component {
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties.iter().find(|p| p.name == name)
    }

    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Property> + 'a {
        self.properties.iter().filter(move |p| p.name == name)
    }
}

/// Reads `text` into its top-level components (the `VCALENDAR`s), keeping of each component only
/// the properties `keeps(component, property)` names. Broken lines are pushed to `errors` (and
/// skipped); a structure that cannot be followed (an `END` without its `BEGIN`) stops the reading.
pub(crate) fn parse_components(
    text: &str,
    keeps: impl Fn(&str, &str) -> bool,
    errors: &mut Vec<LineError>,
) -> Vec<Component> {
    let mut top = Vec::new();
    let mut open: Vec<Component> = Vec::new();
    for (line, logical) in unfolded_lines(text) {
        if logical.trim().is_empty() {
            continue;
        }
        let property = match parse_line(&logical, line, |name| {
            let within = open.last().map_or("", |c| c.name.as_str());
            name == "BEGIN" || name == "END" || keeps(within, name)
        }) {
            Ok(Some(property)) => property,
            Ok(None) => continue,
            Err(error) => {
                errors.push(error);
                continue;
            }
        };
        match property.name.as_str() {
            "BEGIN" => {
                if open.len() == MAX_DEPTH {
                    errors.push(LineError::new(line, format!("components nest deeper than {MAX_DEPTH}")));
                    return top;
                }
                let name = property.value.trim().to_ascii_uppercase();
                open.push(Component { name, line, ..Component::default() });
            }
            "END" => {
                let name = property.value.trim().to_ascii_uppercase();
                match open.pop() {
                    Some(component) if component.name == name => match open.last_mut() {
                        Some(parent) => parent.children.push(component),
                        None => top.push(component),
                    },
                    Some(component) => {
                        let expected = format!("END:{} for the BEGIN on line {}", component.name, component.line);
                        errors.push(LineError::new(line, format!("expected {}", shown(&expected))));
                        return top;
                    }
                    None => {
                        errors.push(LineError::new(line, "END without a BEGIN"));
                        return top;
                    }
                }
            }
            _ => match open.last_mut() {
                Some(component) => component.properties.push(property),
                None => {
                    errors.push(LineError::new(line, "a property outside BEGIN:VCALENDAR … END:VCALENDAR"));
                    return top;
                }
            },
        }
    }
    if let Some(component) = open.first() {
        let message = format!("BEGIN:{} has no END", shown(&component.name));
        errors.push(LineError::new(component.line, message));
    }
    top
}

/// The logical lines of `text` with the number of the line each starts on: CRLF or LF line breaks,
/// a line that starts with a space or a tab continuing the one before (its first character dropped).
fn unfolded_lines(text: &str) -> impl Iterator<Item = (usize, String)> + '_ {
    let mut physical = text.split('\n').enumerate().peekable();
    std::iter::from_fn(move || {
        let (index, first) = physical.next()?;
        let mut logical = first.strip_suffix('\r').unwrap_or(first).to_owned();
        while let Some((_, next)) = physical.next_if(|(_, next)| next.starts_with([' ', '\t'])) {
            let next = next.strip_suffix('\r').unwrap_or(next);
            logical.push_str(&next[1..]);
        }
        Some((index + 1, logical))
    })
}

/// `name *(";" param) ":" value`; `Ok(None)` for a well-formed property that is not kept.
fn parse_line(logical: &str, line: usize, keeps: impl Fn(&str) -> bool) -> Result<Option<Property>, LineError> {
    let name_end = logical.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).unwrap_or(logical.len());
    let name = &logical[..name_end];
    if name.is_empty() {
        return Err(LineError::new(line, "expected a property name (letters, digits and dashes)"));
    }
    let name = name.to_ascii_uppercase();
    let mut rest = &logical[name_end..];
    let mut params = Vec::new();
    while let Some(after) = rest.strip_prefix(';') {
        let (param, after) = parse_param(after).map_err(|message| LineError::new(line, message))?;
        params.push(param);
        rest = after;
    }
    let Some(value) = rest.strip_prefix(':') else {
        return Err(LineError::new(line, format!("expected \":\" after the property name {}", shown(&name))));
    };
    if !keeps(&name) {
        return Ok(None);
    }
    Ok(Some(Property { name, params, value: value.to_owned(), line }))
}

/// A parameter as read: its name in upper case and its first value.
type Parameter = (String, String);

/// One `name=value *("," value)` parameter (only its first value is kept), and the text after it.
fn parse_param(text: &str) -> Result<(Parameter, &str), String> {
    let name_end = text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).unwrap_or(text.len());
    let name = text[..name_end].to_ascii_uppercase();
    let Some(mut rest) = text[name_end..].strip_prefix('=').filter(|_| !name.is_empty()) else {
        return Err("expected a parameter as NAME=value".to_owned());
    };
    let mut first = None;
    loop {
        let (value, after) = match rest.strip_prefix('"') {
            Some(quoted_value) => {
                let close = quoted_value.find('"').ok_or("a quoted parameter value has no closing quote")?;
                (&quoted_value[..close], &quoted_value[close + 1..])
            }
            None => {
                let end = rest.find([';', ':', ',', '"']).unwrap_or(rest.len());
                (&rest[..end], &rest[end..])
            }
        };
        let first = first.get_or_insert_with(|| value.to_owned());
        match after.strip_prefix(',') {
            Some(more) => rest = more,
            None => return Ok(((name, std::mem::take(first)), after)),
        }
    }
}

/// A TEXT value with its escapes read (`\\`, `\;`, `\,`, `\n`/`\N`); an unknown escape keeps its character.
pub(crate) fn unescape_text(raw: &str) -> String {
    let mut text = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            text.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => text.push('\n'),
            Some(other) => text.push(other),
            None => {}
        }
    }
    text
}

/// The values of a list-valued TEXT property (`CATEGORIES`), split at unescaped commas.
pub(crate) fn text_list(raw: &str) -> Vec<String> {
    let mut values = Vec::new();
    let (mut start, mut escaped) = (0, false);
    for (at, c) in raw.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            ',' => {
                values.push(unescape_text(&raw[start..at]));
                start = at + 1;
            }
            _ => {}
        }
    }
    values.push(unescape_text(&raw[start..]));
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Vec<Component>, Vec<LineError>) {
        let mut errors = Vec::new();
        let components = parse_components(text, |_, name| name != "ATTENDEE", &mut errors);
        (components, errors)
    }

    #[test]
    fn folded_lines_are_unfolded_and_numbered_from_where_they_start() {
        let text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Long\r\n  title\r\n\tcontinued\r\nATTENDEE;CN=\"Kim; K\":mailto:kim@example.com\r\nDESCRIPTION;LANGUAGE=en:a\\, b\\; c\\nd\\\\\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let (top, errors) = read(text);
        assert!(errors.is_empty(), "{errors:?}");
        let event = &top[0].children[0];
        assert_eq!(event.name, "VEVENT");
        assert_eq!(event.property("SUMMARY").unwrap().value, "Long titlecontinued");
        assert_eq!(event.property("SUMMARY").unwrap().line, 3);
        assert!(event.property("ATTENDEE").is_none(), "not kept");
        let description = event.property("DESCRIPTION").unwrap();
        assert_eq!((description.line, description.param("LANGUAGE")), (7, Some("en")));
        assert_eq!(unescape_text(&description.value), "a, b; c\nd\\");
    }

    #[test]
    fn broken_lines_are_reported_with_their_numbers() {
        let text = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nno colon here\nDTSTART;TZID=\"Europe/Paris:20261203T090000\n;X=1:v\nSUMMARY;=x:y\nEND:VEVENT\nEND:VCALENDAR";
        let (top, errors) = read(text);
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 4, 5, 6], "{errors:?}");
        assert_eq!(top[0].children[0].name, "VEVENT", "the other lines are read");
        assert!(errors[0].to_string().starts_with("line 3: "), "{}", errors[0]);
    }

    #[test]
    fn components_must_close_in_order() {
        let (_, errors) = read("BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VCALENDAR\n");
        assert_eq!(errors[0].line, 3);
        let (_, errors) = read("BEGIN:VCALENDAR\nBEGIN:VEVENT\n");
        assert_eq!(errors[0].line, 1, "{errors:?}");
        let (_, errors) = read("END:VEVENT\n");
        assert_eq!(errors[0].line, 1);
        let (_, errors) = read("SUMMARY:x\n");
        assert_eq!(errors[0].line, 1);
        let deep = "BEGIN:X\n".repeat(20);
        let (_, errors) = read(&deep);
        assert_eq!(errors[0].line, MAX_DEPTH + 1);
    }

    #[test]
    fn list_values_split_at_unescaped_commas() {
        assert_eq!(text_list("Tier 1\\, east,Support"), ["Tier 1, east", "Support"]);
        assert_eq!(text_list(""), [""]);
    }
}
