//! Per-user seen state (`seen.db`) for protocol front-ends: found the way
//! Cyrus 3.6 does (`user/<h>/<inbox uniqueid>/seen.db`, or the legacy
//! `user/<h>/<user>.seen` with `mailbox_legacy_dirs`), keyed by the
//! mailbox uniqueid. Lock order: after the mailbox index (§Lock order 4).

use std::path::PathBuf;

use crate::db::{self, Db, OpenFlags};
use crate::error::Error;
use crate::ids::UniqueId;
use crate::mboxname::{legacy_conf_path, user_conf_path, DirHash, MailboxName, UserId};
use crate::os::OsError;
use crate::seen::{self, SeenData, SeenError};

use super::site::Store;

fn from_seen(e: SeenError) -> Error {
    match e {
        SeenError::Db(e) => Error::Db(e),
        other => Error::Invalid(other.to_string()),
    }
}

impl Store {
    fn seen_path(&self, user: &UserId) -> Result<PathBuf, Error> {
        let opts = self.options();
        let inbox = MailboxName::user_inbox(user);
        if opts.mailbox_legacy_dirs {
            let hash = if opts.full_dir_hash {
                DirHash::Full
            } else {
                DirHash::FirstLetter
            };
            return Ok(legacy_conf_path(
                &opts.config_dir,
                &inbox,
                Some("seen"),
                hash,
            ));
        }
        let entry = self
            .lookup(&inbox)?
            .ok_or_else(|| Error::NonExistent(inbox.to_internal()))?;
        let id = entry
            .uniqueid
            .ok_or_else(|| Error::Invalid(format!("{} has no uniqueid", inbox.to_internal())))?;
        Ok(user_conf_path(&opts.config_dir, &id, Some("seen")))
    }

    fn open_seen_db(&self, user: &UserId) -> Result<Box<dyn Db>, Error> {
        let path = self.seen_path(user)?;
        if let Some(dir) = path.parent() {
            self.fs()
                .create_dir_all(dir)
                .map_err(|e| Error::Os(OsError::new("mkdir", dir, e)))?;
        }
        Ok(db::open(
            self.fs().clone(),
            &path,
            self.options().databases.seen.backend,
            OpenFlags {
                create: true,
                ..OpenFlags::default()
            },
        )?)
    }

    /// `user`'s seen state for the mailbox with uniqueid `id` (`Ok(None)`
    /// when they have none yet).
    pub fn seen(&self, user: &UserId, id: &UniqueId) -> Result<Option<SeenData>, Error> {
        let mut db = self.open_seen_db(user)?;
        seen::read(db.as_mut(), id).map_err(from_seen)
    }

    /// Changes `user`'s seen state for mailbox `id` in one transaction
    /// (durable when this returns); returns the state written.
    pub fn update_seen(
        &self,
        user: &UserId,
        id: &UniqueId,
        change: impl FnOnce(&mut SeenData),
    ) -> Result<SeenData, Error> {
        let mut db = self.open_seen_db(user)?;
        db.begin()?;
        let r = seen::read(db.as_mut(), id)
            .map_err(from_seen)
            .and_then(|old| {
                let mut sd = old.unwrap_or_default();
                change(&mut sd);
                seen::write(db.as_mut(), id, &sd).map_err(from_seen)?;
                Ok(sd)
            });
        match r {
            Ok(sd) => {
                db.commit()?;
                Ok(sd)
            }
            Err(e) => {
                // The original error matters more than a failed abort.
                let _ = db.abort();
                Err(e)
            }
        }
    }
}
