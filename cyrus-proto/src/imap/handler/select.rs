//! SELECT, EXAMINE, CLOSE, EXPUNGE / UID EXPUNGE, and reading a mailbox
//! snapshot for the selected view.

use std::time::SystemTime;

use cyrus_store::acl::Rights;
use cyrus_store::mailbox::{Mailbox, SystemFlags};
use cyrus_store::mboxname::MailboxName;
use cyrus_store::os::LockKind;
use cyrus_store::Modseq;
use imap_codec::imap_types::command::SelectParameter;
use imap_codec::imap_types::sequence::SequenceSet;

use crate::imap::machine::{MessageState, Snapshot, State, View};
use crate::imap::wire::Tagged;

use super::condstore::{select_params, vanished};
use super::error::Failure;
use super::seen::overlay;
use super::session::{secs, ImapSession};

/// The live messages of an open mailbox, for a view.
pub(super) fn snapshot(mbox: &Mailbox) -> Snapshot {
    let header = mbox.header();
    let idx = mbox.index();
    Snapshot {
        uidvalidity: idx.uidvalidity,
        uidnext: idx.last_uid.0.saturating_add(1),
        highestmodseq: idx.highestmodseq,
        recentuid: idx.recentuid,
        keywords: header.user_flags.iter().flatten().cloned().collect(),
        messages: mbox
            .records()
            .iter()
            .filter(|r| !r.is_expunged())
            .map(|r| MessageState {
                uid: r.uid,
                system: r.system_flags,
                keywords: header
                    .user_flag_names(&r.user_flags)
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                modseq: r.modseq,
            })
            .collect(),
    }
}

impl ImapSession {
    /// The selected view (the dispatcher checked the state).
    pub(super) fn view(&self) -> Result<&View, Failure> {
        match &self.state {
            State::Selected(_, v) => Ok(v),
            _ => Err(Failure::Bad("Please select a mailbox first".into())),
        }
    }

    /// The selected view, mutable.
    pub(super) fn view_mut(&mut self) -> Result<&mut View, Failure> {
        match &mut self.state {
            State::Selected(_, v) => Ok(v),
            _ => Err(Failure::Bad("Please select a mailbox first".into())),
        }
    }

    /// Sends the selected mailbox's changes since the last report.
    pub(super) fn sync_view(
        &mut self,
        allow_expunge: bool,
        now: SystemTime,
    ) -> Result<(), Failure> {
        let name = self.view()?.name.clone();
        let (_, mbox) = self.store.open_mailbox(&name, LockKind::Shared)?;
        let snap = self.user_snapshot(&name, &mbox)?;
        drop(mbox);
        let updates = self.view_mut()?.update(snap, allow_expunge);
        for l in updates.0 {
            self.untagged(&l);
        }
        self.record_recent(now)
    }

    /// Advances the mailbox's `recentuid` (or, for a user whose seen
    /// state is not the index's, their seen.db `lastuid`) past the
    /// messages this session has claimed as \Recent, so no other session
    /// sees them so.
    fn record_recent(&mut self, now: SystemTime) -> Result<(), Failure> {
        let view = self.view()?;
        let Some(mark) = view.recent_mark() else {
            return Ok(());
        };
        let name = view.name.clone();
        if let Some(key) = view.seen_key.clone() {
            self.set_user_recent(&key, mark, secs(now))?;
            self.view_mut()?.recent_recorded(mark);
            return Ok(());
        }
        let (_, mut mbox) = self.store.open_mailbox(&name, LockKind::Exclusive)?;
        if mbox.index().recentuid < mark {
            mbox.set_recent(mark, secs(now))?;
        }
        drop(mbox);
        self.view_mut()?.recent_recorded(mark);
        Ok(())
    }

    /// `SELECT` / `EXAMINE`, with Cyrus's untagged sequence.
    pub(super) fn cmd_select(
        &mut self,
        ext: &str,
        examine: bool,
        params: &[SelectParameter],
        now: SystemTime,
    ) -> Result<Tagged, Failure> {
        // RFC 5182 §2.1: SELECT and EXAMINE reset the saved result.
        self.searchres.clear();
        let qresync = select_params(self, params, if examine { "Examine" } else { "Select" })?;
        // SELECT first closes the current mailbox: a failed one leaves
        // none selected (RFC 3501 §6.3.1); Cyrus says so with [CLOSED]
        // (RFC 7162 §3.2.11).
        if matches!(self.state, State::Selected(..)) {
            self.untagged("* OK [CLOSED] Ok");
        }
        self.state = std::mem::replace(&mut self.state, State::Logout).deselect();
        let name: MailboxName = self.internal_name(ext)?;
        let (entry, rights) = self.visible(&name)?;
        if !rights.contains(Rights::READ) {
            return Err(Failure::NoPerm);
        }
        let read_only = examine || !rights.intersects(Rights::READ_WRITE);
        // The entry `visible` read, not a second mailboxes.db lookup.
        let mbox = self.store.open_entry(&entry, LockKind::Shared)?;
        let mut snap = snapshot(&mbox);
        // The owner keeps seen state (and the \Recent mark) in the index;
        // other users in their seen.db. Every session but EXAMINE claims
        // what is \Recent for it (Cyrus `index_writeseen`).
        let seen_key = self.seen_key(&name, &mbox);
        if let Some(key) = &seen_key {
            overlay(&mut snap, &self.user_seen(key)?);
        }
        let mut view = View::new(name, read_only, !examine, snap);
        view.seen_key = seen_key;
        view.rights = rights;
        view.set_enabled(self.enabled);
        let resync = match &qresync {
            Some((uidvalidity, known)) if *uidvalidity == view.snapshot().uidvalidity.0 => {
                Some((vanished(&mbox, view.messages(), known), known.clone()))
            }
            _ => None,
        };
        drop(mbox);
        let recent = view.recent_count();
        let s = view.snapshot().clone();
        let first_unseen = view
            .messages()
            .iter()
            .position(|m| !m.system.contains(SystemFlags::SEEN));
        self.untagged(&format!("* {} EXISTS", s.messages.len()));
        self.untagged(&format!("* {recent} RECENT"));
        self.untagged(&format!("* FLAGS ({})", view.flags_line()));
        self.untagged(&format!(
            "* OK [PERMANENTFLAGS {}] Ok",
            view.permanent_flags_line()
        ));
        if let Some(i) = first_unseen {
            self.untagged(&format!("* OK [UNSEEN {}] Ok", i + 1));
        }
        self.untagged(&format!("* OK [UIDVALIDITY {}] Ok", s.uidvalidity.0));
        self.untagged(&format!("* OK [UIDNEXT {}] Ok", s.uidnext));
        self.untagged(&format!("* OK [HIGHESTMODSEQ {}] Ok", s.highestmodseq.0));
        if let Some(id) = &entry.uniqueid {
            self.untagged(&format!("* OK [MAILBOXID ({})] Ok", id.as_str()));
        }
        // QRESYNC (RFC 7162 §3.2.5): what vanished and what changed since
        // the client's MODSEQ, among the UIDs it knows.
        if let Some((gone, known)) = resync.filter(|(_, k)| k.modseq < s.highestmodseq) {
            if !gone.is_empty() {
                self.untagged(&format!("* VANISHED (EARLIER) {gone}"));
            }
            for (i, m) in view.messages().iter().enumerate() {
                let wanted = known.uids.as_ref().is_none_or(|k| k.contains(m.uid));
                if wanted && m.modseq > known.modseq {
                    let line = view.flags_fetch(i + 1, m, true);
                    self.untagged(&line);
                }
            }
        }
        let state = std::mem::replace(&mut self.state, State::Logout);
        self.state = match state {
            State::Authenticated(l) => State::Selected(l, Box::new(view)),
            other => other,
        };
        self.record_recent(now)?;
        Ok(Tagged::ok("Completed").with_code(if read_only { "READ-ONLY" } else { "READ-WRITE" }))
    }

    /// `EXPUNGE` / `UID EXPUNGE`: removes `\Deleted` messages; the EXPUNGE
    /// responses come from the view update before the tagged OK.
    pub(super) fn cmd_expunge(
        &mut self,
        uids: Option<&SequenceSet>,
        now: SystemTime,
    ) -> Result<Tagged, Failure> {
        // Cyrus tells the new HIGHESTMODSEQ when the expunge made one.
        Ok(match self.expunge_deleted(uids, now)? {
            Some(m) => Tagged::ok("Completed").with_code(format!("HIGHESTMODSEQ {}", m.0)),
            None => Tagged::ok("Completed"),
        })
    }

    /// Expunges `\Deleted` messages (those in `uids` when given);
    /// returns the new HIGHESTMODSEQ when any was expunged.
    fn expunge_deleted(
        &mut self,
        uids: Option<&SequenceSet>,
        now: SystemTime,
    ) -> Result<Option<Modseq>, Failure> {
        let view = self.view()?;
        if view.read_only {
            return Err(Failure::NoPerm);
        }
        let name = view.name.clone();
        let wanted = uids.map(|set| {
            view.select(set, true)
                .into_iter()
                .map(|i| view.messages()[i].uid)
                .collect::<Vec<_>>()
        });
        let (entry, mut mbox) = self.store.open_mailbox(&name, LockKind::Exclusive)?;
        if !self.rights(&entry).contains(Rights::EXPUNGE) {
            return Err(Failure::NoPerm);
        }
        let done = self.store.expunge_deleted(
            &mut mbox,
            wanted.as_deref(),
            self.store.options().expunge_mode,
            secs(now),
        )?;
        let highest = mbox.index().highestmodseq;
        drop(mbox);
        if done.is_empty() {
            return Ok(None);
        }
        self.config.notifier.notify();
        Ok(Some(highest))
    }

    /// `CLOSE`: expunge silently when read-write, then deselect.
    pub(super) fn cmd_close(&mut self, now: SystemTime) -> Result<Tagged, Failure> {
        if !self.view()?.read_only {
            // Cyrus ignores a failed expunge on CLOSE; so do we.
            if let Err(e) = self.expunge_deleted(None, now) {
                tracing::info!(error = %e, "expunge on CLOSE failed");
            }
        }
        self.state = std::mem::replace(&mut self.state, State::Logout).deselect();
        Ok(Tagged::ok("Completed"))
    }
}
