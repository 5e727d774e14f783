//! Paths that need a mailboxes.db lookup: a mailbox's spool directory and
//! a user's config files (Cyrus `mbentry_datapath`,
//! `mboxname_conf_getpath`).

use std::path::{Path, PathBuf};

use super::entry::MbEntry;
use super::error::MboxlistError;
use super::mbtype::MbType;
use super::ops::{lookup, lookup_allow_all, lookup_by_uniqueid};
use crate::db::Db;
use crate::mboxname::{
    legacy_conf_path, legacy_mailbox_dir, uuid_dir, DirHash, MailboxName, SpoolHash,
};

impl MbEntry {
    /// The mailbox's directory under its partition root: the uuid
    /// directory, or the by-name one for `l` (legacy dirs) entries or
    /// entries without a uniqueid.
    pub fn data_dir(&self, partition_root: &Path, hash: SpoolHash) -> PathBuf {
        match &self.uniqueid {
            Some(id) if !self.mbtype.has(MbType::LEGACY_DIRS) => uuid_dir(partition_root, id),
            _ => legacy_mailbox_dir(partition_root, &self.name, hash),
        }
    }
}

/// The per-user config file `suffix` (`seen`, `sub`, …; `None` for the
/// directory) for the owner of `name`, as Cyrus `mboxname_conf_getpath`:
/// under the INBOX's uuid directory when the INBOX exists and is not
/// legacy; if the INBOX is missing, the INBOX of a former name of this
/// mailbox (a user rename in progress); otherwise the legacy path.
pub fn conf_path(
    db: &mut dyn Db,
    config_dir: &Path,
    name: &MailboxName,
    suffix: Option<&str>,
    mode: DirHash,
) -> Result<PathBuf, MboxlistError> {
    if let Some(inbox) = name.inbox() {
        let mut found = lookup(db, &inbox)?;
        if found.is_none() {
            // Follow the name history of this mailbox's I record.
            if let Some(byname) = lookup_allow_all(db, name)? {
                if let Some(id) = &byname.uniqueid {
                    if let Some(byid) = lookup_by_uniqueid(db, id)? {
                        for h in &byid.name_history {
                            if let Some(old_inbox) = h.name.inbox() {
                                if let Some(e) = lookup(db, &old_inbox)? {
                                    found = Some(e);
                                    break;
                                }
                            }
                        }
                    }
                }
            }
        }
        if let Some(e) = found {
            if let (Some(id), false) = (&e.uniqueid, e.mbtype.has(MbType::LEGACY_DIRS)) {
                return Ok(crate::mboxname::user_conf_path(config_dir, id, suffix));
            }
        }
    }
    Ok(legacy_conf_path(config_dir, name, suffix, mode))
}
