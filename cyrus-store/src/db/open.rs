//! Opening a database by backend name, with Cyrus's detection by magic
//! (`cyrusdb_open` / `cyrusdb_detect`).

use std::path::Path;

use super::api::{Db, DbBackend};
use super::error::DbError;
use super::flat::Flat;
use super::quotalegacy::{QuotaLegacy, QuotaLegacyOptions};
use super::skiplist::{Skiplist, SKIPLIST_MAGIC};
use super::twoskip::{Twoskip, TwoskipOptions, MAGIC as TWOSKIP_MAGIC};
use crate::os::{FsRef, OpenMode, OsError};

/// How to open a database.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenFlags {
    /// Create the database if it does not exist (Cyrus `CYRUSDB_CREATE`).
    pub create: bool,
    /// Refuse writes; never run recovery.
    pub read_only: bool,
    /// No automatic checkpoint after commits (Cyrus `CYRUSDB_NOCOMPACT`).
    pub no_compact: bool,
    /// Layout options for `quotalegacy`.
    pub quota: QuotaLegacyOptions,
}

/// The backend an existing file's magic names (`twoskip` or `skiplist`),
/// or `None` for a missing, short or unrecognised file (flat files and
/// quotalegacy trees have no magic).
pub fn detect(fs: &FsRef, path: &Path) -> Result<Option<DbBackend>, DbError> {
    let f = match fs.open(path, OpenMode::Read) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(DbError::Io(OsError::new("open", path, e))),
    };
    let mut buf = [0u8; 32];
    match f.read_exact_at(&mut buf, 0) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(DbError::Io(OsError::new("read", path, e))),
    }
    // Cyrus compares the first 16 bytes only.
    if buf[..16] == TWOSKIP_MAGIC[..16] {
        Ok(Some(DbBackend::Twoskip))
    } else if buf[..16] == SKIPLIST_MAGIC[..16] {
        Ok(Some(DbBackend::Skiplist))
    } else {
        Ok(None)
    }
}

/// Opens the database at `path` with `backend`. As Cyrus does, a request
/// for `twoskip` or `skiplist` opens whichever of the two the file's magic
/// says it is. For `quotalegacy`, `path` names the database
/// (`<configdirectory>/quotas.db`); the files live in `quota/` beside it.
pub fn open(
    fs: FsRef,
    path: &Path,
    backend: DbBackend,
    flags: OpenFlags,
) -> Result<Box<dyn Db>, DbError> {
    let backend = match backend {
        DbBackend::Twoskip | DbBackend::Skiplist => detect(&fs, path)?.unwrap_or(backend),
        other => other,
    };
    match backend {
        DbBackend::Twoskip => Ok(Box::new(Twoskip::open(
            fs,
            path,
            TwoskipOptions {
                create: flags.create,
                read_only: flags.read_only,
                no_compact: flags.no_compact,
                seed: None,
            },
        )?)),
        DbBackend::Flat => Ok(Box::new(Flat::open(
            fs,
            path,
            flags.create,
            flags.read_only,
        )?)),
        DbBackend::QuotaLegacy => Ok(Box::new(QuotaLegacy::open(
            fs,
            path,
            flags.quota,
            flags.create,
            flags.read_only,
        )?)),
        DbBackend::Skiplist => Ok(Box::new(Skiplist::open(fs, path)?)),
        other => Err(DbError::Format(format!(
            "{other} databases are not stored in files"
        ))),
    }
}
