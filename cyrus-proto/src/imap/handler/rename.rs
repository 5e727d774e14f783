//! RENAME (RFC 3501 §6.3.5) with Cyrus 3.6's semantics (`cmd_rename`):
//! the mailbox and everything below it get the new names, keeping their
//! UIDVALIDITY (the files stay where they are); the user's subscriptions
//! follow; an untagged `* OK rename <old> <new>` precedes the OK.
//! `RENAME INBOX <new>` creates `<new>` and moves every message of INBOX
//! into it, leaving INBOX empty and its children where they are.

use std::time::SystemTime;

use cyrus_store::acl::Rights;
use cyrus_store::mboxname::MailboxName;
use cyrus_store::os::LockKind;
use cyrus_store::{NewMailbox, Uid};

use crate::imap::machine::State;
use crate::imap::wire::Tagged;

use super::error::Failure;
use super::session::{secs, ImapSession};

impl ImapSession {
    /// `RENAME old new`.
    pub(super) fn cmd_rename(
        &mut self,
        old_ext: &str,
        new_ext: &str,
        now: SystemTime,
    ) -> Result<Tagged, Failure> {
        let old = self.internal_name(old_ext)?;
        let new = self.internal_name(new_ext)?;
        let (_, user, _) = self.user_ns()?;
        let (_, rights) = self.visible(&old)?;
        if old == MailboxName::user_inbox(&user) {
            return self.rename_inbox(&old, &new, now);
        }
        // Server admins rename without `x` (Cyrus `mboxlist_renamemailbox`).
        if !self.is_admin() && !rights.contains(Rights::DELETEMBOX) {
            return Err(Failure::NoPerm);
        }
        if old.is_user_inbox() {
            // Renaming a whole user would have to move seen, subscriptions
            // and Sieve data with it (Cyrus `allowusermoves`); not done here.
            return Err(Failure::No("Operation is not supported on mailbox".into()));
        }
        self.may_create(&new)?;
        if old.contains(&new) || new.contains(&old) {
            // Cyrus renames just the one mailbox then; not supported here.
            return Err(Failure::No("Cannot rename a mailbox into itself".into()));
        }
        // Subscriptions below the old name, to carry over.
        // A user without an INBOX (a server admin) has no subscriptions.
        let subs = match self.store.subscriptions(&user) {
            Err(cyrus_store::Error::NonExistent(_)) => Vec::new(),
            other => other?,
        };
        let subs: Vec<MailboxName> = subs.into_iter().filter(|s| old.contains(s)).collect();
        self.store.rename_mailbox(&old, &new, secs(now))?;
        for s in subs {
            if let Some(moved) = s.reparent(&old, &new) {
                self.store.set_subscribed(&user, &s, false)?;
                self.store.set_subscribed(&user, &moved, true)?;
            }
        }
        if let State::Selected(_, v) = &mut self.state {
            if let Some(moved) = v.name.reparent(&old, &new) {
                v.name = moved;
            }
        }
        self.config.notifier.notify();
        self.untagged(&format!("* OK rename {old_ext} {new_ext}"));
        Ok(Tagged::ok("Completed"))
    }

    /// `RENAME INBOX new`: a new mailbox gets all of INBOX's messages.
    fn rename_inbox(
        &mut self,
        inbox: &MailboxName,
        new: &MailboxName,
        now: SystemTime,
    ) -> Result<Tagged, Failure> {
        self.may_create(new)?;
        let t = secs(now);
        self.store.create_mailbox(new, &NewMailbox::default(), t)?;
        let (_, mbox) = self.store.open_mailbox(inbox, LockKind::Shared)?;
        let uids: Vec<Uid> = mbox
            .records()
            .iter()
            .filter(|r| !r.is_expunged())
            .map(|r| r.uid)
            .collect();
        drop(mbox);
        if !uids.is_empty() {
            self.store.move_messages(inbox, &uids, new, t)?;
        }
        self.config.notifier.notify();
        Ok(Tagged::ok("Completed"))
    }
}
