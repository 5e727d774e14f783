//! The `flat` backend (Cyrus 3.6 `lib/cyrusdb_flat.c`): a text file of
//! `key TAB value LF` lines, sorted in Cyrus's mailbox collation of the
//! encoded keys. Bytes NUL, TAB, CR and LF are written as `0xFF, 0x80|b`
//! and `0xFF` as `0xFF 0xFF`.
//!
//! The file is never changed in place: every commit writes `<db>.NEW`,
//! fsyncs it, renames it over the database and fsyncs the directory. A
//! transaction holds an exclusive lock on the database file itself, as
//! Cyrus does; reads outside a transaction need no lock because the file
//! they open is never modified.

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

use super::api::{Db, DbBackend, Walk};
use super::error::DbError;
use crate::os::{File, FsRef, LockKind, OpenMode, OsError};

const ESCAPE: u8 = 0xff;

/// Cyrus's `convert_to_compare` table (`lib/bsearch.c`): TAB and LF sort
/// first, then '.', then the control characters; everything else keeps
/// its value.
fn to_compare(b: u8) -> u8 {
    match b {
        0x00 => 0x00,
        0x01..=0x08 => b + 2,
        b'\t' | b'\n' => 0x01,
        b'.' => 0x02,
        _ => b,
    }
}

/// Mailbox collation (`bsearch_ncompare_mbox`).
pub(crate) fn mbox_cmp(a: &[u8], b: &[u8]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        match to_compare(*x).cmp(&to_compare(*y)) {
            Ordering::Equal => {}
            o => return o,
        }
    }
    a.len().cmp(&b.len())
}

/// Escapes a key or value for the file.
pub(crate) fn encode(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() + 4);
    for &b in s {
        match b {
            0 | b'\t' | b'\r' | b'\n' => out.extend_from_slice(&[ESCAPE, 0x80 | b]),
            ESCAPE => out.extend_from_slice(&[ESCAPE, ESCAPE]),
            _ => out.push(b),
        }
    }
    out
}

/// Undoes [`encode`]; a trailing lone 0xFF is dropped, as Cyrus does.
pub(crate) fn decode(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut it = s.iter();
    while let Some(&b) = it.next() {
        if b == ESCAPE {
            match it.next() {
                Some(&ESCAPE) => out.push(ESCAPE),
                Some(&c) => out.push(c & !0x80),
                None => {}
            }
        } else {
            out.push(b);
        }
    }
    out
}

type Entries = Vec<(Vec<u8>, Vec<u8>)>;

fn parse(bytes: &[u8], path: &Path) -> Result<Entries, DbError> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while at < bytes.len() {
        let rest = &bytes[at..];
        let nl = rest
            .iter()
            .position(|&b| b == b'\n')
            .ok_or_else(|| DbError::Corrupt {
                path: path.to_path_buf(),
                offset: at as u64,
                what: "last line has no newline".into(),
            })?;
        let line = &rest[..nl];
        let tab = line
            .iter()
            .position(|&b| b == b'\t')
            .ok_or_else(|| DbError::Corrupt {
                path: path.to_path_buf(),
                offset: at as u64,
                what: "line has no TAB".into(),
            })?;
        out.push((decode(&line[..tab]), decode(&line[tab + 1..])));
        at += nl + 1;
    }
    Ok(out)
}

fn serialize(entries: &Entries) -> Vec<u8> {
    let mut out = Vec::new();
    for (k, v) in entries {
        out.extend_from_slice(&encode(k));
        out.push(b'\t');
        out.extend_from_slice(&encode(v));
        out.push(b'\n');
    }
    out
}

#[derive(Debug)]
struct FlatTxn {
    /// The database file, exclusively locked.
    _file: Box<dyn File>,
    entries: Entries,
    dirty: bool,
}

/// A `flat` database.
#[derive(Debug)]
pub struct Flat {
    fs: FsRef,
    path: PathBuf,
    read_only: bool,
    txn: Option<FlatTxn>,
}

impl Flat {
    /// Opens the flat file at `path`, creating an empty one (and its
    /// directory) with `create`.
    pub fn open(fs: FsRef, path: &Path, create: bool, read_only: bool) -> Result<Flat, DbError> {
        if !fs.exists(path) {
            if !create || read_only {
                return Err(DbError::Io(OsError::new(
                    "open",
                    path,
                    std::io::Error::from(std::io::ErrorKind::NotFound),
                )));
            }
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                fs.create_dir_all(dir)
                    .map_err(|e| OsError::new("mkdir", dir, e))?;
            }
            fs.open(path, OpenMode::Create)
                .map_err(|e| OsError::new("create", path, e))?;
        }
        Ok(Flat {
            fs,
            path: path.to_path_buf(),
            read_only,
            txn: None,
        })
    }

    fn os(&self, op: &'static str, e: std::io::Error) -> DbError {
        DbError::Io(OsError::new(op, &self.path, e))
    }

    fn read_current(&self) -> Result<Entries, DbError> {
        let f = self
            .fs
            .open(&self.path, OpenMode::Read)
            .map_err(|e| self.os("open", e))?;
        let bytes = f.read_all().map_err(|e| self.os("read", e))?;
        parse(&bytes, &self.path)
    }

    /// The records as the caller sees them now.
    fn with_entries<T>(&self, f: impl FnOnce(&Entries) -> T) -> Result<T, DbError> {
        match &self.txn {
            Some(t) => Ok(f(&t.entries)),
            None => Ok(f(&self.read_current()?)),
        }
    }

    fn begin_txn(&mut self) -> Result<(), DbError> {
        if self.read_only {
            return Err(DbError::ReadOnly);
        }
        if self.txn.is_some() {
            return Err(DbError::Txn("begin inside a transaction"));
        }
        // Lock the file now at the path; if it was replaced while we
        // waited, lock the replacement instead (Cyrus `lock_reopen`).
        for _ in 0..100 {
            let file = self
                .fs
                .open(&self.path, OpenMode::ReadWrite)
                .map_err(|e| self.os("open", e))?;
            file.lock(LockKind::Exclusive)
                .map_err(|e| self.os("lock", e))?;
            let mine = file.read_all().map_err(|e| self.os("read", e))?;
            let now = self
                .fs
                .open(&self.path, OpenMode::Read)
                .and_then(|f| f.read_all())
                .map_err(|e| self.os("read", e))?;
            if mine == now {
                let entries = parse(&mine, &self.path)?;
                self.txn = Some(FlatTxn {
                    _file: file,
                    entries,
                    dirty: false,
                });
                return Ok(());
            }
        }
        Err(DbError::Txn("flat file keeps being replaced"))
    }

    fn commit_txn(&mut self) -> Result<(), DbError> {
        let txn = self
            .txn
            .take()
            .ok_or(DbError::Txn("commit outside a transaction"))?;
        if !txn.dirty {
            return Ok(());
        }
        let mut new = self.path.as_os_str().to_owned();
        new.push(".NEW");
        let new = PathBuf::from(new);
        let os = |op, e| DbError::Io(OsError::new(op, &new, e));
        match self.fs.remove_file(&new) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(os("unlink", e)),
        }
        let f = self
            .fs
            .open(&new, OpenMode::CreateNew)
            .map_err(|e| os("open", e))?;
        f.write_all_at(&serialize(&txn.entries), 0)
            .map_err(|e| os("write", e))?;
        f.sync().map_err(|e| os("fsync", e))?;
        self.fs
            .rename(&new, &self.path)
            .map_err(|e| os("rename", e))?;
        let dir = match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        self.fs
            .sync_dir(&dir)
            .map_err(|e| DbError::Io(OsError::new("fsync", dir, e)))?;
        // Dropping `txn` closes the old file and releases its lock.
        drop(txn);
        Ok(())
    }

    fn writing(
        &mut self,
        f: impl FnOnce(&mut Entries) -> Result<bool, DbError>,
    ) -> Result<(), DbError> {
        let own = self.txn.is_none();
        if own {
            self.begin_txn()?;
        }
        let txn = self.txn.as_mut().ok_or(DbError::Txn("no transaction"))?;
        match f(&mut txn.entries) {
            Ok(changed) => {
                txn.dirty |= changed;
                if own {
                    self.commit_txn()
                } else {
                    Ok(())
                }
            }
            Err(e) => {
                self.txn = None;
                Err(e)
            }
        }
    }
}

fn position(entries: &Entries, key: &[u8]) -> Result<usize, usize> {
    let ek = encode(key);
    for (i, (k, _)) in entries.iter().enumerate() {
        match mbox_cmp(&encode(k), &ek) {
            Ordering::Less => {}
            Ordering::Equal => return Ok(i),
            Ordering::Greater => return Err(i),
        }
    }
    Err(entries.len())
}

impl Db for Flat {
    fn fetch(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, DbError> {
        self.with_entries(|e| e.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
    }

    /// The next record in file order (mailbox collation), which is how
    /// Cyrus orders flat files.
    fn fetch_next(&mut self, key: &[u8]) -> Result<Option<(Vec<u8>, Vec<u8>)>, DbError> {
        let ek = encode(key);
        self.with_entries(|e| {
            e.iter()
                .find(|(k, _)| mbox_cmp(&encode(k), &ek) == Ordering::Greater)
                .cloned()
        })
    }

    /// Walks in file order (mailbox collation of the encoded keys).
    fn foreach(
        &mut self,
        prefix: &[u8],
        f: &mut dyn FnMut(&[u8], &[u8]) -> Result<Walk, DbError>,
    ) -> Result<(), DbError> {
        let entries = self.with_entries(|e| e.clone())?;
        for (k, v) in entries.iter().filter(|(k, _)| k.starts_with(prefix)) {
            if f(k, v)? == Walk::Stop {
                break;
            }
        }
        Ok(())
    }

    fn store(&mut self, key: &[u8], value: &[u8]) -> Result<(), DbError> {
        if key.is_empty() {
            return Err(DbError::BadKey("empty key"));
        }
        self.writing(|e| {
            match position(e, key) {
                Ok(i) if e[i].1 == value => return Ok(false),
                Ok(i) => e[i].1 = value.to_vec(),
                Err(i) => e.insert(i, (key.to_vec(), value.to_vec())),
            }
            Ok(true)
        })
    }

    fn delete(&mut self, key: &[u8]) -> Result<(), DbError> {
        self.writing(|e| match e.iter().position(|(k, _)| k == key) {
            Some(i) => {
                e.remove(i);
                Ok(true)
            }
            None => Ok(false),
        })
    }

    fn begin(&mut self) -> Result<(), DbError> {
        self.begin_txn()
    }

    fn commit(&mut self) -> Result<(), DbError> {
        self.commit_txn()
    }

    fn abort(&mut self) -> Result<(), DbError> {
        self.txn
            .take()
            .map(|_| ())
            .ok_or(DbError::Txn("abort outside a transaction"))
    }

    fn in_transaction(&self) -> bool {
        self.txn.is_some()
    }

    /// Checks that the file parses and is sorted.
    fn consistent(&mut self) -> Result<(), DbError> {
        let entries = self.with_entries(|e| e.clone())?;
        for w in entries.windows(2) {
            if mbox_cmp(&encode(&w[0].0), &encode(&w[1].0)) != Ordering::Less {
                return Err(DbError::Corrupt {
                    path: self.path.clone(),
                    offset: 0,
                    what: "flat file out of order".into(),
                });
            }
        }
        Ok(())
    }

    fn repack(&mut self) -> Result<(), DbError> {
        Ok(())
    }

    fn backend(&self) -> DbBackend {
        DbBackend::Flat
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_round_trips() {
        let all: Vec<u8> = (0..=255).collect();
        let e = encode(&all);
        assert!(!e.contains(&b'\n') && !e.contains(&b'\t') && !e.contains(&0));
        assert_eq!(decode(&e), all);
        assert_eq!(encode(b"a\tb\xff"), b"a\xff\x89b\xff\xff");
    }

    #[test]
    fn mailbox_collation_puts_dot_and_separators_first() {
        assert_eq!(mbox_cmp(b"a.b", b"a-b"), Ordering::Less);
        assert_eq!(mbox_cmp(b"a", b"a.b"), Ordering::Less);
        assert_eq!(mbox_cmp(b"\x1fVER\x1f", b"NINBOX"), Ordering::Less);
        assert_eq!(mbox_cmp(b"x\x01", b"x."), Ordering::Greater);
    }
}
