//! Expunging through the facade: the mailbox's `\Deleted` messages go
//! and their quota usage is given back to the quota root, as Cyrus does
//! when a record becomes expunged.

use crate::error::Error;
use crate::ids::Uid;
use crate::mailbox::{ExpungeMode, Mailbox, SystemFlags};
use crate::quota::QuotaResource;

use super::mailboxes::adjust_quota;
use super::site::Store;

impl Store {
    /// Expunges `\Deleted` messages of the open (exclusively locked)
    /// `mbox` (all, or only `uids`) and releases their storage and
    /// message counts from its quota root. A failed quota update after the
    /// expunge is logged (`quota -f` recounts), not returned: the expunge
    /// has happened.
    pub fn expunge_deleted(
        &self,
        mbox: &mut Mailbox,
        uids: Option<&[Uid]>,
        mode: ExpungeMode,
        now: u32,
    ) -> Result<Vec<Uid>, Error> {
        let sizes: Vec<(Uid, u32)> = mbox
            .records()
            .iter()
            .filter(|r| !r.is_expunged() && r.system_flags.contains(SystemFlags::DELETED))
            .map(|r| (r.uid, r.size))
            .collect();
        let done = mbox.expunge(uids, mode, now)?;
        self.release_expunged(mbox, &sizes, &done);
        Ok(done)
    }

    /// Gives the usage of the messages in `done` (sizes from `sizes`)
    /// back to `mbox`'s quota root. A failure is logged, not returned:
    /// the expunge has happened, and `quota -f` recounts.
    pub(super) fn release_expunged(&self, mbox: &Mailbox, sizes: &[(Uid, u32)], done: &[Uid]) {
        let Some(root) = mbox.header().quotaroot.clone() else {
            return;
        };
        if done.is_empty() {
            return;
        }
        let bytes: i64 = sizes
            .iter()
            .filter(|(u, _)| done.binary_search(u).is_ok())
            .map(|&(_, s)| i64::from(s))
            .sum();
        let deltas = [
            (QuotaResource::Storage, -bytes),
            (QuotaResource::Message, -(done.len() as i64)),
        ];
        let r = self
            .open_quota_db()
            .and_then(|mut q| adjust_quota(q.as_mut(), &root, &deltas));
        if let Err(e) = r {
            tracing::warn!(quotaroot = %root, error = %e, "quota usage not released after expunge");
        }
    }
}
