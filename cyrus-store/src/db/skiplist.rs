//! Read-only access to the legacy `skiplist` format (Cyrus 3.6
//! `lib/cyrusdb_skiplist.c`), enough to read files such as the per-user
//! `conversations.db` that Cyrus 3.6 still writes in it.
//!
//! Header (48 bytes, big-endian u32s after the 20-byte magic): version,
//! version_minor, maxlevel, curlevel, listsize, logstart, last_recovery.
//! Nodes are 4-byte aligned: `type u32 · keylen u32 · key · pad ·
//! datalen u32 · data · pad · forward u32 × level · 0xFFFFFFFF`. Types:
//! INORDER 1, ADD 2, DELETE 4 (`type, offset`), COMMIT 255, DUMMY 257.
//! A cleanly closed file is read by following level-0 pointers from the
//! DUMMY at offset 48. A file left mid-transaction needs Cyrus's log
//! recovery, which this reader does not do: it reads the pointers as they
//! are, and a damaged list is reported as corrupt.

use std::path::{Path, PathBuf};

use super::api::{Db, DbBackend, Walk};
use super::error::DbError;
use crate::os::{FsRef, LockKind, OpenMode, OsError};

/// `"\xA1\x02\x8B\x0Dskiplist file\0\0\0"`.
pub(crate) const SKIPLIST_MAGIC: &[u8; 20] = b"\xa1\x02\x8b\x0dskiplist file\0\0\0";
const HEADER_SIZE: usize = 48;
const DUMMY: u32 = 257;
const INORDER: u32 = 1;
const ADD: u32 = 2;

/// Key-value pairs in key order.
type Records = Vec<(Vec<u8>, Vec<u8>)>;

/// A skiplist database, opened read-only.
#[derive(Debug)]
pub struct Skiplist {
    fs: FsRef,
    path: PathBuf,
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

fn round4(n: usize) -> Option<usize> {
    n.checked_add(3).map(|x| x & !3)
}

impl Skiplist {
    /// Opens the file and checks its header.
    pub fn open(fs: FsRef, path: &Path) -> Result<Skiplist, DbError> {
        let db = Skiplist {
            fs,
            path: path.to_path_buf(),
        };
        db.records()?;
        Ok(db)
    }

    fn corrupt(&self, offset: usize, what: &str) -> DbError {
        DbError::Corrupt {
            path: self.path.clone(),
            offset: offset as u64,
            what: what.into(),
        }
    }

    /// All records, in key order, read under a shared lock.
    fn records(&self) -> Result<Records, DbError> {
        let os = |op, e| DbError::Io(OsError::new(op, &self.path, e));
        let f = self
            .fs
            .open(&self.path, OpenMode::Read)
            .map_err(|e| os("open", e))?;
        f.lock(LockKind::Shared).map_err(|e| os("lock", e))?;
        let b = f.read_all().map_err(|e| os("read", e))?;
        // Dropping `f` releases the lock.
        if b.len() < HEADER_SIZE || b[..20] != SKIPLIST_MAGIC[..] {
            return Err(self.corrupt(0, "bad skiplist header"));
        }
        let maxlevel = u32_at(&b, 28).unwrap_or(0) as usize;
        let logstart = u32_at(&b, 40).unwrap_or(0) as usize;
        if maxlevel == 0 || maxlevel > 255 {
            return Err(self.corrupt(28, "bad maxlevel"));
        }
        if logstart > b.len() {
            return Err(self.corrupt(40, "logstart past end of file"));
        }
        let mut out = Vec::new();
        let (kind, _, _, first) = self.node(&b, HEADER_SIZE)?;
        if kind != DUMMY {
            return Err(self.corrupt(HEADER_SIZE, "missing DUMMY node"));
        }
        let mut next = first;
        let mut steps = 0usize;
        while next != 0 {
            steps += 1;
            if steps > b.len() / 8 {
                return Err(self.corrupt(next, "pointer cycle"));
            }
            let (kind, key, val, fwd) = self.node(&b, next)?;
            if kind != INORDER && kind != ADD {
                return Err(self.corrupt(next, "unexpected node type in list"));
            }
            if let Some((pk, _)) = out.last() {
                if key <= *pk {
                    return Err(self.corrupt(next, "skiplist out of order"));
                }
            }
            out.push((key, val));
            next = fwd;
        }
        Ok(out)
    }

    /// Decodes a node: (type, key, data, level-0 forward pointer).
    fn node(&self, b: &[u8], at: usize) -> Result<(u32, Vec<u8>, Vec<u8>, usize), DbError> {
        let bad = || self.corrupt(at, "node past end of file");
        let kind = u32_at(b, at).ok_or_else(bad)?;
        let keylen = u32_at(b, at + 4).ok_or_else(bad)? as usize;
        let key_at = at + 8;
        let dl_at = key_at
            .checked_add(round4(keylen).ok_or_else(bad)?)
            .ok_or_else(bad)?;
        let datalen = u32_at(b, dl_at).ok_or_else(bad)? as usize;
        let data_at = dl_at + 4;
        let ptr_at = data_at
            .checked_add(round4(datalen).ok_or_else(bad)?)
            .ok_or_else(bad)?;
        let fwd = u32_at(b, ptr_at).ok_or_else(bad)?;
        let key = b.get(key_at..key_at + keylen).ok_or_else(bad)?.to_vec();
        let data = b.get(data_at..data_at + datalen).ok_or_else(bad)?.to_vec();
        let fwd = if fwd == u32::MAX { 0 } else { fwd as usize };
        Ok((kind, key, data, fwd))
    }
}

impl Db for Skiplist {
    fn fetch(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, DbError> {
        Ok(self
            .records()?
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v))
    }

    fn fetch_next(&mut self, key: &[u8]) -> Result<Option<(Vec<u8>, Vec<u8>)>, DbError> {
        Ok(self
            .records()?
            .into_iter()
            .find(|(k, _)| k.as_slice() > key))
    }

    fn foreach(
        &mut self,
        prefix: &[u8],
        f: &mut dyn FnMut(&[u8], &[u8]) -> Result<Walk, DbError>,
    ) -> Result<(), DbError> {
        for (k, v) in self
            .records()?
            .iter()
            .filter(|(k, _)| k.starts_with(prefix))
        {
            if f(k, v)? == Walk::Stop {
                break;
            }
        }
        Ok(())
    }

    fn store(&mut self, _key: &[u8], _value: &[u8]) -> Result<(), DbError> {
        Err(DbError::ReadOnly)
    }

    fn delete(&mut self, _key: &[u8]) -> Result<(), DbError> {
        Err(DbError::ReadOnly)
    }

    fn begin(&mut self) -> Result<(), DbError> {
        Err(DbError::ReadOnly)
    }

    fn commit(&mut self) -> Result<(), DbError> {
        Err(DbError::Txn("commit outside a transaction"))
    }

    fn abort(&mut self) -> Result<(), DbError> {
        Err(DbError::Txn("abort outside a transaction"))
    }

    fn in_transaction(&self) -> bool {
        false
    }

    fn consistent(&mut self) -> Result<(), DbError> {
        self.records().map(|_| ())
    }

    fn repack(&mut self) -> Result<(), DbError> {
        Err(DbError::ReadOnly)
    }

    fn backend(&self) -> DbBackend {
        DbBackend::Skiplist
    }
}
