//! Reconstructing one mailbox: read what is left, compare it with the
//! message files, and install the repaired metadata.

use std::path::Path;

use crate::error::Error;
use crate::ids::{Modseq, UidValidity};
use crate::mailbox::cache::cache_crc;
use crate::mailbox::header::header_file_crc;
use crate::mailbox::index_header::{layout, MINOR_VERSION};
use crate::mailbox::rebuild::{annot_crc_init, install, recount, virtannot_crc};
use crate::mailbox::{
    IndexHeader, MailboxHeader, MailboxOptions, CACHE_FILE, HEADER_FILE, INDEX_FILE,
};
use crate::mboxlist::MbEntry;
use crate::mboxname::{MailboxName, Viewer};
use crate::os::{File, FsRef, LockKind, OpenMode, OsError};
use crate::quota;
use crate::Store;

use super::options::{Options, Report};
use super::records::RecordPass;
use super::salvage::{cache_generation, message_files, read_optional, salvage_index};

/// What is known about a mailbox besides its directory.
#[derive(Debug, Clone, Default)]
pub struct MailboxContext {
    /// Its mailboxes.db entry: rebuilds a lost `cyrus.header`, gives the
    /// UIDVALIDITY of a lost index, and wins over a header naming another
    /// mailbox.
    pub entry: Option<MbEntry>,
    /// The quota root to write into a rebuilt `cyrus.header`.
    pub quotaroot: Option<String>,
}

/// Reconstructs the live mailbox `name` of `store`. Findings are named by
/// the mailbox's external (admin) name.
pub fn mailbox(store: &Store, name: &MailboxName, opts: &Options) -> Result<Report, Error> {
    let entry = store
        .lookup(name)?
        .ok_or_else(|| Error::NonExistent(name.to_internal()))?;
    let dir = store.mailbox_dir(&entry)?;
    let label = store
        .namespace(Viewer::Admin)
        .to_external(name, None)
        .unwrap_or_else(|| name.to_internal());
    let quotaroot = quota::find_root(store.open_quota_db()?.as_mut(), name)?;
    let ctx = MailboxContext {
        entry: Some(entry),
        quotaroot,
    };
    mailbox_in_dir(store.fs(), &dir, &label, &ctx, opts)
}

/// Takes the `cyrus.index` lock for the whole run, when there is an index.
fn lock_index(fs: &FsRef, path: &Path, opts: &Options) -> Result<Option<Box<dyn File>>, Error> {
    let (mode, kind) = if opts.dry_run {
        (OpenMode::Read, LockKind::Shared)
    } else {
        (OpenMode::ReadWrite, LockKind::Exclusive)
    };
    match fs.open(path, mode) {
        Ok(f) => {
            f.lock(kind)
                .map_err(|e| Error::Os(OsError::new("lock", path, e)))?;
            Ok(Some(f))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::Os(OsError::new("open", path, e))),
    }
}

/// A `cyrus.header` made from a mailboxes.db entry (user flags are lost).
fn header_from(ctx: &MailboxContext) -> Option<MailboxHeader> {
    let e = ctx.entry.as_ref()?;
    Some(MailboxHeader {
        mbtype: e.mbtype.to_string(),
        name: e.name.to_internal(),
        uniqueid: e.uniqueid.clone(),
        quotaroot: ctx.quotaroot.clone(),
        acl: e
            .acl
            .as_ref()
            .map(|a| a.to_cyrus_string())
            .unwrap_or_default(),
        user_flags: Vec::new(),
    })
}

/// An index header for a mailbox whose index is lost: UIDVALIDITY and
/// modseq from the mailboxes.db entry when there is one.
fn fresh_index(ctx: &MailboxContext, now: u32) -> IndexHeader {
    let (uidvalidity, modseq) = match &ctx.entry {
        Some(e) => (
            e.uidvalidity,
            Modseq(e.createdmodseq.0.max(e.foldermodseq.0).max(1)),
        ),
        None => (UidValidity(0), Modseq(1)),
    };
    let uidvalidity = if uidvalidity.0 == 0 {
        UidValidity(now)
    } else {
        uidvalidity
    };
    IndexHeader::new_v17(uidvalidity, modseq, MailboxOptions::POP3_NEW_UIDL, now)
}

/// The header fields that a recount may correct, for the report.
fn count_diffs(old: &IndexHeader, new: &IndexHeader) -> Vec<String> {
    let mut d = Vec::new();
    let mut cmp = |what: &str, a: u64, b: u64| {
        if a != b {
            d.push(format!("{what} {a} -> {b}"));
        }
    };
    cmp(
        "num_records",
        old.num_records.into(),
        new.num_records.into(),
    );
    cmp("last_uid", old.last_uid.0.into(), new.last_uid.0.into());
    cmp("highestmodseq", old.highestmodseq.0, new.highestmodseq.0);
    cmp("exists", old.exists.into(), new.exists.into());
    cmp("deleted", old.deleted.into(), new.deleted.into());
    cmp("answered", old.answered.into(), new.answered.into());
    cmp("flagged", old.flagged.into(), new.flagged.into());
    cmp("unseen", old.unseen.into(), new.unseen.into());
    cmp(
        "quota_mailbox_used",
        old.quota_mailbox_used,
        new.quota_mailbox_used,
    );
    cmp(
        "quota_deleted_used",
        old.quota_deleted_used,
        new.quota_deleted_used,
    );
    cmp(
        "quota_expunged_used",
        old.quota_expunged_used,
        new.quota_expunged_used,
    );
    cmp(
        "sync_crc_basic",
        old.sync_crc_basic.into(),
        new.sync_crc_basic.into(),
    );
    cmp(
        "sync_crc_annot",
        old.sync_crc_annot.into(),
        new.sync_crc_annot.into(),
    );
    cmp(
        "header_file_crc",
        old.header_file_crc.into(),
        new.header_file_crc.into(),
    );
    d
}

/// Reconstructs the mailbox in `dir` (any filesystem, no mailboxes.db):
/// `label` names it in the findings, `ctx` supplies what the spool cannot.
pub fn mailbox_in_dir(
    fs: &FsRef,
    dir: &Path,
    label: &str,
    ctx: &MailboxContext,
    opts: &Options,
) -> Result<Report, Error> {
    let mut report = Report::new(label);
    let index_path = dir.join(INDEX_FILE);
    if fs.metadata(dir).ok().flatten().is_none() {
        report.add("mailbox directory is missing: creating an empty mailbox");
    }
    let _lock = lock_index(fs, &index_path, opts)?;

    // cyrus.header
    let header_path = dir.join(HEADER_FILE);
    let hbytes = read_optional(fs, &header_path)?;
    let decoded = hbytes
        .as_deref()
        .map(|b| MailboxHeader::decode(b, &header_path));
    let (mut header, mut header_new) = match decoded {
        Some(Ok(h)) => (h, false),
        other => {
            let why = if other.is_none() {
                "missing"
            } else {
                "damaged"
            };
            let Some(h) = header_from(ctx) else {
                return Err(Error::Invalid(format!(
                    "{label}: cyrus.header is {why} and there is no mailboxes.db entry to rebuild it from"
                )));
            };
            report.add(format!(
                "cyrus.header is {why}: rebuilding it from mailboxes.db"
            ));
            (h, true)
        }
    };
    if let Some(e) = &ctx.entry {
        let want = e.name.to_internal();
        if header.name != want {
            report.add(format!(
                "cyrus.header names {:?} but mailboxes.db {want:?}: using mailboxes.db",
                header.name
            ));
            header.name = want;
            header_new = true;
        }
        if header.uniqueid.is_none() && e.uniqueid.is_some() {
            report.add("cyrus.header has no uniqueid: taking it from mailboxes.db");
            header.uniqueid = e.uniqueid.clone();
            header_new = true;
        }
    }

    // cyrus.index
    let ibytes = read_optional(fs, &index_path)?;
    let mut salvaged = match &ibytes {
        Some(b) => salvage_index(b, &index_path, &mut report),
        None => {
            report.add("cyrus.index is missing: rebuilding it from the message files");
            Default::default()
        }
    };
    let old = salvaged.header.clone().filter(|_| salvaged.trusted);
    let mut index = match (&old, &salvaged.header) {
        (Some(h), _) => h.clone(),
        (None, Some(damaged)) => {
            let mut h = fresh_index(ctx, opts.now);
            if ctx.entry.as_ref().is_none_or(|e| e.uidvalidity.0 == 0) {
                h.uidvalidity = damaged.uidvalidity;
            }
            h
        }
        (None, None) => fresh_index(ctx, opts.now),
    };
    let writable = index.minor_version >= 12 && layout(index.minor_version).is_some();
    if !writable {
        report.add(format!(
            "cyrus.index version {} cannot be written: upgrading to {MINOR_VERSION}",
            index.minor_version
        ));
        index.minor_version = MINOR_VERSION;
        index.start_offset = 160;
        index.record_size = 112;
    }
    if opts.ignore_index && !salvaged.records.is_empty() {
        report.add(format!(
            "ignoring the {} existing index records (-x)",
            salvaged.records.len()
        ));
        salvaged.records.clear();
    }

    // cyrus.cache: the file of the index's generation.
    let main_cache = dir.join(CACHE_FILE);
    let new_cache = dir.join(format!("{CACHE_FILE}.NEW"));
    let main_bytes = read_optional(fs, &main_cache)?;
    let new_bytes = read_optional(fs, &new_cache)?;
    let gen_of = |b: &Option<Vec<u8>>| b.as_deref().and_then(cache_generation);
    let (cache_path, cache_bytes) = if salvaged.header.is_some()
        && gen_of(&main_bytes) != Some(index.generation_no)
        && gen_of(&new_bytes) == Some(index.generation_no)
    {
        (new_cache.as_path(), new_bytes.as_deref())
    } else {
        (main_cache.as_path(), main_bytes.as_deref())
    };
    let live = salvaged.records.values().any(|r| !r.is_unlinked());
    let cache_reported = cache_bytes.is_none() && live;
    if cache_reported {
        report.add("cyrus.cache is missing: re-parsing the message files");
    }
    let max_gen = [
        salvaged.header.as_ref().map(|h| h.generation_no),
        gen_of(&main_bytes),
        gen_of(&new_bytes),
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(0);

    // The records against the message files.
    let files = message_files(fs, dir)?;
    let base_hms = salvaged
        .records
        .values()
        .map(|r| r.modseq)
        .fold(index.highestmodseq, Modseq::max);
    let old_virt = virtannot_crc(
        index.minor_version,
        &salvaged.records.values().cloned().collect::<Vec<_>>(),
    );
    let pass = RecordPass {
        fs,
        dir,
        opts,
        header: &header,
        cache: cache_bytes.map(|b| (cache_path, b)),
        cache_reported,
        last_uid: old.as_ref().map_or(crate::ids::Uid(0), |h| h.last_uid),
    };
    let rebuilt = pass.run(
        std::mem::take(&mut salvaged.records),
        &files,
        base_hms,
        &mut report,
    )?;
    let mut records: Vec<_> = rebuilt.records.iter().map(|(r, _)| r.clone()).collect();

    // The index header over the new records.
    let header_bytes = if header_new {
        header.encode()
    } else {
        hbytes.clone().unwrap_or_default()
    };
    index.header_file_crc = header_file_crc(&header_bytes);
    index.highestmodseq = index.highestmodseq.max(rebuilt.highestmodseq);
    if let Some(max) = records.last().map(|r| r.uid) {
        index.last_uid = index.last_uid.max(max);
    }
    if rebuilt.appended {
        index.last_appenddate = opts.now;
    }
    recount(&mut index, &header, &records);
    let new_virt = virtannot_crc(index.minor_version, &records);
    index.sync_crc_annot = match &old {
        Some(o) => o.sync_crc_annot ^ old_virt ^ new_virt,
        None => annot_crc_init(index.minor_version) ^ new_virt,
    };
    if let Some(fe) = records
        .iter()
        .filter(|r| r.is_expunged())
        .map(|r| r.last_updated)
        .min()
    {
        if index.first_expunged == 0 || old.is_none() {
            index.first_expunged = fe;
        }
    }
    let mut index = index.for_version();
    if let Some(o) = &old {
        let diffs = count_diffs(o, &index);
        if report.is_clean() && !diffs.is_empty() {
            report.add(format!(
                "index header is out of date ({}): recomputing it",
                diffs.join(", ")
            ));
        }
    }
    if report.is_clean() || opts.dry_run {
        return Ok(report);
    }

    // Install: a fresh cache of the new generation and the index.
    index.generation_no = max_gen.wrapping_add(1);
    index.leaked_cache_records = 0;
    let mut cache = index.generation_no.to_be_bytes().to_vec();
    for (rec, (_, items)) in records.iter_mut().zip(&rebuilt.records) {
        let entry = items.encode();
        rec.cache_offset = cache.len() as u64;
        rec.cache_crc = cache_crc(&entry);
        cache.extend_from_slice(&entry);
    }
    let new_header = header_new.then_some(&header);
    install(fs, dir, new_header, &index, &records, &cache)?;
    report.written = true;
    Ok(report)
}
