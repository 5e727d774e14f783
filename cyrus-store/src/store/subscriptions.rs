//! Subscriptions (`sub.db`) for protocol front-ends: the file is found
//! the way Cyrus 3.6 does (`user/<h>/<inbox uniqueid>/sub.db`, or the
//! legacy `user/<h>/<user>.sub` with `mailbox_legacy_dirs`).

use std::path::PathBuf;

use crate::db::{self, Db, OpenFlags};
use crate::error::Error;
use crate::mboxname::{legacy_conf_path, user_conf_path, DirHash, MailboxName, UserId};
use crate::os::OsError;
use crate::subs::{self, SubsError};

use super::site::Store;

fn from_subs(e: SubsError) -> Error {
    match e {
        SubsError::Db(e) => Error::Db(e),
        SubsError::Name(e) => Error::Name(e),
    }
}

impl Store {
    fn sub_path(&self, user: &UserId) -> Result<PathBuf, Error> {
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
                Some("sub"),
                hash,
            ));
        }
        let entry = self
            .lookup(&inbox)?
            .ok_or_else(|| Error::NonExistent(inbox.to_internal()))?;
        let id = entry
            .uniqueid
            .ok_or_else(|| Error::Invalid(format!("{} has no uniqueid", inbox.to_internal())))?;
        Ok(user_conf_path(&opts.config_dir, &id, Some("sub")))
    }

    fn open_sub_db(&self, user: &UserId) -> Result<Box<dyn Db>, Error> {
        let path = self.sub_path(user)?;
        if let Some(dir) = path.parent() {
            self.fs()
                .create_dir_all(dir)
                .map_err(|e| Error::Os(OsError::new("mkdir", dir, e)))?;
        }
        Ok(db::open(
            self.fs().clone(),
            &path,
            self.options().databases.subscription.backend,
            OpenFlags {
                create: true,
                ..OpenFlags::default()
            },
        )?)
    }

    /// `user`'s subscriptions, in sub.db order.
    pub fn subscriptions(&self, user: &UserId) -> Result<Vec<MailboxName>, Error> {
        let mut db = self.open_sub_db(user)?;
        subs::list(db.as_mut(), user).map_err(from_subs)
    }

    /// Subscribes `user` to `name` (`on`) or unsubscribes.
    pub fn set_subscribed(&self, user: &UserId, name: &MailboxName, on: bool) -> Result<(), Error> {
        let mut db = self.open_sub_db(user)?;
        db.begin()?;
        let r = if on {
            subs::subscribe(db.as_mut(), user, name)
        } else {
            subs::unsubscribe(db.as_mut(), user, name)
        };
        match r {
            Ok(()) => Ok(db.commit()?),
            Err(e) => {
                // The original error matters more than a failed abort.
                let _ = db.abort();
                Err(from_subs(e))
            }
        }
    }
}
