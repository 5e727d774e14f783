//! What a reconstruct run is asked to do, and what it found.

use std::fmt;

/// Options of a run (the `reconstruct` command-line switches that change
/// what is repaired).
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// `-n`: report, write nothing.
    pub dry_run: bool,
    /// `-G`: re-parse every message file (GUIDs and cache entries are
    /// recomputed and rewritten when they differ).
    pub reparse_all: bool,
    /// `-x`: ignore the existing index records and rebuild from the files
    /// (UIDVALIDITY, last UID and HIGHESTMODSEQ are still kept).
    pub ignore_index: bool,
    /// The current time (seconds since the epoch): LAST_UPDATED of changed
    /// records, INTERNALDATE of files without a usable mtime.
    pub now: u32,
}

/// One problem found (and, unless `dry_run`, repaired).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The mailbox, as the report names it.
    pub mailbox: String,
    /// What was found and what is done about it.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.mailbox, self.message)
    }
}

/// The outcome of reconstructing one mailbox.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The mailbox, as the report names it.
    pub mailbox: String,
    /// Every problem found, in the order found.
    pub findings: Vec<Finding>,
    /// True when repaired files were written (never with `dry_run`).
    pub written: bool,
}

impl Report {
    /// An empty report for `mailbox`.
    pub fn new(mailbox: &str) -> Report {
        Report {
            mailbox: mailbox.to_string(),
            findings: Vec::new(),
            written: false,
        }
    }

    /// Records a finding.
    pub(crate) fn add(&mut self, message: impl Into<String>) {
        self.findings.push(Finding {
            mailbox: self.mailbox.clone(),
            message: message.into(),
        });
    }

    /// True when nothing was found.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }
}
