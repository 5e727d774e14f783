//! Mailbox-level annotation changes as Cyrus `mailbox_annot_changed`
//! records them in the index header: the annotation bytes count toward
//! `quota_annot_used`, and any change dirties HIGHESTMODSEQ.

use crate::ids::Modseq;

use super::error::MailboxError;
use super::open::Mailbox;

impl Mailbox {
    /// Records that annotation values of `old_len` bytes in total were
    /// replaced by `new_len` bytes; returns the new HIGHESTMODSEQ, which
    /// is the modseq of the change.
    pub fn annotations_changed(
        &mut self,
        old_len: u64,
        new_len: u64,
    ) -> Result<Modseq, MailboxError> {
        let mut ch = self.begin()?;
        // Never below zero, as Cyrus guards against corruption.
        let used = u64::from(ch.index.quota_annot_used).saturating_sub(old_len);
        ch.index.quota_annot_used = u32::try_from(used.saturating_add(new_len)).unwrap_or(u32::MAX);
        ch.index.highestmodseq = ch.index.highestmodseq.next();
        let modseq = ch.index.highestmodseq;
        self.commit(ch)?;
        Ok(modseq)
    }
}
