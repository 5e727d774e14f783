//! RFC 9208 QUOTA commands as Cyrus 3.6 answers them: GETQUOTA and
//! SETQUOTA for admins only, GETQUOTAROOT for anyone who may read the
//! mailbox. Usage is shown in limit units (STORAGE in KiB).

use cyrus_store::acl::Rights;
use cyrus_store::os::LockKind;
use cyrus_store::quota::{Quota, QuotaResource};

use crate::imap::wire::ext::QuotaCommand;
use crate::imap::wire::{astring, Tagged};

use super::error::Failure;
use super::session::ImapSession;

/// `(RES used limit …)` for the resources that have a limit.
fn used_list(q: &Quota) -> String {
    let parts: Vec<String> = QuotaResource::ALL
        .iter()
        .filter_map(|&r| {
            q.limit(r)
                .map(|l| format!("{} {} {}", r.name(), q.used(r) / r.unit(), l))
        })
        .collect();
    format!("({})", parts.join(" "))
}

impl ImapSession {
    /// Runs one QUOTA command.
    pub(super) fn cmd_quota(&mut self, cmd: QuotaCommand) -> Result<Tagged, Failure> {
        match cmd {
            QuotaCommand::Get(root) => self.cmd_getquota(&root),
            QuotaCommand::GetRoot(m) => self.cmd_getquotaroot(&m),
            QuotaCommand::Set { root, limits } => self.cmd_setquota(&root, &limits),
        }
    }

    fn quota_line(&mut self, ext: &str, q: &Quota) {
        let mut line = b"* QUOTA ".to_vec();
        astring(&mut line, ext.as_bytes());
        line.push(b' ');
        line.extend_from_slice(used_list(q).as_bytes());
        line.extend_from_slice(b"\r\n");
        self.out.extend_from_slice(&line);
    }

    fn cmd_getquota(&mut self, ext: &str) -> Result<Tagged, Failure> {
        if !self.is_admin() {
            return Err(Failure::NoPerm);
        }
        let root = self.internal_name(ext)?;
        let q = self.store.quota(&root)?.ok_or(Failure::NoQuotaRoot)?;
        self.quota_line(ext, &q);
        Ok(Tagged::ok("Completed"))
    }

    /// `GETQUOTAROOT`: the root named in the mailbox's `cyrus.header`.
    fn cmd_getquotaroot(&mut self, ext: &str) -> Result<Tagged, Failure> {
        let name = self.internal_name(ext)?;
        let (entry, mbox) = self.store.open_mailbox(&name, LockKind::Shared)?;
        let root = mbox.header().quotaroot.clone();
        drop(mbox);
        let r = self.acl_rights(&entry);
        if !self.is_admin() && !r.contains(Rights::READ) {
            return Err(if r.contains(Rights::LOOKUP) {
                Failure::NoPerm
            } else {
                cyrus_store::Error::NonExistent(name.to_internal()).into()
            });
        }
        let mut line = b"* QUOTAROOT ".to_vec();
        astring(&mut line, ext.as_bytes());
        let mut quota = None;
        if let Some(root) = root {
            let (ns, user, _) = self.user_ns()?;
            let root_name = cyrus_store::mboxname::MailboxName::from_internal(&root)?;
            let root_ext = ns.to_external(&root_name, Some(&user)).unwrap_or(root);
            line.push(b' ');
            astring(&mut line, root_ext.as_bytes());
            quota = self.store.quota(&root_name)?.map(|q| (root_ext, q));
        }
        line.extend_from_slice(b"\r\n");
        self.out.extend_from_slice(&line);
        if let Some((root_ext, q)) = quota {
            self.quota_line(&root_ext, &q);
        }
        Ok(Tagged::ok("Completed"))
    }

    /// `SETQUOTA`: every resource not named becomes unlimited, as in
    /// Cyrus; a leading `+` (force) is accepted and ignored.
    fn cmd_setquota(&mut self, ext: &str, limits: &[(String, i64)]) -> Result<Tagged, Failure> {
        if !self.is_admin() {
            return Err(Failure::NoPerm);
        }
        let ext = ext.strip_prefix('+').unwrap_or(ext);
        let mut new: Vec<(QuotaResource, Option<i64>)> =
            QuotaResource::ALL.iter().map(|&r| (r, None)).collect();
        for (res, limit) in limits {
            let r = QuotaResource::from_name(res).ok_or(Failure::UnsupportedQuota)?;
            if let Some(slot) = new.iter_mut().find(|(x, _)| *x == r) {
                slot.1 = (*limit >= 0).then_some(*limit);
            }
        }
        let root = self.internal_name(ext)?;
        self.store.set_quota(&root, &new)?;
        Ok(Tagged::ok("Completed"))
    }
}
