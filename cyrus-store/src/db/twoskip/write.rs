//! Writing: appending records, stitching pointers, commit and abort
//! (Cyrus `store_here`, `delete_here`, `stitch`, `mycommit`, `myabort`).
//!
//! Protocol: the first write of a transaction sets DIRTY in the header and
//! fsyncs it; records are only appended, and existing records' pointer
//! slots are rewritten in place under the level-0 rule that keeps the
//! committed link intact; commit appends a COMMIT record, fsyncs, writes
//! the header with the new `current_size` and DIRTY cleared, and fsyncs.

use super::engine::Twoskip;
use super::format::{build_record, Kind, Record, MINREWRITE};
use super::locate::Loc;
use crate::db::error::DbError;

impl Twoskip {
    /// Appends a new record at `end`, dirtying the header first if this is
    /// the transaction's first write.
    fn append(&mut self, rec: &mut Record, key: &[u8], val: &[u8]) -> Result<(), DbError> {
        if !self.header.is_dirty() {
            self.header.flags |= super::format::DIRTY;
            self.commit_header()?;
        }
        let bytes = build_record(rec, key, val, self.end);
        let at = self.end;
        self.write_at(at, &bytes)?;
        self.end = at + bytes.len() as u64;
        Ok(())
    }

    /// Rewrites a record's head (pointers) in place.
    pub(super) fn rewrite(&mut self, rec: &Record) -> Result<(), DbError> {
        let head = rec.encode_head();
        self.write_at(rec.offset, &head)
    }

    /// Points every `back` record, for levels below `maxlevel`, at the
    /// matching `fwd` location.
    fn stitch(&mut self, loc: &Loc, maxlevel: u8) -> Result<(), DbError> {
        let mut level = 0u8;
        while level < maxlevel {
            let mut old = self
                .read_record(loc.back[usize::from(level)])?
                .ok_or_else(|| self.corrupt(0, "missing back pointer"))?;
            if old.level <= level {
                return Err(self.corrupt(old.offset, "back record level too low"));
            }
            for i in level..maxlevel.min(old.level) {
                self.setloc(&mut old, i, loc.fwd[usize::from(i)]);
            }
            self.rewrite(&old)?;
            level = old.level;
        }
        Ok(())
    }

    /// Inserts or replaces the record at `loc` (whose search key is `key`).
    fn store_here(&mut self, loc: &mut Loc, key: &[u8], val: &[u8]) -> Result<(), DbError> {
        let mut level = 0;
        if loc.exact {
            level = loc.record.level;
            self.header.num_records = self.header.num_records.saturating_sub(1);
        }
        let new_level = self.random_level();
        let mut rec = Record::new(Kind::Record, new_level, key, val.len() as u64);
        for i in 0..usize::from(new_level) {
            rec.next[i + 1] = loc.fwd[i];
        }
        level = level.max(new_level);
        self.append(&mut rec, key, val)?;
        for i in 0..usize::from(new_level) {
            loc.fwd[i] = rec.offset;
        }
        self.stitch(loc, level)?;
        self.header.num_records += 1;
        Ok(())
    }

    /// Deletes the exactly matched record at `loc` by splicing in a DELETE
    /// record that points at the following record.
    fn delete_here(&mut self, loc: &mut Loc) -> Result<(), DbError> {
        if !loc.exact {
            return Ok(());
        }
        self.header.num_records = self.header.num_records.saturating_sub(1);
        let next = self.read_skipdelete(loc.fwd[0])?.map_or(0, |r| r.offset);
        let mut rec = Record::new(Kind::Delete, 0, b"", 0);
        rec.next[0] = next;
        self.append(&mut rec, b"", b"")?;
        loc.fwd[0] = rec.offset;
        let level = loc.record.level;
        self.stitch(loc, level)
    }

    /// Stores (`Some`) or deletes (`None`) `key` inside the current write
    /// transaction.
    pub(super) fn skipwrite(&mut self, key: &[u8], val: Option<&[u8]>) -> Result<(), DbError> {
        if key.is_empty() {
            return Err(DbError::BadKey("empty key"));
        }
        let mut loc = self.relocate(key)?;
        match val {
            None => self.delete_here(&mut loc),
            Some(v) if loc.exact && loc.value.as_deref() == Some(v) => Ok(()),
            Some(v) => self.store_here(&mut loc, key, v),
        }
    }

    /// Takes the write lock and starts a transaction.
    pub(super) fn begin_txn(&mut self) -> Result<(), DbError> {
        if self.txn {
            return Err(DbError::Txn("begin inside a transaction"));
        }
        self.write_lock()?;
        self.txn = true;
        Ok(())
    }

    /// Commits the current transaction and unlocks; on failure the
    /// transaction is aborted. May checkpoint afterwards.
    pub(super) fn commit_txn(&mut self) -> Result<(), DbError> {
        if !self.txn {
            return Err(DbError::Txn("commit outside a transaction"));
        }
        let r = self.commit_inner();
        if let Err(e) = r {
            // The abort's own failure leaves the file for recovery on the
            // next lock; the commit error is the one to report.
            let _ = self.abort_txn();
            return Err(e);
        }
        self.txn = false;
        self.unlock()?;
        if !self.opts.no_compact && self.needs_checkpoint() {
            // Cyrus runs this as a delayed action after the commit has
            // returned; the commit is durable whatever happens here, and a
            // failed checkpoint only leaves a `.NEW` file behind.
            let _ = self.auto_checkpoint();
        }
        Ok(())
    }

    fn commit_inner(&mut self) -> Result<(), DbError> {
        if !self.header.is_dirty() {
            return Ok(());
        }
        let mut rec = Record::new(Kind::Commit, 0, b"", 0);
        rec.next[0] = self.header.current_size;
        self.append(&mut rec, b"", b"")?;
        self.sync()?;
        self.header.current_size = self.end;
        self.header.flags &= !super::format::DIRTY;
        self.commit_header()
    }

    pub(super) fn needs_checkpoint(&self) -> bool {
        self.header.current_size > MINREWRITE
            && self.header.current_size > self.header.repack_size.saturating_mul(2)
    }

    fn auto_checkpoint(&mut self) -> Result<(), DbError> {
        self.write_lock()?;
        let r = if self.needs_checkpoint() {
            self.checkpoint()
        } else {
            Ok(())
        };
        let u = self.unlock();
        r.and(u)
    }

    /// Throws away the transaction's writes (recovery rolls the file back
    /// to `current_size`) and unlocks.
    pub(super) fn abort_txn(&mut self) -> Result<(), DbError> {
        if !self.txn {
            return Err(DbError::Txn("abort outside a transaction"));
        }
        self.txn = false;
        self.end = self.header.current_size;
        let r = if self.is_clean() {
            Ok(())
        } else {
            self.recovery()
        };
        let u = self.unlock();
        r.and(u)
    }
}
