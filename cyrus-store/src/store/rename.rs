//! Renaming a mailbox and everything below it (IMAP RENAME, including a
//! user's whole tree when an admin renames `user.a` to `user.b`).

use crate::db::Db;
use crate::error::Error;
use crate::mailbox::Mailbox;
use crate::mboxlist;
use crate::mboxname::MailboxName;
use crate::os::LockKind;
use crate::quota::{self, QuotaResource};

use super::mailboxes::adjust_quota;
use super::site::Store;

impl Store {
    /// Renames `old` and its children to below `new`. As in Cyrus 3.6 the
    /// uuid directories stay where they are: mailboxes.db gets the new
    /// names (the old ones become tombstones, the `I` records name
    /// history) and each `cyrus.header` records its new name. Returns the
    /// renamed entries, parent first.
    pub fn rename_mailbox(
        &self,
        old: &MailboxName,
        new: &MailboxName,
        now: u32,
    ) -> Result<Vec<mboxlist::MbEntry>, Error> {
        if old == new {
            return Err(Error::Exists(new.to_internal()));
        }
        if old.contains(new) {
            return Err(Error::Invalid(format!(
                "cannot rename {} into itself",
                old.to_internal()
            )));
        }
        let mut qdb = self.open_quota_db()?;
        self.with_mboxlist(|db| {
            if mboxlist::lookup(db, new)?.is_some() {
                return Err(Error::Exists(new.to_internal()));
            }
            let root =
                mboxlist::lookup(db, old)?.ok_or_else(|| Error::NonExistent(old.to_internal()))?;
            // Lock order: mailboxes.db, then each mailbox's index; the new
            // name goes into the headers before the list names it, so a
            // crash in between leaves headers the next rename (or
            // reconstruct, which prefers mailboxes.db) sets right.
            let members = mboxlist::subtree(db, old, mboxlist::Visibility::Live)?;
            let modseq = root.foldermodseq.next();
            for e in &members {
                let Some(target) = e.name.reparent(old, new) else {
                    continue;
                };
                let dir = self.mailbox_dir(e)?;
                let mut mbox = Mailbox::open(self.fs().clone(), &dir, LockKind::Exclusive)?;
                mbox.set_name(&target.to_internal())?;
                self.follow_quota_root(qdb.as_mut(), &mut mbox, old, &target)?;
            }
            let moved = mboxlist::rename_subtree(
                db,
                old,
                &|n: &MailboxName| n.reparent(old, new).unwrap_or_else(|| n.clone()),
                None,
                modseq,
                i64::from(now),
            )?;
            Ok(moved)
        })
    }

    /// A renamed mailbox under a different quota root takes its usage
    /// along (Cyrus `mailbox_rename_nocopy` → `mailbox_changequotaroot`);
    /// as there, the new root's limits are not checked. A root inside the
    /// renamed subtree stays as it is (its record keeps the old name; `quota
    /// -f` sorts that out, as in Cyrus before 3.8).
    fn follow_quota_root(
        &self,
        qdb: &mut dyn Db,
        mbox: &mut Mailbox,
        old: &MailboxName,
        target: &MailboxName,
    ) -> Result<(), Error> {
        let current = mbox.header().quotaroot.clone();
        if let Some(root) = &current {
            if MailboxName::from_internal(root).is_ok_and(|r| old.contains(&r)) {
                return Ok(());
            }
        }
        let next = quota::find_root(qdb, target)?;
        if next == current {
            return Ok(());
        }
        mbox.set_quotaroot(next.as_deref())?;
        let usage = [
            (
                QuotaResource::Storage,
                i64::try_from(mbox.index().quota_mailbox_used).unwrap_or(i64::MAX),
            ),
            (QuotaResource::Message, i64::from(mbox.index().exists)),
            (QuotaResource::NumFolders, 1),
        ];
        if let Some(root) = &current {
            let minus: Vec<_> = usage.iter().map(|&(r, n)| (r, -n)).collect();
            adjust_quota(qdb, root, &minus)?;
        }
        if let Some(root) = &next {
            adjust_quota(qdb, root, &usage)?;
        }
        Ok(())
    }
}
