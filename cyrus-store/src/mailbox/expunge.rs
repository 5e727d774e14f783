//! Expunge in Cyrus's three `expunge_mode`s, the later unlink of message
//! files (Cyrus `mailbox_index_unlink`), and unexpunge (`unexpunge.c`).
//!
//! * `Delayed` (Cyrus default): the record gets `EXPUNGED`; file and record
//!   stay for QRESYNC and unexpunge until an expire + repack.
//! * `SemiDelayed`: also `UNLINKED | NEEDS_CLEANUP`; the files are unlinked
//!   right after the commit (Cyrus: at close), records stay until a repack.
//! * `Immediate`: as semidelayed, and the mailbox is repacked at once.

use std::io;

use crate::ids::Uid;
use crate::os::LockKind;

use super::error::MailboxError;
use super::flagbits::{InternalFlags, SystemFlags};
use super::index_header::MailboxOptions;
use super::open::{os_err, Mailbox};

/// Cyrus `expunge_mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExpungeMode {
    /// Keep records and files (flag only).
    #[default]
    Delayed,
    /// Unlink files now, drop records at the next repack.
    SemiDelayed,
    /// Unlink files and repack now.
    Immediate,
}

impl Mailbox {
    /// Expunges the non-expunged messages that have `\Deleted`, restricted
    /// to `uids` when given (UID EXPUNGE). Returns the expunged UIDs.
    pub fn expunge(
        &mut self,
        uids: Option<&[Uid]>,
        mode: ExpungeMode,
        now: u32,
    ) -> Result<Vec<Uid>, MailboxError> {
        let wanted = uids.map(sorted);
        self.expunge_where(
            |r| {
                r.system_flags.contains(SystemFlags::DELETED)
                    && wanted
                        .as_ref()
                        .is_none_or(|u| u.binary_search(&r.uid).is_ok())
            },
            mode,
            now,
        )
    }

    /// Expunges the messages `uids` whatever their flags (the second half
    /// of IMAP MOVE, RFC 6851 §3.3). Returns the expunged UIDs.
    pub fn expunge_uids(
        &mut self,
        uids: &[Uid],
        mode: ExpungeMode,
        now: u32,
    ) -> Result<Vec<Uid>, MailboxError> {
        let wanted = sorted(uids);
        self.expunge_where(|r| wanted.binary_search(&r.uid).is_ok(), mode, now)
    }

    fn expunge_where(
        &mut self,
        pick: impl Fn(&super::IndexRecord) -> bool,
        mode: ExpungeMode,
        now: u32,
    ) -> Result<Vec<Uid>, MailboxError> {
        let mut ch = self.begin()?;
        let mut done = Vec::new();
        for pos in 0..self.records.len() {
            let old = &self.records[pos];
            if old.is_expunged() || !pick(old) {
                continue;
            }
            let mut rec = old.clone();
            rec.internal_flags |= InternalFlags::EXPUNGED;
            if mode != ExpungeMode::Delayed {
                rec.internal_flags |= InternalFlags::UNLINKED | InternalFlags::NEEDS_CLEANUP;
                ch.index.options.0 |= MailboxOptions::NEEDS_UNLINK;
                if mode == ExpungeMode::Immediate {
                    ch.index.options.0 |= MailboxOptions::NEEDS_REPACK;
                }
            }
            done.push(rec.uid);
            let old = old.clone();
            self.stage_rewrite(&mut ch, pos, &old, rec, now, false);
        }
        if done.is_empty() {
            return Ok(done);
        }
        self.commit(ch)?;
        self.cleanup_after_commit(now);
        Ok(done)
    }

    /// Marks expunged records whose `last_updated` is at or before `mark` as
    /// `UNLINKED` (silently, no new MODSEQ), as Cyrus's
    /// `mailbox_expunge_cleanup` does for `cyr_expire -X`; `first_expunged`
    /// becomes the oldest expunge still kept. Then unlinks and repacks.
    /// Returns how many records were marked.
    pub fn expire_expunged(&mut self, mark: u32, now: u32) -> Result<usize, MailboxError> {
        let mut ch = self.begin()?;
        let mut n = 0;
        let mut dirty = false;
        let mut first_expunged = 0;
        for pos in 0..self.records.len() {
            let old = &self.records[pos];
            if old.is_unlinked() {
                dirty = true;
                continue;
            }
            if !old.is_expunged() {
                continue;
            }
            if old.last_updated > mark {
                if first_expunged == 0 || first_expunged > old.last_updated {
                    first_expunged = old.last_updated;
                }
                continue;
            }
            dirty = true;
            let mut rec = old.clone();
            rec.internal_flags |= InternalFlags::UNLINKED;
            let old = old.clone();
            self.stage_rewrite(&mut ch, pos, &old, rec, now, true);
            n += 1;
        }
        if dirty {
            ch.index.options.0 |= MailboxOptions::NEEDS_REPACK;
            if n > 0 {
                ch.index.options.0 |= MailboxOptions::NEEDS_UNLINK;
            }
            ch.index.first_expunged = first_expunged;
            self.commit(ch)?;
            self.cleanup_after_commit(now);
        }
        Ok(n)
    }

    /// Runs [`Mailbox::cleanup`] after a change that has already been
    /// committed. A failure here must not turn that change into an error:
    /// the `NEEDS_UNLINK`/`NEEDS_REPACK` options stay set and the next
    /// cleanup (by any writer) finishes the job, as Cyrus does at close.
    fn cleanup_after_commit(&mut self, now: u32) {
        // A failed step leaves the files consistent (see `cleanup`); the
        // handle stays usable unless `commit` poisoned it.
        let _ = self.cleanup(now);
    }

    /// Unlinks the files of records marked `NEEDS_CLEANUP`, clears that
    /// mark (silently, no new MODSEQ) and `NEEDS_UNLINK`, and repacks if
    /// `NEEDS_REPACK` is set. Cyrus does this when a writer closes.
    ///
    /// Files are unlinked and the directory fsynced before the records are
    /// rewritten; a crash in between only means unlinking again (missing
    /// files are fine).
    pub fn cleanup(&mut self, now: u32) -> Result<(), MailboxError> {
        if self.lock != LockKind::Exclusive {
            return Ok(());
        }
        let opts = self.index.options;
        if !opts.has(MailboxOptions::NEEDS_UNLINK) && !opts.has(MailboxOptions::NEEDS_REPACK) {
            return Ok(());
        }
        let mut ch = self.begin()?;
        let mut unlinked = false;
        for pos in 0..self.records.len() {
            let old = &self.records[pos];
            if !old.internal_flags.contains(InternalFlags::NEEDS_CLEANUP) {
                continue;
            }
            if old.is_unlinked() {
                let p = self.message_path(old.uid);
                match self.fs.remove_file(&p) {
                    Ok(()) => unlinked = true,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(os_err("unlink", &p)(e)),
                }
            }
            let mut rec = old.clone();
            rec.internal_flags = rec.internal_flags.without(InternalFlags::NEEDS_CLEANUP);
            let old = old.clone();
            self.stage_rewrite(&mut ch, pos, &old, rec, now, true);
        }
        if unlinked {
            self.fs
                .sync_dir(&self.dir)
                .map_err(os_err("fsync", &self.dir))?;
        }
        ch.index.options.0 &= !MailboxOptions::NEEDS_UNLINK;
        self.commit(ch)?;
        if self.index.options.has(MailboxOptions::NEEDS_REPACK) {
            self.repack(now)?;
        }
        Ok(())
    }

    /// Restores expunged (not yet unlinked) messages `uids` as new messages
    /// with new UIDs, as `unexpunge -u` does: the file is hard-linked to
    /// the new UID, the copy keeps the old cache entry, flags and dates, and
    /// the old record is marked unlinked. With `clear_deleted`, `\Deleted`
    /// is removed from the copies. Returns (old UID, new UID) pairs.
    pub fn unexpunge(
        &mut self,
        uids: &[Uid],
        clear_deleted: bool,
        now: u32,
    ) -> Result<Vec<(Uid, Uid)>, MailboxError> {
        let mut ch = self.begin()?;
        let wanted = sorted(uids);
        let mut pairs = Vec::new();
        for pos in 0..self.records.len() {
            let old = self.records[pos].clone();
            if !old.is_expunged() || old.is_unlinked() || wanted.binary_search(&old.uid).is_err() {
                continue;
            }
            if ch.index.last_uid.0 == u32::MAX {
                for f in &ch.new_files {
                    let _ = self.fs.remove_file(f);
                }
                return Err(MailboxError::UidsExhausted);
            }
            let new_uid = ch.index.last_uid.next();
            let from = self.message_path(old.uid);
            let to = self.message_path(new_uid);
            // A leftover from a crashed earlier attempt may hold the name.
            let _ = self.fs.remove_file(&to);
            if let Err(e) = self.fs.hard_link(&from, &to) {
                for f in &ch.new_files {
                    let _ = self.fs.remove_file(f);
                }
                return Err(os_err("link", &from)(e));
            }
            ch.new_files.push(to);
            let mut copy = old.clone();
            copy.uid = new_uid;
            copy.internal_flags = copy.internal_flags.without(InternalFlags::EXPUNGED);
            if clear_deleted {
                copy.system_flags = copy.system_flags.without(SystemFlags::DELETED);
            }
            ch.index.highestmodseq = ch.index.highestmodseq.next();
            copy.modseq = ch.index.highestmodseq;
            copy.last_updated = now;
            self.stage_new_record(&mut ch, copy);
            let mut gone = old.clone();
            gone.internal_flags |= InternalFlags::UNLINKED | InternalFlags::NEEDS_CLEANUP;
            self.stage_rewrite(&mut ch, pos, &old, gone, now, false);
            pairs.push((old.uid, new_uid));
        }
        if pairs.is_empty() {
            return Ok(pairs);
        }
        if let Err(e) = self
            .fs
            .sync_dir(&self.dir)
            .map_err(os_err("fsync", &self.dir))
        {
            for f in &ch.new_files {
                let _ = self.fs.remove_file(f);
            }
            return Err(e);
        }
        ch.index.options.0 |= MailboxOptions::NEEDS_UNLINK;
        self.commit(ch)?;
        self.cleanup_after_commit(now);
        Ok(pairs)
    }
}

fn sorted(uids: &[Uid]) -> Vec<Uid> {
    let mut v = uids.to_vec();
    v.sort_unstable();
    v
}
