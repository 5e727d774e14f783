//! STORE and UID STORE: `FLAGS`, `+FLAGS`, `-FLAGS`, each `.SILENT` or
//! not, and `(UNCHANGEDSINCE n)` (RFC 7162). Non-silent stores report
//! `* n FETCH (FLAGS (...))` for the messages they changed (with `UID n`
//! for UID STORE, as Cyrus's `index_printflags`). A user who is not the
//! mailbox owner stores `\Seen` in their seen.db.

use std::time::SystemTime;

use cyrus_store::acl::Rights;
use cyrus_store::mailbox::{FlagOp, SystemFlags};
use cyrus_store::os::LockKind;
use cyrus_store::seen::SeqSet;
use cyrus_store::{Modseq, Uid};
use imap_codec::imap_types::command::StoreModifier;
use imap_codec::imap_types::flag::{Flag, StoreResponse, StoreType};
use imap_codec::imap_types::sequence::SequenceSet;

use crate::imap::machine::{Extension, State};
use crate::imap::wire::Tagged;

use super::error::Failure;
use super::session::{secs, ImapSession};

/// Splits IMAP flags into system bits and keywords.
pub(super) fn split_flags(flags: &[Flag<'_>]) -> Result<(SystemFlags, Vec<String>), Failure> {
    let mut sys = SystemFlags::default();
    let mut kw = Vec::new();
    for f in flags {
        match f {
            Flag::Answered => sys |= SystemFlags::ANSWERED,
            Flag::Flagged => sys |= SystemFlags::FLAGGED,
            Flag::Deleted => sys |= SystemFlags::DELETED,
            Flag::Draft => sys |= SystemFlags::DRAFT,
            Flag::Seen => sys |= SystemFlags::SEEN,
            Flag::Keyword(a) => kw.push(a.as_ref().to_string()),
            // \Recent cannot be stored; other backslash flags are invalid.
            Flag::Extension(_) => return Err(Failure::Bad("Invalid system flag".into())),
        }
    }
    Ok((sys, kw))
}

impl ImapSession {
    /// `STORE` / `UID STORE`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn cmd_store(
        &mut self,
        set: &SequenceSet,
        kind: StoreType,
        response: StoreResponse,
        flags: &[Flag<'_>],
        by_uid: bool,
        modifiers: &[StoreModifier],
        now: SystemTime,
    ) -> Result<Tagged, Failure> {
        let (sys, kw) = split_flags(flags)?;
        let unchanged_since = modifiers
            .iter()
            .map(|m| match m {
                StoreModifier::UnchangedSince(n) => Modseq(*n),
            })
            .next_back();
        if unchanged_since.is_some() {
            self.enable_implicitly("UNCHANGEDSINCE");
        }
        let view = self.view()?;
        if view.read_only {
            return Err(Failure::NoPerm);
        }
        let name = view.name.clone();
        let picked = view.select(set, by_uid);
        let op = match kind {
            StoreType::Add => FlagOp::Add,
            StoreType::Remove => FlagOp::Remove,
            StoreType::Replace => FlagOp::Replace,
        };
        let (entry, mut mbox) = self.store.open_mailbox(&name, LockKind::Exclusive)?;
        let rights = self.rights(&entry);
        // Cyrus: \Seen needs `s`, \Deleted needs `t`, the others `w`.
        let needs_write = !sys
            .without(SystemFlags::SEEN | SystemFlags::DELETED)
            .is_empty()
            || !kw.is_empty()
            || op == FlagOp::Replace;
        if (sys.contains(SystemFlags::SEEN) && !rights.contains(Rights::SETSEEN))
            || (sys.contains(SystemFlags::DELETED) && !rights.contains(Rights::DELETEMSG))
            || (needs_write && !rights.contains(Rights::WRITE))
        {
            return Err(Failure::NoPerm);
        }
        // UNCHANGEDSINCE (RFC 7162 §3.1.3): a message changed since is
        // left alone and named in [MODIFIED].
        let mut modified = SeqSet::new();
        let mut todo = Vec::new();
        for &i in &picked {
            let uid = view.messages()[i].uid;
            let changed_since = unchanged_since
                .is_some_and(|limit| mbox.record(uid).is_some_and(|r| r.modseq > limit));
            if changed_since {
                let n = if by_uid {
                    uid.0
                } else {
                    u32::try_from(i + 1).unwrap_or(u32::MAX)
                };
                modified.add(Uid(n));
            } else {
                todo.push((i, uid));
            }
        }
        let uids: Vec<Uid> = todo.iter().map(|&(_, u)| u).collect();
        let kw_refs: Vec<&str> = kw.iter().map(String::as_str).collect();
        let mut changed = match self.seen_key(&name, &mbox) {
            None => mbox.store_flags(&uids, op, sys, &kw_refs, secs(now))?,
            Some(key) => {
                // This user's \Seen is in their seen.db; the owner's bit in
                // the index stays as it is.
                let mut c = mbox.store_flags_keeping(
                    &uids,
                    op,
                    sys,
                    &kw_refs,
                    SystemFlags::SEEN,
                    secs(now),
                )?;
                let seen = sys.contains(SystemFlags::SEEN);
                let on = match op {
                    FlagOp::Add => seen.then_some(true),
                    FlagOp::Remove => seen.then_some(false),
                    FlagOp::Replace => Some(seen),
                };
                if let Some(on) = on {
                    c.extend(self.set_user_seen(&mut mbox, &key, &uids, on, secs(now))?);
                }
                c
            }
        };
        changed.sort_unstable();
        changed.dedup();
        let snap = self.user_snapshot(&name, &mbox)?;
        drop(mbox);
        if !changed.is_empty() {
            self.config.notifier.notify();
        }
        // Cyrus reports the messages the STORE changed; .SILENT hides
        // them unless CONDSTORE wants their new MODSEQ (RFC 7162 §3.1.3).
        let report = response != StoreResponse::Silent || self.enabled.has(Extension::CondStore);
        let mut lines = Vec::new();
        if let State::Selected(_, v) = &mut self.state {
            for (i, uid) in todo {
                let Ok(p) = snap.messages.binary_search_by_key(&uid, |m| m.uid) else {
                    continue;
                };
                let m = snap.messages[p].clone();
                if report && changed.binary_search(&uid).is_ok() {
                    lines.push(v.flags_fetch(i + 1, &m, by_uid));
                }
                v.set_message(m);
            }
            // New keywords (FLAGS) must reach the client before the FETCH
            // responses that use them.
            lines.splice(0..0, v.update(snap, false).0);
        }
        for l in lines {
            self.untagged(&l);
        }
        if modified.is_empty() {
            Ok(Tagged::ok("Completed"))
        } else {
            Ok(Tagged::ok("Completed").with_code(format!("MODIFIED {modified}")))
        }
    }
}
