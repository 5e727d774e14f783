//! A user's own database files (`seen.db`, `sub.db`): found the way
//! Cyrus 3.6 does (`user/<h>/<inbox uniqueid>/<kind>.db`, or the legacy
//! `user/<h>/<user>.<kind>` with `mailbox_legacy_dirs`).

use std::path::PathBuf;

use crate::db::{self, Db, DbBackend, OpenFlags};
use crate::error::Error;
use crate::mboxlist::{MbEntry, MbType};
use crate::mboxname::{legacy_conf_path, user_conf_path, DirHash, MailboxName, UserId};
use crate::os::OsError;

use super::site::Store;

/// The per-user database files Cyrus keeps (`user_file_suffixes` and
/// `wipe_user_file_suffixes`).
const USER_FILE_KINDS: [&str; 5] = ["seen", "sub", "dav", "counters", "conversations"];

impl Store {
    /// Where `user`'s `kind` file (`seen`, `sub`, `dav`) lives.
    pub(crate) fn user_file(&self, user: &UserId, kind: &str) -> Result<PathBuf, Error> {
        let inbox = MailboxName::user_inbox(user);
        if self.options().mailbox_legacy_dirs {
            return Ok(self.legacy_user_file(&inbox, kind));
        }
        let entry = self
            .lookup(&inbox)?
            .ok_or_else(|| Error::NonExistent(inbox.to_internal()))?;
        Ok(match self.user_dir(&entry) {
            Some(dir) => dir.join(format!("{kind}.db")),
            None => self.legacy_user_file(&inbox, kind),
        })
    }

    /// Every file or directory that holds the files of the user whose
    /// INBOX is `inbox`: the per-user directory, or each legacy file.
    pub(crate) fn user_files_of(&self, inbox: &MbEntry) -> Vec<PathBuf> {
        match self.user_dir(inbox) {
            Some(dir) => vec![dir],
            None => USER_FILE_KINDS
                .iter()
                .map(|k| self.legacy_user_file(&inbox.name, k))
                .collect(),
        }
    }

    /// The Cyrus 3.6 per-user directory (`user/<h>/<inbox uniqueid>/`), or
    /// `None` where the user's files are legacy by-name files: the site
    /// option, or an INBOX with by-name directories (decided per INBOX,
    /// as Cyrus's `user_deletedata`).
    fn user_dir(&self, inbox: &MbEntry) -> Option<PathBuf> {
        let opts = self.options();
        match &inbox.uniqueid {
            Some(id) if !opts.mailbox_legacy_dirs && !inbox.mbtype.has(MbType::LEGACY_DIRS) => {
                Some(user_conf_path(&opts.config_dir, id, None))
            }
            _ => None,
        }
    }

    fn legacy_user_file(&self, inbox: &MailboxName, kind: &str) -> PathBuf {
        let opts = self.options();
        let hash = if opts.full_dir_hash {
            DirHash::Full
        } else {
            DirHash::FirstLetter
        };
        legacy_conf_path(&opts.config_dir, inbox, Some(kind), hash)
    }

    /// Opens (creating it and its directory if needed) `user`'s `kind`
    /// database with `backend`.
    pub(super) fn open_user_db(
        &self,
        user: &UserId,
        kind: &str,
        backend: DbBackend,
    ) -> Result<Box<dyn Db>, Error> {
        let path = self.user_file(user, kind)?;
        if let Some(dir) = path.parent() {
            self.fs()
                .create_dir_all(dir)
                .map_err(|e| Error::Os(OsError::new("mkdir", dir, e)))?;
        }
        Ok(db::open(
            self.fs().clone(),
            &path,
            backend,
            OpenFlags {
                create: true,
                ..OpenFlags::default()
            },
        )?)
    }
}
