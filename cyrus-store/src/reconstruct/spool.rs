//! `reconstruct -f`: walking the partitions for mailbox directories that
//! mailboxes.db does not know (uuid layout, `uuid/<c1>/<c2>/<uniqueid>/`,
//! named by their `cyrus.header`), adding entries for them, and reporting
//! entries whose directory is gone.

use std::path::{Path, PathBuf};

use crate::acl::Acl;
use crate::error::Error;
use crate::ids::UniqueId;
use crate::mailbox::{IndexHeader, MailboxHeader, HEADER_FILE, INDEX_FILE};
use crate::mboxlist::{self, MbEntry, MbType, Visibility};
use crate::mboxname::{MailboxName, Viewer};
use crate::os::FsRef;
use crate::Store;

use super::options::{Finding, Options};
use super::salvage::read_optional;

/// What the spool scan found (and, unless `dry_run`, added).
#[derive(Debug, Clone, Default)]
pub struct SpoolScan {
    /// One line per problem.
    pub findings: Vec<Finding>,
    /// Mailboxes that had no entry (added unless `dry_run`); reconstruct
    /// them next.
    pub discovered: Vec<MailboxName>,
}

fn subdirs(fs: &FsRef, dir: &Path) -> Vec<PathBuf> {
    fs.read_dir(dir)
        .unwrap_or_default()
        .into_iter()
        .map(|n| dir.join(n))
        .filter(|p| fs.metadata(p).ok().flatten().is_some_and(|m| m.is_dir))
        .collect()
}

/// Every `uuid/<c1>/<c2>/<id>/` directory holding a `cyrus.header`.
fn mailbox_dirs(fs: &FsRef, partition: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for c1 in subdirs(fs, &partition.join("uuid")) {
        for c2 in subdirs(fs, &c1) {
            for d in subdirs(fs, &c2) {
                if fs.exists(&d.join(HEADER_FILE)) {
                    out.push(d);
                }
            }
        }
    }
    out.sort();
    out
}

/// The mailboxes.db entry a spool directory describes.
fn entry_for(
    fs: &FsRef,
    dir: &Path,
    partition: &str,
    header: &MailboxHeader,
) -> Result<MbEntry, String> {
    let name = MailboxName::from_internal(&header.name).map_err(|e| e.to_string())?;
    let id = match &header.uniqueid {
        Some(id) => id.clone(),
        None => {
            let last = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            UniqueId::try_from(last).map_err(|e| e.to_string())?
        }
    };
    let mut e = MbEntry::new(name);
    e.mbtype = MbType::try_from(header.mbtype.as_str()).map_err(|e| e.to_string())?;
    e.partition = Some(partition.to_string());
    e.acl = Some(Acl::parse(&header.acl).map_err(|e| e.to_string())?);
    e.uniqueid = Some(id);
    let index = read_optional(fs, &dir.join(INDEX_FILE))
        .ok()
        .flatten()
        .and_then(|b| IndexHeader::decode(&b, &dir.join(INDEX_FILE)).ok());
    if let Some(i) = index {
        e.uidvalidity = i.uidvalidity;
        e.createdmodseq = i.createdmodseq;
        e.foldermodseq = i.highestmodseq;
    }
    Ok(e)
}

/// Scans the partitions (all, or only `partition`) of `store`.
pub fn scan_spool(
    store: &Store,
    partition: Option<&str>,
    opts: &Options,
) -> Result<SpoolScan, Error> {
    let fs = store.fs().clone();
    let ns = store.namespace(Viewer::Admin);
    let label = |n: &MailboxName| ns.to_external(n, None).unwrap_or_else(|| n.to_internal());
    let mut scan = SpoolScan::default();
    let parts: Vec<(String, PathBuf)> = store
        .options()
        .partitions
        .iter()
        .filter(|(p, _)| partition.is_none_or(|want| want == p.as_str()))
        .map(|(p, d)| (p.clone(), d.clone()))
        .collect();
    for (part, root) in &parts {
        for dir in mailbox_dirs(&fs, root) {
            let hpath = dir.join(HEADER_FILE);
            let header = match read_optional(&fs, &hpath)?
                .map(|b| MailboxHeader::decode(&b, &hpath))
            {
                Some(Ok(h)) => h,
                _ => {
                    scan.findings.push(Finding {
                        mailbox: dir.display().to_string(),
                        message: "cyrus.header is unreadable: cannot tell which mailbox this is"
                            .into(),
                    });
                    continue;
                }
            };
            let entry = match entry_for(&fs, &dir, part, &header) {
                Ok(e) => e,
                Err(why) => {
                    scan.findings.push(Finding {
                        mailbox: dir.display().to_string(),
                        message: format!("cyrus.header does not name a mailbox ({why})"),
                    });
                    continue;
                }
            };
            let (by_id, by_name) = store.with_mboxlist(|db| {
                let id = entry.uniqueid.as_ref();
                let by_id = match id {
                    Some(id) => mboxlist::lookup_by_uniqueid(db, id)?,
                    None => None,
                };
                Ok((by_id, mboxlist::lookup(db, &entry.name)?))
            })?;
            let known = by_name
                .as_ref()
                .is_some_and(|e| e.uniqueid == entry.uniqueid);
            if known {
                continue;
            }
            let who = label(&entry.name);
            if let Some(other) = by_name {
                scan.findings.push(Finding {
                    mailbox: who,
                    message: format!(
                        "directory {} holds uniqueid {:?}, but mailboxes.db has this name with {:?}: leaving both alone",
                        dir.display(),
                        entry.uniqueid.as_ref().map(UniqueId::as_str),
                        other.uniqueid.as_ref().map(UniqueId::as_str)
                    ),
                });
                continue;
            }
            if by_id.is_some_and(|e| !e.mbtype.is_deleted() && e.name != entry.name) {
                scan.findings.push(Finding {
                    mailbox: who,
                    message: format!(
                        "directory {} belongs to a mailbox listed under another name: leaving it",
                        dir.display()
                    ),
                });
                continue;
            }
            scan.findings.push(Finding {
                mailbox: who,
                message: format!(
                    "mailbox directory {} has no mailboxes.db entry: adding it (partition {part})",
                    dir.display()
                ),
            });
            if !opts.dry_run {
                store.with_mboxlist(|db| {
                    Ok(mboxlist::update_entry(
                        db,
                        &entry.name,
                        Some(&entry),
                        i64::from(opts.now),
                    )?)
                })?;
            }
            scan.discovered.push(entry.name.clone());
        }
    }
    // Entries whose directory is gone.
    let entries = store.with_mboxlist(|db| Ok(mboxlist::all(db, Visibility::Live)?))?;
    for e in entries {
        let in_scope = e.server.is_none()
            && e.partition
                .as_deref()
                .is_some_and(|p| parts.iter().any(|(q, _)| q == p));
        if !in_scope {
            continue;
        }
        let dir = store.mailbox_dir(&e)?;
        if !fs.exists(&dir) {
            scan.findings.push(Finding {
                mailbox: label(&e.name),
                message: format!(
                    "mailboxes.db entry has no directory ({}): reconstruct it to recreate an empty mailbox",
                    dir.display()
                ),
            });
        }
    }
    Ok(scan)
}
