//! Reading `cyrus.cache` for an open mailbox: which file holds the
//! index's generation, single-entry reads, and a whole-file snapshot for
//! walks over every record (reports, repack).

use std::io;
use std::path::{Path, PathBuf};

use crate::os::{LockKind, OpenMode};

use super::cache::{self, CacheItems};
use super::error::MailboxError;
use super::index_record::IndexRecord;
use super::open::{os_err, Mailbox, CACHE_FILE};

/// The bytes of the cache file, read once under the mailbox lock: one read
/// for a walk over many records instead of an open and a read per record
/// (reports, repack, and SEARCH on the cached items, as Cyrus's
/// `index_search` answers FROM/TO/CC/BCC/SUBJECT from `cyrus.cache`).
///
/// Only valid while the lock of the [`Mailbox`] it was read from is held:
/// a repack may replace the file afterwards.
#[derive(Debug)]
pub struct CacheSnapshot {
    path: PathBuf,
    bytes: Vec<u8>,
}

impl CacheSnapshot {
    /// The checked entry of `record` (CRC against the record's
    /// `cache_crc`).
    pub fn entry(&self, record: &IndexRecord) -> Result<CacheItems, MailboxError> {
        entry_from(&self.bytes, 0, record, &self.path)
    }
}

/// Decodes the entry of `record` from `buf`, which holds the cache file from
/// byte `base` on, and checks its CRC against the record's `cache_crc` (as
/// `mailbox_cacherecord` does; a zero `cache_crc` is an old record without
/// one).
fn entry_from(
    buf: &[u8],
    base: u64,
    record: &IndexRecord,
    path: &Path,
) -> Result<CacheItems, MailboxError> {
    let start = record.cache_offset;
    let Some(rel) = start
        .checked_sub(base)
        .filter(|r| *r < buf.len() as u64 && start >= 4)
    else {
        return Err(MailboxError::bad_format(
            path,
            start,
            format!("cache offset of UID {} outside the file", record.uid),
        ));
    };
    // decode_at wants the offset within `buf` and refuses offsets below 4
    // (the generation word), so give it a 4-byte prefix when needed.
    let (items, n) = if rel >= 4 {
        CacheItems::decode_at(buf, rel, path)?
    } else {
        let mut b = vec![0u8; 4];
        b.extend_from_slice(&buf[rel as usize..]);
        CacheItems::decode_at(&b, 4, path)?
    };
    let at = rel as usize;
    let computed = cache::cache_crc(&buf[at..at + n]);
    if record.cache_crc != 0 && computed != record.cache_crc {
        return Err(MailboxError::Checksum {
            file: path.to_path_buf(),
            offset: start,
            what: "cache entry CRC",
            stored: record.cache_crc,
            computed,
        });
    }
    Ok(items)
}

impl Mailbox {
    /// Path of the cache file whose generation matches the index: normally
    /// `cyrus.cache`, or `cyrus.cache.NEW` when a repack was interrupted
    /// between its two renames.
    pub(crate) fn cache_path(&self) -> Result<PathBuf, MailboxError> {
        let main = self.dir.join(CACHE_FILE);
        if self.cache_generation(&main)? != Some(self.index.generation_no) {
            let new = self.dir.join(format!("{CACHE_FILE}.NEW"));
            if self.cache_generation(&new)? == Some(self.index.generation_no) {
                return Ok(new);
            }
        }
        Ok(main)
    }

    fn cache_generation(&self, path: &Path) -> Result<Option<u32>, MailboxError> {
        match self.fs.open(path, OpenMode::Read) {
            Ok(f) => {
                let mut b = [0u8; 4];
                match f.read_exact_at(&mut b, 0) {
                    Ok(()) => Ok(Some(u32::from_be_bytes(b))),
                    Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(None),
                    Err(e) => Err(os_err("read", path)(e)),
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(os_err("open", path)(e)),
        }
    }

    /// A repack renames `cyrus.index.NEW` and then `cyrus.cache.NEW`; after
    /// a crash between the two the new cache is still under its `.NEW`
    /// name. With the exclusive lock, finish the rename (this is the
    /// repack's own last step, not a repair); readers use the `.NEW` file.
    /// `self.cache_file` is [`Mailbox::cache_path`] as open just found it
    /// (not looked up a second time: one open of the cache per mailbox
    /// open).
    pub(crate) fn finish_interrupted_repack(&mut self) -> Result<(), MailboxError> {
        if self.lock != LockKind::Exclusive {
            return Ok(());
        }
        let main = self.dir.join(CACHE_FILE);
        let path = self.cache_file.clone();
        if path != main {
            self.fs
                .rename(&path, &main)
                .map_err(os_err("rename", &path))?;
            self.cache_file = main;
            self.fs
                .sync_dir(&self.dir)
                .map_err(os_err("fsync", &self.dir))?;
        }
        Ok(())
    }

    /// Reads and checks the cache entry of `record` (CRC against the
    /// record's `cache_crc`, as `mailbox_cacherecord` does).
    pub fn read_cache(&self, record: &IndexRecord) -> Result<CacheItems, MailboxError> {
        let path = self.cache_file.clone();
        let f = self
            .fs
            .open(&path, OpenMode::Read)
            .map_err(os_err("open", &path))?;
        let len = f.len().map_err(os_err("stat", &path))?;
        let start = record.cache_offset;
        if start < 4 || start >= len {
            return Err(MailboxError::bad_format(
                &path,
                start,
                format!("cache offset of UID {} outside the file", record.uid),
            ));
        }
        // Entries are small; read a window and widen it if the entry is longer.
        let mut window = 16 * 1024u64;
        loop {
            let want = window.min(len - start);
            let mut buf = vec![0u8; want as usize];
            f.read_exact_at(&mut buf, start)
                .map_err(os_err("read", &path))?;
            match entry_from(&buf, start, record, &path) {
                Err(MailboxError::BadFormat { .. }) if want < len - start => window *= 4,
                other => return other,
            }
        }
    }

    /// Reads the whole cache file once, for walks over many records.
    pub fn cache_snapshot(&self) -> Result<CacheSnapshot, MailboxError> {
        let path = self.cache_file.clone();
        let bytes = match self.fs.open(&path, OpenMode::Read) {
            Ok(f) => f.read_all().map_err(os_err("read", &path))?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(os_err("open", &path)(e)),
        };
        Ok(CacheSnapshot { path, bytes })
    }
}
