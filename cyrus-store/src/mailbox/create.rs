//! Creating a new, empty mailbox directory (Cyrus `mailbox_create`):
//! `cyrus.header` and `cyrus.index`; `cyrus.cache` appears with the first
//! append.

use std::path::Path;

use crate::ids::{Modseq, UidValidity, UniqueId};
use crate::os::{FsRef, LockKind, OpenMode};

use super::error::MailboxError;
use super::header::{header_file_crc, MailboxHeader};
use super::index_header::{IndexHeader, MailboxOptions};
use super::open::{os_err, Mailbox, HEADER_FILE, INDEX_FILE};

/// What a new mailbox is.
#[derive(Debug, Clone)]
pub struct CreateSpec {
    /// Internal name, e.g. `user.alice.Sent`.
    pub name: String,
    /// Mailbox type string; `e` for email.
    pub mbtype: String,
    /// Unique id (also names the uuid directory).
    pub uniqueid: UniqueId,
    /// ACL in Cyrus text form (`id TAB rights TAB …`).
    pub acl: String,
    /// Quota root, if the mailbox is under one.
    pub quotaroot: Option<String>,
    /// UIDVALIDITY (Cyrus without conversations: creation time + 1).
    pub uidvalidity: UidValidity,
    /// Initial HIGHESTMODSEQ (and CREATEDMODSEQ); Cyrus starts at 1.
    pub highestmodseq: Modseq,
    /// `OPT_*` bits, e.g. [`MailboxOptions::POP3_NEW_UIDL`].
    pub options: u32,
    /// Creation time (seconds since the epoch).
    pub now: u32,
}

impl CreateSpec {
    /// A spec with Cyrus's defaults: type `e`, modseq 1, `POP3_NEW_UIDL`,
    /// UIDVALIDITY `now + 1`.
    pub fn new(name: &str, uniqueid: UniqueId, acl: &str, now: u32) -> CreateSpec {
        CreateSpec {
            name: name.to_string(),
            mbtype: "e".into(),
            uniqueid,
            acl: acl.to_string(),
            quotaroot: None,
            uidvalidity: UidValidity(now.wrapping_add(1)),
            highestmodseq: Modseq(1),
            options: MailboxOptions::POP3_NEW_UIDL,
            now,
        }
    }
}

impl Mailbox {
    /// Creates the mailbox files in `dir` (made if missing) and returns the
    /// mailbox open with the exclusive lock. Fails with
    /// [`MailboxError::Exists`] if `dir` already has a `cyrus.index`.
    ///
    /// Both files are written under `.NEW` names, fsynced, and renamed;
    /// `cyrus.index` last, so a mailbox with an index always has a header.
    pub fn create(fs: FsRef, dir: &Path, spec: &CreateSpec) -> Result<Mailbox, MailboxError> {
        let index_path = dir.join(INDEX_FILE);
        if fs.exists(&index_path) {
            return Err(MailboxError::Exists(dir.to_path_buf()));
        }
        fs.create_dir_all(dir).map_err(os_err("mkdir", dir))?;
        let header = MailboxHeader {
            mbtype: spec.mbtype.clone(),
            name: spec.name.clone(),
            uniqueid: Some(spec.uniqueid.clone()),
            quotaroot: spec.quotaroot.clone(),
            acl: spec.acl.clone(),
            user_flags: Vec::new(),
        };
        let hbytes = header.encode();
        let hnew = dir.join(format!("{HEADER_FILE}.NEW"));
        let hf = fs
            .open(&hnew, OpenMode::Truncate)
            .map_err(os_err("open", &hnew))?;
        hf.write_all_at(&hbytes, 0)
            .map_err(os_err("write", &hnew))?;
        hf.sync().map_err(os_err("fsync", &hnew))?;
        fs.rename(&hnew, &dir.join(HEADER_FILE))
            .map_err(os_err("rename", &hnew))?;

        let mut index =
            IndexHeader::new_v17(spec.uidvalidity, spec.highestmodseq, spec.options, spec.now);
        index.header_file_crc = header_file_crc(&hbytes);
        let inew = dir.join(format!("{INDEX_FILE}.NEW"));
        let f = fs
            .open(&inew, OpenMode::Truncate)
            .map_err(os_err("open", &inew))?;
        f.lock(LockKind::Exclusive).map_err(os_err("lock", &inew))?;
        f.write_all_at(&index.encode()?, 0)
            .map_err(os_err("write", &inew))?;
        f.sync().map_err(os_err("fsync", &inew))?;
        fs.rename(&inew, &index_path)
            .map_err(os_err("rename", &inew))?;
        fs.sync_dir(dir).map_err(os_err("fsync", dir))?;
        let index = IndexHeader::decode(&index.encode()?, &index_path)?;
        Ok(Mailbox {
            fs,
            dir: dir.to_path_buf(),
            index_file: f,
            lock: LockKind::Exclusive,
            header_crc: header_file_crc(&hbytes),
            header,
            index,
            records: Vec::new(),
            cache_file: dir.join(super::open::CACHE_FILE),
            poisoned: false,
        })
    }
}
