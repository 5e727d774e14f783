//! Subscriptions (`sub.db`) for protocol front-ends: the file is found
//! the way Cyrus 3.6 does (`user/<h>/<inbox uniqueid>/sub.db`, or the
//! legacy `user/<h>/<user>.sub` with `mailbox_legacy_dirs`).

use crate::db::Db;
use crate::error::Error;
use crate::mboxname::{MailboxName, UserId};
use crate::subs::{self, SubsError};

use super::site::Store;

fn from_subs(e: SubsError) -> Error {
    match e {
        SubsError::Db(e) => Error::Db(e),
        SubsError::Name(e) => Error::Name(e),
    }
}

impl Store {
    fn open_sub_db(&self, user: &UserId) -> Result<Box<dyn Db>, Error> {
        self.open_user_db(user, "sub", self.options().databases.subscription.backend)
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
