//! What delivery needs beyond [`Store::append`]: the duplicate database
//! (`deliver.db`) and whether a quota root is already over its limit
//! (lmtpd's RCPT-time check).

use crate::db::{self, Db, OpenFlags};
use crate::error::Error;
use crate::mboxname::MailboxName;
use crate::quota::QuotaResource;

use super::site::Store;

impl Store {
    /// Opens `deliver.db` (`duplicate_db_path`, else
    /// `<configdirectory>/deliver.db`), creating it when missing.
    pub fn open_duplicate_db(&self) -> Result<Box<dyn Db>, Error> {
        let spec = &self.options().databases.duplicate;
        let path = spec
            .path
            .clone()
            .unwrap_or_else(|| self.options().config_dir.join("deliver.db"));
        Ok(db::open(
            self.fs().clone(),
            &path,
            spec.backend,
            OpenFlags {
                create: true,
                ..OpenFlags::default()
            },
        )?)
    }

    /// True when the quota root of `name` is already over a storage or
    /// message limit (Cyrus `verify_user` with zero deltas).
    pub fn over_quota(&self, name: &MailboxName) -> Result<bool, Error> {
        Ok(match self.quota_root_of(name)? {
            Some(q) => {
                q.check(QuotaResource::Storage, 0).is_err()
                    || q.check(QuotaResource::Message, 0).is_err()
            }
            None => false,
        })
    }
}
