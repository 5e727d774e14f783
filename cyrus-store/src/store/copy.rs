//! Copying and moving messages between mailboxes (IMAP COPY and MOVE):
//! read the sources under the source's shared lock, copy them in under the
//! target's exclusive lock (one lock at a time, so two sessions copying in
//! opposite directions cannot deadlock), and keep quota usage in step.

use crate::error::Error;
use crate::ids::Uid;
use crate::mailbox::{CopySource, Mailbox};
use crate::mboxname::MailboxName;
use crate::os::LockKind;
use crate::quota::{self, QuotaResource};

use super::append::QuotaPolicy;
use super::mailboxes::adjust_quota;
use super::site::Store;

/// What a copy is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Copy(QuotaPolicy),
    Move,
}

fn read_sources(mbox: &Mailbox, uids: &[Uid]) -> Result<Vec<CopySource>, Error> {
    let mut out = Vec::with_capacity(uids.len());
    for &uid in uids {
        if let Some(s) = CopySource::read(mbox, uid)? {
            out.push(s);
        }
    }
    Ok(out)
}

impl Store {
    /// Copies messages `uids` of `src` (missing or expunged ones are
    /// skipped) to the end of `dst` in one group commit; returns the
    /// (source, new) UID pairs in order. Files are hard-linked when both
    /// mailboxes are on one filesystem (single-instance store) and copied
    /// otherwise; GUID, cache entry, flags and INTERNALDATE are kept.
    /// Returns once the new messages are durable. With
    /// [`QuotaPolicy::Enforce`] nothing is copied when `dst`'s quota root
    /// would go over a limit.
    pub fn copy_messages(
        &self,
        src: &MailboxName,
        uids: &[Uid],
        dst: &MailboxName,
        now: u32,
        policy: QuotaPolicy,
    ) -> Result<Vec<(Uid, Uid)>, Error> {
        self.copy_or_move(src, uids, dst, now, Mode::Copy(policy))
    }

    /// Moves messages (RFC 6851): copies them as
    /// [`Store::copy_messages`] does, then expunges them from `src`. Quota
    /// is only checked when the two mailboxes are under different roots.
    /// A crash between the two steps leaves the messages in both
    /// mailboxes, never in neither.
    pub fn move_messages(
        &self,
        src: &MailboxName,
        uids: &[Uid],
        dst: &MailboxName,
        now: u32,
    ) -> Result<Vec<(Uid, Uid)>, Error> {
        self.copy_or_move(src, uids, dst, now, Mode::Move)
    }

    fn copy_or_move(
        &self,
        src: &MailboxName,
        uids: &[Uid],
        dst: &MailboxName,
        now: u32,
        mode: Mode,
    ) -> Result<Vec<(Uid, Uid)>, Error> {
        let (_, smb) = self.open_mailbox(src, LockKind::Shared)?;
        let src_root = smb.header().quotaroot.clone();
        let sources = if src == dst {
            Vec::new()
        } else {
            read_sources(&smb, uids)?
        };
        drop(smb);
        let (_, mut dmb) = self.open_mailbox(dst, LockKind::Exclusive)?;
        let sources = if src == dst {
            read_sources(&dmb, uids)?
        } else {
            sources
        };
        if sources.is_empty() {
            return Ok(Vec::new());
        }
        let total: i64 = sources.iter().map(|s| i64::from(s.record.size)).sum();
        let count = sources.len() as i64;
        let dst_root = dmb.header().quotaroot.clone();
        let enforce = match mode {
            Mode::Copy(p) => p == QuotaPolicy::Enforce,
            Mode::Move => src_root != dst_root,
        };
        let mut qdb = match (&src_root, &dst_root) {
            (None, None) => None,
            _ => Some(self.open_quota_db()?),
        };
        if let (true, Some(root), Some(q)) = (enforce, &dst_root, qdb.as_mut()) {
            if let Some(quota) = quota::read(q.as_mut(), root)? {
                quota.check(QuotaResource::Storage, total)?;
                quota.check(QuotaResource::Message, count)?;
            }
        }
        let new = dmb.append_copies(&sources, now)?;
        let pairs: Vec<(Uid, Uid)> = sources.iter().map(|s| s.record.uid).zip(new).collect();
        let moved: Vec<Uid> = pairs.iter().map(|p| p.0).collect();
        if mode == Mode::Move {
            if src == dst {
                dmb.expunge_uids(&moved, self.options().expunge_mode, now)?;
            } else {
                drop(dmb);
                let (_, mut smb) = self.open_mailbox(src, LockKind::Exclusive)?;
                smb.expunge_uids(&moved, self.options().expunge_mode, now)?;
            }
        } else {
            drop(dmb);
        }
        // Usage follows the messages (as after an append, a failed update
        // leaves the root short until `quota -f`; the copy has happened).
        if let Some(q) = qdb.as_mut() {
            let mut adjust = |root: &Option<String>, sign: i64| {
                if let Some(root) = root {
                    let deltas = [
                        (QuotaResource::Storage, sign * total),
                        (QuotaResource::Message, sign * count),
                    ];
                    if let Err(e) = adjust_quota(q.as_mut(), root, &deltas) {
                        tracing::warn!(quotaroot = %root, error = %e, "quota usage not updated after copy");
                    }
                }
            };
            if mode != Mode::Move || src_root != dst_root {
                adjust(&dst_root, 1);
                if mode == Mode::Move {
                    adjust(&src_root, -1);
                }
            }
        }
        Ok(pairs)
    }
}
