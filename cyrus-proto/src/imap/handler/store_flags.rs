//! STORE and UID STORE: `FLAGS`, `+FLAGS`, `-FLAGS`, each `.SILENT` or
//! not. Non-silent stores report `* n FETCH (FLAGS (...))` (with `UID n`
//! for UID STORE, as Cyrus's `index_printflags`).

use std::time::SystemTime;

use cyrus_store::acl::Rights;
use cyrus_store::mailbox::{FlagOp, SystemFlags};
use cyrus_store::os::LockKind;
use imap_codec::imap_types::flag::{Flag, StoreResponse, StoreType};
use imap_codec::imap_types::sequence::SequenceSet;

use crate::imap::wire::Tagged;

use super::error::Failure;
use super::select::snapshot;
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
    pub(super) fn cmd_store(
        &mut self,
        set: &SequenceSet,
        kind: StoreType,
        response: StoreResponse,
        flags: &[Flag<'_>],
        by_uid: bool,
        now: SystemTime,
    ) -> Result<Tagged, Failure> {
        let (sys, kw) = split_flags(flags)?;
        let view = self.view()?;
        if view.read_only {
            return Err(Failure::NoPerm);
        }
        let name = view.name.clone();
        let picked = view.select(set, by_uid);
        let uids: Vec<_> = picked.iter().map(|&i| view.messages()[i].uid).collect();
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
        let kw_refs: Vec<&str> = kw.iter().map(String::as_str).collect();
        let changed = mbox.store_flags(&uids, op, sys, &kw_refs, secs(now))?;
        let snap = snapshot(&mbox);
        drop(mbox);
        if !changed.is_empty() {
            self.config.notifier.notify();
        }
        let silent = response == StoreResponse::Silent;
        let mut lines = Vec::new();
        if let crate::imap::machine::State::Selected(_, v) = &mut self.state {
            for (&i, uid) in picked.iter().zip(&uids) {
                let Ok(p) = snap.messages.binary_search_by_key(uid, |m| m.uid) else {
                    continue;
                };
                let m = snap.messages[p].clone();
                if !silent {
                    let uid_part = if by_uid {
                        format!(" UID {}", uid.0)
                    } else {
                        String::new()
                    };
                    lines.push(format!(
                        "* {} FETCH (FLAGS ({}){uid_part})",
                        i + 1,
                        m.flags_text(v.is_recent(*uid))
                    ));
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
        Ok(Tagged::ok("Completed"))
    }
}
