//! Server and mailbox annotations (RFC 5464 METADATA) in
//! `annotations.db`, keyed as Cyrus 3.6 keys them so its tools read them.

use crate::annotate::{self, AnnotKey, AnnotOwner, AnnotScope, AnnotValue};
use crate::db::{self, Db, OpenFlags};
use crate::error::Error;
use crate::ids::Modseq;
use crate::mboxlist::MbEntry;

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

    /// Writes `changes` in one transaction (all or none, durable when this
    /// returns).
    pub fn set_annotations(
        &self,
        target: AnnotTarget<'_>,
        changes: &[AnnotChange<'_>],
        modseq: Modseq,
    ) -> Result<(), Error> {
        let sc = scope(target)?;
        let mut keys = Vec::with_capacity(changes.len());
        for c in changes {
            keys.push((
                annotate::key(sc, c.entry, c.owner).map_err(annot_err)?,
                c.value,
            ));
        }
        let mut db = self.open_annotations_db()?;
        db.begin()?;
        let result = keys.iter().try_for_each(|(k, v)| {
            annotate::set(db.as_mut(), k, v, modseq, false).map_err(annot_err)
        });
        match result {
            Ok(()) => Ok(db.commit()?),
            Err(e) => {
                // The original error matters more than a failed abort.
                let _ = db.abort();
                Err(e)
            }
        }
    }
}
