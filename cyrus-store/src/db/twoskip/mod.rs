//! The twoskip backend: Cyrus 3.6's default cyrusdb format
//! (`lib/cyrusdb_twoskip.c`), read and written byte-compatibly.
//!
//! - `format`: header and record encoding, CRCs, BLANK padding.
//! - `engine`: the open file, locks, header and record reads.
//! - `locate`: skiplist search.
//! - `write`: appends, pointer stitching, commit and abort.
//! - `recovery`: repairing a file after a crash.
//! - `repack`: checkpoint into `<db>.NEW`.
//! - `check`: `consistent`.
//! - `db_impl`: the [`crate::db::Db`] implementation.

mod check;
mod db_impl;
mod engine;
mod format;
mod locate;
mod recovery;
mod repack;
mod write;

pub use engine::{Twoskip, TwoskipOptions};
pub(crate) use format::MAGIC;
