//! Mailbox-level commands: LIST, LSUB, CREATE, DELETE, STATUS; and the
//! name and rights lookups the other handlers share.

use cyrus_store::acl::{Rights, User};
use cyrus_store::mboxlist::MbEntry;
use cyrus_store::mboxname::MailboxName;
use cyrus_store::os::LockKind;
use cyrus_store::NewMailbox;
use imap_codec::imap_types::status::StatusDataItemName;

use crate::imap::wire::{astring, Tagged};

use super::error::Failure;
use super::session::ImapSession;

impl ImapSession {
    /// The internal name of a mailbox argument.
    pub(super) fn internal_name(&self, ext: &str) -> Result<MailboxName, Failure> {
        let (ns, user, _) = self.user_ns()?;
        let ext = ext.strip_suffix(ns.separator()).unwrap_or(ext);
        Ok(ns.to_internal(ext, Some(&user))?)
    }

    /// The user's rights on a mailbox: its ACL, plus the owner's implicit
    /// rights (`implicit_owner_rights`, Cyrus's default `lkxan`).
    pub(super) fn rights(&self, entry: &MbEntry) -> Rights {
        let Some(login) = self.state.login() else {
            return Rights::NONE;
        };
        let mut r = entry.acl.as_ref().map_or(Rights::NONE, |acl| {
            acl.rights_for(
                &User::new(login.user.as_str()),
                self.store.options().acl.admin_implies_write,
            )
        });
        if entry.name.is_owned_by(&login.user) {
            let lkxan = Rights::LOOKUP
                | Rights::CREATE
                | Rights::DELETEMBOX
                | Rights::ADMIN
                | Rights::ANNOTATEMSG;
            r |= Rights::parse_with(
                &self.store.options().acl.implicit_owner_rights,
                cyrus_store::acl::DeleteRight::Other,
            )
            .unwrap_or(lkxan);
        }
        r
    }

    /// The entry of an existing mailbox the user may see, else
    /// NONEXISTENT (Cyrus hides mailboxes without `l`... as missing).
    pub(super) fn visible(&self, name: &MailboxName) -> Result<(MbEntry, Rights), Failure> {
        let entry = self
            .store
            .lookup(name)?
            .ok_or_else(|| cyrus_store::Error::NonExistent(name.to_internal()))?;
        // Cyrus refuses non-mail mailboxes (the `#sieve` script store,
        // DAV collections) to IMAP as if they did not exist.
        if entry.mbtype.kind() != cyrus_store::mboxlist::MbKind::Email {
            return Err(cyrus_store::Error::NonExistent(name.to_internal()).into());
        }
        let r = self.rights(&entry);
        if !r.intersects(Rights::LOOKUP | Rights::READ) {
            return Err(cyrus_store::Error::NonExistent(name.to_internal()).into());
        }
        Ok((entry, r))
    }

    /// `LIST reference pattern`, with `\HasChildren`/`\HasNoChildren`
    /// and special-use attributes (the extended LIST with no options).
    pub(super) fn cmd_list(&mut self, reference: &str, pattern: String) -> Result<Tagged, Failure> {
        self.cmd_list_extended(crate::imap::wire::ext::ListCommand {
            selection: Default::default(),
            reference: reference.to_string(),
            patterns: vec![pattern],
            ret: Default::default(),
        })
    }

    /// `CREATE`: in the user's own hierarchy, or where `k` is granted on
    /// the nearest existing ancestor.
    pub(super) fn cmd_create(
        &mut self,
        ext: &str,
        now: std::time::SystemTime,
    ) -> Result<Tagged, Failure> {
        let name = self.internal_name(ext)?;
        let (_, user, _) = self.user_ns()?;
        if !name.is_owned_by(&user) {
            let parent = name
                .ancestors()
                .into_iter()
                .find_map(|a| self.store.lookup(&a).ok().flatten());
            if !parent.is_some_and(|p| self.rights(&p).contains(Rights::CREATE)) {
                return Err(Failure::NoPerm);
            }
        }
        self.store
            .create_mailbox(&name, &NewMailbox::default(), super::session::secs(now))?;
        self.config.notifier.notify();
        Ok(Tagged::ok("Completed"))
    }

    /// `DELETE`: needs `x`; a user's INBOX is kept (Cyrus: admins only).
    pub(super) fn cmd_delete(
        &mut self,
        ext: &str,
        now: std::time::SystemTime,
    ) -> Result<Tagged, Failure> {
        let name = self.internal_name(ext)?;
        let (entry, rights) = self.visible(&name)?;
        if !rights.contains(Rights::DELETEMBOX) || entry.name.is_user_inbox() {
            return Err(Failure::NoPerm);
        }
        self.check_special_use_protect(&entry)?;
        if let crate::imap::machine::State::Selected(_, v) = &self.state {
            if v.name == name {
                self.state =
                    std::mem::replace(&mut self.state, crate::imap::machine::State::Logout)
                        .deselect();
            }
        }
        self.store
            .delete_mailbox(&name, super::session::secs(now))?;
        self.config.notifier.notify();
        Ok(Tagged::ok("Completed"))
    }

    /// `STATUS` for the items asked, in the order asked.
    pub(super) fn cmd_status(
        &mut self,
        ext: &str,
        items: &[StatusDataItemName],
    ) -> Result<Tagged, Failure> {
        let name = self.internal_name(ext)?;
        let (entry, rights) = self.visible(&name)?;
        if !rights.contains(Rights::READ) {
            return Err(Failure::NoPerm);
        }
        let mbox = self.store.open_entry(&entry, LockKind::Shared)?;
        let idx = mbox.index();
        // UNSEEN and RECENT as this user sees them (seen.db for others).
        let (unseen, recent) = self.seen_counts(&name, &mbox)?;
        let mut parts = Vec::new();
        for item in items {
            let v = match item {
                StatusDataItemName::Messages => format!("MESSAGES {}", idx.exists),
                StatusDataItemName::Recent => format!("RECENT {recent}"),
                StatusDataItemName::UidNext => format!("UIDNEXT {}", idx.last_uid.0 + 1),
                StatusDataItemName::UidValidity => format!("UIDVALIDITY {}", idx.uidvalidity.0),
                StatusDataItemName::Unseen => format!("UNSEEN {unseen}"),
                StatusDataItemName::HighestModSeq => {
                    format!("HIGHESTMODSEQ {}", idx.highestmodseq.0)
                }
                StatusDataItemName::Size => format!("SIZE {}", idx.quota_mailbox_used),
                _ => return Err(Failure::Bad("Invalid status item".into())),
            };
            parts.push(v);
        }
        drop(mbox);
        let mut line = b"* STATUS ".to_vec();
        astring(&mut line, ext.as_bytes());
        line.extend_from_slice(format!(" ({})\r\n", parts.join(" ")).as_bytes());
        self.out.extend_from_slice(&line);
        Ok(Tagged::ok("Completed"))
    }
}
