//! Reads and writes of mailboxes.db over any [`Db`] (Cyrus
//! `mboxlist_lookup*`, `mboxlist_update_entry`, create, delete, rename).

use super::entry::{FormerName, MbEntry, KEY_NAME};
use super::error::MboxlistError;
use super::mbtype::MbType;
use crate::acl::Acl;
use crate::db::{Db, Walk};
use crate::ids::{Modseq, UniqueId};
use crate::mboxname::{MailboxName, UserId, DB_HIERSEP};

/// Runs `f` inside a transaction, unless the caller already holds one (then
/// the caller commits).
pub(crate) fn in_txn<T>(
    db: &mut dyn Db,
    f: impl FnOnce(&mut dyn Db) -> Result<T, MboxlistError>,
) -> Result<T, MboxlistError> {
    if db.in_transaction() {
        return f(db);
    }
    db.begin()?;
    match f(db) {
        Ok(v) => {
            db.commit()?;
            Ok(v)
        }
        Err(e) => {
            // The original error matters more than a failed abort.
            let _ = db.abort();
            Err(e)
        }
    }
}

/// The name record for `name`, tombstones and placeholders included
/// (Cyrus `mboxlist_lookup_allow_all`).
pub fn lookup_allow_all(
    db: &mut dyn Db,
    name: &MailboxName,
) -> Result<Option<MbEntry>, MboxlistError> {
    let key = MbEntry::name_key(name);
    match db.fetch(&key)? {
        Some(v) => Ok(Some(MbEntry::decode_name_record(&key, &v)?)),
        None => Ok(None),
    }
}

/// The live mailbox called `name`: tombstones (`d`), placeholders (`i`)
/// and reserved entries (`z`) count as absent (Cyrus `mboxlist_lookup`).
pub fn lookup(db: &mut dyn Db, name: &MailboxName) -> Result<Option<MbEntry>, MboxlistError> {
    Ok(lookup_allow_all(db, name)?.filter(|e| !e.mbtype.is_hidden()))
}

/// The `I` record for `id`, with its name history (Cyrus
/// `mboxlist_lookup_by_uniqueid`; reserved entries count as absent).
pub fn lookup_by_uniqueid(
    db: &mut dyn Db,
    id: &UniqueId,
) -> Result<Option<MbEntry>, MboxlistError> {
    let key = MbEntry::id_key(id);
    match db.fetch(&key)? {
        Some(v) => {
            let e = MbEntry::decode_id_record(&key, &v)?;
            Ok((!e.mbtype.has(MbType::RESERVE)).then_some(e))
        }
        None => Ok(None),
    }
}

/// Writes (or with `None` removes) the entry for `name`, keeping the `I`
/// record and its name history in step, as Cyrus `mboxlist_update_entry`.
/// `now` becomes the records' `M`.
pub fn update_entry(
    db: &mut dyn Db,
    name: &MailboxName,
    entry: Option<&MbEntry>,
    now: i64,
) -> Result<(), MboxlistError> {
    in_txn(db, |db| {
        let old = lookup_allow_all(db, name)?;
        if let (Some(old), Some(new)) = (&old, entry) {
            if let Some(oid) = &old.uniqueid {
                if Some(oid) != new.uniqueid.as_ref() {
                    // The name is being reused by another mailbox: drop the
                    // old I record if it still points here.
                    if let Some(oldi) = lookup_by_uniqueid(db, oid)? {
                        if oldi.name == *name {
                            db.delete(&MbEntry::id_key(oid))?;
                        }
                    }
                }
            }
        }
        match entry {
            Some(e) => {
                let mut e = e.clone();
                e.name = name.clone();
                e.mtime = now;
                db.store(&MbEntry::name_key(name), &e.encode_name_value())?;
                if let Some(id) = e.uniqueid.clone() {
                    let mut newi = e.clone();
                    if let Some(oldi) = lookup_by_uniqueid(db, &id)? {
                        if oldi.name != *name {
                            newi.name_history.push(FormerName {
                                name: oldi.name.clone(),
                                mtime: oldi.mtime,
                                uidvalidity: oldi.uidvalidity,
                                createdmodseq: oldi.createdmodseq,
                                foldermodseq: oldi.foldermodseq,
                                mbtype: oldi.mbtype,
                                partition: oldi.partition.clone(),
                            });
                        }
                        newi.name_history.extend(oldi.name_history);
                    }
                    db.store(&MbEntry::id_key(&id), &newi.encode_id_value())?;
                }
            }
            None => {
                if old.is_some() {
                    // Cyrus 3.6 removes only the N record here (its I-record
                    // removal is unreachable); we keep that behaviour so the
                    // by-id history survives for replication.
                    db.delete(&MbEntry::name_key(name))?;
                }
            }
        }
        Ok(())
    })
}

/// True if a live mailbox lies below `name` (Cyrus
/// `mboxlist_haschildren`: tombstones and placeholders do not count).
pub fn has_children(db: &mut dyn Db, name: &MailboxName) -> Result<bool, MboxlistError> {
    let mut prefix = MbEntry::name_key(name);
    prefix.push(DB_HIERSEP);
    let mut found = false;
    db.foreach(&prefix, &mut |k, v| {
        let hidden = MbEntry::decode_name_record(k, v)
            .map(|e| e.mbtype.is_hidden())
            .unwrap_or(false);
        if hidden {
            return Ok(Walk::Continue);
        }
        found = true;
        Ok(Walk::Stop)
    })?;
    Ok(found)
}

/// What [`create`] does about missing ancestors of a user mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intermediates {
    /// Write `i` placeholder records (no files), as later Cyrus versions
    /// do; [`lookup`] treats them as absent.
    Placeholders,
    /// Write nothing and return the missing names, top-down, so the
    /// caller creates real mailboxes for them, as Cyrus 3.6.1's
    /// `mboxlist_update_intermediaries` does (same type, parent's ACL).
    Report,
}

/// Creates a mailbox: writes its `N` and `I` records in one transaction
/// (a tombstone of the same name is replaced), then deals with missing
/// ancestors of a user mailbox per `intermediates`. `entry.uniqueid` must
/// be set. Returns the missing ancestors, top-down.
pub fn create(
    db: &mut dyn Db,
    entry: &MbEntry,
    intermediates: Intermediates,
    now: i64,
) -> Result<Vec<MailboxName>, MboxlistError> {
    if entry.uniqueid.is_none() {
        return Err(MboxlistError::Invalid("new mailbox without uniqueid"));
    }
    in_txn(db, |db| {
        if lookup(db, &entry.name)?.is_some() {
            return Err(MboxlistError::Exists(entry.name.to_internal()));
        }
        update_entry(db, &entry.name, Some(entry), now)?;
        let mut missing = Vec::new();
        if !entry.name.is_user_mailbox() {
            return Ok(missing);
        }
        for anc in entry.name.ancestors() {
            // Cyrus never fills in a "magic" INBOX folder.
            if anc.boxes().len() == 1 && anc.boxes()[0] == "INBOX" {
                break;
            }
            let existing = lookup_allow_all(db, &anc)?;
            if existing.as_ref().is_some_and(|e| !e.mbtype.is_deleted()) {
                continue;
            }
            if intermediates == Intermediates::Placeholders {
                let mut placeholder = MbEntry::new(anc.clone());
                placeholder.mbtype = MbType::new(entry.mbtype.kind()).with(MbType::INTERMEDIATE);
                placeholder.partition = entry.partition.clone();
                placeholder.createdmodseq = entry.createdmodseq;
                placeholder.foldermodseq = entry.createdmodseq;
                if let Some(old) = existing {
                    placeholder.uniqueid = old.uniqueid;
                }
                update_entry(db, &anc, Some(&placeholder), now)?;
            }
            missing.push(anc);
        }
        missing.reverse();
        Ok(missing)
    })
}

/// The tombstone that replaces a deleted mailbox: same uniqueid,
/// UIDVALIDITY and createdmodseq, type + `d` (or + `i` when children
/// remain), no partition and no ACL.
fn tombstone(e: &MbEntry, has_children: bool, foldermodseq: Modseq) -> MbEntry {
    let mut t = MbEntry::new(e.name.clone());
    let flag = if has_children {
        MbType::INTERMEDIATE
    } else {
        MbType::DELETED
    };
    t.mbtype = MbType::new(e.mbtype.kind()).with(flag);
    t.uniqueid = e.uniqueid.clone();
    t.uidvalidity = e.uidvalidity;
    t.createdmodseq = e.createdmodseq;
    t.foldermodseq = foldermodseq;
    t
}

/// Deletes mailbox `name` for good (Cyrus `mboxlist_deletemailbox`): a
/// live mailbox leaves a tombstone, a `DELETED.` one is removed outright.
/// `foldermodseq` is the mailbox's final modseq. Returns the old entry.
pub fn delete(
    db: &mut dyn Db,
    name: &MailboxName,
    foldermodseq: Modseq,
    now: i64,
) -> Result<MbEntry, MboxlistError> {
    in_txn(db, |db| {
        let old = lookup_allow_all(db, name)?
            .filter(|e| !e.mbtype.is_deleted())
            .ok_or_else(|| MboxlistError::NotFound(name.to_internal()))?;
        if name.is_deleted() {
            update_entry(db, name, None, now)?;
        } else {
            let children = has_children(db, name)?;
            update_entry(
                db,
                name,
                Some(&tombstone(&old, children, foldermodseq)),
                now,
            )?;
        }
        Ok(old)
    })
}

/// Renames one mailbox (Cyrus `mboxlist_renamemailbox` for a single
/// entry): the old name becomes a tombstone, then the entry is written
/// under `new`, so its `I` record gains a name-history item. Delayed
/// delete is `rename(db, n, &n.to_deleted(now), …)`. `partition`
/// replaces the partition when given.
pub fn rename(
    db: &mut dyn Db,
    old: &MailboxName,
    new: &MailboxName,
    partition: Option<&str>,
    foldermodseq: Modseq,
    now: i64,
) -> Result<MbEntry, MboxlistError> {
    in_txn(db, |db| {
        let entry = lookup(db, old)?.ok_or_else(|| MboxlistError::NotFound(old.to_internal()))?;
        if lookup(db, new)?.is_some() {
            return Err(MboxlistError::Exists(new.to_internal()));
        }
        let children = has_children(db, old)?;
        update_entry(
            db,
            old,
            Some(&tombstone(&entry, children, foldermodseq)),
            now,
        )?;
        let mut moved = entry.clone();
        moved.name = new.clone();
        moved.foldermodseq = foldermodseq.max(entry.foldermodseq);
        if let Some(p) = partition {
            moved.partition = Some(p.to_string());
        }
        update_entry(db, new, Some(&moved), now)?;
        let mut out = moved;
        out.mtime = now;
        Ok(out)
    })
}

/// Renames `root` and every live mailbox below it, children first (so a
/// parent's tombstone is `d`, not `i`), each to `new_name_for(old)`; e.g.
/// delayed delete of a tree is `rename_subtree(db, r, &|n| n.to_deleted(t), …)`.
/// Returns the moved entries.
pub fn rename_subtree(
    db: &mut dyn Db,
    root: &MailboxName,
    new_name_for: &dyn Fn(&MailboxName) -> MailboxName,
    partition: Option<&str>,
    foldermodseq: Modseq,
    now: i64,
) -> Result<Vec<MbEntry>, MboxlistError> {
    in_txn(db, |db| {
        let mut entries = subtree(db, root, Visibility::Live)?;
        if entries.first().map(|e| &e.name) != Some(root) {
            return Err(MboxlistError::NotFound(root.to_internal()));
        }
        entries.reverse();
        let mut out = Vec::with_capacity(entries.len());
        for e in entries {
            let new = new_name_for(&e.name);
            out.push(rename(db, &e.name, &new, partition, foldermodseq, now)?);
        }
        out.reverse();
        Ok(out)
    })
}

/// The ACL a new mailbox gets (Cyrus `mboxlist_create_acl`): a copy of
/// the nearest existing ancestor's; else, in a user's hierarchy, the
/// owner with every right; else the `defaultacl` option (`anyone lrs`).
pub fn acl_for_new_mailbox(
    db: &mut dyn Db,
    name: &MailboxName,
    defaultacl: &str,
) -> Result<Acl, MboxlistError> {
    for anc in name.ancestors() {
        if let Some(e) = lookup(db, &anc)? {
            return Ok(e.acl.unwrap_or_default());
        }
    }
    if let Some(owner) = name.userid() {
        return Ok(Acl::for_new_inbox(owner.as_str()));
    }
    Ok(Acl::from_defaultacl(defaultacl)?)
}

/// How much of mailboxes.db an iteration shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Live mailboxes only.
    Live,
    /// Live mailboxes and tombstones (`ctl_mboxlist -d`).
    WithTombstones,
    /// Everything, placeholders included (`ctl_mboxlist -d -y`).
    All,
}

impl Visibility {
    fn shows(self, t: MbType) -> bool {
        match self {
            Visibility::Live => !t.is_hidden(),
            Visibility::WithTombstones => !t.is_intermediate() && !t.has(MbType::RESERVE),
            Visibility::All => true,
        }
    }
}

/// Calls `f` for each name record whose dbname starts with `prefix`, in
/// key order, filtered by `vis`.
pub fn foreach_prefix(
    db: &mut dyn Db,
    prefix: &[u8],
    vis: Visibility,
    f: &mut dyn FnMut(MbEntry) -> Result<Walk, MboxlistError>,
) -> Result<(), MboxlistError> {
    let mut key = vec![KEY_NAME];
    key.extend_from_slice(prefix);
    let mut err = None;
    db.foreach(&key, &mut |k, v| {
        let step = MbEntry::decode_name_record(k, v).and_then(|e| {
            if vis.shows(e.mbtype) {
                f(e)
            } else {
                Ok(Walk::Continue)
            }
        });
        match step {
            Ok(w) => Ok(w),
            Err(e) => {
                err = Some(e);
                Ok(Walk::Stop)
            }
        }
    })?;
    err.map_or(Ok(()), Err)
}

/// Every mailbox (per `vis`), in mailboxes.db order (Cyrus
/// `mboxlist_allmbox`).
pub fn all(db: &mut dyn Db, vis: Visibility) -> Result<Vec<MbEntry>, MboxlistError> {
    let mut out = Vec::new();
    foreach_prefix(db, b"", vis, &mut |e| {
        out.push(e);
        Ok(Walk::Continue)
    })?;
    Ok(out)
}

/// `name` and everything below it (per `vis`), in order.
pub fn subtree(
    db: &mut dyn Db,
    name: &MailboxName,
    vis: Visibility,
) -> Result<Vec<MbEntry>, MboxlistError> {
    let prefix = name.to_dbname();
    let mut out = Vec::new();
    foreach_prefix(db, &prefix, vis, &mut |e| {
        let d = e.name.to_dbname();
        if d.len() == prefix.len() || d.get(prefix.len()) == Some(&DB_HIERSEP) {
            out.push(e);
        }
        Ok(Walk::Continue)
    })?;
    Ok(out)
}

/// All mailboxes of `user` (INBOX and below; Cyrus `mboxlist_usermboxtree`).
pub fn user_mailboxes(
    db: &mut dyn Db,
    user: &UserId,
    vis: Visibility,
) -> Result<Vec<MbEntry>, MboxlistError> {
    subtree(db, &MailboxName::user_inbox(user), vis)
}
