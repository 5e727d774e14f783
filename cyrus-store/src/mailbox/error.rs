//! Errors of the mailbox layer.

use std::path::PathBuf;

use crate::dlist::DlistError;
use crate::ids::Uid;
use crate::os::OsError;

/// Anything that can go wrong reading or changing one mailbox.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MailboxError {
    /// The operating system failed.
    #[error(transparent)]
    Os(#[from] OsError),
    /// A stored checksum does not match the bytes (Cyrus `IMAP_MAILBOX_CHECKSUM`).
    #[error("{}: checksum mismatch at offset {offset} ({what}): stored {stored:08x}, computed {computed:08x}", file.display())]
    Checksum {
        /// The file.
        file: PathBuf,
        /// Byte offset of the header or record.
        offset: u64,
        /// Which checksum.
        what: &'static str,
        /// The value on disk.
        stored: u32,
        /// The value of the bytes.
        computed: u32,
    },
    /// A file is not in a format we understand (Cyrus `IMAP_MAILBOX_BADFORMAT`).
    #[error("{}: bad format at offset {offset}: {what}", file.display())]
    BadFormat {
        /// The file.
        file: PathBuf,
        /// Byte offset of the problem.
        offset: u64,
        /// What was wrong.
        what: String,
    },
    /// The `cyrus.header` dlist line did not parse.
    #[error("{}: {source}", file.display())]
    Dlist {
        /// The file.
        file: PathBuf,
        /// The parse error.
        #[source]
        source: DlistError,
    },
    /// All 128 user-flag slots are taken (Cyrus `IMAP_USERFLAG_EXHAUSTED`).
    #[error("no free user flag slot for {0:?}")]
    UserFlagsExhausted(String),
    /// A user flag name is not a valid IMAP flag keyword.
    #[error("invalid user flag name {0:?}")]
    BadFlagName(String),
    /// The operation needs an exclusive lock but the mailbox is open shared.
    #[error("mailbox is open read-only (shared lock)")]
    ReadOnly,
    /// No record with that UID.
    #[error("no message with UID {0}")]
    NoSuchUid(Uid),
    /// The mailbox already exists.
    #[error("{}: mailbox already exists", .0.display())]
    Exists(PathBuf),
    /// UID 4294967295 has been used; the mailbox needs a new UIDVALIDITY.
    #[error("no UIDs left in this mailbox")]
    UidsExhausted,
    /// A message is empty or larger than 4 GiB.
    #[error("message size {0} not storable")]
    BadMessageSize(usize),
    /// An earlier write failed and could not be rolled back; the handle
    /// must be closed and the mailbox reopened.
    #[error("mailbox handle is unusable after a failed write; reopen it")]
    Poisoned,
}

impl MailboxError {
    pub(crate) fn bad_format(
        file: impl Into<PathBuf>,
        offset: u64,
        what: impl Into<String>,
    ) -> Self {
        MailboxError::BadFormat {
            file: file.into(),
            offset,
            what: what.into(),
        }
    }
}
