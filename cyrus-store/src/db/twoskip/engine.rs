//! The open twoskip file: locking, the header, and reading records.
//!
//! The file stays open, and is read through one memory map, across
//! transactions (Cyrus `mappedfile`). Every lock re-reads the header and
//! the file's length, so a commit by another handle is always seen: the
//! map is live (see `os::FileMap`) and is only replaced when the file has
//! grown past it. A checkpoint or recovery by another handle renames a new
//! file over ours; that is detected after locking by comparing the
//! device and inode of our handle with those of the name, and only then is
//! the file opened again (Cyrus `lock_reopen`, `mappedfile_readlock`).

use std::io;
use std::path::{Path, PathBuf};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::format::{
    build_record, Header, Kind, Record, DUMMY_OFFSET, HEADER_SIZE, MAXLEVEL, MAX_HEAD,
};
use crate::db::error::DbError;
use crate::os::{File, FileMap, FsRef, LockKind, OpenMode, OsError};

/// Room to grow left past the end of the file when mapping it, so that a
/// transaction's appends (and other handles' commits) rarely need a new
/// mapping: at least this much, and at least half the file.
const MAP_SLACK: u64 = 256 * 1024;

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
    /// `file` in memory, covering at least `size` bytes (see
    /// `refresh_map`); read only while a lock is held.
    map: Option<Box<dyn FileMap>>,
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
            map: None,
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

    /// Runs with the shared lock held, so `size` is current.
    fn open_locked(&mut self) -> Result<(), DbError> {
        if self.size == 0 || self.never_initialised()? {
            if self.opts.read_only {
                return Err(DbError::Format(format!(
                    "{}: empty file opened read-only",
                    self.path.display()
                )));
            }
            self.unlock()?;
            self.take_lock(LockKind::Exclusive)?;
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
        Ok(self.bytes(0, HEADER_SIZE as usize).iter().all(|&b| b == 0))
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

    /// Up to `len` bytes of the file at `offset`: fewer at the end of the
    /// file (`size`, learned under the lock held), none past it.
    pub(super) fn bytes(&self, offset: u64, len: usize) -> &[u8] {
        let map = self.map.as_deref().map_or(&[][..], |m| m.bytes());
        // `refresh_map` keeps the map at least `size` long; the `min` is
        // what guarantees no read ever reaches past the file's end (where
        // a real mapping would fault).
        let end = self.size.min(map.len() as u64);
        if offset >= end {
            return &[];
        }
        let stop = offset.saturating_add(len as u64).min(end);
        // Both bounds are at most `map.len()`, a usize.
        &map[offset as usize..stop as usize]
    }

    /// After taking a lock: makes the map cover `size` bytes and show the
    /// file as it is now. A live map is kept unless the file outgrew it; a
    /// snapshot is always taken again (others may have written).
    fn refresh_map(&mut self) -> Result<(), DbError> {
        match &self.map {
            Some(m) if m.is_live() => self.cover_size(),
            _ => self.remap(),
        }
    }

    /// After our own write: maps again only if the file outgrew the map.
    /// (A snapshot was told about the write and is as long as the file.)
    fn cover_size(&mut self) -> Result<(), DbError> {
        match &self.map {
            Some(m) if m.bytes().len() as u64 >= self.size => Ok(()),
            _ => self.remap(),
        }
    }

    pub(super) fn remap(&mut self) -> Result<(), DbError> {
        // Unmapped before mapping again, so two maps never coexist.
        self.map = None;
        let slack = (self.size / 2).max(MAP_SLACK);
        let len = (self.size + slack).next_multiple_of(MAP_SLACK);
        let map = self.file.map(len).map_err(|e| self.io_err("mmap", e))?;
        if (map.bytes().len() as u64) < self.size {
            return Err(self.corrupt(self.size, "file shorter than its length"));
        }
        self.map = Some(map);
        Ok(())
    }

    /// Switches to another open file of `size` bytes (after a rename over
    /// the database, or on finding that another handle did one).
    pub(super) fn switch_file(&mut self, file: Box<dyn File>, size: u64) -> Result<(), DbError> {
        self.map = None;
        self.file = file;
        self.size = size;
        self.remap()
    }

    /// Truncates the file to `len` bytes.
    pub(super) fn truncate(&mut self, len: u64) -> Result<(), DbError> {
        self.file
            .set_len(len)
            .map_err(|e| self.io_err("truncate", e))?;
        if let Some(m) = &mut self.map {
            m.note_set_len(len);
        }
        self.size = len;
        self.cover_size()
    }

    pub(super) fn write_at(&mut self, offset: u64, buf: &[u8]) -> Result<(), DbError> {
        if self.opts.read_only {
            return Err(DbError::ReadOnly);
        }
        if let Err(e) = self.file.write_all_at(buf, offset) {
            // Part of the write may have landed. A live map shows whatever
            // did; a snapshot cannot know, so it is taken again (if that
            // fails too, nothing is mapped and reads find nothing, which
            // they report as damage rather than trusting a stale copy).
            // `size` must never exceed what is there: it stays.
            if self.map.as_ref().is_some_and(|m| !m.is_live()) {
                let _ = self.remap();
            }
            return Err(self.io_err("write", e));
        }
        if let Some(m) = &mut self.map {
            m.note_write(offset, buf);
        }
        self.size = self.size.max(offset + buf.len() as u64);
        self.cover_size()
    }

    pub(super) fn sync(&self) -> Result<(), DbError> {
        self.file.sync().map_err(|e| self.io_err("fsync", e))
    }

    /// Takes a lock on the file that is at our path *now*, switching to it
    /// if another handle renamed a new file over ours (Cyrus compares inode
    /// numbers after locking; we compare device and inode).
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
            let mine = self.file.stat().map_err(|e| self.io_err("fstat", e));
            let named = self
                .fs
                .file_id(&self.path)
                .map_err(|e| self.io_err("stat", e));
            let (mine, named) = match (mine, named) {
                (Ok(m), Ok(n)) => (m, n),
                (Err(e), _) | (_, Err(e)) => {
                    self.unlock()?;
                    return Err(e);
                }
            };
            if mine.id == named {
                self.size = mine.len;
                if let Err(e) = self.refresh_map() {
                    self.unlock()?;
                    return Err(e);
                }
                return Ok(());
            }
            self.unlock()?;
            let fresh = self
                .fs
                .open(&self.path, mode)
                .map_err(|e| self.io_err("reopen", e))?;
            // The length is learned again under the lock on the next turn.
            self.map = None;
            self.file = fresh;
            self.size = 0;
        }
    }

    pub(super) fn unlock(&mut self) -> Result<(), DbError> {
        if self.held == Held::None {
            return Ok(());
        }
        self.held = Held::None;
        self.file.unlock().map_err(|e| self.io_err("unlock", e))
    }

    /// Re-reads the header (under a lock) and resets `end`;
    /// `size` is the one learned when the lock was taken (and kept up to
    /// date by our own writes since).
    pub(super) fn read_header(&mut self) -> Result<(), DbError> {
        self.header = Header::decode(self.bytes(0, HEADER_SIZE as usize), &self.path)?;
        self.end = self.header.current_size;
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
        let buf = self.bytes(offset, MAX_HEAD + 224);
        let mut rec = Record::decode_head(buf, offset, self.size, &self.path)?;
        if rec.key.len() as u64 != rec.keylen {
            let key = self.bytes(rec.key_offset, rec.keylen as usize);
            if key.len() as u64 != rec.keylen {
                return Err(self.corrupt(offset, "key past end of file"));
            }
            rec.key = key.to_vec();
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
        let tail = self.bytes(rec.key_offset, tail_len);
        if tail.len() != tail_len {
            return Err(self.corrupt(rec.offset, "record tail past end of file"));
        }
        if crc32fast::hash(tail) != rec.crc_tail {
            return Err(self.corrupt(rec.offset, "record tail CRC mismatch"));
        }
        // keylen + vallen <= tail_len, which fits a usize.
        Ok(tail[rec.keylen as usize..(rec.keylen + rec.vallen) as usize].to_vec())
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

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use super::*;
    use crate::db::Db;
    use crate::os::{RealFs, SimFs};

    fn opts(seed: u64) -> TwoskipOptions {
        TwoskipOptions {
            create: true,
            no_compact: true,
            seed: Some(seed),
            ..TwoskipOptions::default()
        }
    }

    /// The real filesystem (live maps) and the simulation (snapshots).
    fn filesystems(dir: &Path) -> Vec<(FsRef, PathBuf)> {
        vec![
            (Arc::new(RealFs::new()), dir.join("real.db")),
            (Arc::new(SimFs::new()), PathBuf::from("/sim.db")),
        ]
    }

    fn map_start(db: &Twoskip) -> *const u8 {
        db.map
            .as_deref()
            .map_or(std::ptr::null(), |m| m.bytes().as_ptr())
    }

    /// A reader keeps its mapping while another handle's commits fit in
    /// it, maps again once the file has outgrown it, and reads every new
    /// record either way.
    #[test]
    fn another_handles_growth_is_read_and_remapped_past_the_slack() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fs: FsRef = Arc::new(RealFs::new());
        let path = dir.path().join("grow.db");
        let mut reader = Twoskip::open(fs.clone(), &path, opts(1)).expect("open reader");
        let mut writer = Twoskip::open(fs, &path, opts(2)).expect("open writer");
        writer.store(b"first", b"1").expect("store");
        assert_eq!(reader.fetch(b"first").expect("fetch"), Some(b"1".to_vec()));
        let before = map_start(&reader);
        let mapped = reader.map.as_ref().map_or(0, |m| m.bytes().len());
        writer.store(b"second", b"2").expect("store");
        assert_eq!(reader.fetch(b"second").expect("fetch"), Some(b"2".to_vec()));
        assert_eq!(map_start(&reader), before, "small growth: same mapping");

        let big = vec![b'x'; 4096];
        writer.begin().expect("begin");
        let n = mapped / big.len() + 10;
        for i in 0..n {
            writer
                .store(format!("big{i:05}").as_bytes(), &big)
                .expect("store");
        }
        writer.commit().expect("commit");
        for i in 0..n {
            let v = reader
                .fetch(format!("big{i:05}").as_bytes())
                .expect("fetch");
            assert_eq!(v.as_deref(), Some(&big[..]), "record {i}");
        }
        let now = reader.map.as_ref().map_or(0, |m| m.bytes().len());
        assert!(
            now as u64 >= reader.size && now > mapped,
            "{mapped} -> {now}"
        );
        reader.consistent().expect("consistent");
    }

    /// Inside one transaction, records appended past the mapping are read
    /// back (the writer maps again as it grows).
    #[test]
    fn a_transaction_reads_its_own_appends_past_the_map() {
        let dir = tempfile::tempdir().expect("tempdir");
        for (fs, path) in filesystems(dir.path()) {
            let mut db = Twoskip::open(fs, &path, opts(3)).expect("open");
            let val = vec![b'v'; 3000];
            db.begin().expect("begin");
            for i in 0..300 {
                db.store(format!("k{i:04}").as_bytes(), &val)
                    .expect("store");
                let back = db.fetch(format!("k{i:04}").as_bytes()).expect("fetch");
                assert_eq!(back.as_deref(), Some(&val[..]), "{}: k{i}", path.display());
            }
            db.commit().expect("commit");
            assert!(db.size > MAP_SLACK * 2);
            db.consistent().expect("consistent");
        }
    }

    /// Another handle's checkpoint renames a new file over the database;
    /// our next lock notices (device and inode differ), opens the new file
    /// and reads its contents. Until then nothing is opened again.
    #[test]
    fn a_file_replaced_by_another_handle_is_reopened_at_the_next_lock() {
        let dir = tempfile::tempdir().expect("tempdir");
        for (fs, path) in filesystems(dir.path()) {
            let mut a = Twoskip::open(fs.clone(), &path, opts(4)).expect("open a");
            let mut b = Twoskip::open(fs.clone(), &path, opts(5)).expect("open b");
            a.store(b"k", b"old").expect("store");
            assert_eq!(b.fetch(b"k").expect("fetch"), Some(b"old".to_vec()));
            let id_before = b.file.stat().expect("stat").id;

            a.store(b"k", b"new").expect("store");
            a.store(b"other", b"x").expect("store");
            a.repack().expect("repack");
            let gen = a.generation().expect("generation");
            assert_eq!(
                fs.file_id(&path).expect("id"),
                a.file.stat().expect("stat").id
            );
            assert_ne!(fs.file_id(&path).expect("id"), id_before);
            // b still holds the old, unlinked file until it locks.
            assert_eq!(b.file.stat().expect("stat").id, id_before);

            assert_eq!(b.fetch(b"k").expect("fetch"), Some(b"new".to_vec()));
            assert_eq!(b.fetch(b"other").expect("fetch"), Some(b"x".to_vec()));
            assert_eq!(b.generation().expect("generation"), gen);
            assert_eq!(
                b.file.stat().expect("stat").id,
                fs.file_id(&path).expect("id")
            );

            // And b writes into the new file, which a then reads.
            b.store(b"k", b"from b").expect("store");
            assert_eq!(a.fetch(b"k").expect("fetch"), Some(b"from b".to_vec()));
            a.consistent().expect("consistent");
        }
    }

    /// A file renamed over the database by someone else entirely (as a
    /// Cyrus process's checkpoint does) is picked up the same way.
    #[test]
    fn a_file_renamed_over_the_database_is_picked_up() {
        let dir = tempfile::tempdir().expect("tempdir");
        for (fs, path) in filesystems(dir.path()) {
            let mut a = Twoskip::open(fs.clone(), &path, opts(6)).expect("open a");
            a.store(b"k", b"in the old file").expect("store");
            let mut other = path.as_os_str().to_owned();
            other.push(".other");
            let other = PathBuf::from(other);
            {
                let mut c = Twoskip::open(fs.clone(), &other, opts(7)).expect("open c");
                c.store(b"k", b"in the new file").expect("store");
            }
            fs.rename(&other, &path).expect("rename");
            assert_eq!(
                a.fetch(b"k").expect("fetch"),
                Some(b"in the new file".to_vec())
            );
        }
    }
}
