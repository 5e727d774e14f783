//! Changing a mailbox's ACL (IMAP SETACL/DELETEACL): the ACL lives in
//! both `mailboxes.db` and the mailbox's `cyrus.header`, and Cyrus's
//! `mboxlist_setacl` writes the list first and then the header backup.

use crate::acl::Acl;
use crate::error::Error;
use crate::mboxlist;
use crate::mboxname::MailboxName;
use crate::os::LockKind;

use super::site::Store;

impl Store {
    /// Applies `change` to the ACL of the live mailbox `name` and stores
    /// the result in `mailboxes.db` and `cyrus.header`; returns the new
    /// ACL. `change` sees the current ACL and may refuse (its error is
    /// returned and nothing is written).
    pub fn change_acl(
        &self,
        name: &MailboxName,
        now: u32,
        change: impl FnOnce(&mut Acl) -> Result<(), Error>,
    ) -> Result<Acl, Error> {
        // Lock order: mailboxes.db, then the mailbox's index.
        self.with_mboxlist(|db| {
            let mut entry = mboxlist::lookup(db, name)?
                .ok_or_else(|| Error::NonExistent(name.to_internal()))?;
            let dir = self.mailbox_dir(&entry)?;
            let mut mbox =
                crate::mailbox::Mailbox::open(self.fs().clone(), &dir, LockKind::Exclusive)?;
            let mut acl = entry.acl.clone().unwrap_or_default();
            change(&mut acl)?;
            entry.acl = Some(acl.clone());
            entry.foldermodseq = entry.foldermodseq.max(mbox.index().highestmodseq);
            mboxlist::update_entry(db, name, Some(&entry), i64::from(now))?;
            mbox.set_acl(&acl.to_cyrus_string())?;
            Ok(acl)
        })
    }
}
