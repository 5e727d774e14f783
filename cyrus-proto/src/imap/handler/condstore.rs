//! CONDSTORE and QRESYNC (RFC 7162): ENABLE, the implicit enabling by
//! MODSEQ fetches and UNCHANGEDSINCE (Cyrus announces it with
//! `* OK [HIGHESTMODSEQ n] CONDSTORE enabled by ...`), and the expunged
//! UIDs a client has not heard of (`VANISHED (EARLIER)`), from the
//! expunged records Cyrus keeps in `cyrus.index` until a repack.

use cyrus_store::mailbox::Mailbox;
use cyrus_store::seen::SeqSet;
use cyrus_store::{Modseq, Uid};
use imap_codec::imap_types::command::SelectParameter;
use imap_codec::imap_types::extensions::enable::CapabilityEnable;
use imap_codec::imap_types::sequence::{SeqOrUid, Sequence, SequenceSet};

use crate::imap::machine::{Extension, MessageState, State};
use crate::imap::wire::Tagged;

use super::error::Failure;
use super::session::ImapSession;

/// `set` as UIDs, `*` meaning `largest`.
pub(super) fn uid_set(set: &SequenceSet, largest: u32) -> SeqSet {
    let value = |s: &SeqOrUid| match s {
        SeqOrUid::Value(n) => n.get(),
        SeqOrUid::Asterisk => largest,
    };
    let mut out = SeqSet::new();
    for s in set.0.as_ref() {
        let (a, b) = match s {
            Sequence::Single(a) => (value(a), value(a)),
            Sequence::Range(a, b) => (value(a), value(b)),
        };
        if a.max(b) > 0 {
            out.add_range(a.min(b).max(1), a.max(b));
        }
    }
    out
}

/// What a QRESYNC client knows (RFC 7162 §3.2.5), checked against the
/// mailbox.
#[derive(Debug, Clone)]
pub(super) struct Known {
    /// The MODSEQ the client last synchronised to.
    pub modseq: Modseq,
    /// The UIDs it knows (all when `None`).
    pub uids: Option<SeqSet>,
    /// Message numbers and the UIDs it believes they have.
    pub seq_match: Option<(SeqSet, SeqSet)>,
}

/// The UIDs in `known` expunged after `known.modseq`. When the index no
/// longer holds every record expunged since then (`deletedmodseq` is
/// newer), every known UID that is not live is reported, after the
/// leading run the client's sequence-match data shows to be intact
/// (Cyrus `index_vanished`).
pub(super) fn vanished(mbox: &Mailbox, live: &[MessageState], known: &Known) -> SeqSet {
    let idx = mbox.index();
    let mut out = SeqSet::new();
    if known.modseq >= idx.highestmodseq {
        return out;
    }
    let wanted = |u: Uid| known.uids.as_ref().is_none_or(|s| s.contains(u));
    if known.modseq >= idx.deletedmodseq {
        for r in mbox.records() {
            if r.is_expunged() && r.modseq > known.modseq && wanted(r.uid) {
                out.add(r.uid);
            }
        }
        return out;
    }
    let mut start = 0u32;
    if let Some((msns, uids)) = &known.seq_match {
        for (msn, uid) in msns.iter().zip(uids.iter()) {
            let Some(m) = usize::try_from(msn.0)
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| live.get(i))
            else {
                break;
            };
            if m.uid != uid {
                break;
            }
            start = uid.0;
        }
    }
    let mut prev = start;
    for m in live.iter().filter(|m| m.uid.0 > start) {
        for u in prev.saturating_add(1)..m.uid.0 {
            if wanted(Uid(u)) {
                out.add(Uid(u));
            }
        }
        prev = m.uid.0;
    }
    for u in prev.saturating_add(1)..=idx.last_uid.0 {
        if wanted(Uid(u)) {
            out.add(Uid(u));
        }
    }
    out
}

/// The QRESYNC parameter of SELECT/EXAMINE, when given; `Ok(None)` for
/// none. QRESYNC must have been enabled (RFC 7162 §3.2.5).
pub(super) fn select_params(
    s: &mut ImapSession,
    params: &[SelectParameter],
    verb: &str,
) -> Result<Option<(u32, Known)>, Failure> {
    let mut qresync = None;
    for p in params {
        match p {
            SelectParameter::CondStore => {
                s.enable(Extension::CondStore);
            }
            SelectParameter::QResync {
                uid_validity,
                mod_sequence_value,
                known_uids,
                seq_match_data,
            } => {
                if !s.enabled.has(Extension::QResync) {
                    return Err(Failure::Bad(format!("Invalid {verb} modifier QRESYNC")));
                }
                let max = u32::MAX;
                qresync = Some((
                    uid_validity.get(),
                    Known {
                        modseq: Modseq(mod_sequence_value.get()),
                        uids: known_uids.as_ref().map(|k| uid_set(k, max)),
                        seq_match: seq_match_data
                            .as_ref()
                            .map(|(a, b)| (uid_set(a, max), uid_set(b, max))),
                    },
                ));
            }
        }
    }
    Ok(qresync)
}

impl ImapSession {
    /// `ENABLE`: `* ENABLED` lists what was newly turned on, and is left
    /// out when nothing was (Cyrus `cmd_enable`).
    pub(super) fn cmd_enable(&mut self, caps: &[CapabilityEnable<'_>]) -> Result<Tagged, Failure> {
        let mut new = Vec::new();
        for c in caps {
            if let Some(e) = Extension::from_name(&c.to_string()) {
                new.extend(self.enable(e));
            }
        }
        // Cyrus prints CONDSTORE before QRESYNC whatever the order asked.
        new.sort_by_key(|e| *e == Extension::QResync);
        if !new.is_empty() {
            let names: Vec<&str> = new.iter().map(|e| e.name()).collect();
            self.untagged(&format!("* ENABLED {}", names.join(" ")));
        }
        Ok(Tagged::ok("Completed"))
    }

    /// Turns `e` on for the session and the selected view; returns what
    /// was newly enabled.
    pub(super) fn enable(&mut self, e: Extension) -> Vec<Extension> {
        let new = self.enabled.enable(e);
        let enabled = self.enabled;
        if let State::Selected(_, v) = &mut self.state {
            v.set_enabled(enabled);
        }
        new
    }

    /// Enables CONDSTORE as a side effect of a command (RFC 7162 §3.1),
    /// telling the client the mailbox's HIGHESTMODSEQ as Cyrus does.
    pub(super) fn enable_implicitly(&mut self, why: &str) {
        if self.enable(Extension::CondStore).is_empty() {
            return;
        }
        if let State::Selected(_, v) = &self.state {
            let hms = v.snapshot().highestmodseq.0;
            self.untagged(&format!(
                "* OK [HIGHESTMODSEQ {hms}] CONDSTORE enabled by {why}"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_sets() {
        let s: SequenceSet = "3:1,7,9:*".try_into().unwrap();
        assert_eq!(uid_set(&s, 10).to_string(), "1:3,7,9:10");
    }
}
