//! Mailbox-level properties that change without touching any message:
//! ACL and quota root (kept in `cyrus.header`), the owner's `\Recent`
//! mark, the POP3 login time and the option bits (kept in the index
//! header). As in Cyrus, none of these bumps HIGHESTMODSEQ
//! (`mailbox_set_acl`, `mailbox_set_quotaroot`, `index_select`'s
//! `recentuid` update, pop3d's `pop3_last_login`).

use crate::ids::Uid;

use super::error::MailboxError;
use super::open::Mailbox;

impl Mailbox {
    /// Sets the ACL (Cyrus text form, `id TAB rights TAB …`); rewrites
    /// `cyrus.header` only if it changes.
    pub fn set_acl(&mut self, acl: &str) -> Result<(), MailboxError> {
        if self.header.acl == acl {
            return self.require_writable();
        }
        let mut ch = self.begin()?;
        let mut h = self.header.clone();
        h.acl = acl.to_string();
        ch.header = Some(h);
        self.commit(ch)
    }

    /// Records the mailbox's new internal name after a rename; rewrites
    /// `cyrus.header` only if it changes.
    pub fn set_name(&mut self, name: &str) -> Result<(), MailboxError> {
        if self.header.name == name {
            return self.require_writable();
        }
        let mut ch = self.begin()?;
        let mut h = self.header.clone();
        h.name = name.to_string();
        ch.header = Some(h);
        self.commit(ch)
    }

    /// Sets or clears the quota root; rewrites `cyrus.header` only if it
    /// changes.
    pub fn set_quotaroot(&mut self, quotaroot: Option<&str>) -> Result<(), MailboxError> {
        if self.header.quotaroot.as_deref() == quotaroot {
            return self.require_writable();
        }
        let mut ch = self.begin()?;
        let mut h = self.header.clone();
        h.quotaroot = quotaroot.map(str::to_string);
        ch.header = Some(h);
        self.commit(ch)
    }

    /// Records that the owner has been shown messages up to `recentuid`
    /// (after a read-write SELECT Cyrus sets it to `last_uid`).
    pub fn set_recent(&mut self, recentuid: Uid, now: u32) -> Result<(), MailboxError> {
        let mut ch = self.begin()?;
        ch.index.recentuid = recentuid;
        ch.index.recenttime = now;
        self.commit(ch)
    }

    /// Stores the time of the last POP3 login.
    pub fn set_pop3_last_login(&mut self, when: u32) -> Result<(), MailboxError> {
        let mut ch = self.begin()?;
        ch.index.pop3_last_login = when;
        self.commit(ch)
    }

    /// Sets and clears option bits (`MailboxOptions::IMAP_SHAREDSEEN`,
    /// `IMAP_DUPDELIVER`, …).
    pub fn set_options(&mut self, set: u32, clear: u32) -> Result<(), MailboxError> {
        let mut ch = self.begin()?;
        ch.index.options.0 = (ch.index.options.0 | set) & !clear;
        self.commit(ch)
    }
}
