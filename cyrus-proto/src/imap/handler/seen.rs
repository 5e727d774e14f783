//! Whose `\Seen` a session sees (Cyrus `mailbox_internal_seen`): the
//! mailbox owner's lives in the index record (and the `\Recent` mark in
//! the index header); with `OPT_IMAP_SHAREDSEEN` everybody shares that
//! one. Every other user keeps theirs in their own seen.db, keyed by the
//! mailbox uniqueid, whose `lastuid` is also their `\Recent` mark.

use cyrus_store::ids::UniqueId;
use cyrus_store::mailbox::{Mailbox, MailboxOptions, SystemFlags};
use cyrus_store::mboxname::MailboxName;
use cyrus_store::seen::SeenData;
use cyrus_store::Uid;

use crate::imap::machine::{Snapshot, State};

use super::error::Failure;
use super::select::snapshot;
use super::session::ImapSession;

/// Replaces each message's `\Seen` with the user's and the `\Recent`
/// mark with theirs.
pub(super) fn overlay(snap: &mut Snapshot, sd: &SeenData) {
    for m in &mut snap.messages {
        m.system.set(SystemFlags::SEEN, sd.seenuids.contains(m.uid));
    }
    snap.recentuid = sd.lastuid;
}

impl ImapSession {
    /// The seen.db key when the logged-in user's `\Seen` for the open
    /// mailbox `name` is not the index's; `None` when it is.
    pub(super) fn seen_key(&self, name: &MailboxName, mbox: &Mailbox) -> Option<UniqueId> {
        let login = self.state.login()?;
        if mbox.index().options.has(MailboxOptions::IMAP_SHAREDSEEN)
            || name.is_owned_by(&login.user)
        {
            return None;
        }
        mbox.header().uniqueid.clone()
    }

    /// The user's seen state for mailbox `key` (empty when none yet).
    pub(super) fn user_seen(&self, key: &UniqueId) -> Result<SeenData, Failure> {
        let login = self
            .state
            .login()
            .ok_or_else(|| Failure::Bad("Please login first".into()))?;
        match self.store.seen(&login.user, key) {
            Ok(sd) => Ok(sd.unwrap_or_default()),
            // A user without an INBOX has no seen.db: nothing is seen
            // (Cyrus carries on when the seen state cannot be read).
            Err(cyrus_store::Error::NonExistent(_)) => Ok(SeenData::default()),
            Err(e) => Err(e.into()),
        }
    }

    /// STATUS UNSEEN and RECENT for this user: the owner's from the
    /// index, anyone else's from their seen.db; RECENT of the selected
    /// mailbox is this session's own count (Cyrus answers from the open
    /// index).
    pub(super) fn seen_counts(
        &self,
        name: &MailboxName,
        mbox: &Mailbox,
    ) -> Result<(u32, u32), Failure> {
        let idx = mbox.index();
        let live = || mbox.records().iter().filter(|r| !r.is_expunged());
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let (unseen, mark) = match self.seen_key(name, mbox) {
            None => (idx.unseen, idx.recentuid),
            Some(key) => {
                let sd = self.user_seen(&key)?;
                let n = live().filter(|r| !sd.seenuids.contains(r.uid)).count();
                (count(n), sd.lastuid)
            }
        };
        let recent = match &self.state {
            State::Selected(_, v) if v.name == *name => count(v.recent_count()),
            _ => count(live().filter(|r| r.uid > mark).count()),
        };
        Ok((unseen, recent))
    }

    /// The snapshot of `mbox` as this user sees it.
    pub(super) fn user_snapshot(
        &self,
        name: &MailboxName,
        mbox: &Mailbox,
    ) -> Result<Snapshot, Failure> {
        let mut snap = snapshot(mbox);
        if let Some(key) = self.seen_key(name, mbox) {
            overlay(&mut snap, &self.user_seen(&key)?);
        }
        Ok(snap)
    }

    /// Sets (`on`) or clears the user's `\Seen` on `uids` in their
    /// seen.db, and gives each message whose state changed a new MODSEQ
    /// (as Cyrus rewrites the record). `mbox` is locked exclusively.
    /// Returns the UIDs whose state changed.
    pub(super) fn set_user_seen(
        &self,
        mbox: &mut Mailbox,
        key: &UniqueId,
        uids: &[Uid],
        on: bool,
        now: u32,
    ) -> Result<Vec<Uid>, Failure> {
        let login = self
            .state
            .login()
            .ok_or_else(|| Failure::Bad("Please login first".into()))?;
        let live: Vec<Uid> = uids
            .iter()
            .copied()
            .filter(|u| mbox.record(*u).is_some_and(|r| !r.is_expunged()))
            .collect();
        let last_append = i64::from(mbox.index().last_appenddate);
        let mut changed = Vec::new();
        self.store.update_seen(&login.user, key, |sd| {
            for &u in &live {
                if sd.seenuids.contains(u) != on {
                    if on {
                        sd.seenuids.add(u);
                    } else {
                        sd.seenuids.remove(u);
                    }
                    changed.push(u);
                }
            }
            sd.lastread = i64::from(now);
            sd.lastchange = last_append;
        })?;
        if !changed.is_empty() {
            mbox.touch(&changed, now)?;
        }
        Ok(changed)
    }

    /// Records the user's `\Recent` mark in their seen.db.
    pub(super) fn set_user_recent(
        &self,
        key: &UniqueId,
        mark: Uid,
        now: u32,
    ) -> Result<(), Failure> {
        let login = match &self.state {
            State::Authenticated(l) | State::Selected(l, _) => l,
            _ => return Ok(()),
        };
        self.store.update_seen(&login.user, key, |sd| {
            if sd.lastuid < mark {
                sd.lastuid = mark;
                sd.lastread = i64::from(now);
            }
        })?;
        Ok(())
    }
}
