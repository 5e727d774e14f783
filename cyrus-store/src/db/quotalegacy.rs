//! The `quotalegacy` backend (Cyrus 3.6 `lib/cyrusdb_quotalegacy.c`): one
//! file per quota root under `<configdirectory>/quota/`.
//!
//! Key → path, as Cyrus's `hash_quota`: `quota/<c>/<root>` where `<c>` is
//! the hash letter (`dir_hash_c`) of the part after the first '.'. With
//! virtual domains a key `domain!root` lives in
//! `domain/<d>/<domain>/quota/<c>/<root>`, and the domain's own quota
//! (`domain!`) in `domain/<d>/<domain>/quota/root`. A file holds the value
//! and a trailing LF; old-format values (not starting with '%') have their
//! first space stored as LF.
//!
//! Writes go to `<file>.NEW`, fsync, rename. A transaction locks each file
//! it touches; changes are applied file by file at commit, so, as in
//! Cyrus, a transaction is not atomic across quota roots.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use super::api::{Db, DbBackend, Walk};
use super::error::DbError;
use crate::mboxname::{dir_hash_byte, DirHash};
use crate::os::{File, FsRef, LockKind, OpenMode, OsError};

/// Settings that change where quotalegacy files live.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QuotaLegacyOptions {
    /// `virtdomains` is on: keys may be `domain!root`.
    pub virtdomains: bool,
    /// `fulldirhash` is on: hash letters are `A`..`W` from a hash of the name.
    pub fulldirhash: bool,
}

/// Cyrus `dir_hash_c` in the quota tree's mode.
fn dir_hash_c(name: &[u8], full: bool) -> u8 {
    let mode = if full {
        DirHash::Full
    } else {
        DirHash::FirstLetter
    };
    dir_hash_byte(name, mode)
}

/// The hash letter of a quota root: of the part after the first '.'.
fn root_hash(root: &[u8], full: bool) -> u8 {
    let rest = match root.iter().position(|&b| b == b'.') {
        Some(i) => &root[i + 1..],
        None => root,
    };
    dir_hash_c(rest, full)
}

#[derive(Debug)]
struct Pending {
    /// The existing file, locked; `None` when there was none.
    _lock: Option<Box<dyn File>>,
    /// What to write at commit: `Some(value)` or `None` for delete.
    change: Option<Option<Vec<u8>>>,
}

/// A quotalegacy database rooted at a config directory.
#[derive(Debug)]
pub struct QuotaLegacy {
    fs: FsRef,
    /// The directory that holds `quota/` (and `domain/`).
    base: PathBuf,
    opts: QuotaLegacyOptions,
    read_only: bool,
    txn: Option<BTreeMap<Vec<u8>, Pending>>,
}

impl QuotaLegacy {
    /// Opens the quota tree for the database named `db_path` (Cyrus passes
    /// `<configdirectory>/quotas.db`; only its directory is used).
    pub fn open(
        fs: FsRef,
        db_path: &Path,
        opts: QuotaLegacyOptions,
        create: bool,
        read_only: bool,
    ) -> Result<QuotaLegacy, DbError> {
        let base = match db_path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let meta = fs
            .metadata(&base)
            .map_err(|e| OsError::new("stat", &base, e))?;
        if meta.is_none() {
            if !create || read_only {
                return Err(DbError::Io(OsError::new(
                    "stat",
                    &base,
                    std::io::Error::from(std::io::ErrorKind::NotFound),
                )));
            }
            fs.create_dir_all(&base)
                .map_err(|e| OsError::new("mkdir", &base, e))?;
        }
        Ok(QuotaLegacy {
            fs,
            base,
            opts,
            read_only,
            txn: None,
        })
    }

    /// The file that holds `key`.
    pub fn key_path(&self, key: &[u8]) -> Result<PathBuf, DbError> {
        if key.contains(&b'/') || key.contains(&0) || key == b"." || key == b".." {
            return Err(DbError::BadKey("quota root with '/' or NUL"));
        }
        let mut p = self.base.clone();
        let mut root = key;
        if self.opts.virtdomains {
            if let Some(i) = key.iter().position(|&b| b == b'!') {
                let domain = &key[..i];
                if domain.is_empty() {
                    return Err(DbError::BadKey("empty domain"));
                }
                p.push("domain");
                p.push(OsStr::from_bytes(&[dir_hash_c(
                    domain,
                    self.opts.fulldirhash,
                )]));
                p.push(OsStr::from_bytes(domain));
                root = &key[i + 1..];
                if root.is_empty() {
                    p.push("quota");
                    p.push("root");
                    return Ok(p);
                }
            }
        }
        if root.is_empty() {
            return Err(DbError::BadKey("empty quota root"));
        }
        p.push("quota");
        p.push(OsStr::from_bytes(&[root_hash(root, self.opts.fulldirhash)]));
        p.push(OsStr::from_bytes(root));
        Ok(p)
    }

    fn os(op: &'static str, p: &Path, e: std::io::Error) -> DbError {
        DbError::Io(OsError::new(op, p, e))
    }

    fn read_file(&self, path: &Path) -> Result<Option<Vec<u8>>, DbError> {
        let f = match self.fs.open(path, OpenMode::Read) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Self::os("open", path, e)),
        };
        let mut data = f.read_all().map_err(|e| Self::os("read", path, e))?;
        if data.is_empty() {
            return Ok(Some(data));
        }
        if data.last() != Some(&b'\n') {
            return Err(DbError::Corrupt {
                path: path.to_path_buf(),
                offset: data.len() as u64,
                what: "quota file does not end in a newline".into(),
            });
        }
        data.pop();
        if data.first() != Some(&b'%') {
            if let Some(i) = data.iter().position(|&b| b == b'\n') {
                data[i] = b' ';
            }
        }
        Ok(Some(data))
    }

    fn write_file(&self, path: &Path, value: &[u8]) -> Result<(), DbError> {
        let mut data = value.to_vec();
        if data.first() != Some(&b'%') {
            if let Some(i) = data.iter().position(|&b| b == b' ') {
                data[i] = b'\n';
            }
        }
        data.push(b'\n');
        let mut new = path.as_os_str().to_owned();
        new.push(".NEW");
        let new = PathBuf::from(new);
        if let Some(dir) = new.parent() {
            self.fs
                .create_dir_all(dir)
                .map_err(|e| Self::os("mkdir", dir, e))?;
        }
        let f = self
            .fs
            .open(&new, OpenMode::Truncate)
            .map_err(|e| Self::os("open", &new, e))?;
        f.write_all_at(&data, 0)
            .map_err(|e| Self::os("write", &new, e))?;
        f.sync().map_err(|e| Self::os("fsync", &new, e))?;
        self.fs
            .rename(&new, path)
            .map_err(|e| Self::os("rename", &new, e))?;
        if let Some(dir) = path.parent() {
            self.fs
                .sync_dir(dir)
                .map_err(|e| Self::os("fsync", dir, e))?;
        }
        Ok(())
    }

    fn remove_file(&self, path: &Path) -> Result<(), DbError> {
        match self.fs.remove_file(path) {
            Ok(()) => {}
            // Nothing to delete (maybe not even the hash directory).
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(Self::os("unlink", path, e)),
        }
        if let Some(dir) = path.parent() {
            self.fs
                .sync_dir(dir)
                .map_err(|e| Self::os("fsync", dir, e))?;
        }
        Ok(())
    }

    /// Every quota root in the tree, sorted by key.
    fn all_paths(&self) -> Result<BTreeMap<Vec<u8>, PathBuf>, DbError> {
        let mut out = BTreeMap::new();
        self.scan_quota_dir(&self.base.join("quota"), b"", &mut out)?;
        if self.opts.virtdomains {
            let ddir = self.base.join("domain");
            for c in self.list(&ddir)? {
                let cdir = ddir.join(&c);
                for domain in self.list(&cdir)? {
                    let qdir = cdir.join(&domain).join("quota");
                    let mut prefix = domain.as_bytes().to_vec();
                    prefix.push(b'!');
                    if self.is_file(&qdir.join("root"))? {
                        out.insert(prefix.clone(), qdir.join("root"));
                    }
                    self.scan_quota_dir(&qdir, &prefix, &mut out)?;
                }
            }
        }
        Ok(out)
    }

    fn list(&self, dir: &Path) -> Result<Vec<String>, DbError> {
        match self.fs.read_dir(dir) {
            Ok(v) => Ok(v),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(Self::os("readdir", dir, e)),
        }
    }

    fn is_file(&self, p: &Path) -> Result<bool, DbError> {
        Ok(matches!(
            self.fs.metadata(p).map_err(|e| Self::os("stat", p, e))?,
            Some(m) if !m.is_dir
        ))
    }

    /// Adds `quota/<letter>/<root>` files (not `.NEW` leftovers).
    fn scan_quota_dir(
        &self,
        qdir: &Path,
        prefix: &[u8],
        out: &mut BTreeMap<Vec<u8>, PathBuf>,
    ) -> Result<(), DbError> {
        for c in self.list(qdir)? {
            if c.len() != 1 {
                continue;
            }
            let cdir = qdir.join(&c);
            if !matches!(self.fs.metadata(&cdir), Ok(Some(m)) if m.is_dir) {
                continue;
            }
            for name in self.list(&cdir)? {
                if name.ends_with(".NEW") {
                    continue;
                }
                let p = cdir.join(&name);
                if self.is_file(&p)? {
                    let mut k = prefix.to_vec();
                    k.extend_from_slice(name.as_bytes());
                    out.insert(k, p);
                }
            }
        }
        Ok(())
    }

    fn current(&self, key: &[u8]) -> Result<Option<Vec<u8>>, DbError> {
        if let Some(p) = self.txn.as_ref().and_then(|t| t.get(key)) {
            if let Some(change) = &p.change {
                return Ok(change.clone());
            }
        }
        self.read_file(&self.key_path(key)?)
    }

    fn change(&mut self, key: &[u8], value: Option<&[u8]>) -> Result<(), DbError> {
        if self.read_only {
            return Err(DbError::ReadOnly);
        }
        let path = self.key_path(key)?;
        match &mut self.txn {
            None => match value {
                Some(v) => self.write_file(&path, v),
                None => self.remove_file(&path),
            },
            Some(txn) => {
                if !txn.contains_key(key) {
                    let lock = match self.fs.open(&path, OpenMode::ReadWrite) {
                        Ok(f) => {
                            f.lock(LockKind::Exclusive)
                                .map_err(|e| Self::os("lock", &path, e))?;
                            Some(f)
                        }
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                        Err(e) => return Err(Self::os("open", &path, e)),
                    };
                    txn.insert(
                        key.to_vec(),
                        Pending {
                            _lock: lock,
                            change: None,
                        },
                    );
                }
                if let Some(p) = txn.get_mut(key) {
                    p.change = Some(value.map(<[u8]>::to_vec));
                }
                Ok(())
            }
        }
    }
}

impl Db for QuotaLegacy {
    fn fetch(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, DbError> {
        self.current(key)
    }

    fn fetch_next(&mut self, key: &[u8]) -> Result<Option<(Vec<u8>, Vec<u8>)>, DbError> {
        let mut found = None;
        self.foreach(b"", &mut |k, v| {
            if k > key {
                found = Some((k.to_vec(), v.to_vec()));
                Ok(Walk::Stop)
            } else {
                Ok(Walk::Continue)
            }
        })?;
        Ok(found)
    }

    /// Walks every quota root starting with `prefix` in byte order.
    /// (Cyrus scans only the one hash directory the prefix maps to, which
    /// misses roots for prefixes such as `user.`; this walks them all.)
    fn foreach(
        &mut self,
        prefix: &[u8],
        f: &mut dyn FnMut(&[u8], &[u8]) -> Result<Walk, DbError>,
    ) -> Result<(), DbError> {
        let mut keys: Vec<Vec<u8>> = self
            .all_paths()?
            .into_keys()
            .filter(|k| k.starts_with(prefix))
            .collect();
        if let Some(txn) = &self.txn {
            for k in txn.keys().filter(|k| k.starts_with(prefix)) {
                keys.push(k.clone());
            }
            keys.sort();
            keys.dedup();
        }
        for k in keys {
            if let Some(v) = self.current(&k)? {
                if f(&k, &v)? == Walk::Stop {
                    break;
                }
            }
        }
        Ok(())
    }

    fn store(&mut self, key: &[u8], value: &[u8]) -> Result<(), DbError> {
        self.change(key, Some(value))
    }

    fn delete(&mut self, key: &[u8]) -> Result<(), DbError> {
        self.change(key, None)
    }

    fn begin(&mut self) -> Result<(), DbError> {
        if self.read_only {
            return Err(DbError::ReadOnly);
        }
        if self.txn.is_some() {
            return Err(DbError::Txn("begin inside a transaction"));
        }
        self.txn = Some(BTreeMap::new());
        Ok(())
    }

    fn commit(&mut self) -> Result<(), DbError> {
        let txn = self
            .txn
            .take()
            .ok_or(DbError::Txn("commit outside a transaction"))?;
        let mut result = Ok(());
        for (key, pending) in txn {
            let r = self.key_path(&key).and_then(|p| match &pending.change {
                Some(Some(v)) => self.write_file(&p, v),
                Some(None) => self.remove_file(&p),
                None => Ok(()),
            });
            if result.is_ok() {
                result = r;
            }
            // `pending._lock` drops here, releasing the file's lock.
        }
        result
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

    fn consistent(&mut self) -> Result<(), DbError> {
        for (_, p) in self.all_paths()? {
            self.read_file(&p)?;
        }
        Ok(())
    }

    fn repack(&mut self) -> Result<(), DbError> {
        Ok(())
    }

    fn backend(&self) -> DbBackend {
        DbBackend::QuotaLegacy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_letters_match_cyrus() {
        assert_eq!(root_hash(b"user.alice", false), b'a');
        assert_eq!(root_hash(b"user.Bob", false), b'b');
        assert_eq!(root_hash(b"shared", false), b's');
        assert_eq!(root_hash(b"user.", false), b'q');
        assert_eq!(root_hash(b"9lives", false), b'q');
        let c = root_hash(b"user.alice", true);
        assert!((b'A'..=b'W').contains(&c));
    }
}
