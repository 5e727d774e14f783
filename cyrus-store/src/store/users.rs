//! Removing a whole user, as an admin's `DELETE user/<name>` does in Cyrus
//! (`cmd_delete` with `delmbox` for each folder, then `user_deletedata`):
//! every mailbox of the user, their own database files, Sieve scripts and
//! quota roots.

use crate::db::Txn;
use crate::error::Error;
use crate::mboxlist::{self, Visibility};
use crate::mboxname::{MailboxName, UserId};
use crate::quota;

use super::site::Store;

/// How many times `delete_user` lists the user's folders again.
const DELETE_PASSES: usize = 3;

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
        let user_files = self.user_files_of(&inbox_entry);
        let sieve_dir = self.sieve_dir(user).ok();

        // A session of the user may create a folder meanwhile: list again
        // until nothing is left below the INBOX. A folder that cannot be
        // deleted is logged and the rest go on (Cyrus `delmbox`); the
        // INBOX is then refused as having children.
        for _ in 0..DELETE_PASSES {
            let names = self.folders_below(user)?;
            if names.is_empty() {
                break;
            }
            for name in &names {
                if let Err(e) = self.delete_mailbox(name, now) {
                    tracing::warn!(mailbox = %name.to_internal(), error = %e, "folder of a deleted user not deleted");
                }
            }
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

    /// The user's live mailboxes below the INBOX, deepest first.
    fn folders_below(&self, user: &UserId) -> Result<Vec<MailboxName>, Error> {
        let inbox = MailboxName::user_inbox(user);
        let mut names: Vec<MailboxName> = self.with_mboxlist(|db| {
            Ok(mboxlist::user_mailboxes(db, user, Visibility::Live)?
                .into_iter()
                .map(|e| e.name)
                .filter(|n| *n != inbox)
                .collect())
        })?;
        names.sort_by_key(|n| std::cmp::Reverse(n.boxes().len()));
        Ok(names)
    }
}
