use crate::acl::AclError;
use crate::db::DbError;
use crate::mboxname::NameError;

/// Errors from mailboxes.db operations.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MboxlistError {
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// A record that does not parse (`IMAP_MAILBOX_BADFORMAT`).
    #[error("mailboxes.db record {key:?} is corrupt: {what}")]
    Corrupt {
        /// The record's key, lossily as text.
        key: String,
        /// What is wrong.
        what: String,
    },
    /// A bad mailbox name.
    #[error(transparent)]
    Name(#[from] NameError),
    /// A bad ACL.
    #[error(transparent)]
    Acl(#[from] AclError),
    /// The mailbox exists already (`IMAP_MAILBOX_EXISTS`).
    #[error("mailbox {0} already exists")]
    Exists(String),
    /// The mailbox does not exist (`IMAP_MAILBOX_NONEXISTENT`).
    #[error("mailbox {0} does not exist")]
    NotFound(String),
    /// An entry that cannot be written (no uniqueid, for example).
    #[error("invalid mailbox entry: {0}")]
    Invalid(&'static str),
    /// A `ctl_mboxlist -d` dump that does not parse.
    #[error("bad mailbox list dump: {0}")]
    BadDump(String),
}
