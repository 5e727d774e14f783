//! A POP3 maildrop over a mailbox, as Cyrus 3.6 pop3d uses it: a
//! snapshot of the messages taken under the index lock at login (the lock
//! is then released, so deliveries and IMAP go on during the session), and
//! one update under an exclusive lock at QUIT (`pop3_last_login`, the
//! DELEted messages expunged with their quota given back, `\Seen` on the
//! retrieved ones).

use crate::error::Error;
use crate::ids::{Uid, UidValidity};
use crate::mailbox::{FlagOp, MailboxOptions, SystemFlags};
use crate::mboxname::MailboxName;
use crate::os::LockKind;

use super::site::Store;

/// One message as the maildrop shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pop3Message {
    /// Its UID.
    pub uid: Uid,
    /// Its size in octets (what LIST and STAT report).
    pub size: u32,
}

/// Which messages a maildrop shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pop3View {
    /// `popuseimapflags`: leave out messages flagged `\Deleted`.
    pub hide_deleted: bool,
}

/// The maildrop as it was at login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pop3Snapshot {
    /// The mailbox's UIDVALIDITY (for UIDLs).
    pub uidvalidity: UidValidity,
    /// `OPT_POP3_NEW_UIDL`: UIDLs carry the UIDVALIDITY.
    pub new_uidl: bool,
    /// `pop3_last_login` from the index header (`popminpoll`).
    pub last_login: u32,
    /// The ACL text, for `popuseacl`.
    pub acl: String,
    /// The messages, in UID order.
    pub messages: Vec<Pop3Message>,
}

/// What QUIT writes back.
#[derive(Debug, Clone, Copy)]
pub struct Pop3Update<'a> {
    /// The new `pop3_last_login`.
    pub last_login: u32,
    /// UIDs the client DELEted.
    pub delete: &'a [Uid],
    /// UIDs to mark `\Seen` (empty unless `popuseimapflags`).
    pub seen: &'a [Uid],
}

impl Store {
    /// Takes the maildrop snapshot of `name` under a shared index lock,
    /// released before returning. Expunged messages and those with an
    /// INTERNALDATE at or before the index's `pop3_show_after` are left out.
    pub fn pop3_snapshot(&self, name: &MailboxName, view: Pop3View) -> Result<Pop3Snapshot, Error> {
        let (_, mbox) = self.open_mailbox(name, LockKind::Shared)?;
        let index = mbox.index();
        let show_after = index.pop3_show_after;
        let messages = mbox
            .records()
            .iter()
            .filter(|r| !r.is_expunged())
            .filter(|r| !(view.hide_deleted && r.system_flags.contains(SystemFlags::DELETED)))
            .filter(|r| show_after == 0 || r.internaldate > show_after)
            .map(|r| Pop3Message {
                uid: r.uid,
                size: r.size,
            })
            .collect();
        let snap = Pop3Snapshot {
            uidvalidity: index.uidvalidity,
            new_uidl: index.options.0 & MailboxOptions::POP3_NEW_UIDL != 0,
            last_login: index.pop3_last_login,
            acl: mbox.header().acl.clone(),
            messages,
        };
        mbox.close();
        Ok(snap)
    }

    /// Reads one message file of `name` (`Ok(None)` when it was expunged
    /// and unlinked since the snapshot).
    pub fn pop3_read(&self, name: &MailboxName, uid: Uid) -> Result<Option<Vec<u8>>, Error> {
        let (_, mbox) = self.open_mailbox(name, LockKind::Shared)?;
        let live = mbox.record(uid).is_some_and(|r| !r.is_unlinked());
        let data = if live {
            mbox.read_message(uid).ok()
        } else {
            None
        };
        mbox.close();
        Ok(data)
    }

    /// QUIT's update of `name` under an exclusive lock, in Cyrus's order:
    /// the login time, then the DELEted messages (flagged `\Deleted` and
    /// expunged in `expunge_mode`, quota released), then `\Seen`. Messages
    /// already gone are skipped. Returns the UIDs expunged.
    pub fn pop3_update(
        &self,
        name: &MailboxName,
        update: Pop3Update<'_>,
        now: u32,
    ) -> Result<Vec<Uid>, Error> {
        let (_, mut mbox) = self.open_mailbox(name, LockKind::Exclusive)?;
        mbox.set_pop3_last_login(update.last_login)?;
        let mut gone = Vec::new();
        if !update.delete.is_empty() {
            mbox.store_flags(update.delete, FlagOp::Add, SystemFlags::DELETED, &[], now)?;
            gone = self.expunge_deleted(
                &mut mbox,
                Some(update.delete),
                self.options().expunge_mode,
                now,
            )?;
        }
        let seen: Vec<Uid> = update
            .seen
            .iter()
            .copied()
            .filter(|u| gone.binary_search(u).is_err())
            .collect();
        if !seen.is_empty() {
            mbox.store_flags(&seen, FlagOp::Add, SystemFlags::SEEN, &[], now)?;
        }
        mbox.close();
        Ok(gone)
    }
}
