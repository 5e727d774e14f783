//! Appending messages: parse once, check quota, write with one group
//! commit, then account the usage.

use crate::error::Error;
use crate::ids::Uid;
use crate::mailbox::{Appender, CacheItems, NewMessage, SystemFlags};
use crate::mboxlist::MbEntry;
use crate::mboxname::MailboxName;
use crate::message;
use crate::quota::{self, QuotaResource};

use super::mailboxes::adjust_quota;
use super::site::Store;

/// One message to append.
#[derive(Debug, Clone, Default)]
pub struct AppendRequest {
    /// The message, exactly as it will be stored (CRLF line ends).
    pub data: Vec<u8>,
    /// Flags to set: system flags (`\Seen`, ...) and keywords.
    pub flags: Vec<String>,
    /// INTERNALDATE; `None` = now.
    pub internaldate: Option<u32>,
}

/// Whether an append must fit in the quota root's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QuotaPolicy {
    /// Refuse the whole append when it would exceed a limit.
    #[default]
    Enforce,
    /// Append anyway and count the usage (Cyrus `deliver -q`, LMTP
    /// `IGNOREQUOTA`).
    Ignore,
}

/// Splits IMAP flag names into system flag bits and keywords.
fn split_flags(flags: &[String]) -> (SystemFlags, Vec<String>) {
    let mut sys = SystemFlags::default();
    let mut user = Vec::new();
    for f in flags {
        match f.to_ascii_lowercase().as_str() {
            "\\answered" => sys |= SystemFlags::ANSWERED,
            "\\flagged" => sys |= SystemFlags::FLAGGED,
            "\\deleted" => sys |= SystemFlags::DELETED,
            "\\draft" => sys |= SystemFlags::DRAFT,
            "\\seen" => sys |= SystemFlags::SEEN,
            "\\recent" => {}
            _ => {
                if !user.iter().any(|u: &String| u.eq_ignore_ascii_case(f)) {
                    user.push(f.clone());
                }
            }
        }
    }
    (sys, user)
}

impl Store {
    /// Appends `msgs` to mailbox `name` in one group commit and returns
    /// their UIDs. Nothing is appended when any message would exceed the
    /// mailbox's quota root. Returns once the messages, cache and index are
    /// durable.
    pub fn append(
        &self,
        name: &MailboxName,
        msgs: &[AppendRequest],
        now: u32,
    ) -> Result<Vec<Uid>, Error> {
        self.append_with(name, msgs, now, QuotaPolicy::Enforce)
    }

    /// [`Store::append`] with an explicit quota policy.
    pub fn append_with(
        &self,
        name: &MailboxName,
        msgs: &[AppendRequest],
        now: u32,
        policy: QuotaPolicy,
    ) -> Result<Vec<Uid>, Error> {
        let new: Vec<NewMessage> = msgs
            .iter()
            .map(|m| {
                new_message(
                    m.data.clone(),
                    &ParsedParts::parse(&m.data),
                    &m.flags,
                    m.internaldate.unwrap_or(now),
                    now,
                )
            })
            .collect();
        let entry = self
            .lookup(name)?
            .ok_or_else(|| Error::NonExistent(name.to_internal()))?;
        self.append_new(&entry, new, now, policy)
    }

    /// Appends built messages under the mailbox's quota root: all or
    /// nothing against the limits (unless `policy` ignores them), usage
    /// accounted afterwards. Appends to the same mailbox from other
    /// threads that arrive meanwhile share one commit (see
    /// [`group_commit`](super::group_commit)); each keeps its own quota
    /// check and result.
    pub(super) fn append_new(
        &self,
        target: &MbEntry,
        new: Vec<NewMessage>,
        now: u32,
        policy: QuotaPolicy,
    ) -> Result<Vec<Uid>, Error> {
        if new.is_empty() {
            return Ok(Vec::new());
        }
        let job = AppendJob {
            msgs: new,
            policy,
            now,
        };
        self.appends
            .run(&target.name.to_internal(), job, |jobs| {
                self.commit_appends(target, jobs)
            })
            .unwrap_or_else(|| Err(Error::Invalid("append abandoned by a failed commit".into())))
    }

    /// Commits a batch of appends to `name`; one result per job. A batch
    /// that fails as a whole (nothing of it is appended) is retried job by
    /// job, so each caller gets its own error.
    fn commit_appends(
        &self,
        target: &MbEntry,
        jobs: Vec<AppendJob>,
    ) -> Vec<Result<Vec<Uid>, Error>> {
        if jobs.len() > 1 {
            if let Ok(results) = self.append_jobs(target, &jobs) {
                return results;
            }
        }
        jobs.iter()
            .map(|j| {
                self.append_jobs(target, std::slice::from_ref(j))
                    .and_then(|mut r| r.pop().unwrap_or_else(|| Ok(Vec::new())))
            })
            .collect()
    }

    /// One mailbox commit for `jobs`: each job is checked against the
    /// quota root in turn (counting the jobs accepted before it) and
    /// refused alone; the accepted ones are appended together.
    fn append_jobs(
        &self,
        target: &MbEntry,
        jobs: &[AppendJob],
    ) -> Result<Vec<Result<Vec<Uid>, Error>>, Error> {
        let mut mbox = Appender::open(self.fs().clone(), &self.mailbox_dir(target)?)?;
        let quotaroot = mbox.header().quotaroot.clone();
        let mut qdb = match &quotaroot {
            Some(_) => Some(self.open_quota_db()?),
            None => None,
        };
        let limits = match (&quotaroot, qdb.as_mut()) {
            (Some(root), Some(q)) if jobs.iter().any(|j| j.policy == QuotaPolicy::Enforce) => {
                quota::read(q.as_mut(), root)?
            }
            _ => None,
        };
        let (mut total, mut count) = (0i64, 0i64);
        let mut verdicts: Vec<Result<usize, Error>> = Vec::with_capacity(jobs.len());
        let mut batch: Vec<&NewMessage> = Vec::new();
        for job in jobs {
            let size: i64 = job.msgs.iter().map(|m| m.data.len() as i64).sum();
            let n = job.msgs.len() as i64;
            let fits = match (&limits, job.policy) {
                (Some(q), QuotaPolicy::Enforce) => q
                    .check(QuotaResource::Storage, total + size)
                    .and_then(|()| q.check(QuotaResource::Message, count + n))
                    .map_err(Error::from),
                _ => Ok(()),
            };
            verdicts.push(fits.map(|()| {
                total += size;
                count += n;
                batch.extend(job.msgs.iter());
                job.msgs.len()
            }));
        }
        let now = jobs.iter().map(|j| j.now).max().unwrap_or(0);
        let uids = if batch.is_empty() {
            Vec::new()
        } else {
            mbox.append(&batch, now)?
        };
        drop(mbox);
        // The messages are durable from here on: the append has happened,
        // whatever the usage update says. A failed update leaves the quota
        // root short (as in Cyrus, `quota -f` recounts it); reporting the
        // append as failed would make clients store it twice.
        if let (Some(root), Some(q), true) = (&quotaroot, qdb.as_mut(), count > 0) {
            let deltas = [
                (QuotaResource::Storage, total),
                (QuotaResource::Message, count),
            ];
            if let Err(e) = adjust_quota(q.as_mut(), root, &deltas) {
                tracing::warn!(quotaroot = %root, error = %e, "quota usage not updated after append");
            }
        }
        let mut uids = uids.into_iter();
        Ok(verdicts
            .into_iter()
            .map(|v| v.map(|n| uids.by_ref().take(n).collect()))
            .collect())
    }
}

/// One caller's append, waiting for its group commit.
#[derive(Debug)]
pub(super) struct AppendJob {
    msgs: Vec<NewMessage>,
    policy: QuotaPolicy,
    now: u32,
}

/// What appending takes from a parsed message, computed once (a
/// delivery to many recipients parses the message once).
#[derive(Debug, Clone)]
pub(super) struct ParsedParts {
    header_size: u32,
    cache: CacheItems,
    /// SENTDATE and GMTIME from `Date:`, 0 when missing or unparseable.
    sent_date: u32,
    gmtime: u32,
}

impl ParsedParts {
    /// Parses `data` once for appending.
    pub(super) fn parse(data: &[u8]) -> ParsedParts {
        let parsed = message::parse(data);
        ParsedParts {
            header_size: parsed.header_size(),
            cache: parsed.cache_items(),
            sent_date: parsed.sent_date(),
            gmtime: parsed.gmtime(),
        }
    }
}

/// The mailbox-level message for one append.
pub(super) fn new_message(
    data: Vec<u8>,
    parts: &ParsedParts,
    flags: &[String],
    internaldate: u32,
    now: u32,
) -> NewMessage {
    let (sentdate, gmtime) = message::index_dates(parts.sent_date, parts.gmtime, internaldate);
    let (system_flags, user_flags) = split_flags(flags);
    NewMessage {
        data,
        internaldate,
        sentdate,
        gmtime,
        header_size: parts.header_size,
        cache: parts.cache.clone(),
        system_flags,
        user_flags,
        savedate: now,
        cid: 0,
        staged_file: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_split_into_system_and_keywords() {
        let (sys, user) = split_flags(&[
            "\\Seen".into(),
            "\\FLAGGED".into(),
            "$Forwarded".into(),
            "$forwarded".into(),
            "\\Recent".into(),
        ]);
        assert!(sys.contains(SystemFlags::SEEN) && sys.contains(SystemFlags::FLAGGED));
        assert_eq!(user, vec!["$Forwarded".to_string()]);
    }
}
