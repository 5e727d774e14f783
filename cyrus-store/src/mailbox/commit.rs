//! Writing a set of changes to the mailbox files in a crash-safe order,
//! and rolling back the current (not yet durable) bytes when a write fails.
//!
//! Order, as Cyrus's `mailbox_commit` (cache, header, records, index header):
//! 1. message files were already written under a temporary name, fsynced,
//!    renamed to `<uid>.` and the directory fsynced by the caller;
//! 2. new cache entries are appended to `cyrus.cache` and it is fsynced
//!    (created with its generation number and the directory fsynced if new);
//! 3. a changed `cyrus.header` is written to `cyrus.header.NEW`, fsynced,
//!    renamed over `cyrus.header` and the directory fsynced;
//! 4. the changed and new index records and then the index header are
//!    written into `cyrus.index`, which is fsynced once.
//!
//! Until step 4's fsync the durable index is the old one, which refers to
//! nothing written in steps 1–3 (a cache tail or a `<uid>.` file above
//! `last_uid` is ignored, and later overwritten). After it, everything it
//! refers to is already durable. So a power cut anywhere leaves files that
//! open without repair, and a commit that returned `Ok` is never lost.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::os::OpenMode;

use super::error::MailboxError;
use super::header::{header_file_crc, MailboxHeader};
use super::index_header::IndexHeader;
use super::index_record::IndexRecord;
use super::open::{os_err, Mailbox, HEADER_FILE, INDEX_FILE};
use super::synccrc;

/// Pending changes, built in memory by an operation and applied by
/// [`Mailbox::commit`].
#[derive(Debug)]
pub(crate) struct Changes {
    /// The new index header (counts, CRCs, last_uid, num_records, ...).
    pub index: IndexHeader,
    /// A new `cyrus.header`, when user flags were added.
    pub header: Option<MailboxHeader>,
    /// Changed or appended records by 0-based position.
    pub records: BTreeMap<usize, IndexRecord>,
    /// Bytes to append to `cyrus.cache`, starting at `cache_base`.
    pub cache_tail: Vec<u8>,
    /// Offset the first appended cache byte lands at.
    pub cache_base: u64,
    /// Message files created for this change (removed if it fails).
    pub new_files: Vec<PathBuf>,
}

impl Mailbox {
    /// Starts a change set on the current state.
    pub(crate) fn begin(&self) -> Result<Changes, MailboxError> {
        self.require_writable()?;
        let cache_path = self.cache_file.clone();
        let cache_base = match self
            .fs
            .metadata(&cache_path)
            .map_err(os_err("stat", &cache_path))?
        {
            Some(m) if m.len >= 4 => m.len,
            _ => 4,
        };
        Ok(Changes {
            index: self.index.clone(),
            header: None,
            records: BTreeMap::new(),
            cache_tail: Vec::new(),
            cache_base,
            new_files: Vec::new(),
        })
    }

    /// The record at position `pos` as it stands in `ch` (changed or not).
    pub(crate) fn staged<'a>(&'a self, ch: &'a Changes, pos: usize) -> Option<&'a IndexRecord> {
        ch.records.get(&pos).or_else(|| self.records.get(pos))
    }

    /// The header as it stands in `ch`.
    pub(crate) fn staged_header<'a>(&'a self, ch: &'a Changes) -> &'a MailboxHeader {
        ch.header.as_ref().unwrap_or(&self.header)
    }

    /// Applies `ch`. On failure the files are put back as they were (best
    /// effort; if that fails too the handle is poisoned) and the in-memory
    /// state is unchanged.
    pub(crate) fn commit(&mut self, mut ch: Changes) -> Result<(), MailboxError> {
        if let Err(e) = self.write_cache_tail(&ch) {
            self.discard(&ch);
            return Err(e);
        }
        if let Some(h) = ch.header.take() {
            if let Err(e) = self.write_header(h) {
                self.discard(&ch);
                return Err(e);
            }
        }
        ch.index.header_file_crc = self.header_crc;
        ch.index = ch.index.for_version();
        if let Err(e) = self.write_index(&ch) {
            if self.rollback_index(&ch).is_err() {
                self.poisoned = true;
            }
            self.discard(&ch);
            return Err(e);
        }
        let version = ch.index.minor_version;
        for (pos, rec) in std::mem::take(&mut ch.records) {
            let rec = rec.for_version(version);
            if pos < self.records.len() {
                self.records[pos] = rec;
            } else {
                self.records.push(rec);
            }
        }
        self.index = ch.index;
        Ok(())
    }

    fn write_cache_tail(&self, ch: &Changes) -> Result<(), MailboxError> {
        if ch.cache_tail.is_empty() {
            return Ok(());
        }
        let path = self.cache_file.clone();
        let f = self
            .fs
            .open(&path, OpenMode::Create)
            .map_err(os_err("open", &path))?;
        let len = f.len().map_err(os_err("stat", &path))?;
        if len < 4 {
            // New (or never completed) cache file: it starts with the
            // generation, and its name must be durable before the index
            // refers to it.
            f.write_all_at(&self.index.generation_no.to_be_bytes(), 0)
                .map_err(os_err("write", &path))?;
        }
        f.write_all_at(&ch.cache_tail, ch.cache_base)
            .map_err(os_err("write", &path))?;
        // fdatasync, as for the index: the appended entries and the new
        // length are durable; the directory entry of a new file is made
        // durable just below.
        f.sync_data().map_err(os_err("fsync", &path))?;
        if len < 4 {
            self.fs
                .sync_dir(&self.dir)
                .map_err(os_err("fsync", &self.dir))?;
        }
        Ok(())
    }

    /// Writes `cyrus.header` through `.NEW` + fsync + rename + directory
    /// fsync. Once the rename is done the new header is what is on disk, so
    /// the in-memory header and its CRC follow it even if the directory
    /// fsync then fails.
    pub(crate) fn write_header(&mut self, h: MailboxHeader) -> Result<(), MailboxError> {
        let bytes = h.encode();
        let path = self.dir.join(HEADER_FILE);
        let new = self.dir.join(format!("{HEADER_FILE}.NEW"));
        let f = self
            .fs
            .open(&new, OpenMode::Truncate)
            .map_err(os_err("open", &new))?;
        let r = f
            .write_all_at(&bytes, 0)
            .and_then(|()| f.sync())
            .map_err(os_err("write", &new))
            .and_then(|()| self.fs.rename(&new, &path).map_err(os_err("rename", &new)));
        if let Err(e) = r {
            let _ = self.fs.remove_file(&new);
            return Err(e);
        }
        self.header = h;
        self.header_crc = header_file_crc(&bytes);
        self.fs
            .sync_dir(&self.dir)
            .map_err(os_err("fsync", &self.dir))
    }

    fn write_index(&self, ch: &Changes) -> Result<(), MailboxError> {
        let path = self.dir.join(INDEX_FILE);
        for (pos, rec) in &ch.records {
            let bytes = rec.encode(ch.index.minor_version)?;
            let off = ch.index.record_offset(*pos as u32 + 1);
            self.index_file
                .write_all_at(&bytes, off)
                .map_err(os_err("write", &path))?;
        }
        let hb = ch.index.encode()?;
        self.index_file
            .write_all_at(&hb, 0)
            .map_err(os_err("write", &path))?;
        // fdatasync: the records and header are as durable as with fsync
        // (a grown file's new length included); what it skips is the
        // journal commit for the modification time alone, which a flag
        // change rewriting records in place would otherwise wait for.
        self.index_file.sync_data().map_err(os_err("fsync", &path))
    }

    /// Puts the old header and records back and trims appended records.
    fn rollback_index(&self, ch: &Changes) -> Result<(), MailboxError> {
        let path = self.dir.join(INDEX_FILE);
        for pos in ch.records.keys() {
            if let Some(old) = self.records.get(*pos) {
                let bytes = old.encode(self.index.minor_version)?;
                let off = self.index.record_offset(*pos as u32 + 1);
                self.index_file
                    .write_all_at(&bytes, off)
                    .map_err(os_err("write", &path))?;
            }
        }
        let mut old = self.index.clone();
        old.header_file_crc = self.index.header_file_crc;
        self.index_file
            .write_all_at(&old.encode()?, 0)
            .map_err(os_err("write", &path))?;
        let end = u64::from(self.index.start_offset)
            + u64::from(self.index.num_records) * u64::from(self.index.record_size);
        self.index_file
            .set_len(end)
            .map_err(os_err("truncate", &path))?;
        self.index_file.sync().map_err(os_err("fsync", &path))
    }

    /// Best-effort removal of what a failed change created.
    fn discard(&self, ch: &Changes) {
        for f in &ch.new_files {
            let _ = self.fs.remove_file(f);
        }
        if !ch.cache_tail.is_empty() {
            let path = self.cache_file.clone();
            if let Ok(f) = self.fs.open(&path, OpenMode::ReadWrite) {
                let _ = f.set_len(ch.cache_base);
            }
        }
    }
}

impl Changes {
    /// Adds (`add`) or removes `rec`'s contribution to the header counts
    /// and sync CRCs (Cyrus `mailbox_index_update_counts`), using the
    /// header as staged (`base` unless a new one is staged).
    pub(crate) fn account(&mut self, base: &MailboxHeader, rec: &IndexRecord, add: bool) {
        let header = self.header.as_ref().unwrap_or(base);
        self.index.sync_crc_basic ^= synccrc::crc_basic(header, rec);
        self.index.sync_crc_annot ^= synccrc::crc_virtannot(self.index.minor_version, rec);
        update_counts(&mut self.index, rec, add);
    }
}

/// Cyrus `header_update_counts`: expunged records count nowhere except,
/// from v18 (Cyrus 3.8+), in `quota_expunged_used`; `\Deleted` ones also
/// in `quota_deleted_used` (both zeroed for older versions by
/// `IndexHeader::for_version`).
pub(crate) fn update_counts(i: &mut IndexHeader, r: &IndexRecord, add: bool) {
    use super::flagbits::SystemFlags as F;
    let step = |v: &mut u32| {
        *v = if add {
            v.wrapping_add(1)
        } else {
            v.saturating_sub(1)
        };
    };
    let bytes = |v: &mut u64| {
        *v = if add {
            v.saturating_add(u64::from(r.size))
        } else {
            v.saturating_sub(u64::from(r.size))
        };
    };
    if r.is_unlinked() && r.is_expunged() {
        return;
    }
    if r.is_expunged() {
        bytes(&mut i.quota_expunged_used);
        return;
    }
    if r.system_flags.contains(F::ANSWERED) {
        step(&mut i.answered);
    }
    if r.system_flags.contains(F::FLAGGED) {
        step(&mut i.flagged);
    }
    if r.system_flags.contains(F::DELETED) {
        step(&mut i.deleted);
        bytes(&mut i.quota_deleted_used);
    }
    if !r.system_flags.contains(F::SEEN) {
        step(&mut i.unseen);
    }
    step(&mut i.exists);
    bytes(&mut i.quota_mailbox_used);
}
