//! What can go wrong with a script operation, in the terms ManageSieve
//! answers with.

use std::path::PathBuf;

use crate::error::Error;

/// A script operation that failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SieveError {
    /// The name is empty, too long or has `/` or NUL.
    #[error("Invalid script name")]
    InvalidName,
    /// No such script.
    #[error("Script {0} does not exist")]
    NonExistent(String),
    /// The target name is taken.
    #[error("Script {0} already exists.")]
    AlreadyExists(String),
    /// The active script cannot be deleted.
    #[error("Active script cannot be deleted")]
    Active,
    /// `sieve_maxscripts` reached.
    #[error("You are only allowed {0} scripts on this server")]
    TooManyScripts(usize),
    /// Larger than `sieve_maxscriptsize`.
    #[error("Script size is too large. Max script size is {0} bytes")]
    TooLarge(usize),
    /// The user has no INBOX.
    #[error("no such user {0}")]
    NoUser(String),
    /// The user's `dav.db` (Cyrus's SQLite index of the scripts) could
    /// not be written. The reason is SQLite's message, kept as text so the
    /// error type does not depend on the optional SQLite crate.
    #[error("dav.db {}: {reason}", path.display())]
    DavDb {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        reason: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] Error),
}
