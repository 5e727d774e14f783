//! A mailbox opened only to append to it (Cyrus's `mailbox_open_iwl` +
//! `append_setup`): exclusively locked, with the index header but none of
//! the records read, so an LMTP delivery or an APPEND costs the same in
//! a mailbox of ten messages as in one of a million.

use std::path::Path;

use crate::ids::Uid;
use crate::os::FsRef;

use super::append::NewMessage;
use super::error::MailboxError;
use super::header::MailboxHeader;
use super::index_header::IndexHeader;
use super::open::Mailbox;

/// An exclusively locked mailbox that can only be appended to. The lock is
/// held until it is dropped.
#[derive(Debug)]
pub struct Appender {
    // Its `records` were never read: nothing that looks at them may be
    // reachable through this type.
    mb: Mailbox,
}

impl Appender {
    /// Opens the mailbox in `dir` for appending.
    pub fn open(fs: FsRef, dir: &Path) -> Result<Appender, MailboxError> {
        Ok(Appender {
            mb: Mailbox::open_header_only(fs, dir)?,
        })
    }

    /// The decoded `cyrus.header`.
    pub fn header(&self) -> &MailboxHeader {
        self.mb.header()
    }

    /// The index header as of the last commit.
    pub fn index(&self) -> &IndexHeader {
        self.mb.index()
    }

    /// Appends `msgs` in one group commit, as
    /// [`Mailbox::append_batch`] does.
    pub fn append(&mut self, msgs: &[&NewMessage], now: u32) -> Result<Vec<Uid>, MailboxError> {
        self.mb.append_refs(msgs, now)
    }
}
