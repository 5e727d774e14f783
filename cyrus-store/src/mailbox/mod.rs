//! One mailbox's files: `cyrus.header`, `cyrus.index`, `cyrus.cache` and the
//! message files, and the operations on them (append, flags, expunge,
//! repack) under the mailbox lock.
//!
//! Codecs (pure, no I/O): [`header`], [`index_header`], [`index_record`],
//! [`cache`], [`synccrc`], [`examine`] and [`examine_check`] (mbexamine-format
//! reports).
//! Operations on an open [`Mailbox`]: `open`, `create`, `append`, `copy`, `flags`,
//! `expunge`, `repack`, `properties`, all committed through `commit` (crash-safe order).

mod annot_usage;
mod append;
mod appender;
pub mod cache;
mod cache_file;
mod commit;
mod copy;
mod create;
mod error;
pub mod examine;
pub mod examine_check;
mod expunge;
mod flagbits;
mod flags;
pub mod header;
pub mod index_header;
pub mod index_record;
mod open;
mod properties;
pub(crate) mod rebuild;
mod repack;
mod report;
pub mod synccrc;

pub use append::NewMessage;
pub use appender::Appender;
pub use cache::{CacheItem, CacheItems};
pub use cache_file::CacheSnapshot;
pub use copy::CopySource;
pub use create::CreateSpec;
pub use error::MailboxError;
pub use expunge::ExpungeMode;
pub use flagbits::{InternalFlags, SystemFlags, UserFlags};
pub use flags::FlagOp;
pub use header::MailboxHeader;
pub use index_header::{IndexHeader, MailboxOptions};
pub use index_record::IndexRecord;
pub use open::{Mailbox, CACHE_FILE, HEADER_FILE, INDEX_FILE};
