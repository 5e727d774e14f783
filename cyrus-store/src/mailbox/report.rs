//! The mbexamine / `unexpunge -l` reports of an open mailbox.

use crate::ids::{Guid, Uid};
use crate::os::OpenMode;

use super::cache::CacheItems;
use super::error::MailboxError;
use super::examine::{self, ReportMessage};
use super::examine_check::{self, DirFile, FileParse, ParsedFile};
use super::open::{os_err, Mailbox};

impl Mailbox {
    fn report_messages(
        &self,
        pick: impl Fn(&super::IndexRecord) -> bool,
    ) -> Vec<(usize, Option<CacheItems>)> {
        // Like Cyrus, a missing or corrupt cache entry only drops the cache
        // lines from the report.
        let snapshot = self.cache_snapshot().ok();
        self.records
            .iter()
            .enumerate()
            .filter(|(_, r)| pick(r))
            .map(|(i, r)| (i, snapshot.as_ref().and_then(|s| s.entry(r).ok())))
            .collect()
    }

    /// What Cyrus's `mbexamine <extname>` prints for this mailbox; `path`
    /// is printed as the mailbox directory.
    pub fn mbexamine_report(&self, extname: &str, path: &str) -> Vec<u8> {
        let picked = self.report_messages(|r| !r.is_expunged());
        let msgs: Vec<ReportMessage<'_>> = picked
            .iter()
            .map(|(i, c)| ReportMessage {
                record: &self.records[*i],
                cache: c.as_ref(),
            })
            .collect();
        examine::mbexamine(extname, path, &self.header, &self.index, &msgs)
    }

    /// What Cyrus's `unexpunge -l` prints for this mailbox.
    pub fn unexpunge_report(&self) -> Vec<u8> {
        let picked = self.report_messages(|r| r.is_expunged() && !r.is_unlinked());
        let msgs: Vec<ReportMessage<'_>> = picked
            .iter()
            .map(|(i, c)| ReportMessage {
                record: &self.records[*i],
                cache: c.as_ref(),
            })
            .collect();
        examine::unexpunge_list(&msgs)
    }
}

impl Mailbox {
    /// What Cyrus's `mbexamine -q <extname>` prints: index sizes and
    /// `quota_mailbox_used` checked against the message files.
    pub fn mbexamine_quota_report(&self, extname: &str) -> Result<Vec<u8>, MailboxError> {
        let mut sizes = Vec::new();
        for r in self.records.iter().filter(|r| !r.is_expunged()) {
            let p = self.message_path(r.uid);
            let len = self
                .fs
                .metadata(&p)
                .map_err(os_err("stat", &p))?
                .map(|m| m.len);
            sizes.push((r.uid, r.size, len));
        }
        Ok(examine_check::quota_check(
            extname,
            &sizes,
            self.index.quota_mailbox_used,
        ))
    }

    /// What Cyrus's `mbexamine -c <extname>` prints: every record (expunged
    /// ones too) against the message files in the directory. `parse` plays
    /// Cyrus's `message_parse`: it returns the file's sent date and cache
    /// items, or `None` if the file does not parse.
    pub fn mbexamine_compare_report(
        &self,
        extname: &str,
        path: &str,
        parse: &dyn Fn(&[u8]) -> Option<FileParse>,
    ) -> Result<Vec<u8>, MailboxError> {
        let names = self
            .fs
            .read_dir(&self.dir)
            .map_err(os_err("readdir", &self.dir))?;
        // Cyrus takes every name that sscanf("%u.") reads a number from.
        let mut uids: Vec<Uid> = names
            .iter()
            .filter_map(|n| {
                let digits: String = n.chars().take_while(char::is_ascii_digit).collect();
                digits.parse::<u32>().ok().map(Uid)
            })
            .collect();
        uids.sort_unstable();
        let mut files = Vec::with_capacity(uids.len());
        for uid in uids {
            let p = self.dir.join(format!("{}.", uid.0));
            let parsed = match self.fs.open(&p, OpenMode::Read).and_then(|f| f.read_all()) {
                Ok(bytes) => parse(&bytes).map(|FileParse { sentdate, cache }| ParsedFile {
                    guid: Guid::of(&bytes),
                    size: bytes.len() as u32,
                    sentdate,
                    cache,
                }),
                Err(_) => None,
            };
            files.push(DirFile { uid, parsed });
        }
        let picked = self.report_messages(|_| true);
        let msgs: Vec<ReportMessage<'_>> = picked
            .iter()
            .map(|(i, c)| ReportMessage {
                record: &self.records[*i],
                cache: c.as_ref(),
            })
            .collect();
        Ok(examine_check::compare(extname, path, &msgs, &files))
    }
}
