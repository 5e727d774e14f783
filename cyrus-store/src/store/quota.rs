//! Quota roots as an administrator sets them (IMAP SETQUOTA, `cyr_quota`).

use crate::error::Error;
use crate::mboxlist::{self, Visibility};
use crate::mboxname::{MailboxName, UserId};
use crate::os::LockKind;
use crate::quota::{self, Quota, QuotaResource};

use super::mailboxes::NewMailbox;
use super::site::Store;

impl Store {
    /// The quota root `root`, if there is one.
    pub fn quota(&self, root: &MailboxName) -> Result<Option<Quota>, Error> {
        let mut qdb = self.open_quota_db()?;
        Ok(quota::read(qdb.as_mut(), &root.to_internal())?)
    }

    /// The quota root governing mailbox `name`, if any.
    pub fn quota_root_of(&self, name: &MailboxName) -> Result<Option<Quota>, Error> {
        let mut qdb = self.open_quota_db()?;
        match quota::find_root(qdb.as_mut(), name)? {
            Some(root) => Ok(quota::read(qdb.as_mut(), &root)?),
            None => Ok(None),
        }
    }

    /// Sets limits on quota root `root` (`None` = unlimited), creating the
    /// root when needed. A new root takes over the mailboxes below it that
    /// are not under a deeper root: their `cyrus.header` names the new root
    /// and their usage is counted into it, as Cyrus's SETQUOTA does.
    pub fn set_quota(
        &self,
        root: &MailboxName,
        limits: &[(QuotaResource, Option<i64>)],
    ) -> Result<Quota, Error> {
        let root_name = root.to_internal();
        let mut qdb = self.open_quota_db()?;
        let existing = quota::read(qdb.as_mut(), &root_name)?;
        let mut q = match existing {
            Some(q) => q,
            None => {
                let members =
                    self.with_mboxlist(|db| Ok(mboxlist::subtree(db, root, Visibility::Live)?))?;
                if members.is_empty() {
                    return Err(Error::NonExistent(root_name));
                }
                let mut q = Quota::new(&root_name);
                // Write the empty root first so `find_root` below sees it.
                quota::write(qdb.as_mut(), &q)?;
                for entry in members {
                    let governing = quota::find_root(qdb.as_mut(), &entry.name)?;
                    if governing.as_deref() != Some(root_name.as_str()) {
                        continue;
                    }
                    let dir = self.mailbox_dir(&entry)?;
                    let mut mbox = crate::mailbox::Mailbox::open(
                        self.fs().clone(),
                        &dir,
                        LockKind::Exclusive,
                    )?;
                    mbox.set_quotaroot(Some(&root_name))?;
                    let used = i64::try_from(mbox.index().quota_mailbox_used).unwrap_or(i64::MAX);
                    q.apply(QuotaResource::Storage, used);
                    q.apply(QuotaResource::Message, i64::from(mbox.index().exists));
                    q.apply(
                        QuotaResource::AnnotationStorage,
                        i64::from(mbox.index().quota_annot_used),
                    );
                    q.apply(QuotaResource::NumFolders, 1);
                }
                q
            }
        };
        for &(r, limit) in limits {
            q.set_limit(r, limit);
        }
        q.modseq = q.modseq.next();
        quota::write(qdb.as_mut(), &q)?;
        Ok(q)
    }
}

impl Store {
    /// Creates `user`'s INBOX when it is missing and `autocreate_quota`
    /// is set (Cyrus's autocreate on login and on delivery): a new quota
    /// root with `autocreate_quota` KiB and `autocreate_quota_messages`
    /// messages when those are positive, unlimited otherwise. Returns
    /// whether it created one; with autocreate off nothing is created.
    pub fn autocreate_inbox(&self, user: &UserId, now: u32) -> Result<bool, Error> {
        let name = MailboxName::user_inbox(user);
        let Some(storage) = self.options().autocreate_quota else {
            return Ok(false);
        };
        if self.lookup(&name)?.is_some() {
            return Ok(false);
        }
        match self.create_mailbox(&name, &NewMailbox::default(), now) {
            Ok(_) => {}
            // Another session created it first.
            Err(Error::Exists(_)) => return Ok(false),
            Err(e) => return Err(e),
        }
        let messages = self.options().autocreate_quota_messages;
        self.set_quota(
            &name,
            &[
                (QuotaResource::Storage, Some(storage).filter(|&q| q > 0)),
                (QuotaResource::Message, messages.filter(|&q| q > 0)),
            ],
        )?;
        Ok(true)
    }
}
