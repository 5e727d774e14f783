//! A user's own database files (`seen.db`, `sub.db`): found the way
//! Cyrus 3.6 does (`user/<h>/<inbox uniqueid>/<kind>.db`, or the legacy
//! `user/<h>/<user>.<kind>` with `mailbox_legacy_dirs`).

use std::path::PathBuf;

use crate::db::{self, Db, DbBackend, OpenFlags};
use crate::error::Error;
use crate::mboxname::{legacy_conf_path, user_conf_path, DirHash, MailboxName, UserId};
use crate::os::OsError;

use super::site::Store;

impl Store {
    /// Where `user`'s `kind` file (`seen`, `sub`, `dav`) lives.
    pub(crate) fn user_file(&self, user: &UserId, kind: &str) -> Result<PathBuf, Error> {
        let opts = self.options();
        let inbox = MailboxName::user_inbox(user);
        if opts.mailbox_legacy_dirs {
            let hash = if opts.full_dir_hash {
                DirHash::Full
            } else {
                DirHash::FirstLetter
            };
            return Ok(legacy_conf_path(&opts.config_dir, &inbox, Some(kind), hash));
        }
        let entry = self
            .lookup(&inbox)?
            .ok_or_else(|| Error::NonExistent(inbox.to_internal()))?;
        let id = entry
            .uniqueid
            .ok_or_else(|| Error::Invalid(format!("{} has no uniqueid", inbox.to_internal())))?;
        Ok(user_conf_path(&opts.config_dir, &id, Some(kind)))
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
