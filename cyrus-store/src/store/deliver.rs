//! Delivery with the quota check waived (Cyrus `deliver -q` / lmtpd's
//! `ignorequota`): the messages are appended even over the limit, and
//! their usage is still counted into the quota root.

use crate::error::Error;
use crate::ids::Uid;
use crate::mailbox::NewMessage;
use crate::mboxname::MailboxName;
use crate::message;
use crate::os::LockKind;
use crate::quota::QuotaResource;

use super::mailboxes::adjust_quota;
use super::site::Store;

impl Store {
    /// Appends unflagged messages (`data`, CRLF line ends) to `name` with
    /// INTERNALDATE `now`, without checking the quota root's limits; the
    /// usage is added to the root as [`Store::append`] does.
    ///
    /// This is [`Store::append`] minus the limit check and the flags; the
    /// two should become one call with a quota policy argument.
    pub fn append_ignoring_quota(
        &self,
        name: &MailboxName,
        data: &[Vec<u8>],
        now: u32,
    ) -> Result<Vec<Uid>, Error> {
        if data.is_empty() {
            return Ok(Vec::new());
        }
        let (_, mut mbox) = self.open_mailbox(name, LockKind::Exclusive)?;
        let total: i64 = data.iter().map(|m| m.len() as i64).sum();
        let count = data.len() as i64;
        let quotaroot = mbox.header().quotaroot.clone();
        let new: Vec<NewMessage> = data
            .iter()
            .map(|d| {
                let parsed = message::parse(d);
                let (sentdate, gmtime) = parsed.index_dates(now);
                NewMessage {
                    data: d.clone(),
                    internaldate: now,
                    sentdate,
                    gmtime,
                    header_size: parsed.header_size(),
                    cache: parsed.cache_items(),
                    system_flags: Default::default(),
                    user_flags: Vec::new(),
                    savedate: now,
                    cid: 0,
                }
            })
            .collect();
        let uids = mbox.append_batch(&new, now)?;
        drop(mbox);
        if let Some(root) = &quotaroot {
            let mut qdb = self.open_quota_db()?;
            adjust_quota(
                qdb.as_mut(),
                root,
                &[
                    (QuotaResource::Storage, total),
                    (QuotaResource::Message, count),
                ],
            )?;
        }
        Ok(uids)
    }
}
