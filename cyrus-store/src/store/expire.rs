//! Site maintenance as Cyrus 3.6's `cyr_expire` does it, one phase per
//! method so a tool can run and report them in Cyrus's order:
//!
//! 1. [`Store::expire_expunged_pass`] (`-X`): every mailbox in scope drops
//!    the records expunged (delayed expunge) before a mark, unlinks their
//!    files and is repacked (`mailbox_expunge_cleanup` then the repack at
//!    close); a mailbox's `/vendor/cmu/cyrus-imapd/expire` annotation
//!    expunges messages older than it says first; mailboxes.db tombstones
//!    older than seven days go.
//! 2. [`Store::remove_deleted_mailboxes`] (`-D`): `DELETED.*` mailboxes
//!    whose hex stamp is old enough are removed for good.
//! 3. [`Store::prune_duplicates`] (`-E`): old `deliver.db` entries go.
//!
//! Every step takes the locks the store's other writers take (mailboxes.db,
//! then the mailbox's index, then the quota and annotation databases), so
//! it is safe while the daemons run; each mailbox is its own unit of work
//! and one failing does not stop the others (as in Cyrus).

use crate::annotate::AnnotOwner;
use crate::db::Txn;
use crate::duplicate;
use crate::error::Error;
use crate::ids::Uid;
use crate::mailbox::Mailbox;
use crate::mboxlist::{self, MbEntry, MbType, Visibility};
use crate::mboxname::UserId;
use crate::options::DeleteMode;
use crate::os::LockKind;

use super::annotations::AnnotTarget;
use super::site::Store;

/// The annotation that sets a mailbox's message lifetime (and its
/// `deliver.db` lifetime): a duration, bare numbers in days, 0 = never.
pub const EXPIRE_ANNOTATION: &str = "/vendor/cmu/cyrus-imapd/expire";

/// The annotation that overrides `-D` for one deleted mailbox.
pub const DELETE_ANNOTATION: &str = "/vendor/cmu/cyrus-imapd/delete";

/// Tombstones (mailboxes.db records of deleted names) are kept this long
/// for replication and QRESYNC, then dropped by the expunge pass (Cyrus
/// 3.6 hard-codes seven days).
pub const TOMBSTONE_LIFETIME: u32 = 7 * 24 * 3600;

/// Which mailboxes a pass walks (`cyr_expire -p` / `-u`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExpireScope {
    /// Every mailbox.
    #[default]
    All,
    /// Mailboxes whose internal name starts with this text (a plain
    /// string prefix, as Cyrus's `mboxlist_allmbox` takes it).
    Prefix(String),
    /// One user's mailboxes, their deleted ones included.
    User(UserId),
}

impl ExpireScope {
    fn covers(&self, e: &MbEntry) -> bool {
        match self {
            ExpireScope::All => true,
            ExpireScope::Prefix(p) => e.name.to_internal().starts_with(p.as_str()),
            ExpireScope::User(u) => e.name.userid().as_ref() == Some(u),
        }
    }
}

/// What the expunge pass is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpungePass {
    /// Records expunged at or before this time (Unix seconds) are purged;
    /// 0 purges nothing but still finishes pending repacks.
    pub expunge_mark: u32,
    /// Tombstones last changed before this time are removed; 0 keeps all.
    pub tombstone_mark: u32,
    /// Read the per-mailbox `expire` annotation (`cyr_expire -a` turns
    /// this off).
    pub use_annotations: bool,
}

/// One thing the expunge pass did, in order (for `-v`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExpungeEvent {
    /// A tombstone was removed.
    TombstoneRemoved(String),
    /// The mailbox's `expire` annotation expunged messages older than
    /// this many seconds.
    Expiring(String, u32),
    /// The mailbox's expunged records were cleaned up.
    Cleaned(String),
    /// The mailbox could not be processed.
    Failed(String, String),
}

/// Totals of the expunge pass (Cyrus's "Expired %lu and expunged %lu out
/// of %lu messages from %lu mailboxes").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExpungeReport {
    /// Messages expunged because of an `expire` annotation.
    pub messages_expired: u64,
    /// Expunged records purged (files unlinked, records repacked away).
    pub messages_expunged: u64,
    /// Index records looked at (before the purge).
    pub messages_seen: u64,
    /// Mailboxes opened.
    pub mailboxes_seen: u64,
    /// Per-mailbox `deliver.db` cut-offs from `expire` annotations, by
    /// mailbox uniqueid (`None` = never prune), for [`Store::prune_duplicates`].
    pub duplicate_marks: Vec<(String, Option<i64>)>,
    /// What happened, in order.
    pub events: Vec<ExpungeEvent>,
}

/// One deleted mailbox `-D` looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeletedEvent {
    /// Old enough: chosen for removal.
    Chosen(String),
    /// Removed.
    Removed(String),
    /// Chosen but could not be removed.
    Failed(String, String),
}

/// Totals of [`Store::prune_duplicates`] (Cyrus's "duplicate_prune:
/// purged %d out of %d entries").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PruneReport {
    /// Entries looked at.
    pub seen: usize,
    /// Entries removed.
    pub purged: usize,
}

impl Store {
    /// Mailboxes.db entries in `scope` that the passes walk: live
    /// mailboxes and tombstones, in mailboxes.db order.
    fn expire_candidates(&self, scope: &ExpireScope) -> Result<Vec<MbEntry>, Error> {
        let all = self.with_mboxlist(|db| Ok(mboxlist::all(db, Visibility::WithTombstones)?))?;
        Ok(all.into_iter().filter(|e| scope.covers(e)).collect())
    }

    /// A duration annotation (`/shared` value) of a mailbox, in seconds;
    /// `None` when unset or unparsable. Cyrus 3.6 reads the mailbox's own
    /// value only (its walk up the parents looks at the same mailbox each
    /// time), and so do we.
    fn duration_annotation(&self, e: &MbEntry, entry: &str) -> Option<u32> {
        let v = self
            .annotation(AnnotTarget::Mailbox(e), entry, AnnotOwner::Shared)
            .ok()
            .flatten()
            .filter(|v| !v.is_deleted())?;
        parse_duration(std::str::from_utf8(&v.value).ok()?)
    }

    /// Phase 1 of `cyr_expire` (`-X`, and the `expire` annotations): see
    /// the module documentation. `now` is the time the run started.
    pub fn expire_expunged_pass(
        &self,
        scope: &ExpireScope,
        pass: ExpungePass,
        now: u32,
    ) -> Result<ExpungeReport, Error> {
        let mut report = ExpungeReport::default();
        for e in self.expire_candidates(scope)? {
            let name = e.name.to_internal();
            if e.mbtype.has(MbType::REMOTE) {
                continue;
            }
            if e.mbtype.is_deleted() {
                if e.mtime < i64::from(pass.tombstone_mark) {
                    match self.remove_tombstone(&e) {
                        Ok(true) => report.events.push(ExpungeEvent::TombstoneRemoved(name)),
                        Ok(false) => {}
                        Err(err) => report
                            .events
                            .push(ExpungeEvent::Failed(name, err.to_string())),
                    }
                }
                continue;
            }
            if let Err(err) = self.expire_one(&e, pass, now, &mut report) {
                tracing::warn!(mailbox = %name, error = %err, "cannot expire mailbox");
                report
                    .events
                    .push(ExpungeEvent::Failed(name, err.to_string()));
            }
        }
        Ok(report)
    }

    fn expire_one(
        &self,
        e: &MbEntry,
        pass: ExpungePass,
        now: u32,
        report: &mut ExpungeReport,
    ) -> Result<(), Error> {
        let name = e.name.to_internal();
        let dir = self.mailbox_dir(e)?;
        let mut mbox = Mailbox::open(self.fs().clone(), &dir, LockKind::Exclusive)?;
        let lifetime = if pass.use_annotations {
            self.duration_annotation(e, EXPIRE_ANNOTATION)
        } else {
            None
        };
        if let Some(secs) = lifetime {
            let mark = (secs > 0).then(|| now.saturating_sub(secs));
            if let Some(id) = &e.uniqueid {
                report
                    .duplicate_marks
                    .push((id.as_str().to_string(), mark.map(i64::from)));
            }
            if let Some(mark) = mark {
                report
                    .events
                    .push(ExpungeEvent::Expiring(name.clone(), secs));
                report.messages_expired += self.expire_older_than(&mut mbox, mark, now)?;
            }
        }
        report.messages_seen += u64::from(mbox.index().num_records);
        report.events.push(ExpungeEvent::Cleaned(name));
        let n = mbox.expire_expunged(pass.expunge_mark, now)?;
        report.messages_expunged += n as u64;
        report.mailboxes_seen += 1;
        Ok(())
    }

    /// Expunges the live messages of `mbox` whose sent date (`gmtime`) is
    /// before `mark` (Cyrus `expire_cb`), in the site's expunge mode, and
    /// gives their usage back to the quota root.
    fn expire_older_than(&self, mbox: &mut Mailbox, mark: u32, now: u32) -> Result<u64, Error> {
        let old: Vec<(Uid, u32)> = mbox
            .records()
            .iter()
            .filter(|r| !r.is_expunged() && r.gmtime < mark)
            .map(|r| (r.uid, r.size))
            .collect();
        if old.is_empty() {
            return Ok(0);
        }
        let uids: Vec<Uid> = old.iter().map(|&(u, _)| u).collect();
        let done = mbox.expunge_uids(&uids, self.options().expunge_mode, now)?;
        self.release_expunged(mbox, &old, &done);
        Ok(done.len() as u64)
    }

    /// Removes the tombstone `e` if it is still the same tombstone.
    fn remove_tombstone(&self, e: &MbEntry) -> Result<bool, Error> {
        self.with_mboxlist(|db| {
            let Some(now) = mboxlist::lookup_allow_all(db, &e.name)? else {
                return Ok(false);
            };
            if !now.mbtype.is_deleted() || now.mtime != e.mtime {
                return Ok(false);
            }
            mboxlist::update_entry(db, &e.name, None, e.mtime)?;
            Ok(true)
        })
    }

    /// Phase 2 of `cyr_expire` (`-D`): removes the `DELETED.*` mailboxes in
    /// `scope` stamped at or before `mark` (a mailbox's `delete`
    /// annotation, when `use_annotations`, replaces the age for that
    /// mailbox): files, quota usage, annotations and mailboxes.db entry.
    /// Does nothing unless `delete_mode` is delayed (as Cyrus).
    pub fn remove_deleted_mailboxes(
        &self,
        scope: &ExpireScope,
        mark: u32,
        use_annotations: bool,
        now: u32,
    ) -> Result<Vec<DeletedEvent>, Error> {
        let mut events = Vec::new();
        if self.options().delete_mode != DeleteMode::Delayed {
            return Ok(events);
        }
        let mut chosen = Vec::new();
        for e in self.expire_candidates(scope)? {
            if e.mbtype.is_deleted() || e.mbtype.has(MbType::REMOTE) {
                continue;
            }
            let Some(stamp) = e.name.deleted_at() else {
                continue;
            };
            let mark = match use_annotations
                .then(|| self.duration_annotation(&e, DELETE_ANNOTATION))
                .flatten()
            {
                Some(0) => 0,
                Some(secs) => now.saturating_sub(secs),
                None => mark,
            };
            if stamp == 0 || stamp > mark {
                continue;
            }
            events.push(DeletedEvent::Chosen(e.name.to_internal()));
            chosen.push(e);
        }
        for e in chosen {
            let name = e.name.to_internal();
            match self.delete_mailbox(&e.name, now) {
                Ok(()) => events.push(DeletedEvent::Removed(name)),
                Err(err) => events.push(DeletedEvent::Failed(name, err.to_string())),
            }
        }
        Ok(events)
    }

    /// Phase 3 of `cyr_expire` (`-E`): removes `deliver.db` entries marked
    /// before `mark` and unreadable ones, in one transaction. An entry for
    /// a mailbox listed in `per_mailbox` (uniqueid → cut-off, `None` =
    /// keep) uses that mailbox's cut-off instead (Cyrus meant to key this
    /// table by the entry's recipient; 3.6 keys it by name and so never
    /// finds uniqueid recipients, which we do not copy).
    pub fn prune_duplicates(
        &self,
        mark: i64,
        per_mailbox: &[(String, Option<i64>)],
    ) -> Result<PruneReport, Error> {
        let mut db = self.open_duplicate_db()?;
        let mut txn = Txn::begin(db.as_mut())?;
        let lookup = |to: &[u8]| {
            per_mailbox
                .iter()
                .find(|(id, _)| id.as_bytes() == to)
                .map(|(_, m)| m.unwrap_or(i64::MIN))
        };
        let (seen, purged) = duplicate::prune(txn.db(), mark, &lookup).map_err(|e| match e {
            duplicate::DuplicateError::Db(d) => Error::Db(d),
            other => Error::Invalid(other.to_string()),
        })?;
        txn.commit()?;
        Ok(PruneReport { seen, purged })
    }
}

/// Cyrus 3.6 `cyr_expire`'s `parse_duration`: a non-negative decimal
/// number (fractions allowed) with an optional unit `d` (default), `h`,
/// `m` or `s`; the result is truncated to whole seconds.
pub fn parse_duration(s: &str) -> Option<u32> {
    let s = s.trim_end_matches('\0');
    if s.is_empty() || s.starts_with('-') {
        return None;
    }
    let (num, mult) = match s.as_bytes()[s.len() - 1] {
        b'd' => (&s[..s.len() - 1], 86_400.0),
        b'h' => (&s[..s.len() - 1], 3_600.0),
        b'm' => (&s[..s.len() - 1], 60.0),
        b's' => (&s[..s.len() - 1], 1.0),
        _ => (s, 86_400.0),
    };
    // strtod takes leading white space and a plain number; an empty
    // number before the unit reads as 0, as strtod("") does.
    let num = num.trim_start();
    let v: f64 = if num.is_empty() {
        0.0
    } else {
        num.parse().ok()?
    };
    if !v.is_finite() || v < 0.0 {
        return None;
    }
    let secs = v * mult;
    Some(if secs >= f64::from(u32::MAX) {
        u32::MAX
    } else {
        secs as u32
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_as_cyrus_3_6() {
        assert_eq!(parse_duration("3"), Some(3 * 86_400));
        assert_eq!(parse_duration("0"), Some(0));
        assert_eq!(parse_duration("2d"), Some(2 * 86_400));
        assert_eq!(parse_duration("12h"), Some(12 * 3_600));
        assert_eq!(parse_duration("90m"), Some(5_400));
        assert_eq!(parse_duration("45s"), Some(45));
        assert_eq!(parse_duration("1.5h"), Some(5_400));
        assert_eq!(parse_duration("-1"), None);
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration("3w"), None);
        assert_eq!(parse_duration("3dd"), None);
        assert_eq!(parse_duration("abc"), None);
    }

    #[test]
    fn scopes_pick_names() {
        let e = |n: &str| MbEntry::new(crate::mboxname::MailboxName::from_internal(n).unwrap());
        let alice = UserId::try_from("alice").unwrap();
        let del = e("DELETED.user.alice.x.6B02EEA4");
        assert!(ExpireScope::User(alice.clone()).covers(&del));
        assert!(ExpireScope::User(alice.clone()).covers(&e("user.alice.Sent")));
        assert!(!ExpireScope::User(alice).covers(&e("user.bob")));
        assert!(ExpireScope::Prefix("user.al".into()).covers(&e("user.alice")));
        assert!(!ExpireScope::Prefix("user.al".into()).covers(&del));
        assert!(ExpireScope::All.covers(&del));
    }
}
