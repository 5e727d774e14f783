//! What delivery needs beyond [`Store::append`]: the duplicate database
//! (`deliver.db`) and whether a quota root is already over its limit
//! (lmtpd's RCPT-time check).

use crate::db::{self, Db, OpenFlags, Txn};
use crate::duplicate::{self, DuplicateError, DuplicateKey, DuplicateMark};
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

    /// Looks `key` up in `deliver.db` (Cyrus `duplicate_check`).
    pub fn duplicate_check(&self, key: &DuplicateKey) -> Result<Option<DuplicateMark>, Error> {
        let mut db = self.open_duplicate_db()?;
        duplicate::check(db.as_mut(), key).map_err(dup_err)
    }

    /// Records `key` in `deliver.db` (Cyrus `duplicate_mark`); durable
    /// when it returns. Marks from deliveries on other threads that arrive
    /// meanwhile share one transaction (and its fsyncs).
    pub fn duplicate_mark(&self, key: &DuplicateKey, mark: DuplicateMark) -> Result<(), Error> {
        self.marks
            .run("deliver.db", (key.clone(), mark), |jobs| {
                if jobs.len() > 1 {
                    if let Ok(()) = self.mark_all(&jobs) {
                        return jobs.iter().map(|_| Ok(())).collect();
                    }
                }
                // Alone, or retried one by one after a failed batch so that
                // each caller gets its own error.
                jobs.iter()
                    .map(|j| self.mark_all(std::slice::from_ref(j)))
                    .collect()
            })
            .unwrap_or_else(|| Err(Error::Invalid("mark abandoned by a failed commit".into())))
    }

    /// One `deliver.db` transaction for `marks`.
    fn mark_all(&self, marks: &[(DuplicateKey, DuplicateMark)]) -> Result<(), Error> {
        let mut db = self.open_duplicate_db()?;
        let mut txn = Txn::begin(db.as_mut())?;
        for (k, m) in marks {
            duplicate::mark(txn.db(), k, *m).map_err(dup_err)?;
        }
        txn.commit()?;
        Ok(())
    }

    /// Cyrus `userdeny`: the deny message when `user_deny.db` (flat, in
    /// the configuration directory) has an entry for `user` whose service
    /// wildmat list (`version TAB wildmat[,…] [TAB message]`, `!` negates,
    /// first match from the left wins) matches `service`. A missing or
    /// unreadable database denies nobody.
    pub fn user_denied(&self, user: &str, service: &str) -> Result<Option<String>, Error> {
        let path = self.options().config_dir.join("user_deny.db");
        if !self.fs().exists(&path) {
            return Ok(None);
        }
        let mut db = db::open(
            self.fs().clone(),
            &path,
            db::DbBackend::Flat,
            OpenFlags::default(),
        )?;
        let Some(value) = db.fetch(user.as_bytes())? else {
            return Ok(None);
        };
        let text = String::from_utf8_lossy(&value);
        let mut parts = text.splitn(3, '\t');
        let version = parts
            .next()
            .unwrap_or("")
            .trim()
            .parse::<u32>()
            .unwrap_or(0);
        if !(1..=2).contains(&version) {
            return Ok(None);
        }
        let wild = parts.next().unwrap_or("");
        let msg = match (version, parts.next()) {
            (2, Some(m)) => m.to_string(),
            _ => "Access to this service has been blocked".to_string(),
        };
        for pat in wild.split(',') {
            let (not, pat) = match pat.strip_prefix('!') {
                Some(p) => (true, p),
                None => (false, pat),
            };
            if wildmat(service.as_bytes(), pat.as_bytes()) {
                return Ok((!not).then_some(msg));
            }
        }
        Ok(None)
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

/// `*` and `?` glob matching (the part of INN's wildmat Cyrus uses here).
fn wildmat(text: &[u8], pat: &[u8]) -> bool {
    match pat.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|i| wildmat(&text[i..], rest)),
        Some((b'?', rest)) => !text.is_empty() && wildmat(&text[1..], rest),
        Some((c, rest)) => text.first() == Some(c) && wildmat(&text[1..], rest),
    }
}

fn dup_err(e: DuplicateError) -> Error {
    match e {
        DuplicateError::Db(e) => Error::Db(e),
        other => Error::Invalid(other.to_string()),
    }
}
