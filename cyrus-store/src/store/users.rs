//! Removing a whole user, as an admin's `DELETE user/<name>` does in Cyrus
//! (`cmd_delete` with `delmbox` for each folder, then `user_deletedata`):
//! every mailbox of the user, their own database files, Sieve scripts and
//! quota roots.

use std::path::PathBuf;

use crate::db::Txn;
use crate::error::Error;
use crate::mboxlist::{self, Visibility};
use crate::mboxname::{legacy_conf_path, user_conf_path, DirHash, MailboxName, UserId};
use crate::quota;

use super::site::Store;

/// The per-user database files Cyrus keeps next to each other
/// (`user_file_suffixes` and `wipe_user_file_suffixes`).
const USER_FILE_KINDS: [&str; 5] = ["seen", "sub", "dav", "counters", "conversations"];

impl Store {
    /// Deletes `user`: each of their mailboxes deepest first (the way
    /// `delete_mode` says, so delayed deletion keeps them under
    /// `DELETED.` for `cyr_expire -D`), the INBOX last, then their
    /// `seen`/`sub`/`dav`/... files, Sieve directory and quota roots.
    ///
    /// The mailboxes go first because they are what a user sees; the
    /// files are removed after them, so a crash in between leaves only
    /// unreferenced files, never a user whose seen state is gone while
    /// their mail is still there. Errors while removing those files are
    /// not reported: like Cyrus, the user is gone once the mailboxes are.
    pub fn delete_user(&self, user: &UserId, now: u32) -> Result<(), Error> {
        let inbox = MailboxName::user_inbox(user);
        let inbox_entry = self
            .lookup(&inbox)?
            .ok_or_else(|| Error::NonExistent(inbox.to_internal()))?;
        // Paths that are found through the INBOX: before it goes.
        let user_files = self.user_data_paths(user, &inbox)?;
        let sieve_dir = self.sieve_dir(user).ok();

        let mut names: Vec<MailboxName> = self.with_mboxlist(|db| {
            Ok(mboxlist::all(db, Visibility::Live)?
                .into_iter()
                .map(|e| e.name)
                .filter(|n| inbox.contains(n) && *n != inbox)
                .collect())
        })?;
        names.sort_by_key(|n| std::cmp::Reverse(n.boxes().len()));
        for name in &names {
            self.delete_mailbox(name, now)?;
        }
        self.delete_mailbox(&inbox_entry.name, now)?;

        for path in user_files {
            if self.fs().remove_file(&path).is_err() {
                self.remove_dir_all(&path);
            }
        }
        if let Some(dir) = sieve_dir {
            self.remove_dir_all(&dir);
        }
        let mut qdb = self.open_quota_db()?;
        let base = inbox.to_internal();
        let mut txn = Txn::begin(qdb.as_mut())?;
        for q in quota::all(txn.db(), &base)? {
            let below = q
                .root
                .strip_prefix(&base)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'));
            if below {
                quota::remove(txn.db(), &q.root)?;
            }
        }
        Ok(txn.commit()?)
    }

    /// The user's own files: the whole per-user directory for 3.6
    /// (uniqueid) layouts, each legacy `<user>.<kind>` file otherwise.
    fn user_data_paths(&self, user: &UserId, inbox: &MailboxName) -> Result<Vec<PathBuf>, Error> {
        let opts = self.options();
        if opts.mailbox_legacy_dirs {
            let hash = if opts.full_dir_hash {
                DirHash::Full
            } else {
                DirHash::FirstLetter
            };
            return Ok(USER_FILE_KINDS
                .iter()
                .map(|k| legacy_conf_path(&opts.config_dir, inbox, Some(k), hash))
                .collect());
        }
        let entry = self
            .lookup(inbox)?
            .ok_or_else(|| Error::NonExistent(user.as_str().to_string()))?;
        Ok(entry
            .uniqueid
            .map(|id| vec![user_conf_path(&opts.config_dir, &id, None)])
            .unwrap_or_default())
    }
}
