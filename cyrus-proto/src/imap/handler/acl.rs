//! RFC 4314 ACL commands with Cyrus 3.6's rules (`cmd_getacl`,
//! `cmd_listrights`, `cmd_myrights`, `cmd_setacl`, `mboxlist_setacl`):
//! who may read and change an ACL, the owner's rights that cannot be
//! taken away, and the `c`/`d` macros of `RIGHTS=kxten`.

use cyrus_store::acl::{Acl, AclMode, DeleteRight, Rights, User};
use cyrus_store::mboxlist::MbEntry;
use cyrus_store::mboxname::{MailboxName, UserId};

use crate::imap::wire::ext::AclCommand;
use crate::imap::wire::{astring, Tagged};

use super::error::Failure;
use super::session::ImapSession;

impl ImapSession {
    /// Whether the logged-in user is a server admin (`admins:`).
    pub(super) fn is_admin(&self) -> bool {
        self.state.login().is_some_and(|l| {
            let u = l.user.as_str();
            self.auth.is_admin(u) || self.store.options().acl.admins.iter().any(|a| a == u)
        })
    }

    /// The `deleteright` option as the rights parser wants it.
    pub(super) fn delete_right(&self) -> DeleteRight {
        match self.store.options().acl.delete_right {
            'c' => DeleteRight::C,
            'd' => DeleteRight::D,
            _ => DeleteRight::Other,
        }
    }

    /// `implicit_owner_rights` (Cyrus default `lkxan`).
    pub(super) fn implicit_owner_rights(&self) -> Rights {
        Rights::parse_with(
            &self.store.options().acl.implicit_owner_rights,
            self.delete_right(),
        )
        .unwrap_or(
            Rights::LOOKUP
                | Rights::CREATE
                | Rights::DELETEMBOX
                | Rights::ADMIN
                | Rights::ANNOTATEMSG,
        )
    }

    /// The rights the ACL alone gives the user (Cyrus
    /// `cyrus_acl_myrights`, no implicit rights).
    pub(super) fn acl_rights(&self, entry: &MbEntry) -> Rights {
        let Some(login) = self.state.login() else {
            return Rights::NONE;
        };
        entry.acl.as_ref().map_or(Rights::NONE, |acl| {
            acl.rights_for(
                &User::new(login.user.as_str()),
                self.store.options().acl.admin_implies_write,
            )
        })
    }

    /// The user's rights on a mailbox as Cyrus computes them: the ACL,
    /// plus `l a` for server admins (`admins:`), or else the owner's
    /// implicit rights in their own hierarchy (`implicit_owner_rights`). Every
    /// command asks this one function.
    pub(super) fn rights(&self, entry: &MbEntry) -> Rights {
        let mut r = self.acl_rights(entry);
        // Cyrus `printmyrights`: an admin gets `l a`, never the owner's
        // implicit rights on top.
        if self.is_admin() {
            r |= Rights::LOOKUP | Rights::ADMIN;
        } else if self.owns(&entry.name) {
            r |= self.implicit_owner_rights();
        }
        r
    }

    /// Whether `name` is in the logged-in user's own hierarchy.
    pub(super) fn owns(&self, name: &MailboxName) -> bool {
        self.state
            .login()
            .is_some_and(|l| name.is_owned_by(&l.user))
    }

    fn rights_text(&self, r: Rights) -> String {
        r.to_string_with(self.delete_right())
    }

    /// Looks up a mailbox argument; a missing one is NONEXISTENT.
    fn acl_target(&self, ext: &str) -> Result<(MailboxName, MbEntry), Failure> {
        let name = self.internal_name(ext)?;
        let entry = self
            .store
            .lookup(&name)?
            .ok_or_else(|| cyrus_store::Error::NonExistent(name.to_internal()))?;
        Ok((name, entry))
    }

    /// Refused for lack of a right: NOPERM when the mailbox is visible,
    /// else it does not exist (Cyrus hides what `l` does not show).
    fn refuse(rights: Rights, name: &MailboxName) -> Failure {
        if rights.contains(Rights::LOOKUP) {
            Failure::NoPerm
        } else {
            cyrus_store::Error::NonExistent(name.to_internal()).into()
        }
    }

    /// Runs one ACL command.
    pub(super) fn cmd_acl(
        &mut self,
        cmd: AclCommand,
        now: std::time::SystemTime,
    ) -> Result<Tagged, Failure> {
        match cmd {
            AclCommand::GetAcl(m) => self.cmd_getacl(&m),
            AclCommand::MyRights(m) => self.cmd_myrights(&m),
            AclCommand::ListRights {
                mailbox,
                identifier,
            } => self.cmd_listrights(&mailbox, &identifier),
            AclCommand::SetAcl {
                mailbox,
                identifier,
                rights,
            } => self.cmd_setacl(&mailbox, &identifier, Some(&rights), now),
            AclCommand::DeleteAcl {
                mailbox,
                identifier,
            } => self.cmd_setacl(&mailbox, &identifier, None, now),
        }
    }

    fn cmd_getacl(&mut self, ext: &str) -> Result<Tagged, Failure> {
        let (name, entry) = self.acl_target(ext)?;
        let access = self.acl_rights(&entry);
        if !access.contains(Rights::ADMIN) && !self.is_admin() && !self.owns(&name) {
            return Err(Self::refuse(access, &name));
        }
        let mut line = b"* ACL ".to_vec();
        astring(&mut line, ext.as_bytes());
        for e in entry.acl.as_ref().map(Acl::entries).unwrap_or_default() {
            line.push(b' ');
            astring(&mut line, e.identifier.as_bytes());
            line.push(b' ');
            astring(&mut line, self.rights_text(e.rights).as_bytes());
        }
        line.extend_from_slice(b"\r\n");
        self.out.extend_from_slice(&line);
        Ok(Tagged::ok("Completed"))
    }

    fn cmd_myrights(&mut self, ext: &str) -> Result<Tagged, Failure> {
        let (name, entry) = self.acl_target(ext)?;
        let r = self.rights(&entry);
        let shows = Rights::LOOKUP
            | Rights::READ
            | Rights::INSERT
            | Rights::CREATE
            | Rights::DELETEMBOX
            | Rights::ADMIN;
        if !r.intersects(shows) {
            return Err(cyrus_store::Error::NonExistent(name.to_internal()).into());
        }
        let mut line = b"* MYRIGHTS ".to_vec();
        astring(&mut line, ext.as_bytes());
        line.push(b' ');
        astring(&mut line, self.rights_text(r).as_bytes());
        line.extend_from_slice(b"\r\n");
        self.out.extend_from_slice(&line);
        Ok(Tagged::ok("Completed"))
    }

    /// `LISTRIGHTS`: the rights always granted to `identifier` (the
    /// owner's implicit rights, `p` on a user's INBOX, else `""`), then
    /// each optional right on its own.
    fn cmd_listrights(&mut self, ext: &str, identifier: &str) -> Result<Tagged, Failure> {
        let (name, entry) = self.acl_target(ext)?;
        if self.acl_rights(&entry).is_empty() && !self.is_admin() && !self.owns(&name) {
            return Err(cyrus_store::Error::NonExistent(name.to_internal()).into());
        }
        let owned_by_id = UserId::try_from(identifier).is_ok_and(|u| name.is_owned_by(&u));
        let implicit = if owned_by_id {
            self.implicit_owner_rights()
        } else if name.is_user_inbox() {
            Rights::POST
        } else {
            Rights::NONE
        };
        let optional = Rights::FULL - implicit;
        let mut desc = if implicit.is_empty() {
            "\"\"".to_string()
        } else {
            self.rights_text(implicit)
        };
        for c in self.rights_text(optional).chars() {
            desc.push(' ');
            desc.push(c);
        }
        let mut line = b"* LISTRIGHTS ".to_vec();
        astring(&mut line, ext.as_bytes());
        line.push(b' ');
        astring(&mut line, identifier.as_bytes());
        line.push(b' ');
        line.extend_from_slice(desc.as_bytes());
        line.extend_from_slice(b"\r\n");
        self.out.extend_from_slice(&line);
        Ok(Tagged::ok("Completed"))
    }

    /// `SETACL` (`rights` given) and `DELETEACL` (`None`), as Cyrus
    /// `mboxlist_setacl`: the change needs `a` in the ACL itself (or an
    /// admin); a user may not take `a` from the owner of a personal
    /// mailbox, and the owner always keeps the implicit owner rights.
    fn cmd_setacl(
        &mut self,
        ext: &str,
        identifier: &str,
        rights: Option<&str>,
        now: std::time::SystemTime,
    ) -> Result<Tagged, Failure> {
        let (name, entry) = self.acl_target(ext)?;
        let admin = self.is_admin();
        let delete_right = self.delete_right();
        let rights = rights.filter(|r| !r.is_empty());
        // The rights text is checked before anything else (Cyrus answers
        // BAD for an unknown letter).
        let change = match rights {
            Some(r) => {
                let (mode, letters) = match r.as_bytes()[0] {
                    b'+' => (AclMode::Add, &r[1..]),
                    b'-' => (AclMode::Remove, &r[1..]),
                    _ => (AclMode::Set, r),
                };
                let mask = Rights::parse_with(letters, delete_right)
                    .map_err(|e| Failure::Bad(format!("The {} right is not supported", e.0)))?;
                Some((mode, mask))
            }
            None => None,
        };
        if entry.mbtype.is_deleted() {
            return Err(cyrus_store::Error::NonExistent(name.to_internal()).into());
        }
        if !admin {
            let mine = self.acl_rights(&entry);
            if !mine.contains(Rights::ADMIN) {
                return Err(Self::refuse(mine, &name));
            }
            if !self.store.options().acl.anyone_user_acl && identifier.starts_with("anyone") {
                return Err(Failure::NoPerm);
            }
        }
        let bare = identifier.strip_prefix('-').unwrap_or(identifier);
        let id_owns = UserId::try_from(bare).is_ok_and(|u| name.is_owned_by(&u))
            && !identifier.starts_with('-');
        let user_owns = self.owns(&name);
        if !admin && id_owns {
            let removes_admin = match change {
                Some((AclMode::Add, _)) => false,
                Some((AclMode::Remove, m)) => m.contains(Rights::ADMIN),
                Some((AclMode::Set, m)) => !m.contains(Rights::ADMIN),
                None => true,
            };
            if removes_admin {
                return Err(Failure::NoPerm);
            }
        }
        // The mailbox owner named in the change keeps the implicit rights
        // (Cyrus `mboxlist_ensureOwnerRights`).
        let owner: Option<String> = if user_owns {
            self.state.login().map(|l| l.user.as_str().to_string())
        } else if id_owns {
            Some(bare.to_string())
        } else {
            None
        };
        let implicit = self.implicit_owner_rights();
        let id = identifier.to_string();
        self.store
            .change_acl(&name, super::session::secs(now), |acl| {
                let old = acl.get(&id).unwrap_or(Rights::NONE);
                let mut access = match change {
                    Some((AclMode::Set, m)) => m,
                    Some((AclMode::Add, m)) => old | m,
                    Some((AclMode::Remove, m)) => old - m,
                    None => Rights::NONE,
                };
                if owner.as_deref() == Some(id.strip_prefix('-').unwrap_or(&id)) {
                    if id.starts_with('-') {
                        access = access - implicit;
                    } else {
                        access |= implicit;
                    }
                }
                acl.set(&id, AclMode::Set, access)?;
                Ok(())
            })?;
        self.config.notifier.notify();
        Ok(Tagged::ok("Completed"))
    }
}
