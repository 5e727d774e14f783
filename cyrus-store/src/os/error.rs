use std::io;
use std::path::PathBuf;

/// An I/O failure, with the operation and the path it concerned.
#[derive(Debug, thiserror::Error)]
#[error("{op} {path}: {source}")]
pub struct OsError {
    /// What was being done (`open`, `write`, `fsync`, `rename`, ...).
    pub op: &'static str,
    /// The file or directory.
    pub path: PathBuf,
    /// The underlying error.
    #[source]
    pub source: io::Error,
}

impl OsError {
    /// Wraps `source` with the operation and path.
    pub fn new(op: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        OsError {
            op,
            path: path.into(),
            source,
        }
    }

    /// True when the error says the file or directory does not exist.
    pub fn is_not_found(&self) -> bool {
        self.source.kind() == io::ErrorKind::NotFound
    }
}
