//! Rule violations found while parsing a request, each with the JSON pointer it concerns.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub pointer: String,
    pub message: String,
}

/// Every rule a request breaks, gathered so the caller sees them all at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationErrors(Vec<FieldError>);

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
        self.0.push(FieldError { pointer: pointer.into(), message: message.into() });
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

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn errors(&self) -> &[FieldError] {
        &self.0
    }

    pub fn into_result(self) -> Result<(), Self> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl std::fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} rule(s) broken", self.0.len())
    }
}
