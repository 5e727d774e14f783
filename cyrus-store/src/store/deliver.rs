//! What LMTP delivery needs beyond [`Store::append`]: the duplicate
//! database (`deliver.db`), appending with quota ignored (`RCPT …
//! IGNOREQUOTA`), and whether a quota root is already over its limit
//! (lmtpd's RCPT-time check).

use crate::db::{self, Db, OpenFlags};
use crate::error::Error;
use crate::ids::Uid;
use crate::mailbox::{NewMessage, SystemFlags};
use crate::mboxname::MailboxName;
use crate::message;
use crate::os::LockKind;
use crate::quota::{self, QuotaResource};

use super::append::AppendRequest;
use super::mailboxes::adjust_quota;
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

    /// Like [`Store::append`] for one message, but without the quota
    /// check (`RCPT … IGNOREQUOTA`); the usage is still counted. Returns
    /// once the message is durable.
    pub fn append_ignoring_quota(
        &self,
        name: &MailboxName,
        msg: &AppendRequest,
        now: u32,
    ) -> Result<Uid, Error> {
        let (_, mut mbox) = self.open_mailbox(name, LockKind::Exclusive)?;
        let quotaroot = mbox.header().quotaroot.clone();
        let parsed = message::parse(&msg.data);
        let internaldate = msg.internaldate.unwrap_or(now);
        let (sentdate, gmtime) = parsed.index_dates(internaldate);
        let (system_flags, user_flags) = split_flags(&msg.flags);
        let new = NewMessage {
            data: msg.data.clone(),
            internaldate,
            sentdate,
            gmtime,
            header_size: parsed.header_size(),
            cache: parsed.cache_items(),
            system_flags,
            user_flags,
            savedate: now,
            cid: 0,
        };
        let uids = mbox.append_batch(std::slice::from_ref(&new), now)?;
        drop(mbox);
        if let Some(root) = &quotaroot {
            let mut q = self.open_quota_db()?;
            if quota::read(q.as_mut(), root)?.is_some() {
                adjust_quota(
                    q.as_mut(),
                    root,
                    &[
                        (QuotaResource::Storage, msg.data.len() as i64),
                        (QuotaResource::Message, 1),
                    ],
                )?;
            }
        }
        uids.first()
            .copied()
            .ok_or_else(|| Error::Invalid("append returned no UID".into()))
    }
}

/// System flag bits and keywords (as `append` splits them).
fn split_flags(flags: &[String]) -> (SystemFlags, Vec<String>) {
    let mut sys = SystemFlags::default();
    let mut user: Vec<String> = Vec::new();
    for f in flags {
        match f.to_ascii_lowercase().as_str() {
            "\\answered" => sys |= SystemFlags::ANSWERED,
            "\\flagged" => sys |= SystemFlags::FLAGGED,
            "\\deleted" => sys |= SystemFlags::DELETED,
            "\\draft" => sys |= SystemFlags::DRAFT,
            "\\seen" => sys |= SystemFlags::SEEN,
            "\\recent" => {}
            _ => {
                if !user.iter().any(|u| u.eq_ignore_ascii_case(f)) {
                    user.push(f.clone());
                }
            }
        }
    }
    (sys, user)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::duplicate::{DuplicateKey, DuplicateMark};
    use crate::os::{FsRef, SimFs};
    use crate::store::NewMailbox;
    use crate::StoreOptions;

    #[test]
    fn ignore_quota_appends_and_counts_over_the_limit() {
        let fs: FsRef = Arc::new(SimFs::new());
        let store = Store::open(fs, StoreOptions::new("/lib", "/spool")).expect("open");
        let inbox = MailboxName::from_internal("user.bob").expect("name");
        store
            .create_mailbox(&inbox, &NewMailbox::default(), 1)
            .expect("create");
        store
            .set_quota(&inbox, &[(QuotaResource::Message, Some(1))])
            .expect("quota");
        let msg = AppendRequest {
            data: b"Subject: q\r\n\r\nx\r\n".to_vec(),
            ..AppendRequest::default()
        };
        assert!(!store.over_quota(&inbox).expect("check"));
        store
            .append(&inbox, std::slice::from_ref(&msg), 2)
            .expect("first fits");
        assert!(!store.over_quota(&inbox).expect("at the limit is not over"));
        assert!(matches!(
            store.append(&inbox, std::slice::from_ref(&msg), 3),
            Err(Error::OverQuota(QuotaResource::Message))
        ));
        store
            .append_ignoring_quota(&inbox, &msg, 4)
            .expect("ignored");
        assert!(store.over_quota(&inbox).expect("now over"));
        let q = store.quota_root_of(&inbox).expect("q").expect("root");
        assert_eq!(q.used(QuotaResource::Message), 2);

        let mut db = store.open_duplicate_db().expect("deliver.db");
        let k = DuplicateKey::new(b"<id>", b"uid", b"date").expect("key");
        crate::duplicate::mark(db.as_mut(), &k, DuplicateMark { mark: 5, uid: 1 }).expect("mark");
        drop(db);
        let mut db = store.open_duplicate_db().expect("reopen");
        assert!(crate::duplicate::check(db.as_mut(), &k)
            .expect("check")
            .is_some());
    }
}
