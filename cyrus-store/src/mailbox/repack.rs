//! Repack (Cyrus `mailbox_index_repack`): write `cyrus.index.NEW` and
//! `cyrus.cache.NEW` with generation + 1, leaving out unlinked records and
//! leaked cache entries, then rename both into place.
//!
//! Order: unlink the files of records already durably marked `UNLINKED`;
//! write and fsync both `.NEW` files; lock the new index (so nobody can
//! open it before we own it); rename the index and fsync the directory, then
//! the cache and fsync again. A crash between the renames leaves a new index whose cache
//! is still `cyrus.cache.NEW`: readers use it by its generation and the
//! next writer finishes the rename (see `open.rs`).

use std::io;

use crate::os::{LockKind, OpenMode};

use super::error::MailboxError;
use super::flagbits::InternalFlags;
use super::index_header::MailboxOptions;
use super::index_record::IndexRecord;
use super::open::{os_err, Mailbox, CACHE_FILE, INDEX_FILE};

impl Mailbox {
    /// Repacks the mailbox (needs the exclusive lock).
    pub fn repack(&mut self, now: u32) -> Result<(), MailboxError> {
        self.require_writable()?;
        let mut index = self.index.clone();
        index.generation_no = index.generation_no.wrapping_add(1);
        index.num_records = 0;
        index.leaked_cache_records = 0;
        index.last_repack_time = now;
        let mut records: Vec<IndexRecord> = Vec::with_capacity(self.records.len());
        let mut cache = index.generation_no.to_be_bytes().to_vec();
        let mut unlinked = false;
        let snapshot = self.cache_snapshot()?;
        for old in &self.records {
            // Files of records already durably marked UNLINKED go first.
            if old.is_unlinked() {
                let p = self.message_path(old.uid);
                match self.fs.remove_file(&p) {
                    Ok(()) => unlinked = true,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(os_err("unlink", &p)(e)),
                }
            }
            if old.is_unlinked() {
                if old.modseq > index.deletedmodseq {
                    index.deletedmodseq = old.modseq;
                    index.changes_epoch = old.last_updated;
                }
                continue;
            }
            let mut rec = old.clone();
            rec.internal_flags = rec.internal_flags.without(InternalFlags::NEEDS_CLEANUP);
            let items = snapshot.entry(old)?;
            rec.cache_offset = cache.len() as u64;
            cache.extend_from_slice(&items.encode());
            records.push(rec);
        }
        if unlinked {
            self.fs
                .sync_dir(&self.dir)
                .map_err(os_err("fsync", &self.dir))?;
        }
        index.num_records = records.len() as u32;
        index.options.0 &= !(MailboxOptions::NEEDS_REPACK | MailboxOptions::NEEDS_UNLINK);
        index.header_file_crc = self.header_crc;
        let mut ibytes = index.encode()?;
        for r in &records {
            ibytes.extend_from_slice(&r.encode(index.minor_version)?);
        }

        let inew = self.dir.join(format!("{INDEX_FILE}.NEW"));
        let cnew = self.dir.join(format!("{CACHE_FILE}.NEW"));
        let cleanup = |fs: &crate::os::FsRef| {
            let _ = fs.remove_file(&inew);
            let _ = fs.remove_file(&cnew);
        };
        let written = (|| -> Result<Box<dyn crate::os::File>, MailboxError> {
            let cf = self
                .fs
                .open(&cnew, OpenMode::Truncate)
                .map_err(os_err("open", &cnew))?;
            cf.write_all_at(&cache, 0).map_err(os_err("write", &cnew))?;
            cf.sync().map_err(os_err("fsync", &cnew))?;
            let f = self
                .fs
                .open(&inew, OpenMode::Truncate)
                .map_err(os_err("open", &inew))?;
            f.lock(LockKind::Exclusive).map_err(os_err("lock", &inew))?;
            f.write_all_at(&ibytes, 0).map_err(os_err("write", &inew))?;
            f.sync().map_err(os_err("fsync", &inew))?;
            Ok(f)
        })();
        let new_file = match written {
            Ok(f) => f,
            Err(e) => {
                cleanup(&self.fs);
                return Err(e);
            }
        };
        let ipath = self.dir.join(INDEX_FILE);
        if let Err(e) = self.fs.rename(&inew, &ipath) {
            cleanup(&self.fs);
            return Err(os_err("rename", &inew)(e));
        }
        // From here the new index is in place: this handle must follow it.
        let old_file = std::mem::replace(&mut self.index_file, new_file);
        let _ = old_file.unlock();
        self.cache_file = cnew.clone();
        self.index = index;
        self.records = records;
        // Make the index rename durable on its own, so the only in-between
        // state a crash can leave is "new index, cache still .NEW", which
        // `open` knows how to finish.
        self.fs
            .sync_dir(&self.dir)
            .map_err(os_err("fsync", &self.dir))?;
        let cpath = self.dir.join(CACHE_FILE);
        self.fs
            .rename(&cnew, &cpath)
            .map_err(os_err("rename", &cnew))?;
        self.cache_file = cpath;
        self.fs
            .sync_dir(&self.dir)
            .map_err(os_err("fsync", &self.dir))?;
        Ok(())
    }
}
