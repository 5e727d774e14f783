//! Server and mailbox annotations (RFC 5464 METADATA) in
//! `annotations.db`, keyed as Cyrus 3.6 keys them so its tools read them.

use crate::annotate::{self, AnnotKey, AnnotOwner, AnnotScope, AnnotValue};
use crate::db::{self, Db, OpenFlags, Txn, Walk};
use crate::error::Error;
use crate::ids::{Modseq, UniqueId};
use crate::mailbox::Mailbox;
use crate::mboxlist::{self, MbEntry};
use crate::mboxname::MailboxName;
use crate::os::LockKind;
use crate::quota::QuotaResource;

use super::mailboxes::adjust_quota;

use super::site::Store;

/// What a metadata entry is attached to.
#[derive(Debug, Clone, Copy)]
pub enum AnnotTarget<'a> {
    /// The server (`""` in IMAP).
    Server,
    /// A mailbox.
    Mailbox(&'a MbEntry),
}

/// One change; an empty value removes the entry.
#[derive(Debug, Clone, Copy)]
pub struct AnnotChange<'a> {
    /// The entry without its `/shared` or `/private` prefix (`/comment`).
    pub entry: &'a str,
    /// Shared, or whose private value.
    pub owner: AnnotOwner<'a>,
    /// The new value.
    pub value: &'a [u8],
}

fn scope<'a>(target: AnnotTarget<'a>) -> Result<AnnotScope<'a>, Error> {
    match target {
        AnnotTarget::Server => Ok(AnnotScope::Server),
        AnnotTarget::Mailbox(e) => {
            let id = e.uniqueid.as_ref().ok_or_else(|| {
                Error::Invalid(format!("{} has no uniqueid", e.name.to_internal()))
            })?;
            Ok(AnnotScope::Mailbox { id, name: &e.name })
        }
    }
}

fn annot_err(e: annotate::AnnotateError) -> Error {
    match e {
        annotate::AnnotateError::Db(d) => Error::Db(d),
        other => Error::Invalid(other.to_string()),
    }
}

impl Store {
    /// Opens `annotations.db`.
    fn open_annotations_db(&self) -> Result<Box<dyn Db>, Error> {
        let opts = self.options();
        let path = opts
            .databases
            .annotation
            .path
            .clone()
            .unwrap_or_else(|| opts.config_dir.join("annotations.db"));
        Ok(db::open(
            self.fs().clone(),
            &path,
            opts.databases.annotation.backend,
            OpenFlags {
                create: true,
                ..OpenFlags::default()
            },
        )?)
    }

    /// One value (`entry` without the `/shared` or `/private` prefix,
    /// e.g. `/comment`).
    pub fn annotation(
        &self,
        target: AnnotTarget<'_>,
        entry: &str,
        owner: AnnotOwner<'_>,
    ) -> Result<Option<AnnotValue>, Error> {
        let key = annotate::key(scope(target)?, entry, owner).map_err(annot_err)?;
        let mut db = self.open_annotations_db()?;
        annotate::get(db.as_mut(), &key).map_err(annot_err)
    }

    /// One entry's value on each of `mailboxes` (one database open for
    /// all, as LIST needs the special-use of every mailbox it shows).
    pub fn annotation_of_each(
        &self,
        mailboxes: &[&MbEntry],
        entry: &str,
        owner: AnnotOwner<'_>,
    ) -> Result<Vec<Option<AnnotValue>>, Error> {
        let mut db = self.open_annotations_db()?;
        mailboxes
            .iter()
            .map(|m| {
                let key = annotate::key(scope(AnnotTarget::Mailbox(m))?, entry, owner)
                    .map_err(annot_err)?;
                annotate::get(db.as_mut(), &key).map_err(annot_err)
            })
            .collect()
    }

    /// Every stored value of `target` (all entries, all users), in key
    /// order.
    pub fn annotations(
        &self,
        target: AnnotTarget<'_>,
    ) -> Result<Vec<(AnnotKey, AnnotValue)>, Error> {
        let prefix = annotate::prefix(scope(target)?, "").map_err(annot_err)?;
        let mut db = self.open_annotations_db()?;
        annotate::list(db.as_mut(), &prefix).map_err(annot_err)
    }

    /// Removes every value stored for the mailbox with uniqueid `id`
    /// (Cyrus `annotate_delete_mailbox`), in one transaction.
    pub(crate) fn delete_mailbox_annotations(
        &self,
        id: &UniqueId,
        name: &MailboxName,
    ) -> Result<(), Error> {
        let prefix = annotate::prefix(AnnotScope::Mailbox { id, name }, "").map_err(annot_err)?;
        let mut db = self.open_annotations_db()?;
        let mut txn = Txn::begin(db.as_mut())?;
        let mut keys = Vec::new();
        txn.db().foreach(&prefix, &mut |k, _| {
            keys.push(k.to_vec());
            Ok(Walk::Continue)
        })?;
        for k in &keys {
            txn.db().delete(k)?;
        }
        txn.commit()?;
        Ok(())
    }

    /// Writes `changes` in one transaction (all or none, durable when this
    /// returns). On a mailbox, as Cyrus `mailbox_annot_changed`: the bytes
    /// count toward `quota_annot_used` and the quota root's
    /// X-ANNOTATION-STORAGE, and HIGHESTMODSEQ and the folder modseq move.
    pub fn set_annotations(
        &self,
        target: AnnotTarget<'_>,
        changes: &[AnnotChange<'_>],
    ) -> Result<(), Error> {
        let sc = scope(target)?;
        let mut keys = Vec::with_capacity(changes.len());
        for c in changes {
            keys.push((
                annotate::key(sc, c.entry, c.owner).map_err(annot_err)?,
                c.value,
            ));
        }
        let AnnotTarget::Mailbox(given) = target else {
            let mut db = self.open_annotations_db()?;
            return write_all(db.as_mut(), &keys, Modseq(0)).map(|_| ());
        };
        // Lock order: mailboxes.db, the mailbox, the quota db, then
        // annotations.db.
        self.with_mboxlist(|mdb| {
            let mut entry = mboxlist::lookup(mdb, &given.name)?
                .filter(|e| e.uniqueid == given.uniqueid)
                .ok_or_else(|| Error::NonExistent(given.name.to_internal()))?;
            let dir = self.mailbox_dir(&entry)?;
            let mut mbox = Mailbox::open(self.fs().clone(), &dir, LockKind::Exclusive)?;
            let mut qdb = self.open_quota_db()?;
            let mut db = self.open_annotations_db()?;
            let modseq = mbox.index().highestmodseq.next();
            let root = mbox.header().quotaroot.clone();
            // Cyrus refuses an annotation that would exceed the root's
            // X-ANNOTATION-STORAGE limit (growing only; shrinking is free).
            if let Some(root) = &root {
                let grow: i64 = keys
                    .iter()
                    .map(|(_, v)| i64::try_from(v.len()).unwrap_or(i64::MAX))
                    .sum();
                if let Some(q) = crate::quota::read(qdb.as_mut(), root)? {
                    let mut old = 0i64;
                    for (k, _) in &keys {
                        if let Some(p) = annotate::get(db.as_mut(), k).map_err(annot_err)? {
                            old += i64::try_from(p.value.len()).unwrap_or(i64::MAX);
                        }
                    }
                    q.check(QuotaResource::AnnotationStorage, grow - old)?;
                }
            }
            let (old_len, new_len) = write_all(db.as_mut(), &keys, modseq)?;
            mbox.annotations_changed(old_len, new_len)?;
            entry.foldermodseq = entry.foldermodseq.max(modseq);
            let (name, mtime) = (entry.name.clone(), entry.mtime);
            mboxlist::update_entry(mdb, &name, Some(&entry), mtime)?;
            if let Some(root) = root {
                let delta = i64::try_from(new_len).unwrap_or(i64::MAX)
                    - i64::try_from(old_len).unwrap_or(i64::MAX);
                adjust_quota(
                    qdb.as_mut(),
                    &root,
                    &[(QuotaResource::AnnotationStorage, delta)],
                )?;
            }
            Ok(())
        })
    }
}

/// Writes every `(key, value)` in one transaction with `modseq`; returns
/// the total length of the values replaced and of the new values.
fn write_all(
    db: &mut dyn Db,
    keys: &[(Vec<u8>, &[u8])],
    modseq: Modseq,
) -> Result<(u64, u64), Error> {
    db.begin()?;
    let result = (|| {
        let (mut old, mut new) = (0u64, 0u64);
        for (k, v) in keys {
            if let Some(prev) = annotate::get(db, k).map_err(annot_err)? {
                old += prev.value.len() as u64;
            }
            new += v.len() as u64;
            annotate::set(db, k, v, modseq, false).map_err(annot_err)?;
        }
        Ok((old, new))
    })();
    match result {
        Ok(lens) => {
            db.commit()?;
            Ok(lens)
        }
        Err(e) => {
            // The original error matters more than a failed abort.
            let _ = db.abort();
            Err(e)
        }
    }
}
