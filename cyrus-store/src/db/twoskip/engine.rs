//! The open twoskip file: locking, the header, and reading records.
//!
//! Nothing is cached between locks: every lock re-reads the header, so a
//! commit or checkpoint by another handle is always seen. A checkpoint by
//! another handle replaces the file; that is detected after locking by
//! comparing our handle's header with the header of the file now at the
//! path (the generation differs), as Cyrus's `lock_reopen` does with inodes.

use std::io;
use std::path::{Path, PathBuf};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::format::{
    build_record, Header, Kind, Record, DUMMY_OFFSET, HEADER_SIZE, MAXLEVEL, MAX_HEAD,
};
use crate::db::error::DbError;
use crate::os::{File, FsRef, LockKind, OpenMode, OsError};

/// How a twoskip file is opened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TwoskipOptions {
    /// Create the file (and its directory) if it is missing.
    pub create: bool,
    /// Open read-only: writes fail with [`DbError::ReadOnly`], and a file
    /// that needs recovery cannot be opened.
    pub read_only: bool,
    /// Never checkpoint automatically after a commit (Cyrus
    /// `CYRUSDB_NOCOMPACT`).
    pub no_compact: bool,
    /// Seed for the record-level generator; `None` seeds from the OS.
    /// Tests use a fixed seed to make file layouts reproducible.
    pub seed: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Held {
    None,
    Shared,
    Exclusive,
}

/// A twoskip database (Cyrus 3.6 `cyrusdb_twoskip`), byte-compatible with
/// files Cyrus writes and reads.
///
/// Behaviour follows Cyrus: keys sort by raw bytes; a failed write inside
/// a transaction aborts the transaction; after a commit that leaves the
/// file larger than 16834 bytes and twice its size at the last repack, the
/// file is checkpointed (unless `no_compact`). Readers hold a shared lock,
/// writers an exclusive one, on the database file itself, so Cyrus
/// processes and this code can share a file.
pub struct Twoskip {
    pub(super) fs: FsRef,
    pub(super) path: PathBuf,
    pub(super) file: Box<dyn File>,
    pub(super) opts: TwoskipOptions,
    /// The header as last read or written under the current lock.
    pub(super) header: Header,
    /// Logical end: `current_size` outside a transaction, the append
    /// position inside one.
    pub(super) end: u64,
    /// Physical length of the file.
    pub(super) size: u64,
    pub(super) held: Held,
    pub(super) txn: bool,
    pub(super) rng: StdRng,
}

impl std::fmt::Debug for Twoskip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Twoskip")
            .field("path", &self.path)
            .field("header", &self.header)
            .field("txn", &self.txn)
            .finish()
    }
}

impl Twoskip {
    /// Opens (and with `create`, creates) the twoskip file at `path`,
    /// running recovery if the last writer did not finish cleanly.
    pub fn open(fs: FsRef, path: &Path, opts: TwoskipOptions) -> Result<Twoskip, DbError> {
        let mode = if opts.read_only {
            OpenMode::Read
        } else if opts.create {
            OpenMode::Create
        } else {
            OpenMode::ReadWrite
        };
        if opts.create && !opts.read_only {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                fs.create_dir_all(dir)
                    .map_err(|e| OsError::new("mkdir", dir, e))?;
            }
        }
        let file = fs
            .open(path, mode)
            .map_err(|e| OsError::new("open", path, e))?;
        let rng = match opts.seed {
            Some(s) => StdRng::seed_from_u64(s),
            None => StdRng::from_entropy(),
        };
        let mut db = Twoskip {
            fs,
            path: path.to_path_buf(),
            file,
            opts,
            header: Header::new(0),
            end: 0,
            size: 0,
            held: Held::None,
            txn: false,
            rng,
        };
        db.take_lock(LockKind::Shared)?;
        let r = db.open_locked();
        let u = db.unlock();
        r?;
        u?;
        Ok(db)
    }

    fn open_locked(&mut self) -> Result<(), DbError> {
        self.size = self.file_len()?;
        if self.size == 0 || self.never_initialised()? {
            if self.opts.read_only {
                return Err(DbError::Format(format!(
                    "{}: empty file opened read-only",
                    self.path.display()
                )));
            }
            self.unlock()?;
            self.take_lock(LockKind::Exclusive)?;
            self.size = self.file_len()?;
            if self.size == 0 || self.never_initialised()? {
                self.init_empty()?;
            }
        }
        self.read_header()?;
        if !self.is_clean() {
            if self.opts.read_only {
                return Err(DbError::Format(format!(
                    "{}: needs recovery but opened read-only",
                    self.path.display()
                )));
            }
            if self.held != Held::Exclusive {
                self.unlock()?;
                self.take_lock(LockKind::Exclusive)?;
                self.read_header()?;
            }
            self.recovery()?;
        }
        Ok(())
    }

    /// True for a file whose creation was cut short: no larger than a
    /// header and DUMMY, with an all-zero header (the DUMMY is written
    /// before the header and both share one fsync, so a power cut can
    /// leave the DUMMY alone on disk).
    fn never_initialised(&self) -> Result<bool, DbError> {
        let empty_size = DUMMY_OFFSET + Record::new(Kind::Dummy, MAXLEVEL, b"", 0).len();
        if self.size > empty_size {
            return Ok(false);
        }
        let head = self.read_upto(0, HEADER_SIZE as usize)?;
        Ok(head.iter().all(|&b| b == 0))
    }

    /// Writes the DUMMY and the first header of a new file (Cyrus
    /// `opendb` on an empty file: generation 1, no COMMIT record).
    fn init_empty(&mut self) -> Result<(), DbError> {
        let mut dummy = Record::new(Kind::Dummy, MAXLEVEL, b"", 0);
        let bytes = build_record(&mut dummy, b"", b"", DUMMY_OFFSET);
        self.write_at(DUMMY_OFFSET, &bytes)?;
        let end = DUMMY_OFFSET + bytes.len() as u64;
        self.header = Header::new(end);
        self.end = end;
        self.size = end;
        self.commit_header()?;
        // The new file's name must be durable too, or a power cut would
        // take the whole database with it after commits reported success.
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            self.fs
                .sync_dir(dir)
                .map_err(|e| DbError::Io(OsError::new("fsync dir", dir, e)))?;
        }
        Ok(())
    }

    pub(super) fn io_err(&self, op: &'static str, e: io::Error) -> DbError {
        DbError::Io(OsError::new(op, &self.path, e))
    }

    pub(super) fn corrupt(&self, offset: u64, what: impl Into<String>) -> DbError {
        DbError::Corrupt {
            path: self.path.clone(),
            offset,
            what: what.into(),
        }
    }

    fn file_len(&self) -> Result<u64, DbError> {
        self.file.len().map_err(|e| self.io_err("stat", e))
    }

    /// Reads up to `len` bytes at `offset` (fewer at end of file).
    pub(super) fn read_upto(&self, offset: u64, len: usize) -> Result<Vec<u8>, DbError> {
        read_upto(&*self.file, offset, len).map_err(|e| self.io_err("read", e))
    }

    pub(super) fn write_at(&mut self, offset: u64, buf: &[u8]) -> Result<(), DbError> {
        if self.opts.read_only {
            return Err(DbError::ReadOnly);
        }
        self.file
            .write_all_at(buf, offset)
            .map_err(|e| self.io_err("write", e))?;
        self.size = self.size.max(offset + buf.len() as u64);
        Ok(())
    }

    pub(super) fn sync(&self) -> Result<(), DbError> {
        self.file.sync().map_err(|e| self.io_err("fsync", e))
    }

    /// Takes a lock on the file that is at our path *now*, switching to it
    /// if another handle renamed a new file over ours.
    pub(super) fn take_lock(&mut self, kind: LockKind) -> Result<(), DbError> {
        let mode = if self.opts.read_only {
            OpenMode::Read
        } else {
            OpenMode::ReadWrite
        };
        loop {
            self.file.lock(kind).map_err(|e| self.io_err("lock", e))?;
            self.held = match kind {
                LockKind::Shared => Held::Shared,
                LockKind::Exclusive => Held::Exclusive,
            };
            let fresh = self
                .fs
                .open(&self.path, mode)
                .map_err(|e| self.io_err("reopen", e))?;
            let mine = self.read_upto(0, HEADER_SIZE as usize)?;
            let theirs =
                read_upto(&*fresh, 0, HEADER_SIZE as usize).map_err(|e| self.io_err("read", e))?;
            if mine == theirs {
                return Ok(());
            }
            self.unlock()?;
            self.file = fresh;
        }
    }

    pub(super) fn unlock(&mut self) -> Result<(), DbError> {
        if self.held == Held::None {
            return Ok(());
        }
        self.held = Held::None;
        self.file.unlock().map_err(|e| self.io_err("unlock", e))
    }

    /// Re-reads the header (under a lock) and resets `end` and `size`.
    pub(super) fn read_header(&mut self) -> Result<(), DbError> {
        let b = self.read_upto(0, HEADER_SIZE as usize)?;
        self.header = Header::decode(&b, &self.path)?;
        self.end = self.header.current_size;
        self.size = self.file_len()?;
        Ok(())
    }

    pub(super) fn write_header(&mut self) -> Result<(), DbError> {
        let b = self.header.encode();
        self.write_at(0, &b)
    }

    pub(super) fn commit_header(&mut self) -> Result<(), DbError> {
        self.write_header()?;
        self.sync()
    }

    /// Clean = not DIRTY and nothing past `current_size`.
    pub(super) fn is_clean(&self) -> bool {
        !self.header.is_dirty() && self.header.current_size == self.size
    }

    /// Shared lock, with recovery first if the file is not clean (Cyrus
    /// `read_lock`).
    pub(super) fn read_lock(&mut self) -> Result<(), DbError> {
        for _ in 0..8 {
            self.take_lock(LockKind::Shared)?;
            if let Err(e) = self.read_header() {
                self.unlock()?;
                return Err(e);
            }
            if self.is_clean() {
                return Ok(());
            }
            if self.opts.read_only {
                self.unlock()?;
                return Err(DbError::Format(format!(
                    "{}: needs recovery but opened read-only",
                    self.path.display()
                )));
            }
            self.unlock()?;
            self.write_lock()?;
            self.unlock()?;
        }
        Err(self.corrupt(0, "file keeps needing recovery"))
    }

    /// Exclusive lock, with recovery if the file is not clean (Cyrus
    /// `write_lock`).
    pub(super) fn write_lock(&mut self) -> Result<(), DbError> {
        if self.opts.read_only {
            return Err(DbError::ReadOnly);
        }
        self.take_lock(LockKind::Exclusive)?;
        let r = self.read_header().and_then(|()| {
            if self.is_clean() {
                Ok(())
            } else {
                self.recovery()
            }
        });
        if r.is_err() {
            self.unlock()?;
        }
        r
    }

    /// Reads the record at `offset`; offset 0 means "none".
    pub(super) fn read_record(&self, offset: u64) -> Result<Option<Record>, DbError> {
        if offset == 0 {
            return Ok(None);
        }
        if offset & 7 != 0 || offset < DUMMY_OFFSET || offset >= self.size {
            return Err(self.corrupt(offset, "record pointer out of range"));
        }
        let buf = self.read_upto(offset, MAX_HEAD + 224)?;
        let mut rec = Record::decode_head(&buf, offset, self.size, &self.path)?;
        if rec.key.len() as u64 != rec.keylen {
            rec.key = self.read_upto(rec.key_offset, rec.keylen as usize)?;
            if rec.key.len() as u64 != rec.keylen {
                return Err(self.corrupt(offset, "key past end of file"));
            }
        }
        Ok(Some(rec))
    }

    /// Like `read_record`, but steps over one DELETE record.
    pub(super) fn read_skipdelete(&self, offset: u64) -> Result<Option<Record>, DbError> {
        match self.read_record(offset)? {
            Some(r) if r.kind == Kind::Delete => self.read_record(r.next[0]),
            other => Ok(other),
        }
    }

    /// Reads a record's value and checks the tail CRC over key, value and
    /// padding.
    pub(super) fn read_value(&self, rec: &Record) -> Result<Vec<u8>, DbError> {
        let tail_len = usize::try_from(rec.tail_len())
            .map_err(|_| self.corrupt(rec.offset, "record too large"))?;
        let mut tail = self.read_upto(rec.key_offset, tail_len)?;
        if tail.len() != tail_len {
            return Err(self.corrupt(rec.offset, "record tail past end of file"));
        }
        if crc32fast::hash(&tail) != rec.crc_tail {
            return Err(self.corrupt(rec.offset, "record tail CRC mismatch"));
        }
        tail.truncate((rec.keylen + rec.vallen) as usize);
        tail.drain(..rec.keylen as usize);
        Ok(tail)
    }

    /// The next record at logical `level`, with the level-0 rule: of the
    /// two slots, ignore any at or past `end`, then take the larger.
    pub(super) fn getloc(&self, rec: &Record, level: u8) -> u64 {
        let level = usize::from(level);
        if level > 0 {
            return rec.next[level + 1];
        }
        let (a, b) = (rec.next[0], rec.next[1]);
        if a >= self.end {
            return b;
        }
        if b >= self.end {
            return a;
        }
        a.max(b)
    }

    /// Sets the next record at logical `level`. At level 0 a slot already
    /// written in this transaction is reused, otherwise the older (smaller)
    /// slot is overwritten, so the committed link always survives.
    pub(super) fn setloc(&self, rec: &mut Record, level: u8, offset: u64) {
        let level = usize::from(level);
        if level > 0 {
            rec.next[level + 1] = offset;
            return;
        }
        let cur = self.header.current_size;
        if rec.next[0] >= cur {
            rec.next[0] = offset;
        } else if rec.next[1] >= cur {
            rec.next[1] = offset;
        } else if rec.next[1] > rec.next[0] {
            rec.next[0] = offset;
        } else {
            rec.next[1] = offset;
        }
    }

    /// Random level in 1..=31 with P = 0.5 per step (Cyrus `randlvl`).
    pub(super) fn random_level(&mut self) -> u8 {
        random_level(&mut self.rng)
    }

    /// Upper bound on the number of steps any walk can take, to turn a
    /// pointer cycle in a damaged file into an error.
    pub(super) fn step_limit(&self) -> u64 {
        self.size / 8 + 2
    }

    /// The file name used while rewriting (`<db>.NEW`).
    pub(super) fn new_path(&self) -> PathBuf {
        let mut s = self.path.as_os_str().to_owned();
        s.push(".NEW");
        PathBuf::from(s)
    }
}

pub(super) fn random_level(rng: &mut StdRng) -> u8 {
    let mut lvl = 1;
    while rng.gen::<f32>() < 0.5 {
        lvl += 1;
        if lvl == MAXLEVEL {
            break;
        }
    }
    lvl
}

fn read_upto(file: &dyn File, offset: u64, len: usize) -> io::Result<Vec<u8>> {
    let mut buf = vec![0u8; len];
    let mut done = 0;
    while done < len {
        let n = file.read_at(&mut buf[done..], offset + done as u64)?;
        if n == 0 {
            break;
        }
        done += n;
    }
    buf.truncate(done);
    Ok(buf)
}
