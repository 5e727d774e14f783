//! Pieces `reconstruct` needs from the mailbox layer: recounting an index
//! header over a complete set of records, and installing a rebuilt
//! `cyrus.header`, `cyrus.index` and `cyrus.cache` in the crash-safe order
//! a repack uses.
//!
//! Install order: a new `cyrus.header` (if any) through `.NEW` + fsync +
//! rename + directory fsync; then `cyrus.cache.NEW` and `cyrus.index.NEW`
//! (one generation above anything on disk), both fsynced; the index renamed
//! into place and the directory fsynced; then the cache, and the directory
//! fsynced again. A power cut before the index rename leaves the old
//! files; after it, the new index finds its cache by generation (under
//! either name, see `cache_file.rs`). Message files are never touched.

use std::path::Path;

use crate::os::{FsRef, LockKind, OpenMode};

use super::commit::update_counts;
use super::error::MailboxError;
use super::header::MailboxHeader;
use super::index_header::{IndexHeader, CRC_INIT_ANNOT};
use super::index_record::IndexRecord;
use super::open::{os_err, CACHE_FILE, HEADER_FILE, INDEX_FILE};
use super::synccrc;

/// Sets every derived field of `index` from `records` (Cyrus
/// `header_update_counts` summed over all records): `num_records`,
/// `exists`, flag counts, quota bytes and `sync_crc_basic`.
/// `sync_crc_annot` is left to the caller because it also covers
/// per-message annotations kept outside the index, and `first_expunged`
/// because Cyrus only ever lowers it.
pub(crate) fn recount(index: &mut IndexHeader, header: &MailboxHeader, records: &[IndexRecord]) {
    index.num_records = records.len() as u32;
    index.exists = 0;
    index.deleted = 0;
    index.answered = 0;
    index.flagged = 0;
    index.unseen = 0;
    index.quota_mailbox_used = 0;
    index.quota_deleted_used = 0;
    index.quota_expunged_used = 0;
    index.sync_crc_basic = 0;
    for r in records {
        index.sync_crc_basic ^= synccrc::crc_basic(header, r);
        update_counts(index, r, true);
    }
}

/// XOR of the virtual-annotation contributions of `records` to
/// `sync_crc_annot` (thrid, savedate, createdmodseq).
pub(crate) fn virtannot_crc(minor: u32, records: &[IndexRecord]) -> u32 {
    records
        .iter()
        .fold(0, |acc, r| acc ^ synccrc::crc_virtannot(minor, r))
}

/// The initial `sync_crc_annot` of an index with no records.
pub(crate) fn annot_crc_init(minor: u32) -> u32 {
    if minor >= 13 {
        CRC_INIT_ANNOT
    } else {
        0
    }
}

/// Writes `bytes` to `dir/name` through `name.NEW` + fsync + rename +
/// directory fsync.
fn replace_file(fs: &FsRef, dir: &Path, name: &str, bytes: &[u8]) -> Result<(), MailboxError> {
    let path = dir.join(name);
    let new = dir.join(format!("{name}.NEW"));
    let f = fs
        .open(&new, OpenMode::Truncate)
        .map_err(os_err("open", &new))?;
    let r = f
        .write_all_at(bytes, 0)
        .and_then(|()| f.sync())
        .map_err(os_err("write", &new))
        .and_then(|()| fs.rename(&new, &path).map_err(os_err("rename", &new)));
    if let Err(e) = r {
        let _ = fs.remove_file(&new);
        return Err(e);
    }
    fs.sync_dir(dir).map_err(os_err("fsync", dir))
}

/// Installs a rebuilt mailbox in `dir`. `index.generation_no` must be above
/// the generation of any index or cache file there, `cache` must start with
/// that generation, and `index.header_file_crc` must be the CRC of the
/// `cyrus.header` that will be on disk (`header`, or the one already there).
pub(crate) fn install(
    fs: &FsRef,
    dir: &Path,
    header: Option<&MailboxHeader>,
    index: &IndexHeader,
    records: &[IndexRecord],
    cache: &[u8],
) -> Result<(), MailboxError> {
    fs.create_dir_all(dir).map_err(os_err("mkdir", dir))?;
    if let Some(h) = header {
        replace_file(fs, dir, HEADER_FILE, &h.encode())?;
    }
    let mut ibytes = index.encode()?;
    for r in records {
        ibytes.extend_from_slice(&r.encode(index.minor_version)?);
    }
    let inew = dir.join(format!("{INDEX_FILE}.NEW"));
    let cnew = dir.join(format!("{CACHE_FILE}.NEW"));
    let written = (|| -> Result<Box<dyn crate::os::File>, MailboxError> {
        let cf = fs
            .open(&cnew, OpenMode::Truncate)
            .map_err(os_err("open", &cnew))?;
        cf.write_all_at(cache, 0).map_err(os_err("write", &cnew))?;
        cf.sync().map_err(os_err("fsync", &cnew))?;
        let f = fs
            .open(&inew, OpenMode::Truncate)
            .map_err(os_err("open", &inew))?;
        // Nobody may use the new index before it is complete.
        f.lock(LockKind::Exclusive).map_err(os_err("lock", &inew))?;
        f.write_all_at(&ibytes, 0).map_err(os_err("write", &inew))?;
        f.sync().map_err(os_err("fsync", &inew))?;
        Ok(f)
    })();
    let new_index = match written {
        Ok(f) => f,
        Err(e) => {
            let _ = fs.remove_file(&inew);
            let _ = fs.remove_file(&cnew);
            return Err(e);
        }
    };
    let ipath = dir.join(INDEX_FILE);
    if let Err(e) = fs.rename(&inew, &ipath) {
        let _ = fs.remove_file(&inew);
        let _ = fs.remove_file(&cnew);
        return Err(os_err("rename", &inew)(e));
    }
    fs.sync_dir(dir).map_err(os_err("fsync", dir))?;
    let cpath = dir.join(CACHE_FILE);
    fs.rename(&cnew, &cpath).map_err(os_err("rename", &cnew))?;
    fs.sync_dir(dir).map_err(os_err("fsync", dir))?;
    let _ = new_index.unlock();
    Ok(())
}
