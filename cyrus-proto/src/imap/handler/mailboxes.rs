//! Mailbox-level commands: LIST, LSUB, CREATE, DELETE, STATUS; and the
//! name and rights lookups the other handlers share.

use cyrus_store::acl::Rights;
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

    /// May the user create `name` (Cyrus `mboxlist_create_namecheck`)?
    /// Server admins, and owners in their own hierarchy, may create
    /// anywhere below an existing mailbox and where there is none; others
    /// need `k` on the nearest existing ancestor. Nobody creates
    /// `user/x/sub` while `user/x` does not exist. An existing name the
    /// user may not see is answered as a permission failure, not as
    /// "exists", so that CREATE does not reveal it.
    pub(super) fn may_create(&self, name: &MailboxName) -> Result<(), Failure> {
        let (_, user, _) = self.user_ns()?;
        let owner = name.is_owned_by(&user) && self.implicit_owner_rights().contains(Rights::ADMIN);
        let admin = self.is_admin() || owner;
        if let Some(existing) = self.store.lookup(name)? {
            if !admin && !self.rights(&existing).contains(Rights::LOOKUP) {
                return Err(Failure::NoPerm);
            }
            return Err(cyrus_store::Error::Exists(name.to_internal()).into());
        }
        let mut parent = None;
        for a in name.ancestors() {
            if let Some(e) = self.store.lookup(&a)? {
                parent = Some(e);
                break;
            }
        }
        match parent {
            Some(p) if admin || self.rights(&p).contains(Rights::CREATE) => Ok(()),
            Some(_) => Err(Failure::NoPerm),
            None if !admin => Err(Failure::NoPerm),
            None if name.is_user_mailbox() && !name.is_user_inbox() => Err(Failure::NoPerm),
            None => Ok(()),
        }
    }

    /// `CREATE`, where [`may_create`](Self::may_create) allows it; the
    /// OK carries the new mailbox's `MAILBOXID`.
    pub(super) fn cmd_create(
        &mut self,
        ext: &str,
        now: std::time::SystemTime,
    ) -> Result<Tagged, Failure> {
        let name = self.internal_name(ext)?;
        self.may_create(&name)?;
        let entry =
            self.store
                .create_mailbox(&name, &NewMailbox::default(), super::session::secs(now))?;
        self.config.notifier.notify();
        // RFC 8474 §4.1: a successful CREATE names the new MAILBOXID.
        let done = Tagged::ok("Completed");
        Ok(match entry.uniqueid {
            Some(id) => done.with_code(format!("MAILBOXID ({id})")),
            None => done,
        })
    }

    /// `DELETE`: needs `x` and no children. A user's INBOX can be deleted
    /// only by a server admin (with `x` on it), and that deletes the whole
    /// user (Cyrus `cmd_delete`); nobody deletes their own INBOX.
    pub(super) fn cmd_delete(
        &mut self,
        ext: &str,
        now: std::time::SystemTime,
    ) -> Result<Tagged, Failure> {
        let name = self.internal_name(ext)?;
        let (_, user, _) = self.user_ns()?;
        let whole_user = name.userid().filter(|_| name.is_user_inbox());
        if whole_user.is_some() && name.is_owned_by(&user) {
            return Err(Failure::No("Operation is not supported on mailbox".into()));
        }
        if whole_user.is_some() && !self.is_admin() {
            // Cyrus answers this before looking at rights, so an existing
            // user's INBOX is "denied" even without `l` on it.
            self.store
                .lookup(&name)?
                .ok_or_else(|| cyrus_store::Error::NonExistent(name.to_internal()))?;
            return Err(Failure::NoPerm);
        }
        let (entry, rights) = self.visible(&name)?;
        if !rights.contains(Rights::DELETEMBOX) {
            return Err(Failure::NoPerm);
        }
        self.check_special_use_protect(&entry)?;
        if let crate::imap::machine::State::Selected(_, v) = &self.state {
            if name.contains(&v.name) && (whole_user.is_some() || v.name == name) {
                self.state =
                    std::mem::replace(&mut self.state, crate::imap::machine::State::Logout)
                        .deselect();
            }
        }
        let t = super::session::secs(now);
        match whole_user {
            Some(owner) => self.store.delete_user(&owner, t)?,
            None => self.store.delete_mailbox(&name, t)?,
        }
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
