//! Cyrus "dlist": the typed text format used in `cyrus.header`,
//! `mailboxes.db` values, quota values and the replication protocol
//! (Cyrus `imap/dlist.c`).

mod parse;
mod print;
mod value;

pub use parse::{parse, DlistError};
pub use value::{Dlist, DlistFile};
