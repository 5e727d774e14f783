//! Creating, finding, listing, opening and deleting mailboxes: the mailbox
//! list and the spool kept in agreement.

use crate::acl::Acl;
use crate::db::{Db, Txn};
use crate::error::Error;
use crate::ids::{Modseq, UniqueId};
use crate::mailbox::{CreateSpec, Mailbox};
use crate::mboxlist::{self, Intermediates, MbEntry, MbKind, MbType, Visibility};
use crate::mboxname::{policy_check, DomainPolicy, MailboxName, VirtDomains};
use crate::options::DeleteMode;
use crate::os::LockKind;
use crate::quota::{self, QuotaResource};

use super::site::Store;

/// What to create.
#[derive(Debug, Clone, Default)]
pub struct NewMailbox {
    /// Partition; default: the parent's, else the default partition.
    pub partition: Option<String>,
    /// Kind of mailbox; default: email.
    pub kind: Option<MbKind>,
    /// Explicit ACL; default: Cyrus's rules (owner of a new INBOX gets all
    /// rights, a child copies its parent, a new top-level shared mailbox
    /// gets `defaultacl`).
    pub acl: Option<Acl>,
}

impl Store {
    /// The live mailbox called `name`.
    pub fn lookup(&self, name: &MailboxName) -> Result<Option<MbEntry>, Error> {
        self.with_mboxlist(|db| Ok(mboxlist::lookup(db, name)?))
    }

    /// Every live mailbox, in mailboxes.db order (a parent before its
    /// children).
    pub fn all_mailboxes(&self) -> Result<Vec<MbEntry>, Error> {
        self.with_mboxlist(|db| Ok(mboxlist::all(db, Visibility::Live)?))
    }

    /// Creates a mailbox with Cyrus's defaults; `now` is the creation time.
    pub fn create_mailbox(
        &self,
        name: &MailboxName,
        req: &NewMailbox,
        now: u32,
    ) -> Result<MbEntry, Error> {
        let domains = if self.options().namespace.virtdomains == VirtDomains::Off {
            DomainPolicy::NoDomains
        } else {
            DomainPolicy::VirtDomains
        };
        policy_check(&name.to_internal(), domains)?;
        let mut qdb = self.open_quota_db()?;
        self.with_mboxlist(|db| {
            if mboxlist::lookup(db, name)?.is_some() {
                return Err(Error::Exists(name.to_internal()));
            }
            let parent = nearest_ancestor(db, name)?;
            let acl = match &req.acl {
                Some(acl) => acl.clone(),
                None => mboxlist::acl_for_new_mailbox(db, name, &self.options().acl.default_acl)?,
            };
            let partition = match (&req.partition, &parent) {
                (Some(p), _) => p.clone(),
                (None, Some(p)) if p.partition.is_some() => p.partition.clone().unwrap_or_default(),
                _ => self.default_partition()?,
            };
            self.partition_path(&partition)?;
            let quotaroot = quota::find_root(qdb.as_mut(), name)?;
            let uniqueid = UniqueId::generate(&mut rand::thread_rng());
            let mut entry = MbEntry::new(name.clone());
            entry.mtime = i64::from(now);
            entry.mbtype = MbType::new(req.kind.unwrap_or(MbKind::Email));
            entry.partition = Some(partition);
            entry.acl = Some(acl.clone());
            entry.uniqueid = Some(uniqueid.clone());
            entry.createdmodseq = Modseq(1);
            entry.foldermodseq = Modseq(1);
            let mut spec =
                CreateSpec::new(&name.to_internal(), uniqueid, &acl.to_cyrus_string(), now);
            spec.mbtype = entry.mbtype.to_string();
            spec.quotaroot = quotaroot.clone();
            entry.uidvalidity = spec.uidvalidity;
            let dir = self.mailbox_dir(&entry)?;
            // Files first, then the list: a crash in between leaves an
            // orphan directory that nothing refers to, never a listed
            // mailbox without files.
            Mailbox::create(self.fs().clone(), &dir, &spec)?.close();
            let missing = match mboxlist::create(db, &entry, Intermediates::Report, i64::from(now))
            {
                Ok(m) => m,
                Err(e) => {
                    // A commit that failed late may still have landed (its
                    // header was written before the last fsync): the files
                    // of a listed mailbox must stay.
                    let listed = mboxlist::lookup(db, name)
                        .ok()
                        .flatten()
                        .is_some_and(|l| l.uniqueid == entry.uniqueid);
                    if !listed {
                        self.remove_dir_all(&dir);
                    }
                    return Err(e.into());
                }
            };
            if let Some(root) = quotaroot {
                adjust_quota(qdb.as_mut(), &root, &[(QuotaResource::NumFolders, 1)])?;
            }
            Ok((entry, missing))
        })
        .and_then(|(entry, missing)| {
            // Cyrus 3.6 creates real mailboxes for the missing ancestors of
            // a user mailbox (`mboxlist_update_intermediaries`), top-down,
            // of the same kind and partition.
            for m in missing {
                let ancestor = NewMailbox {
                    partition: entry.partition.clone(),
                    kind: Some(entry.mbtype.kind()),
                    acl: None,
                };
                match self.create_mailbox(&m, &ancestor, now) {
                    Ok(_) | Err(Error::Exists(_)) => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(entry)
        })
    }

    /// Opens a live mailbox with a shared (read) or exclusive (write) lock.
    pub fn open_mailbox(
        &self,
        name: &MailboxName,
        lock: LockKind,
    ) -> Result<(MbEntry, Mailbox), Error> {
        let entry = self
            .lookup(name)?
            .ok_or_else(|| Error::NonExistent(name.to_internal()))?;
        let mbox = self.open_entry(&entry, lock)?;
        Ok((entry, mbox))
    }

    /// Opens the mailbox of an entry the caller has just looked up (to
    /// check rights, say), without reading mailboxes.db again. As with
    /// [`Store::open_mailbox`], a mailbox deleted since the lookup fails
    /// to open.
    pub fn open_entry(&self, entry: &MbEntry, lock: LockKind) -> Result<Mailbox, Error> {
        let dir = self.mailbox_dir(entry)?;
        Ok(Mailbox::open(self.fs().clone(), &dir, lock)?)
    }

    /// Deletes a mailbox the way `delete_mode` says: delayed (renamed to
    /// `DELETED.<name>.<HEXTIME>`, files kept for `cyr_expire -D`) or
    /// immediate (files removed). Either way the old name becomes a
    /// tombstone and quota usage is given back. A mailbox with children
    /// is refused (`HasChildren`), as Cyrus's DELETE does.
    pub fn delete_mailbox(&self, name: &MailboxName, now: u32) -> Result<(), Error> {
        let mut qdb = self.open_quota_db()?;
        // Lock order: mailboxes.db, then the mailbox's index.
        let (dir, quotaroot, used, exists, annots, uniqueid) = self.with_mboxlist(|db| {
            let entry = mboxlist::lookup(db, name)?
                .ok_or_else(|| Error::NonExistent(name.to_internal()))?;
            // As Cyrus's DELETE: children first (`delete_user` does that
            // for a whole user), so no live name is left without a parent.
            if mboxlist::has_children(db, name)? {
                return Err(Error::HasChildren(name.to_internal()));
            }
            let dir = self.mailbox_dir(&entry)?;
            let mut mbox = Mailbox::open(self.fs().clone(), &dir, LockKind::Exclusive)?;
            let hms = mbox.index().highestmodseq;
            let used = i64::try_from(mbox.index().quota_mailbox_used).unwrap_or(i64::MAX);
            let exists = i64::from(mbox.index().exists);
            let annots = i64::from(mbox.index().quota_annot_used);
            // A `DELETED.` mailbox counts toward no quota root (its usage
            // was given back when it was deleted); one our store deleted
            // before it cleared the header's root still names the old
            // root, which must not be charged twice.
            let quotaroot = if name.is_deleted() {
                quota::find_root(qdb.as_mut(), name)?
            } else {
                mbox.header().quotaroot.clone()
            };
            match self.options().delete_mode {
                DeleteMode::Delayed if !name.is_deleted() => {
                    let deleted = name.to_deleted(now);
                    // mailboxes.db first: if the rename fails (the DELETED
                    // name is taken) the mailbox stays live and untouched.
                    mboxlist::rename(db, name, &deleted, None, hms, i64::from(now))?;
                    // Cyrus `mailbox_rename_nocopy`: the header follows the
                    // new name, which no quota root covers. If this fails
                    // the mailbox is deleted all the same; its header still
                    // names the old root, which `cyr_expire -D` ignores
                    // for `DELETED.` names (above).
                    let header = mbox
                        .set_quotaroot(None)
                        .and_then(|()| mbox.set_name(&deleted.to_internal()));
                    if let Err(e) = header {
                        tracing::warn!(mailbox = %deleted.to_internal(), error = %e, "header of deleted mailbox not renamed");
                    }
                }
                _ => {
                    mboxlist::delete(db, name, hms, i64::from(now))?;
                }
            }
            Ok((dir, quotaroot, used, exists, annots, entry.uniqueid))
        })?;
        if self.options().delete_mode == DeleteMode::Immediate || name.is_deleted() {
            self.remove_dir_all(&dir);
            // Cyrus `annotate_delete_mailbox`: the values go with the
            // mailbox (a failure leaves orphans keyed by a dead uniqueid,
            // which nothing reads).
            if let Some(id) = &uniqueid {
                if let Err(e) = self.delete_mailbox_annotations(id, name) {
                    tracing::warn!(mailbox = %name.to_internal(), error = %e, "annotations not removed");
                }
            }
        }
        if let Some(root) = quotaroot {
            adjust_quota(
                qdb.as_mut(),
                &root,
                &[
                    (QuotaResource::Storage, -used),
                    (QuotaResource::Message, -exists),
                    (QuotaResource::AnnotationStorage, -annots),
                    (QuotaResource::NumFolders, -1),
                ],
            )?;
        }
        Ok(())
    }

    /// Removes a directory and the files in it (best effort: what cannot
    /// be removed is left for `cyr_reconstruct`/`cyr_expire` to find).
    pub(super) fn remove_dir_all(&self, dir: &std::path::Path) {
        let fs = self.fs();
        if let Ok(names) = fs.read_dir(dir) {
            for n in names {
                let _ = fs.remove_file(&dir.join(n));
            }
        }
        let _ = fs.remove_dir(dir);
        if let Some(parent) = dir.parent() {
            let _ = fs.sync_dir(parent);
        }
    }
}

/// The nearest existing ancestor's entry.
fn nearest_ancestor(db: &mut dyn Db, name: &MailboxName) -> Result<Option<MbEntry>, Error> {
    for a in name.ancestors() {
        if let Some(e) = mboxlist::lookup(db, &a)? {
            return Ok(Some(e));
        }
    }
    Ok(None)
}

/// Adds `deltas` to a quota root's usage (negative deltas give back).
pub(crate) fn adjust_quota(
    qdb: &mut dyn Db,
    root: &str,
    deltas: &[(QuotaResource, i64)],
) -> Result<(), Error> {
    let mut txn = Txn::begin(qdb)?;
    let Some(mut q) = quota::read(txn.db(), root)? else {
        return Ok(());
    };
    for &(r, d) in deltas {
        q.apply(r, d);
    }
    quota::write(txn.db(), &q)?;
    Ok(txn.commit()?)
}
