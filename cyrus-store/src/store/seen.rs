//! Per-user seen state (`seen.db`) for protocol front-ends: found the way
//! Cyrus 3.6 does (`user/<h>/<inbox uniqueid>/seen.db`, or the legacy
//! `user/<h>/<user>.seen` with `mailbox_legacy_dirs`), keyed by the
//! mailbox uniqueid. Lock order: after the mailbox index (§Lock order 4).

use crate::db::Db;
use crate::error::Error;
use crate::ids::UniqueId;
use crate::mboxname::UserId;
use crate::seen::{self, SeenData, SeenError};

use super::site::Store;

fn from_seen(e: SeenError) -> Error {
    match e {
        SeenError::Db(e) => Error::Db(e),
        other => Error::Invalid(other.to_string()),
    }
}

impl Store {
    fn open_seen_db(&self, user: &UserId) -> Result<Box<dyn Db>, Error> {
        self.open_user_db(user, "seen", self.options().databases.seen.backend)
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
