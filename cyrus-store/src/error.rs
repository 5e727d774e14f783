//! The store's top-level error: one variant per area.

use crate::db::DbError;
use crate::dlist::DlistError;
use crate::os::OsError;

/// Any error the store's public API returns.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The operating system failed.
    #[error(transparent)]
    Os(#[from] OsError),
    /// A database failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// A dlist did not parse.
    #[error(transparent)]
    Dlist(#[from] DlistError),
}
