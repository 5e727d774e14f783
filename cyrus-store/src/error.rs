//! The store's top-level error: what went wrong in terms a protocol can
//! answer (no such mailbox, already exists, over quota, ...), or the area
//! error underneath.

use crate::acl::AclError;
use crate::db::DbError;
use crate::dlist::DlistError;
use crate::mailbox::MailboxError;
use crate::mboxlist::MboxlistError;
use crate::mboxname::NameError;
use crate::os::OsError;
use crate::quota::{QuotaError, QuotaResource};

/// Any error the store's public API returns.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No such mailbox (`IMAP_MAILBOX_NONEXISTENT`).
    #[error("mailbox {0} does not exist")]
    NonExistent(String),
    /// The mailbox exists already (`IMAP_MAILBOX_EXISTS`).
    #[error("mailbox {0} already exists")]
    Exists(String),
    /// The mailbox has children (`IMAP_MAILBOX_HASCHILDREN`).
    #[error("mailbox {0} has children")]
    HasChildren(String),
    /// The change would exceed a quota limit (`IMAP_QUOTA_EXCEEDED`).
    #[error("Over quota ({})", .0.name())]
    OverQuota(QuotaResource),
    /// A request that makes no sense for this store.
    #[error("{0}")]
    Invalid(String),
    /// The operating system failed.
    #[error(transparent)]
    Os(#[from] OsError),
    /// A database failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// A dlist did not parse.
    #[error(transparent)]
    Dlist(#[from] DlistError),
    /// A mailbox's files failed.
    #[error(transparent)]
    Mailbox(#[from] MailboxError),
    /// A bad mailbox name.
    #[error(transparent)]
    Name(#[from] NameError),
    /// A bad ACL.
    #[error(transparent)]
    Acl(#[from] AclError),
    /// mailboxes.db failed.
    #[error(transparent)]
    Mboxlist(MboxlistError),
    /// The quota database failed.
    #[error(transparent)]
    Quota(QuotaError),
}

impl From<MboxlistError> for Error {
    fn from(e: MboxlistError) -> Self {
        match e {
            MboxlistError::Exists(n) => Error::Exists(n),
            MboxlistError::NotFound(n) => Error::NonExistent(n),
            other => Error::Mboxlist(other),
        }
    }
}

impl From<QuotaError> for Error {
    fn from(e: QuotaError) -> Self {
        match e {
            QuotaError::Exceeded { resource } => Error::OverQuota(resource),
            other => Error::Quota(other),
        }
    }
}
