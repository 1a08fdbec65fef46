//! A row of the embedded store as its file keeps it: the table's name, the key and the value in CBOR.

use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("another runner serves {0}: one process may serve a store's file at a time")]
    InUse(PathBuf),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("the store's file: {0}")]
    Sqlite(String),
    #[error("the store's file has schema version {found}; this build reads up to {readable}")]
    Newer { found: i64, readable: i64 },
    #[error("the store's file: {0}")]
    Unreadable(String),
}

/// One row as the file keeps it: its table's name, its key and its value (CBOR), or no value for a
/// row to delete.
pub struct Row {
    pub table: String,
    key: Vec<u8>,
    value: Option<Vec<u8>>,
}

fn cbor<T: Serialize>(value: &T) -> Result<Vec<u8>, FileError> {
    let mut bytes = Vec::new();
    ciborium::into_writer(value, &mut bytes).map_err(|error| FileError::Unreadable(error.to_string()))?;
    Ok(bytes)
}

impl Row {
    pub fn of<K: Serialize, V: Serialize>(table: &str, key: &K, value: Option<&V>) -> Result<Self, FileError> {
        Ok(Self { table: table.to_owned(), key: cbor(key)?, value: value.map(cbor).transpose()? })
    }

    #[cfg(feature = "file-store")]
    pub fn read(table: String, key: Vec<u8>, value: Vec<u8>) -> Self {
        Self { table, key, value: Some(value) }
    }

    #[cfg(feature = "file-store")]
    pub fn key(&self) -> &[u8] {
        &self.key
    }

    #[cfg(feature = "file-store")]
    pub fn value(&self) -> Option<&[u8]> {
        self.value.as_deref()
    }

    pub fn decode<K: DeserializeOwned, V: DeserializeOwned>(&self) -> Result<(K, V), FileError> {
        let unreadable = |error: ciborium::de::Error<std::io::Error>| FileError::Unreadable(error.to_string());
        let value = self.value.as_deref().ok_or_else(|| FileError::Unreadable("a row without a value".into()))?;
        Ok((
            ciborium::from_reader(self.key.as_slice()).map_err(unreadable)?,
            ciborium::from_reader(value).map_err(unreadable)?,
        ))
    }
}

/// Where a store kept in a file writes the rows each call changed, in one durable transaction.
pub trait RowFile: Send + std::fmt::Debug {
    fn write(&mut self, rows: &[Row]) -> Result<(), FileError>;
    /// How many writes this process made.
    fn writes(&self) -> u64;
}
