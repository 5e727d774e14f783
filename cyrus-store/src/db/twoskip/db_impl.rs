//! [`Db`] for [`Twoskip`]: lock handling around each call.

use super::engine::Twoskip;
use crate::db::api::{Db, DbBackend, Walk};
use crate::db::error::DbError;

/// Records read per lock hold by a `foreach` outside a transaction. Cyrus
/// drops the read lock around every callback; we copy a batch out under
/// the lock and run the callbacks without it, so a callback may use other
/// handles on the same file.
const FOREACH_BATCH: usize = 256;

impl Twoskip {
    /// Runs `f` under the read lock, or inside the current transaction.
    fn reading<T>(&mut self, f: impl FnOnce(&Twoskip) -> Result<T, DbError>) -> Result<T, DbError> {
        if self.txn {
            return f(self);
        }
        self.read_lock()?;
        let r = f(self);
        let u = self.unlock();
        let v = r?;
        u?;
        Ok(v)
    }

    /// Runs `f` inside the current transaction (aborting it on error, as
    /// Cyrus does), or in a transaction of its own.
    fn writing(
        &mut self,
        f: impl FnOnce(&mut Twoskip) -> Result<(), DbError>,
    ) -> Result<(), DbError> {
        if self.opts.read_only {
            return Err(DbError::ReadOnly);
        }
        let own = !self.txn;
        if own {
            self.begin_txn()?;
        }
        match f(self) {
            Ok(()) if own => self.commit_txn(),
            Ok(()) => Ok(()),
            Err(e) => {
                // Report the write error; a failed abort leaves the file
                // for recovery at the next lock.
                let _ = self.abort_txn();
                Err(e)
            }
        }
    }

    /// The database file.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Generation counter from the header (bumped by every checkpoint).
    pub fn generation(&mut self) -> Result<u64, DbError> {
        self.reading(|db| Ok(db.header.generation))
    }
}

impl Db for Twoskip {
    fn fetch(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, DbError> {
        if key.is_empty() {
            return Ok(None);
        }
        self.reading(|db| Ok(db.relocate(key)?.value))
    }

    fn fetch_next(&mut self, key: &[u8]) -> Result<Option<(Vec<u8>, Vec<u8>)>, DbError> {
        self.reading(|db| {
            let loc = db.relocate(key)?;
            match db.next_record(&loc.record)? {
                Some(rec) => {
                    let v = db.read_value(&rec)?;
                    Ok(Some((rec.key, v)))
                }
                None => Ok(None),
            }
        })
    }

    fn foreach(
        &mut self,
        prefix: &[u8],
        f: &mut dyn FnMut(&[u8], &[u8]) -> Result<Walk, DbError>,
    ) -> Result<(), DbError> {
        let mut after: Option<Vec<u8>> = None;
        loop {
            let (batch, more) =
                self.reading(|db| db.scan(prefix, after.as_deref(), FOREACH_BATCH))?;
            for (k, v) in &batch {
                if f(k, v)? == Walk::Stop {
                    return Ok(());
                }
            }
            match batch.into_iter().next_back() {
                Some((k, _)) if more => after = Some(k),
                _ => return Ok(()),
            }
        }
    }

    fn store(&mut self, key: &[u8], value: &[u8]) -> Result<(), DbError> {
        // Refused before touching the transaction, which stays usable.
        if key.is_empty() {
            return Err(DbError::BadKey("empty key"));
        }
        self.writing(|db| db.skipwrite(key, Some(value)))
    }

    fn delete(&mut self, key: &[u8]) -> Result<(), DbError> {
        if key.is_empty() {
            return Ok(());
        }
        self.writing(|db| db.skipwrite(key, None))
    }

    fn begin(&mut self) -> Result<(), DbError> {
        if self.opts.read_only {
            return Err(DbError::ReadOnly);
        }
        self.begin_txn()
    }

    fn commit(&mut self) -> Result<(), DbError> {
        self.commit_txn()
    }

    fn abort(&mut self) -> Result<(), DbError> {
        self.abort_txn()
    }

    fn in_transaction(&self) -> bool {
        self.txn
    }

    fn consistent(&mut self) -> Result<(), DbError> {
        self.reading(|db| db.check_consistent())
    }

    fn repack(&mut self) -> Result<(), DbError> {
        if self.txn {
            return Err(DbError::Txn("repack inside a transaction"));
        }
        self.write_lock()?;
        let r = self.checkpoint();
        let u = self.unlock();
        r.and(u)
    }

    fn backend(&self) -> DbBackend {
        DbBackend::Twoskip
    }
}

impl Drop for Twoskip {
    fn drop(&mut self) {
        if self.txn {
            // Nobody to report to; an unfinished transaction is rolled back
            // by recovery at the next lock otherwise.
            let _ = self.abort_txn();
        }
        let _ = self.unlock();
    }
}
