//! `reconstruct`: rebuilding a mailbox's metadata from its spool files, as
//! Cyrus's `reconstruct` tool does, and finding mailboxes that the spool
//! has but `mailboxes.db` lacks (`-f`).
//!
//! Per mailbox ([`mailbox`], or [`mailbox_in_dir`] without a store): the
//! header is read (or rebuilt from the mailboxes.db entry), every index
//! record and cache entry that passes its CRC is kept, the message files
//! `<uid>.` are compared with the records, and a repaired index and cache
//! are installed through the crash-safe path of the mailbox layer. Message
//! files are never removed or rewritten. Every repair is reported as one
//! line; with [`Options::dry_run`] nothing is written.

mod check;
mod options;
mod records;
mod salvage;
mod spool;
mod targets;

pub use check::{mailbox, mailbox_in_dir, MailboxContext};
pub use options::{Finding, Options, Report};
pub use spool::{scan_spool, SpoolScan};
pub use targets::{resolve_targets, Selection};
