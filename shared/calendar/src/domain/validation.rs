//! Rule violations found while parsing a request, each with the JSON pointer it concerns.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub pointer: String,
    pub message: String,
}

/// At most this many errors are kept for the answer; the rest are only counted.
pub const MAX_LISTED_ERRORS: usize = 100;
/// An error quotes at most this many characters of what was sent (then `…`), in a message or a
/// pointer's token, so that no answer grows with a hostile input.
pub const MAX_QUOTED_CHARS: usize = 100;

/// Every rule a request breaks, gathered so the caller sees them at once: the first
/// `MAX_LISTED_ERRORS` listed, all counted, so a hostile body cannot grow the answer without bound.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationErrors {
    listed: Vec<FieldError>,
    found: usize,
}

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn single(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.push(pointer, message);
        errors
    }

    pub fn push(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.found += 1;
        if self.listed.len() < MAX_LISTED_ERRORS {
            let pointer = bounded_pointer(pointer.into());
            self.listed.push(FieldError { pointer, message: bounded_message(message.into()) });
        }
    }

    /// Records the error of a parse under `pointer` and returns the value when there was none.
    pub fn check<T, E: std::fmt::Display>(&mut self, pointer: impl Into<String>, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.push(pointer, error.to_string());
                None
            }
        }
    }

    /// Records "is required" under `pointer` when the value is missing, and passes the value on.
    pub fn require<T>(&mut self, pointer: impl Into<String>, value: Option<T>) -> Option<T> {
        if value.is_none() {
            self.push(pointer, "is required");
        }
        value
    }

    pub fn is_empty(&self) -> bool {
        self.found == 0
    }

    /// How many rules were found broken, listed or not.
    pub fn len(&self) -> usize {
        self.found
    }

    /// The first errors found, at most `MAX_LISTED_ERRORS`.
    pub fn errors(&self) -> &[FieldError] {
        &self.listed
    }

    /// Whether more errors were found than `errors` lists.
    pub fn is_truncated(&self) -> bool {
        self.found > self.listed.len()
    }

    /// Adds every error `other` found (its unlisted ones counted, not listed).
    pub fn extend(&mut self, other: Self) {
        let unlisted = other.found - other.listed.len();
        for error in other.listed {
            self.push(error.pointer, error.message);
        }
        self.found += unlisted;
    }

    pub fn into_result(self) -> Result<(), Self> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl std::fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} rule(s) broken", self.found)
    }
}

/// An object key as one token of an RFC 6901 pointer (a long one quoted in part).
pub(crate) fn escape_pointer_token(key: &str) -> String {
    quoted(key).replace('~', "~0").replace('/', "~1")
}

/// `raw` as an error quotes it: its first `MAX_QUOTED_CHARS` characters, then `…` if there were more.
pub fn quoted(raw: &str) -> std::borrow::Cow<'_, str> {
    match raw.char_indices().nth(MAX_QUOTED_CHARS) {
        Some((cut, _)) => format!("{}…", &raw[..cut]).into(),
        None => raw.into(),
    }
}

/// `message` with every run it quotes between `"` or `` ` `` (serde's way of quoting what was sent:
/// `invalid type: string "…", expected a boolean`) cut to `MAX_QUOTED_CHARS` characters.
pub fn bounded_message(message: String) -> String {
    if message.len() <= MAX_QUOTED_CHARS {
        return message;
    }
    let mut bounded = String::with_capacity(message.len().min(4 * MAX_QUOTED_CHARS + 200));
    let (mut quote, mut run, mut escaped) = (None, 0, false);
    for c in message.chars() {
        let Some(open) = quote else {
            if c == '"' || c == '`' {
                (quote, run) = (Some(c), 0);
            }
            bounded.push(c);
            continue;
        };
        if c == open && !escaped {
            quote = None;
            bounded.push(c);
            continue;
        }
        escaped = !escaped && c == '\\';
        run += 1;
        if run <= MAX_QUOTED_CHARS {
            bounded.push(c);
        } else if run == MAX_QUOTED_CHARS + 1 {
            bounded.push('…');
        }
    }
    bounded
}

/// A pointer whose every token is at most `MAX_QUOTED_CHARS` characters (the keys of a map as sent).
fn bounded_pointer(pointer: String) -> String {
    if pointer.len() <= MAX_QUOTED_CHARS {
        return pointer;
    }
    pointer.split('/').map(quoted).collect::<Vec<_>>().join("/")
}

/// The RFC 6901 pointer of a serde path (`value[3].start` → `/value/3/start`), empty for the root.
pub fn json_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .map(|segment| match segment {
            Segment::Seq { index } => format!("/{index}"),
            Segment::Map { key } | Segment::Enum { variant: key } => format!("/{}", escape_pointer_token(key)),
            Segment::Unknown => "/?".to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn require_reports_only_a_missing_value_and_passes_the_value_on() {
        let mut errors = ValidationErrors::new();
        assert_eq!(errors.require("/title", Some("Rota")), Some("Rota"));
        assert!(errors.is_empty());
        assert_eq!(errors.require::<&str>("/title", None), None);
        assert_eq!(errors.errors(), [FieldError { pointer: "/title".into(), message: "is required".into() }]);
    }

    #[test]
    fn errors_quote_at_most_a_hundred_characters_of_what_was_sent() {
        let sent = "\u{301}".repeat(100_000);
        let message = bounded_message(format!("invalid type: string \"{sent}\", expected a boolean"));
        assert_eq!(message, format!("invalid type: string \"{}…\", expected a boolean", "\u{301}".repeat(100)));
        let message = bounded_message(format!("unknown variant `{sent}`, expected `a` or `b`"));
        assert!(message.ends_with("…`, expected `a` or `b`") && message.chars().count() < 150, "{message}");
        let escaped = bounded_message(format!("string \"{}\\\"{}\" then", "a".repeat(50), "b".repeat(200)));
        assert!(escaped.ends_with("…\" then") && escaped.chars().count() < 130, "{escaped}");
        let mut errors = ValidationErrors::new();
        errors.push(format!("/departmentNames/{sent}"), format!("unknown time zone \"{}\"", quoted(&sent)));
        let FieldError { pointer, message } = &errors.errors()[0];
        assert_eq!(pointer.chars().count(), "/departmentNames/".len() + 101);
        assert_eq!(message.chars().count(), "unknown time zone \"\"".len() + 101);
        assert_eq!(quoted("short"), "short");
    }

    #[test]
    fn lists_the_first_hundred_errors_and_counts_the_rest() {
        let mut errors = ValidationErrors::new();
        for i in 0..MAX_LISTED_ERRORS {
            errors.push(format!("/events/{i}"), "is required");
        }
        assert!(!errors.is_truncated());
        errors.push("/events/100", "is required");
        errors.push("/events/101", "is required");
        assert_eq!((errors.len(), errors.errors().len()), (102, MAX_LISTED_ERRORS));
        assert!(errors.is_truncated());
        assert_eq!(errors.errors().last().unwrap().pointer, "/events/99");
    }
}
