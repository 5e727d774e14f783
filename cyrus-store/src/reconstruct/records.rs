//! The record pass: every salvaged record against its message file, and a
//! new record for every message file without one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::error::Error;
use crate::ids::{Guid, Modseq, Uid};
use crate::mailbox::index_record::CACHE_VERSION;
use crate::mailbox::{CacheItems, IndexRecord, InternalFlags, MailboxHeader, SystemFlags};
use crate::message;
use crate::os::{FsRef, OpenMode, OsError};

use super::options::{Options, Report};
use super::salvage::cache_entry;

/// The inputs of the record pass.
pub(crate) struct RecordPass<'a> {
    pub fs: &'a FsRef,
    pub dir: &'a Path,
    pub opts: &'a Options,
    pub header: &'a MailboxHeader,
    /// The old cache file (path, bytes), if there is one.
    pub cache: Option<(&'a Path, &'a [u8])>,
    /// True when the missing cache was already reported as a whole.
    pub cache_reported: bool,
    /// The last UID the old index promised (new files above it are "appended").
    pub last_uid: Uid,
}

/// The records of the rebuilt index with their cache entries, in UID order,
/// and the highest modseq handed out.
pub(crate) struct Rebuilt {
    pub records: Vec<(IndexRecord, CacheItems)>,
    pub highestmodseq: Modseq,
    /// True when a record was added for a message file.
    pub appended: bool,
}

fn read_file(fs: &FsRef, path: &Path) -> Result<Vec<u8>, Error> {
    fs.open(path, OpenMode::Read)
        .and_then(|f| f.read_all())
        .map_err(|e| Error::Os(OsError::new("read", path, e)))
}

/// Clears user-flag bits that name no flag in `header` (they would be
/// invisible to clients and break the sync CRC against a replica).
fn clear_unnamed_flags(rec: &mut IndexRecord, header: &MailboxHeader, report: &mut Report) {
    let unnamed: Vec<usize> = rec
        .user_flags
        .iter()
        .filter(|&n| header.user_flags.get(n).is_none_or(|f| f.is_none()))
        .collect();
    if unnamed.is_empty() {
        return;
    }
    for n in &unnamed {
        rec.user_flags.set(*n, false);
    }
    report.add(format!(
        "uid {}: user flag bits {unnamed:?} have no name in cyrus.header: clearing them",
        rec.uid.0
    ));
}

impl RecordPass<'_> {
    /// Runs the pass over `old` (salvaged records by UID) and the message
    /// files `files`, handing out modseqs above `hms`.
    pub(crate) fn run(
        &self,
        old: BTreeMap<Uid, IndexRecord>,
        files: &[Uid],
        mut hms: Modseq,
        report: &mut Report,
    ) -> Result<Rebuilt, Error> {
        let files: BTreeSet<Uid> = files.iter().copied().collect();
        let now = self.opts.now;
        let mut out = Vec::with_capacity(old.len().max(files.len()));
        for (uid, mut rec) in old {
            let cached = self
                .cache
                .and_then(|(path, bytes)| cache_entry(bytes, &rec, path));
            clear_unnamed_flags(&mut rec, self.header, report);
            if rec.is_unlinked() {
                // Its file is gone or going: nothing to compare.
                out.push((rec, cached.unwrap_or_default()));
                continue;
            }
            if !files.contains(&uid) {
                report.add(if rec.is_expunged() {
                    format!(
                        "expunged record for uid {} has no message file: marking unlinked",
                        uid.0
                    )
                } else {
                    format!(
                        "record for uid {} has no message file: marking expunged",
                        uid.0
                    )
                });
                rec.internal_flags |= InternalFlags::EXPUNGED | InternalFlags::UNLINKED;
                hms = hms.next();
                rec.modseq = hms;
                rec.last_updated = now;
                out.push((rec, cached.unwrap_or_default()));
                continue;
            }
            let path = self.dir.join(format!("{}.", uid.0));
            let len = self
                .fs
                .metadata(&path)
                .map_err(|e| Error::Os(OsError::new("stat", &path, e)))?
                .map(|m| m.len);
            let size_differs = len != Some(u64::from(rec.size));
            if !self.opts.reparse_all && !size_differs {
                if let Some(items) = cached {
                    out.push((rec, items));
                    continue;
                }
            }
            let data = read_file(self.fs, &path)?;
            let parsed = message::parse(&data);
            let items = parsed.cache_items();
            let guid = Guid::of(&data);
            if guid != rec.guid || size_differs {
                let what = format!(
                    "uid {}: record has GUID {} size {}, message file has GUID {} size {}",
                    uid.0,
                    rec.guid.to_hex(),
                    rec.size,
                    guid.to_hex(),
                    data.len()
                );
                match u32::try_from(data.len()) {
                    Ok(size) if self.opts.reparse_all => {
                        report.add(format!("{what}: updating the record"));
                        rec.guid = guid;
                        rec.size = size;
                        rec.header_size = parsed.header_size();
                        (rec.sentdate, rec.gmtime) = parsed.index_dates(rec.internaldate);
                        hms = hms.next();
                        rec.modseq = hms;
                        rec.last_updated = now;
                    }
                    _ => report.add(format!("{what} (reconstruct -G recomputes it)")),
                }
            }
            match &cached {
                None if !self.cache_reported => report.add(format!(
                    "uid {}: cache record is missing or damaged: re-parsing the message file",
                    uid.0
                )),
                Some(c) if *c != items => report.add(format!(
                    "uid {}: cache record differs from the message file: rewriting it",
                    uid.0
                )),
                _ => {}
            }
            rec.cache_version = CACHE_VERSION;
            out.push((rec, items));
        }
        let mut appended = false;
        let have: BTreeSet<Uid> = out.iter().map(|(r, _)| r.uid).collect();
        for uid in files.difference(&have) {
            let path = self.dir.join(format!("{}.", uid.0));
            let meta = self
                .fs
                .metadata(&path)
                .map_err(|e| Error::Os(OsError::new("stat", &path, e)))?;
            let data = read_file(self.fs, &path)?;
            let Ok(size) = u32::try_from(data.len()) else {
                report.add(format!("message file {}. is too large: ignoring it", uid.0));
                continue;
            };
            if size == 0 {
                report.add(format!("message file {}. is empty: ignoring it", uid.0));
                continue;
            }
            // Cyrus takes INTERNALDATE from the file's mtime.
            let internaldate = meta
                .and_then(|m| u32::try_from(m.mtime).ok())
                .filter(|t| *t > 0)
                .unwrap_or(now);
            let parsed = message::parse(&data);
            let (sentdate, gmtime) = parsed.index_dates(internaldate);
            hms = hms.next();
            report.add(if *uid > self.last_uid {
                format!("message file {}. has no record: appending it", uid.0)
            } else {
                format!(
                    "message file {}. has no record: adding it with its UID",
                    uid.0
                )
            });
            appended = true;
            let rec = IndexRecord {
                uid: *uid,
                internaldate,
                sentdate,
                size,
                header_size: parsed.header_size(),
                gmtime,
                last_updated: now,
                system_flags: SystemFlags::default(),
                internal_flags: InternalFlags::EMPTY,
                savedate: now,
                cache_version: CACHE_VERSION,
                guid: Guid::of(&data),
                modseq: hms,
                createdmodseq: hms,
                ..IndexRecord::default()
            };
            out.push((rec, parsed.cache_items()));
        }
        out.sort_by_key(|(r, _)| r.uid);
        Ok(Rebuilt {
            records: out,
            highestmodseq: hms,
            appended,
        })
    }
}
