//! The embedded store's file: SQLite (bundled), one table of rows by (table, key), in WAL mode with
//! `synchronous=FULL`, so a call's rows are on disk before it returns and a crash at any moment leaves
//! the rows of every call that returned. Its schema is versioned (`PRAGMA user_version`); a file of an
//! older version is migrated on open, one of a newer version refused. One process serves a file at a
//! time (a lock on `PATH.lock`); a backup is SQLite's online backup, consistent while it serves.

use super::rows::{FileError, Row, RowFile};
use rusqlite::{Connection, OpenFlags, params};
use std::fs::{File, OpenOptions};
use std::path::Path;

impl From<rusqlite::Error> for FileError {
    fn from(error: rusqlite::Error) -> Self {
        Self::Sqlite(error.to_string())
    }
}

/// The version of the file's schema this build writes.
pub const SCHEMA_VERSION: i64 = 2;

/// A step from one version of the file to the next.
enum Migration {
    Sql(&'static str),
    /// The rows to put and delete, given every row as the version before wrote it.
    Rows(fn(Vec<Row>) -> Result<Vec<Row>, FileError>),
}

/// Each version's step from the one before: `MIGRATIONS[n]` takes a file from version `n` to `n + 1`.
const MIGRATIONS: [Migration; SCHEMA_VERSION as usize] = [
    Migration::Sql(
        "CREATE TABLE rows (tbl TEXT NOT NULL, key BLOB NOT NULL, value BLOB NOT NULL, PRIMARY KEY (tbl, key)) WITHOUT ROWID",
    ),
    // 2: snapshots cut into pieces by content, which the record lists.
    Migration::Rows(super::tables::pieces_from_chunks),
];

pub struct StoreFile {
    connection: Connection,
    writes: u64,
    /// Held while this process serves the file.
    _lock: File,
}

impl std::fmt::Debug for StoreFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreFile")
    }
}

/// The lock file beside `path`, taken for as long as the returned file is open.
fn lock(path: &Path) -> Result<File, FileError> {
    let lock_path = path.with_extension("lock");
    let io = |source| FileError::Io { path: lock_path.clone(), source };
    let lock = owner_only(OpenOptions::new().create(true).truncate(false).write(true)).open(&lock_path).map_err(io)?;
    match lock.try_lock() {
        Ok(()) => Ok(lock),
        Err(std::fs::TryLockError::WouldBlock) => Err(FileError::InUse(path.to_owned())),
        Err(std::fs::TryLockError::Error(error)) => Err(io(error)),
    }
}

fn owner_only(options: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(options, 0o600);
    options
}

/// The folder the file lives in, made owner-only if missing.
fn make_folder(path: &Path) -> Result<(), FileError> {
    let Some(folder) = path.parent().filter(|folder| !folder.as_os_str().is_empty()) else { return Ok(()) };
    if folder.exists() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(folder).map_err(|source| FileError::Io { path: folder.to_owned(), source })
}

fn connect(path: &Path) -> Result<Connection, FileError> {
    // The file is made owner-only before SQLite opens it (SQLite would make it 0644).
    if !path.exists() {
        owner_only(OpenOptions::new().create(true).truncate(false).write(true))
            .open(path)
            .map_err(|source| FileError::Io { path: path.to_owned(), source })?;
    }
    let connection =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "FULL")?;
    connection.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(connection)
}

/// Takes the file to `SCHEMA_VERSION`, each step in a transaction of its own.
fn migrate(connection: &mut Connection) -> Result<(), FileError> {
    let version: i64 = connection.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(FileError::Newer { found: version, readable: SCHEMA_VERSION });
    }
    for (step, migration) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let transaction = connection.transaction()?;
        match migration {
            Migration::Sql(sql) => transaction.execute_batch(sql)?,
            Migration::Rows(convert) => {
                let rows = convert(read_rows(&transaction)?)?;
                write_rows(&transaction, &rows)?;
            }
        }
        transaction.pragma_update(None, "user_version", step as i64 + 1)?;
        transaction.commit()?;
    }
    Ok(())
}

fn read_rows(connection: &Connection) -> Result<Vec<Row>, FileError> {
    let mut statement = connection.prepare("SELECT tbl, key, value FROM rows")?;
    let rows = statement.query_map([], |row| Ok(Row::read(row.get(0)?, row.get(1)?, row.get(2)?)))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Puts and deletes `rows` within the caller's transaction.
fn write_rows(connection: &Connection, rows: &[Row]) -> Result<(), FileError> {
    let mut put = connection.prepare_cached("INSERT OR REPLACE INTO rows (tbl, key, value) VALUES (?1, ?2, ?3)")?;
    let mut delete = connection.prepare_cached("DELETE FROM rows WHERE tbl = ?1 AND key = ?2")?;
    for row in rows {
        match row.value() {
            Some(value) => put.execute(params![row.table, row.key(), value])?,
            None => delete.execute(params![row.table, row.key()])?,
        };
    }
    Ok(())
}

impl StoreFile {
    /// Opens (or makes) the file at `path` and reads every row.
    pub fn open(path: &Path) -> Result<(Self, Vec<Row>), FileError> {
        make_folder(path)?;
        let lock = lock(path)?;
        let mut connection = connect(path)?;
        migrate(&mut connection)?;
        let rows = read_rows(&connection)?;
        Ok((Self { connection, writes: 0, _lock: lock }, rows))
    }
}

impl RowFile for StoreFile {
    /// Writes `rows` (puts and deletes) in one transaction, durable when it returns.
    fn write(&mut self, rows: &[Row]) -> Result<(), FileError> {
        let transaction = self.connection.transaction()?;
        write_rows(&transaction, rows)?;
        transaction.commit()?;
        self.writes += 1;
        Ok(())
    }

    fn writes(&self) -> u64 {
        self.writes
    }
}

/// Writes a consistent copy of the store's file at `from` to `to` (owner-only), with SQLite's online
/// backup: a runner may be serving the file meanwhile.
pub fn backup(from: &Path, to: &Path) -> Result<(), FileError> {
    if !from.exists() {
        return Err(FileError::Io { path: from.to_owned(), source: std::io::ErrorKind::NotFound.into() });
    }
    let source = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    source.busy_timeout(std::time::Duration::from_secs(5))?;
    make_folder(to)?;
    let _ = std::fs::remove_file(to);
    owner_only(OpenOptions::new().create(true).truncate(true).write(true))
        .open(to)
        .map_err(|source| FileError::Io { path: to.to_owned(), source })?;
    let mut target = Connection::open(to)?;
    rusqlite::backup::Backup::new(&source, &mut target)?.run_to_completion(256, std::time::Duration::ZERO, None)?;
    Ok(())
}

/// Puts the backup at `from` in place of the store's file at `to`; refused while a runner serves it.
pub fn restore(from: &Path, to: &Path) -> Result<(), FileError> {
    let _serving = lock(to)?;
    let source = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let version: i64 = source.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(FileError::Newer { found: version, readable: SCHEMA_VERSION });
    }
    make_folder(to)?;
    for stale in [to.with_extension("db-wal"), to.with_extension("db-shm")] {
        let _ = std::fs::remove_file(stale);
    }
    let mut target = connect(to)?;
    rusqlite::backup::Backup::new(&source, &mut target)?.run_to_completion(256, std::time::Duration::ZERO, None)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temporary(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("share-store-{}-{name}", uuid::Uuid::new_v4().simple()))
    }

    #[test]
    fn a_file_of_the_first_version_is_migrated_and_a_newer_one_refused() {
        let path = temporary("versions.db");
        // Version 0: a file SQLite made, with nothing of ours in it yet.
        Connection::open(&path).unwrap().execute_batch("CREATE TABLE unrelated (x)").unwrap();
        let (mut file, rows) = StoreFile::open(&path).expect("migrated");
        assert!(rows.is_empty());
        file.write(&[Row::of("records", &"a", Some(&1u8)).unwrap()]).unwrap();
        drop(file);
        let version: i64 =
            Connection::open(&path).unwrap().pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        assert_eq!(StoreFile::open(&path).unwrap().1.len(), 1, "what was written is read back");
        Connection::open(&path).unwrap().pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
        assert!(matches!(StoreFile::open(&path), Err(FileError::Newer { .. })));
        for leftover in
            [path.clone(), path.with_extension("lock"), path.with_extension("db-wal"), path.with_extension("db-shm")]
        {
            let _ = std::fs::remove_file(leftover);
        }
    }

    #[tokio::test]
    async fn a_file_of_version_one_keeps_its_shares_in_pieces() {
        use crate::render::fixtures;
        use crate::store::{EmbeddedStore, ShareReads};
        use flate2::{Compression, write::DeflateEncoder};
        use serde::Serialize;
        use std::io::Write;

        #[derive(Serialize)]
        struct RecordV1 {
            record: serde_json::Value,
            #[serde(with = "serde_bytes")]
            first_chunk: Vec<u8>,
        }
        #[derive(Serialize)]
        struct ChunkV1 {
            #[serde(with = "serde_bytes")]
            bytes: Vec<u8>,
            pending_since: Option<jiff::Timestamp>,
        }

        let date = |text: &str| text.parse::<jiff::civil::Date>().unwrap();
        let detail = crate::domain::DetailLevel::Full;
        let record = fixtures::record("Rota", "America/New_York", date("2026-12-01"), date("2027-01-01"), detail);
        let mut seed = 7;
        let events: Vec<_> = (0..400).map(|i| fixtures::dense_event(&mut seed, i)).collect();
        // Version 1: one deflated stream, cut into chunks; chunk 0 in the record's row.
        let mut encoder = DeflateEncoder::new(Vec::new(), Compression::fast());
        encoder.write_all(&serde_json::to_vec(&events).unwrap()).unwrap();
        let stream = encoder.finish().unwrap();
        let (first, second) = stream.split_at(stream.len() / 2);
        let mut stored = serde_json::to_value(&record).unwrap();
        stored.as_object_mut().unwrap().remove("pieces");
        stored["chunkCount"] = 2.into();
        let id = record.id.clone();
        let path = temporary("version-one.db");
        {
            let connection = Connection::open(&path).unwrap();
            connection
                .execute_batch(match &MIGRATIONS[0] {
                    Migration::Sql(sql) => sql,
                    Migration::Rows(_) => unreachable!(),
                })
                .unwrap();
            connection.pragma_update(None, "user_version", 1).unwrap();
            let rows = [
                Row::of("records", &id, Some(&RecordV1 { record: stored, first_chunk: first.to_vec() })).unwrap(),
                Row::of(
                    "chunks",
                    &(&id, &record.generation, 1u32),
                    Some(&ChunkV1 { bytes: second.to_vec(), pending_since: None }),
                )
                .unwrap(),
                // A leftover of a write that never committed.
                Row::of(
                    "chunks",
                    &(&id, "0ld", 1u32),
                    Some(&ChunkV1 { bytes: vec![1, 2], pending_since: Some(record.created_at) }),
                )
                .unwrap(),
            ];
            write_rows(&connection, &rows).unwrap();
        }
        let store = EmbeddedStore::open(&path).expect("upgraded");
        let published = store.published(&id).await.unwrap().expect("the share is kept");
        assert_eq!(crate::snapshot::decode(&published.chunks).unwrap(), events);
        assert!(published.record.pieces.len() > 1, "{:?}", published.record.pieces);
        assert_eq!(store.findings(true), Vec::<String>::new());
        drop(store);
        let version: i64 =
            Connection::open(&path).unwrap().pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        for leftover in
            [path.clone(), path.with_extension("lock"), path.with_extension("db-wal"), path.with_extension("db-shm")]
        {
            let _ = std::fs::remove_file(leftover);
        }
    }
}
