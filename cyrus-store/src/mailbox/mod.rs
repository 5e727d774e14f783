//! One mailbox's files: `cyrus.header`, `cyrus.index`, `cyrus.cache` and the
//! message files, and the operations on them (append, flags, expunge,
//! repack) under the mailbox lock.
//!
//! Codecs (pure, no I/O): [`header`], [`index_header`], [`index_record`],
//! [`cache`], [`synccrc`], [`examine`] (mbexamine-format reports).

pub mod cache;
mod error;
pub mod examine;
mod flagbits;
pub mod header;
pub mod index_header;
pub mod index_record;
pub mod synccrc;

pub use cache::{CacheItem, CacheItems};
pub use error::MailboxError;
pub use flagbits::{InternalFlags, SystemFlags, UserFlags};
pub use header::MailboxHeader;
pub use index_header::{IndexHeader, MailboxOptions};
pub use index_record::IndexRecord;
