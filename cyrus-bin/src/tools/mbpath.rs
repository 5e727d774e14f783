//! `cyr_mbpath`: where a mailbox's files are (Cyrus `imap/mbpath.c`):
//! archive, data and metadata directories, the owner's Sieve directory
//! and per-user files directory.

use std::path::PathBuf;

use cyrus_store::mboxlist::{self, MbEntry, MbType};
use cyrus_store::mboxname::{dir_hash_c, uuid_dir, DirHash, MailboxName, UserId};
use cyrus_store::Store;

use super::common::ToolError;
use super::mboxlist::open_mboxlist;
use super::site::admin_name;
use crate::config::ImapdConf;

/// Which path to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PathKind {
    /// `-A`: the archive partition's directory.
    Archive,
    /// `-D` (the default): the data directory.
    #[default]
    Data,
    /// `-M` / `-m`: the metadata directory.
    Meta,
    /// `-S`: the owner's Sieve directory.
    Sieve,
    /// `-U`: the owner's per-user files directory.
    User,
    /// `-a`: all of them, each after its label.
    All,
}

/// The five paths of one mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxPaths {
    /// Archive directory.
    pub archive: PathBuf,
    /// Data directory.
    pub data: PathBuf,
    /// Metadata directory.
    pub meta: PathBuf,
    /// Sieve directory of the owner (`<sievedir>/global` for shared).
    pub sieve: PathBuf,
    /// Per-user files directory (the configdirectory for shared).
    pub user: PathBuf,
}

impl MailboxPaths {
    /// The text `mbpath` prints for `kind`.
    pub fn render(&self, kind: PathKind) -> String {
        let one = |p: &PathBuf| format!("{}\n", p.display());
        match kind {
            PathKind::Archive => one(&self.archive),
            PathKind::Data => one(&self.data),
            PathKind::Meta => one(&self.meta),
            PathKind::Sieve => one(&self.sieve),
            PathKind::User => one(&self.user),
            PathKind::All => format!(
                "Archive: {}\nData: {}\nMeta: {}\nSieve: {}\nUser: {}\n",
                self.archive.display(),
                self.data.display(),
                self.meta.display(),
                self.sieve.display(),
                self.user.display()
            ),
        }
    }
}

/// The mailbox an argument names: an admin-namespace name, or with
/// `userids` a userid whose INBOX is meant (`-u`).
pub fn mbpath_target(store: &Store, arg: &str, userids: bool) -> Result<MailboxName, ToolError> {
    if userids {
        let u = UserId::try_from(arg)
            .map_err(|e| ToolError::Usage(format!("Invalid mailbox name: '{arg}' ({e})")))?;
        return Ok(MailboxName::user_inbox(&u));
    }
    admin_name(store, arg).map_err(|_| ToolError::Usage(format!("Invalid mailbox name: '{arg}'")))
}

/// The directory under `root` for `entry` (uuid or legacy layout).
fn dir_under(store: &Store, entry: &MbEntry, root: &std::path::Path) -> PathBuf {
    let data = store.mailbox_dir(entry).unwrap_or_default();
    match store
        .partition_path(entry.partition.as_deref().unwrap_or_default())
        .ok()
        .and_then(|p| data.strip_prefix(p).ok())
    {
        Some(rel) => root.join(rel),
        None => data,
    }
}

/// All paths of the mailbox `name`.
pub fn mbpath(
    conf: &ImapdConf,
    store: &Store,
    name: &MailboxName,
) -> Result<MailboxPaths, ToolError> {
    let ext = name.to_internal();
    let entry = store
        .lookup(name)?
        .ok_or_else(|| ToolError::Usage(format!("Invalid mailbox name: '{ext}'")))?;
    let data = store.mailbox_dir(&entry)?;
    let part = entry.partition.clone().unwrap_or_default();
    let meta = match store.options().meta_partitions.get(&part) {
        Some(root) => dir_under(store, &entry, root),
        None => data.clone(),
    };
    let archive = match conf.raw(&format!("archivepartition-{part}")) {
        Some(root) => dir_under(store, &entry, std::path::Path::new(root)),
        None => data.clone(),
    };
    let mode = if store.options().full_dir_hash {
        DirHash::Full
    } else {
        DirHash::FirstLetter
    };
    let (_, mut db) = open_mboxlist(conf, false)?;
    let user = mboxlist::conf_path(db.as_mut(), &store.options().config_dir, name, None, mode)
        .map_err(cyrus_store::Error::from)?;
    let sievedir = &store.options().sieve_dir;
    let inbox_id = match name.inbox() {
        Some(inbox) => store
            .lookup(&inbox)?
            .filter(|e| !e.mbtype.has(MbType::LEGACY_DIRS))
            .and_then(|e| e.uniqueid),
        None => None,
    };
    let sieve = match (name.localpart(), inbox_id) {
        (None, _) => sievedir.join("global"),
        (Some(_), Some(id)) => uuid_dir(sievedir, &id),
        (Some(lp), None) => {
            let mut p = sievedir.clone();
            if let Some(d) = name.domain() {
                p = p
                    .join("domain")
                    .join(dir_hash_c(d, mode).to_string())
                    .join(d);
            }
            p.join(dir_hash_c(lp, mode).to_string()).join(lp)
        }
    };
    Ok(MailboxPaths {
        archive,
        data,
        meta,
        sieve,
        user,
    })
}
