//! The store as one object: a Cyrus site (configuration directory,
//! partitions, databases) opened with typed options. Protocol front-ends
//! and tools call this; it composes `mboxlist`, `mailbox`, `message`,
//! `quota` and `acl` and keeps their invariants together (the mailbox list
//! and the spool agree, quota usage follows appends).

mod acl;
mod annotations;
mod append;
mod checkpoint;
mod copy;
mod deliver;
mod expire;
mod expunge;
mod group_commit;
mod list;
mod mailboxes;
mod pop3;
mod quota;
mod recover;
mod rename;
mod seen;
mod site;
mod stage;
mod subscriptions;
mod user_files;
mod users;

pub use annotations::{AnnotChange, AnnotTarget};
pub use append::{AppendRequest, QuotaPolicy};
pub use checkpoint::{CheckpointReport, SiteDb};
pub use expire::{
    parse_duration, DeletedEvent, ExpireScope, ExpungeEvent, ExpungePass, ExpungeReport,
    PruneReport, TOMBSTONE_LIFETIME,
};
pub use list::ListHit;
pub use mailboxes::NewMailbox;
pub use pop3::{Pop3Message, Pop3Snapshot, Pop3Update, Pop3View};
pub use recover::{RecoverOptions, RecoverReport};
pub use site::Store;
pub use stage::StagedMessage;
