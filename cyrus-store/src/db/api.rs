use std::fmt;

use super::error::DbError;

/// Whether a `foreach` walk goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Walk {
    /// Continue with the next record.
    Continue,
    /// Stop the walk (not an error).
    Stop,
}

/// The on-disk formats a database can have (Cyrus backend names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DbBackend {
    /// `twoskip`.
    Twoskip,
    /// `flat`.
    Flat,
    /// `quotalegacy`.
    QuotaLegacy,
    /// `skiplist` (older Cyrus default).
    Skiplist,
    /// In-memory model ([`super::MemDb`]); never on disk.
    Memory,
}

impl DbBackend {
    /// The name Cyrus uses in `imapd.conf` and `cyr_dbtool`.
    pub fn name(self) -> &'static str {
        match self {
            DbBackend::Twoskip => "twoskip",
            DbBackend::Flat => "flat",
            DbBackend::QuotaLegacy => "quotalegacy",
            DbBackend::Skiplist => "skiplist",
            DbBackend::Memory => "memory",
        }
    }
}

impl std::str::FromStr for DbBackend {
    type Err = DbError;
    fn from_str(s: &str) -> Result<Self, DbError> {
        match s {
            "twoskip" => Ok(DbBackend::Twoskip),
            "flat" => Ok(DbBackend::Flat),
            "quotalegacy" => Ok(DbBackend::QuotaLegacy),
            "skiplist" => Ok(DbBackend::Skiplist),
            other => Err(DbError::Format(format!("unknown backend {other:?}"))),
        }
    }
}

impl fmt::Display for DbBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An open database.
///
/// Outside a transaction every call is atomic on its own: reads take a
/// shared lock for their duration, writes an exclusive lock and commit
/// before returning (Cyrus's `tid == NULL`). Between [`Db::begin`] and
/// [`Db::commit`]/[`Db::abort`] the handle holds the exclusive lock, reads
/// see the transaction's own writes, and nothing is visible to others or
/// durable until `commit` returns. Keys sort by unsigned bytes.
pub trait Db: Send + fmt::Debug {
    /// The value of `key`, if present.
    fn fetch(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, DbError>;

    /// The first record whose key is strictly greater than `key`.
    #[allow(clippy::type_complexity)] // a (key, value) pair, spelled out
    fn fetch_next(&mut self, key: &[u8]) -> Result<Option<(Vec<u8>, Vec<u8>)>, DbError>;

    /// Calls `f` for each record whose key starts with `prefix`, in key
    /// order, until it returns [`Walk::Stop`] or an error.
    #[allow(clippy::type_complexity)] // the callback's signature, spelled out
    fn foreach(
        &mut self,
        prefix: &[u8],
        f: &mut dyn FnMut(&[u8], &[u8]) -> Result<Walk, DbError>,
    ) -> Result<(), DbError>;

    /// Inserts or replaces a record.
    fn store(&mut self, key: &[u8], value: &[u8]) -> Result<(), DbError>;

    /// Removes a record; removing a missing key is not an error.
    fn delete(&mut self, key: &[u8]) -> Result<(), DbError>;

    /// Starts a transaction (takes the exclusive lock).
    fn begin(&mut self) -> Result<(), DbError>;

    /// Makes the transaction's writes durable and visible, then unlocks.
    fn commit(&mut self) -> Result<(), DbError>;

    /// Discards the transaction's writes and unlocks.
    fn abort(&mut self) -> Result<(), DbError>;

    /// True between `begin` and `commit`/`abort`.
    fn in_transaction(&self) -> bool;

    /// Checks the file's internal structure (Cyrus `consistent`).
    fn consistent(&mut self) -> Result<(), DbError>;

    /// Rewrites the file compactly (Cyrus `repack`/checkpoint); a no-op for
    /// backends without one.
    fn repack(&mut self) -> Result<(), DbError>;

    /// The backend.
    fn backend(&self) -> DbBackend;
}

/// A transaction guard: aborts on drop unless committed.
#[derive(Debug)]
pub struct Txn<'a> {
    db: &'a mut dyn Db,
    open: bool,
}

impl<'a> Txn<'a> {
    /// Begins a transaction on `db`.
    pub fn begin(db: &'a mut dyn Db) -> Result<Txn<'a>, DbError> {
        db.begin()?;
        Ok(Txn { db, open: true })
    }

    /// The database, for reads and writes inside the transaction.
    pub fn db(&mut self) -> &mut dyn Db {
        self.db
    }

    /// Commits.
    pub fn commit(mut self) -> Result<(), DbError> {
        self.open = false;
        self.db.commit()
    }
}

impl Drop for Txn<'_> {
    fn drop(&mut self) {
        if self.open {
            // An abort failure leaves the file for recovery on next open;
            // there is nobody to report it to from a destructor.
            let _ = self.db.abort();
        }
    }
}
