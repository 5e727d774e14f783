//! The user's `dav.db`: the SQLite file where Cyrus 3.6 indexes the
//! scripts of the `#sieve` mailbox (table `sieve_scripts`), which its
//! `timsieved` lists, reads and activates scripts through.
//!
//! - [`schema`] opens the file the way Cyrus's `sqldb_open` does and
//!   creates Cyrus's full schema (`PRAGMA user_version = 14`) when it is
//!   new.
//! - [`rows`] brings `sieve_scripts` in step with the mailbox's index
//!   records, by the rules of Cyrus's `mailbox_update_sieve`.
//! - [`sync`] is the store side: which file, which records, and when.
//!
//! The mailbox stays the source of truth: the store reads scripts only
//! from `#sieve`, and writes `dav.db` after each change to it (see
//! [`sync`] for what a crash in between leaves).

mod rows;
mod schema;
mod sync;
