//! Problem details (RFC 9457): the shape of every refusal, and its bytes. The service's answers
//! (share-core's `ApiError`) and the sealing tools' (`share-seal`, the browser module) are all built
//! here, so a body the service would refuse gets the same problem+json from each.

use crate::body::MAX_BODY_BYTES;
use crate::domain::{FieldError, ValidationErrors, quoted};
use serde::Serialize;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// No problem+json answer is longer: whatever a request sent, its error stays small.
pub const MAX_PROBLEM_BYTES: usize = 64 * 1024;

/// A refusal: its status, what went wrong, and every broken rule with its JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub status: u16,
    pub detail: String,
    /// At most `MAX_LISTED_ERRORS` (`ValidationErrors` keeps no more).
    pub errors: Vec<FieldError>,
    /// More rules were broken than `errors` lists.
    pub errors_truncated: bool,
    /// A call that switches several shares and stopped: the ones it had switched (id, event count).
    pub shares_updated: Option<Vec<(String, u32)>>,
}

#[derive(Serialize)]
struct ProblemJson<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    title: &'a str,
    status: u16,
    detail: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [FieldError],
    #[serde(rename = "errorsTruncated", skip_serializing_if = "std::ops::Not::not")]
    errors_truncated: bool,
    #[serde(rename = "sharesUpdated", skip_serializing_if = "Option::is_none")]
    shares_updated: Option<Vec<UpdatedShareJson<'a>>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UpdatedShareJson<'a> {
    id: &'a str,
    event_count: u32,
}

impl Problem {
    pub fn new(status: u16, detail: impl Into<String>) -> Self {
        Self { status, detail: detail.into(), errors: Vec::new(), errors_truncated: false, shares_updated: None }
    }

    /// 400: a body that is not JSON of its shape, at `pointer` where that is known. A pointer quotes
    /// the keys sent, each cut already, but a deep one holds many of them: it is cut too.
    pub fn malformed(pointer: Option<&str>, message: &str) -> Self {
        Self::new(400, pointer.map_or_else(|| message.to_owned(), |p| format!("{}: {message}", quoted(p))))
    }

    /// 422: every broken rule, each at its pointer.
    pub fn invalid(errors: ValidationErrors) -> Self {
        let count = errors.len();
        let truncated = errors.is_truncated();
        let listed = errors.errors();
        let detail = if count == 1 {
            format!("{} {}", listed[0].pointer, listed[0].message)
        } else if truncated {
            format!("The request breaks {count} rules; errors lists the first {}.", listed.len())
        } else {
            format!("The request breaks {count} rules; see errors.")
        };
        Self { errors: listed.to_vec(), errors_truncated: truncated, ..Self::new(422, detail) }
    }

    /// 413: a body over `MAX_BODY_BYTES`.
    pub fn too_large() -> Self {
        Self::new(413, format!("The request body is larger than {MAX_BODY_BYTES} bytes."))
    }

    /// 500: a bug, or a platform that failed us (no random bytes); nothing more is said.
    pub fn internal() -> Self {
        Self::new(500, "Something went wrong on our side.")
    }

    /// The status's reason phrase (RFC 9110), as `title`.
    pub fn title(&self) -> &'static str {
        match self.status {
            400 => "Bad Request",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            409 => "Conflict",
            413 => "Payload Too Large",
            415 => "Unsupported Media Type",
            422 => "Unprocessable Entity",
            431 => "Request Header Fields Too Large",
            500 => "Internal Server Error",
            503 => "Service Unavailable",
            504 => "Gateway Timeout",
            _ => "Error",
        }
    }

    /// The problem+json text. Each error quotes little of what was sent, but a hundred of them in
    /// four-byte characters may still be long: it lists fewer, and says so, until it fits.
    pub fn to_json(&self) -> Vec<u8> {
        let mut json = ProblemJson {
            kind: "about:blank",
            title: self.title(),
            status: self.status,
            detail: &self.detail,
            errors: &self.errors,
            errors_truncated: self.errors_truncated,
            shares_updated: self.shares_updated.as_ref().map(|switched| {
                switched.iter().map(|(id, count)| UpdatedShareJson { id, event_count: *count }).collect()
            }),
        };
        loop {
            let bytes = serde_json::to_vec(&json).expect("a problem serializes");
            if json.errors.is_empty() || bytes.len() <= MAX_PROBLEM_BYTES {
                return bytes;
            }
            json.errors = &json.errors[..json.errors.len() / 2];
            json.errors_truncated = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn parsed(problem: &Problem) -> Value {
        serde_json::from_slice(&problem.to_json()).unwrap()
    }

    #[test]
    fn a_problem_lists_fewer_errors_rather_than_grow_past_64_kib() {
        let mut errors = ValidationErrors::new();
        for i in 0..150 {
            errors.push(
                format!("/events/{i}/{}", "\u{10348}".repeat(500)),
                format!("bad \"{}\"", "\u{10348}".repeat(500)),
            );
        }
        let problem = Problem::invalid(errors);
        assert!(problem.to_json().len() <= MAX_PROBLEM_BYTES, "{} bytes", problem.to_json().len());
        assert_eq!(parsed(&problem)["errorsTruncated"], true);
        assert!(!parsed(&problem)["errors"].as_array().unwrap().is_empty());
    }

    #[test]
    fn a_malformed_body_quotes_at_most_a_hundred_characters_of_a_deep_pointer() {
        let pointer = format!("/display{}", format!("/{}", "k".repeat(100)).repeat(127));
        let problem = parsed(&Problem::malformed(Some(&pointer), "recursion limit exceeded"));
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.starts_with("/display/kkk") && detail.ends_with("…: recursion limit exceeded"), "{detail}");
        assert_eq!(detail.chars().count(), 101 + ": recursion limit exceeded".len());
        let short = parsed(&Problem::malformed(Some("/events/3/title"), "expected a string"));
        assert_eq!(short["detail"], "/events/3/title: expected a string");
    }

    #[test]
    fn problems_carry_type_title_status_and_pointers() {
        let problem = parsed(&Problem::invalid(ValidationErrors::single("/events/3/start", "is required")));
        assert_eq!(
            problem,
            json!({"type": "about:blank", "title": "Unprocessable Entity", "status": 422,
                "detail": "/events/3/start is required",
                "errors": [{"pointer": "/events/3/start", "message": "is required"}]})
        );
        assert_eq!(parsed(&Problem::too_large())["title"], "Payload Too Large");
        let midway = Problem { shares_updated: Some(vec![("abc".into(), 3)]), ..Problem::internal() };
        assert_eq!(parsed(&midway)["sharesUpdated"], json!([{"id": "abc", "eventCount": 3}]));
    }
}
