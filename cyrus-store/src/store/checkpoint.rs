//! `ctl_cyrusdb -c`: the periodic checkpoint, which for Cyrus 3.6's
//! file-per-database backends means archiving copies of the site-wide
//! databases. `<configdirectory>/db.backup2/` is emptied and removed,
//! `db.backup1/` becomes `db.backup2/`, and a new `db.backup1/` receives a
//! copy of `mailboxes.db`, `annotations.db` and (unless it is a
//! `quotalegacy` tree, which Cyrus does not archive) the quota database,
//! each under its file name (Cyrus `cyrusdb_generic_archive`).
//!
//! Cyrus copies the files without a lock; we copy each one while holding
//! its database's write lock, so a copy never catches a commit half
//! written.

use std::path::{Path, PathBuf};

use crate::db::{self, Db, DbBackend, DbError, OpenFlags, QuotaLegacyOptions};
use crate::error::Error;
use crate::mboxname::VirtDomains;
use crate::options::DbSpec;
use crate::os::{FsRef, OpenMode, OsError};

use super::site::Store;

/// The newest archive directory below the configuration directory.
pub const BACKUP1: &str = "db.backup1";
/// The previous archive directory.
pub const BACKUP2: &str = "db.backup2";

/// One of the site-wide databases `ctl_cyrusdb` looks after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteDb {
    /// Cyrus's file name (`mailboxes.db`, …).
    pub label: &'static str,
    /// Where it is.
    pub path: PathBuf,
    /// Its format.
    pub backend: DbBackend,
    /// Whether `-c` archives it (Cyrus's `doarchive`, and a backend
    /// that has an archiver).
    pub archived: bool,
}

/// What a checkpoint did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckpointReport {
    /// The copies written into `db.backup1/`.
    pub archived: Vec<PathBuf>,
}

impl Store {
    /// The site-wide databases in Cyrus's `ctl_cyrusdb` list, with their
    /// configured paths and formats.
    pub fn site_databases(&self) -> Vec<SiteDb> {
        let o = self.options();
        let one = |label: &'static str, spec: &DbSpec, doarchive: bool| SiteDb {
            label,
            path: spec
                .path
                .clone()
                .unwrap_or_else(|| o.config_dir.join(label)),
            backend: spec.backend,
            archived: doarchive && spec.backend != DbBackend::QuotaLegacy,
        };
        vec![
            one("mailboxes.db", &o.databases.mboxlist, true),
            one("quotas.db", &o.databases.quota, true),
            one("annotations.db", &o.databases.annotation, true),
            one("deliver.db", &o.databases.duplicate, false),
        ]
    }

    /// Opens one of [`Store::site_databases`] without creating it.
    pub(super) fn open_site_db(&self, d: &SiteDb) -> Result<Box<dyn Db>, Error> {
        Ok(db::open(
            self.fs().clone(),
            &d.path,
            d.backend,
            OpenFlags {
                quota: QuotaLegacyOptions {
                    virtdomains: self.options().namespace.virtdomains != VirtDomains::Off,
                    fulldirhash: self.options().full_dir_hash,
                },
                ..OpenFlags::default()
            },
        )?)
    }

    /// `ctl_cyrusdb -c`: rotates the archive directories and copies the
    /// archived databases into a fresh `db.backup1/` (see the module
    /// documentation). A database that does not exist is skipped, as
    /// Cyrus does.
    pub fn checkpoint(&self) -> Result<CheckpointReport, Error> {
        let fs = self.fs().clone();
        let dir = self.options().config_dir.clone();
        let (b1, b2) = (dir.join(BACKUP1), dir.join(BACKUP2));
        rotate(&fs, &b1, &b2)?;
        let mut report = CheckpointReport::default();
        for d in self.site_databases() {
            if !d.archived || !fs.exists(&d.path) {
                continue;
            }
            let name = d.path.file_name().map_or_else(
                || std::ffi::OsString::from(d.label),
                std::ffi::OsStr::to_os_string,
            );
            let to = b1.join(name);
            let copy = |db: &mut dyn Db| copy_locked(&fs, db, &d.path, &to);
            if d.label == "mailboxes.db" {
                // The store keeps mailboxes.db open; its handle's lock is
                // the one other threads of this process wait on.
                self.with_mboxlist(copy)?;
            } else {
                let mut db = self.open_site_db(&d)?;
                copy(db.as_mut())?;
            }
            report.archived.push(to);
        }
        fs.sync_dir(&b1)
            .map_err(|e| Error::Os(OsError::new("fsync", &b1, e)))?;
        Ok(report)
    }
}

/// Empties and removes `b2`, renames `b1` to `b2`, creates `b1` (Cyrus
/// rotates once per checkpoint, before the first archive).
fn rotate(fs: &FsRef, b1: &Path, b2: &Path) -> Result<(), Error> {
    let os = |op: &'static str, p: &Path| {
        let p = p.to_path_buf();
        move |e: std::io::Error| Error::Os(OsError::new(op, &p, e))
    };
    let not_found = |e: &std::io::Error| e.kind() == std::io::ErrorKind::NotFound;
    match fs.read_dir(b2) {
        Ok(names) => {
            for n in names.iter().filter(|n| !n.starts_with('.')) {
                let p = b2.join(n);
                fs.remove_file(&p).or_else(|e| {
                    if not_found(&e) {
                        Ok(())
                    } else {
                        Err(os("unlink", &p)(e))
                    }
                })?;
            }
            fs.remove_dir(b2).map_err(os("rmdir", b2))?;
        }
        Err(e) if not_found(&e) => {}
        Err(e) => return Err(os("opendir", b2)(e)),
    }
    match fs.rename(b1, b2) {
        Ok(()) => {}
        Err(e) if not_found(&e) => {}
        Err(e) => return Err(os("rename", b1)(e)),
    }
    fs.create_dir_all(b1).map_err(os("mkdir", b1))?;
    if let Some(parent) = b1.parent() {
        fs.sync_dir(parent).map_err(os("fsync", parent))?;
    }
    Ok(())
}

/// Copies the file of `db` from `from` to `to` (fsynced). The file is
/// read while the database's write lock keeps a commit from being half
/// written; the copy is written and synced after the lock is released, so
/// writers wait only for the read, not for the fsync. A backend we only
/// read (skiplist) has no lock of ours to take; its file is copied as it
/// stands, as Cyrus does.
fn copy_locked(fs: &FsRef, db: &mut dyn Db, from: &Path, to: &Path) -> Result<(), Error> {
    let locked = match db.begin() {
        Ok(()) => true,
        Err(DbError::ReadOnly) => false,
        Err(e) => return Err(e.into()),
    };
    let bytes = fs
        .open(from, OpenMode::Read)
        .and_then(|f| f.read_all())
        .map_err(|e| Error::Os(OsError::new("read", from, e)));
    if locked {
        // Nothing was written: abort only releases the lock.
        db.abort()?;
    }
    write_copy(fs, &bytes?, to)
}

fn write_copy(fs: &FsRef, bytes: &[u8], to: &Path) -> Result<(), Error> {
    let out = fs
        .open(to, OpenMode::Truncate)
        .map_err(|e| Error::Os(OsError::new("open", to, e)))?;
    out.write_all_at(bytes, 0)
        .and_then(|()| out.sync())
        .map_err(|e| Error::Os(OsError::new("write", to, e)))
}
