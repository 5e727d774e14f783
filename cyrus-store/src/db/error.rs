use std::path::PathBuf;

use crate::os::OsError;

/// Errors from a cyrusdb backend.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DbError {
    /// The operating system failed.
    #[error(transparent)]
    Io(#[from] OsError),
    /// The file is damaged at `offset`.
    #[error("{path}: corrupt database at offset {offset}: {what}")]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// Byte offset of the damage.
        offset: u64,
        /// What is wrong.
        what: String,
    },
    /// A write was attempted on a database opened read-only.
    #[error("database is read-only")]
    ReadOnly,
    /// `begin` inside a transaction, `commit` outside one, and the like.
    #[error("transaction misuse: {0}")]
    Txn(&'static str),
    /// The key or value cannot be stored by this backend.
    #[error("key or value not storable: {0}")]
    BadKey(&'static str),
    /// Unknown backend name or wrong file format.
    #[error("unknown or mismatched database format: {0}")]
    Format(String),
}

impl DbError {
    /// True when the database (file or directory) does not exist, the
    /// case Cyrus reports as `CYRUSDB_NOTFOUND` from `open`.
    pub fn is_not_found(&self) -> bool {
        matches!(self, DbError::Io(e) if e.is_not_found())
    }
}
