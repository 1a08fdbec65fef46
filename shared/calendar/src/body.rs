//! A JSON request body read as the service reads it: at most `MAX_BODY_BYTES`, one document of the
//! expected shape, and where it went wrong if not (the pointer and serde's message, each bounded).

use crate::domain::{bounded_message, json_pointer};

/// The largest request body taken: Lambda's 6 MB cap covers the whole event (headers, the body
/// and its encoding), so a body near 6 MB would never reach the function.
pub const MAX_BODY_BYTES: usize = 5_000_000;

/// A body that is not JSON of the expected shape (400): where it went wrong, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedBody {
    pub pointer: Option<String>,
    pub message: String,
}

/// A JSON body as `T`: wrong JSON or types, or anything but white space after the document, are
/// malformed, with the pointer where it went wrong.
pub fn json_body<'a, T: serde::Deserialize<'a>>(body: &'a [u8]) -> Result<T, MalformedBody> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let parsed: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let pointer = Some(json_pointer(error.path())).filter(|p| !p.is_empty());
        MalformedBody { pointer, message: bounded_message(error.inner().to_string()) }
    })?;
    deserializer.end().map_err(|error| MalformedBody {
        pointer: None,
        message: format!("only white space may follow the JSON document ({error})"),
    })?;
    Ok(parsed)
}
