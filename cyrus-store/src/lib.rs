//! `cyrus-store`: a mail store that is, on disk, what Cyrus IMAP 3.6 writes.
//!
//! The store is a synchronous library: no async runtime, no sockets, no
//! configuration-file parsing. Callers build typed options and call in.
//! Every file access goes through [`os::Fs`], so tests can simulate I/O
//! errors and power cuts.
//!
//! Layout of the crate (one module per thing it owns):
//! - [`os`]: the filesystem seam, real and simulated.
//! - [`ids`]: `Uid`, `Modseq`, `UidValidity`, `UniqueId`, `Guid`.
//! - [`dlist`]: Cyrus's typed text format.
//! - [`db`]: cyrusdb backends (twoskip, flat, quotalegacy).
//! - `mboxname`, `mboxlist`, `partition`, `mailbox`, `message`, `acl`,
//!   `quota`, `seen`, `subs`, `duplicate`, `annotate`: the mail store.

pub mod db;
pub mod dlist;
mod error;
pub mod ids;
pub mod options;
pub mod os;

pub mod acl;
pub mod annotate;
pub mod duplicate;
pub mod mailbox;
pub mod mboxlist;
pub mod mboxname;
pub mod message;
mod partition;
pub mod quota;
pub mod reconstruct;
pub mod seen;
pub mod sieve;
mod store;
pub mod subs;

pub use error::Error;
pub use ids::{Guid, Modseq, Uid, UidValidity, UniqueId};
pub use options::{AclOptions, DbOptions, DbSpec, DeleteMode, StoreOptions};
pub use store::{
    parse_duration, CheckpointReport, DeletedEvent, ExpireScope, ExpungeEvent, ExpungePass,
    ExpungeReport, PruneReport, RecoverOptions, RecoverReport, SiteDb, TOMBSTONE_LIFETIME,
};
pub use store::{AnnotChange, AnnotTarget};
pub use store::{AppendRequest, ListHit, NewMailbox, QuotaPolicy, StagedMessage, Store};
pub use store::{Pop3Message, Pop3Snapshot, Pop3Update, Pop3View};
