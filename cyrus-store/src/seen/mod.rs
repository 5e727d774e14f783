//! Per-user seen state (`seen.db`), keyed by mailbox uniqueid, and the
//! IMAP sequence-set type its values use.

#[allow(clippy::module_inception)]
mod seen;
mod seqset;

pub use seen::{all, read, remove, write, SeenData, SeenError, SEEN_VERSION};
pub use seqset::{BadSeqSet, SeqSet};
