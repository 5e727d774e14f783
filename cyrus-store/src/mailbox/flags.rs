//! Setting and clearing flags (Cyrus `index_storeflag` →
//! `mailbox_rewrite_index_record`), and allocating user-flag slots in
//! `cyrus.header` (`mailbox_user_flag`).

use crate::ids::Uid;

use super::commit::Changes;
use super::error::MailboxError;
use super::flagbits::{SystemFlags, UserFlags};
use super::open::Mailbox;

/// How a STORE combines the given flags with the message's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagOp {
    /// `+FLAGS`.
    Add,
    /// `-FLAGS`.
    Remove,
    /// `FLAGS`.
    Replace,
}

/// True for a valid keyword (RFC 3501 `flag-keyword` = atom).
fn valid_keyword(name: &str) -> bool {
    !name.is_empty()
        && name.len() < 256
        && name.bytes().all(|c| {
            c > 0x20
                && c < 0x7f
                && !matches!(c, b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\' | b']')
        })
}

impl Mailbox {
    /// Slots of user flags `names`. With `create`, missing names get the
    /// first free slot (a new header is staged in `ch`); without it they
    /// are skipped.
    pub(crate) fn user_flag_slots(
        &self,
        ch: &mut Changes,
        names: &[&str],
        create: bool,
    ) -> Result<Vec<usize>, MailboxError> {
        let mut slots = Vec::with_capacity(names.len());
        for name in names {
            if let Some(slot) = self.staged_header(ch).user_flag_slot(name) {
                slots.push(slot);
                continue;
            }
            if !create {
                continue;
            }
            if !valid_keyword(name) {
                return Err(MailboxError::BadFlagName((*name).to_string()));
            }
            let mut h = self.staged_header(ch).clone();
            let slot = match h.user_flags.iter().position(Option::is_none) {
                Some(free) => free,
                None if h.user_flags.len() < UserFlags::MAX => {
                    h.user_flags.push(None);
                    h.user_flags.len() - 1
                }
                None => return Err(MailboxError::UserFlagsExhausted((*name).to_string())),
            };
            h.user_flags[slot] = Some((*name).to_string());
            ch.header = Some(h);
            slots.push(slot);
        }
        Ok(slots)
    }

    /// Changes the flags of the non-expunged messages `uids` (unknown UIDs
    /// are skipped, as IMAP STORE does). Every record whose flags change
    /// gets a new MODSEQ and `last_updated = now`; the header counts and
    /// sync CRC follow. Returns the UIDs that changed.
    pub fn store_flags(
        &mut self,
        uids: &[Uid],
        op: FlagOp,
        system: SystemFlags,
        user: &[&str],
        now: u32,
    ) -> Result<Vec<Uid>, MailboxError> {
        self.store_flags_keeping(uids, op, system, user, SystemFlags::default(), now)
    }

    /// As [`Mailbox::store_flags`], leaving the system flags in `keep` as
    /// they are: a user whose `\Seen` lives in their seen.db must not
    /// change the owner's `\Seen` bit, even with `FLAGS` (replace).
    pub fn store_flags_keeping(
        &mut self,
        uids: &[Uid],
        op: FlagOp,
        system: SystemFlags,
        user: &[&str],
        keep: SystemFlags,
        now: u32,
    ) -> Result<Vec<Uid>, MailboxError> {
        let system = system.without(keep);
        let mut ch = self.begin()?;
        let slots = self.user_flag_slots(&mut ch, user, op != FlagOp::Remove)?;
        let mut mask = UserFlags::default();
        for s in &slots {
            mask.set(*s, true);
        }
        let mut changed = Vec::new();
        let mut wanted: Vec<Uid> = uids.to_vec();
        wanted.sort_unstable();
        wanted.dedup();
        for uid in wanted {
            let Ok(pos) = self.records.binary_search_by_key(&uid, |r| r.uid) else {
                continue;
            };
            let Some(old) = self.staged(&ch, pos).cloned() else {
                continue;
            };
            if old.is_expunged() {
                continue;
            }
            let mut rec = old.clone();
            match op {
                FlagOp::Add => {
                    rec.system_flags |= system;
                    for (w, m) in rec.user_flags.0.iter_mut().zip(mask.0) {
                        *w |= m;
                    }
                }
                FlagOp::Remove => {
                    rec.system_flags = rec.system_flags.without(system);
                    for (w, m) in rec.user_flags.0.iter_mut().zip(mask.0) {
                        *w &= !m;
                    }
                }
                FlagOp::Replace => {
                    let kept = old.system_flags & keep;
                    rec.system_flags = system | kept;
                    rec.user_flags = mask;
                }
            }
            if rec.system_flags == old.system_flags && rec.user_flags == old.user_flags {
                continue;
            }
            self.stage_rewrite(&mut ch, pos, &old, rec, now, false);
            changed.push(uid);
        }
        if changed.is_empty() && ch.header.is_none() {
            return Ok(changed);
        }
        self.commit(ch)?;
        Ok(changed)
    }

    /// Gives the non-expunged messages `uids` a new MODSEQ without
    /// changing their flags (Cyrus rewrites the record when a user's
    /// seen.db `\Seen` changes, so CONDSTORE clients hear of it).
    /// Returns the UIDs touched.
    pub fn touch(&mut self, uids: &[Uid], now: u32) -> Result<Vec<Uid>, MailboxError> {
        let mut ch = self.begin()?;
        let mut done = Vec::new();
        let mut wanted: Vec<Uid> = uids.to_vec();
        wanted.sort_unstable();
        wanted.dedup();
        for uid in wanted {
            let Ok(pos) = self.records.binary_search_by_key(&uid, |r| r.uid) else {
                continue;
            };
            let Some(old) = self.staged(&ch, pos).cloned() else {
                continue;
            };
            if old.is_expunged() {
                continue;
            }
            self.stage_rewrite(&mut ch, pos, &old, old.clone(), now, false);
            done.push(uid);
        }
        if !done.is_empty() {
            self.commit(ch)?;
        }
        Ok(done)
    }

    /// Stages a rewritten record: counts and CRCs move from `old` to `rec`;
    /// unless `silent`, it gets the next MODSEQ and `last_updated = now`.
    pub(crate) fn stage_rewrite(
        &self,
        ch: &mut Changes,
        pos: usize,
        old: &super::IndexRecord,
        mut rec: super::IndexRecord,
        now: u32,
        silent: bool,
    ) {
        ch.account(&self.header, old, false);
        if !silent {
            ch.index.highestmodseq = ch.index.highestmodseq.next();
            rec.modseq = ch.index.highestmodseq;
            rec.last_updated = now;
        }
        ch.account(&self.header, &rec, true);
        if rec.is_expunged()
            && !old.is_expunged()
            && (ch.index.first_expunged == 0 || ch.index.first_expunged > rec.last_updated)
        {
            ch.index.first_expunged = rec.last_updated;
        }
        ch.records.insert(pos, rec);
    }
}
