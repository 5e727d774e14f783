//! An open mailbox: its directory, the locked `cyrus.index` handle, and the
//! decoded header, index header and records.
//!
//! Lock order (see docs/ARCHITECTURE.md): `mailboxes.db` → mailbox name
//! lock → **`cyrus.index`** → quota DB → seen/subs/annotations DBs →
//! `deliver.db`. This layer takes only the `cyrus.index` lock, the same
//! `fcntl`-style whole-file lock real Cyrus takes on that file: shared for
//! readers, exclusive for writers. `cyrus.header` and `cyrus.cache` are
//! only read or written while it is held. The lock lives as long as the
//! [`Mailbox`] value; changes made by others become visible on reopen.

use std::io;
use std::path::{Path, PathBuf};

use crate::ids::Uid;
use crate::os::{File, FsRef, LockKind, OpenMode, OsError};

use super::error::MailboxError;
use super::header::{header_file_crc, MailboxHeader};
use super::index_header::IndexHeader;
use super::index_record::IndexRecord;

/// `cyrus.header`.
pub const HEADER_FILE: &str = "cyrus.header";
/// `cyrus.index`.
pub const INDEX_FILE: &str = "cyrus.index";
/// `cyrus.cache`.
pub const CACHE_FILE: &str = "cyrus.cache";

/// Wraps an `io::Error` with the operation and path.
pub(crate) fn os_err<'a>(
    op: &'static str,
    path: &'a Path,
) -> impl FnOnce(io::Error) -> MailboxError + 'a {
    move |e| MailboxError::Os(OsError::new(op, path, e))
}

/// What [`Mailbox::try_open`] reads of `cyrus.index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Load {
    /// The header and every record.
    All,
    /// The header only.
    HeaderOnly,
}

/// Bytes read for a header-only open: more than any index header version.
const HEADER_PREFIX: u64 = 1024;

/// An open, locked mailbox.
#[derive(Debug)]
pub struct Mailbox {
    pub(crate) fs: FsRef,
    pub(crate) dir: PathBuf,
    pub(crate) index_file: Box<dyn File>,
    pub(crate) lock: LockKind,
    pub(crate) header: MailboxHeader,
    /// CRC32 of `cyrus.header` as it is on disk now.
    pub(crate) header_crc: u32,
    pub(crate) index: IndexHeader,
    pub(crate) records: Vec<IndexRecord>,
    /// The cache file of the index's generation (normally `cyrus.cache`).
    pub(crate) cache_file: PathBuf,
    pub(crate) poisoned: bool,
}

impl Mailbox {
    /// Opens the mailbox in directory `dir`, taking the `cyrus.index` lock
    /// of kind `lock`, and reads and checks the header, the index header and
    /// every index record (CRC errors are reported, never repaired).
    pub fn open(fs: FsRef, dir: &Path, lock: LockKind) -> Result<Mailbox, MailboxError> {
        // A repack replaces cyrus.index; if we locked the file just before it
        // was renamed away, retry on the new one (Cyrus relies on its name
        // lock for this; the generation number tells us here).
        for _ in 0..16 {
            if let Some(mb) = Self::try_open(&fs, dir, lock, Load::All)? {
                return Ok(mb);
            }
        }
        Err(MailboxError::bad_format(
            dir.join(INDEX_FILE),
            0,
            "index file keeps being replaced",
        ))
    }

    /// Opens with an exclusive lock, reading the index header but not
    /// the records (the file's length is still checked against them): all
    /// an append needs, at a cost that does not grow with the mailbox.
    /// The handle's `records` stay empty, so only [`Appender`] uses it.
    ///
    /// [`Appender`]: super::Appender
    pub(super) fn open_header_only(fs: FsRef, dir: &Path) -> Result<Mailbox, MailboxError> {
        for _ in 0..16 {
            if let Some(mb) = Self::try_open(&fs, dir, LockKind::Exclusive, Load::HeaderOnly)? {
                return Ok(mb);
            }
        }
        Err(MailboxError::bad_format(
            dir.join(INDEX_FILE),
            0,
            "index file keeps being replaced",
        ))
    }

    fn try_open(
        fs: &FsRef,
        dir: &Path,
        lock: LockKind,
        load: Load,
    ) -> Result<Option<Mailbox>, MailboxError> {
        let index_path = dir.join(INDEX_FILE);
        let mode = match lock {
            LockKind::Shared => OpenMode::Read,
            LockKind::Exclusive => OpenMode::ReadWrite,
        };
        let index_file = fs
            .open(&index_path, mode)
            .map_err(os_err("open", &index_path))?;
        index_file.lock(lock).map_err(os_err("lock", &index_path))?;
        let bytes = match load {
            Load::All => index_file.read_all(),
            Load::HeaderOnly => index_file.len().and_then(|len| {
                let mut b = vec![0u8; usize::try_from(len.min(HEADER_PREFIX)).unwrap_or(0)];
                index_file.read_exact_at(&mut b, 0).map(|()| b)
            }),
        }
        .map_err(os_err("read", &index_path))?;
        let index = IndexHeader::decode(&bytes, &index_path)?;
        // Still the file at the path?
        let now_there = fs
            .open(&index_path, OpenMode::Read)
            .map_err(os_err("open", &index_path))?;
        let mut gen = [0u8; 4];
        now_there
            .read_exact_at(&mut gen, 0)
            .map_err(os_err("read", &index_path))?;
        if u32::from_be_bytes(gen) != index.generation_no {
            return Ok(None);
        }
        let records = match load {
            Load::All => decode_records(&bytes, &index, &index_path)?,
            Load::HeaderOnly => {
                let len = index_file.len().map_err(os_err("stat", &index_path))?;
                let need = u64::from(index.start_offset)
                    + u64::from(index.num_records) * u64::from(index.record_size);
                if len < need || index.record_size == 0 {
                    return Err(MailboxError::bad_format(
                        &index_path,
                        len,
                        format!(
                            "index has {len} bytes, header promises {} records ({need} bytes)",
                            index.num_records
                        ),
                    ));
                }
                Vec::new()
            }
        };
        let header_path = dir.join(HEADER_FILE);
        let hf = fs
            .open(&header_path, OpenMode::Read)
            .map_err(os_err("open", &header_path))?;
        let hbytes = hf.read_all().map_err(os_err("read", &header_path))?;
        let header = MailboxHeader::decode(&hbytes, &header_path)?;
        let mut mb = Mailbox {
            fs: fs.clone(),
            dir: dir.to_path_buf(),
            index_file,
            lock,
            header,
            header_crc: header_file_crc(&hbytes),
            index,
            records,
            cache_file: dir.join(CACHE_FILE),
            poisoned: false,
        };
        mb.cache_file = mb.cache_path()?;
        mb.finish_interrupted_repack()?;
        Ok(Some(mb))
    }

    /// The mailbox directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The lock this handle holds.
    pub fn lock_kind(&self) -> LockKind {
        self.lock
    }

    /// The decoded `cyrus.header`.
    pub fn header(&self) -> &MailboxHeader {
        &self.header
    }

    /// The decoded index header.
    pub fn index(&self) -> &IndexHeader {
        &self.index
    }

    /// All index records, expunged ones included, in index (UID) order.
    pub fn records(&self) -> &[IndexRecord] {
        &self.records
    }

    /// The record with `uid`, if any.
    pub fn record(&self, uid: Uid) -> Option<&IndexRecord> {
        self.records
            .binary_search_by_key(&uid, |r| r.uid)
            .ok()
            .map(|i| &self.records[i])
    }

    /// True when the index header's `header_file_crc` matches `cyrus.header`
    /// on disk. Cyrus only logs a warning when it does not; it can differ
    /// after a crash between a header rewrite and the index commit (the
    /// header then only has extra user-flag names), and the next commit
    /// brings it back in line.
    pub fn header_crc_matches(&self) -> bool {
        self.index.header_file_crc == self.header_crc
    }

    /// Path of the message file for `uid` (`<uid>.`).
    pub fn message_path(&self, uid: Uid) -> PathBuf {
        self.dir.join(format!("{}.", uid.0))
    }

    /// Reads the message file of `uid`.
    pub fn read_message(&self, uid: Uid) -> Result<Vec<u8>, MailboxError> {
        let p = self.message_path(uid);
        let f = self
            .fs
            .open(&p, OpenMode::Read)
            .map_err(os_err("open", &p))?;
        f.read_all().map_err(os_err("read", &p))
    }

    pub(crate) fn require_writable(&self) -> Result<(), MailboxError> {
        if self.poisoned {
            return Err(MailboxError::Poisoned);
        }
        if self.lock != LockKind::Exclusive {
            return Err(MailboxError::ReadOnly);
        }
        Ok(())
    }

    /// Releases the lock and closes the files.
    pub fn close(self) {
        let _ = self.index_file.unlock();
    }
}

/// Decodes `num_records` records after the header in `bytes`.
pub(crate) fn decode_records(
    bytes: &[u8],
    index: &IndexHeader,
    path: &Path,
) -> Result<Vec<IndexRecord>, MailboxError> {
    let need =
        u64::from(index.start_offset) + u64::from(index.num_records) * u64::from(index.record_size);
    if (bytes.len() as u64) < need || index.record_size == 0 {
        return Err(MailboxError::bad_format(
            path,
            bytes.len() as u64,
            format!(
                "index has {} bytes, header promises {} records ({need} bytes)",
                bytes.len(),
                index.num_records
            ),
        ));
    }
    let mut records = Vec::with_capacity(index.num_records as usize);
    for recno in 1..=index.num_records {
        let off = index.record_offset(recno);
        let at = off as usize;
        let rec = IndexRecord::decode(
            &bytes[at..at + index.record_size as usize],
            index.minor_version,
            path,
            off,
        )?;
        records.push(rec);
    }
    Ok(records)
}
