//! The mbexamine / `unexpunge -l` reports of an open mailbox.

use super::cache::CacheItems;
use super::examine::{self, ReportMessage};
use super::open::Mailbox;

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
