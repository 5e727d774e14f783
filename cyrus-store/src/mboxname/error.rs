/// Why a mailbox name, user id or path could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NameError {
    /// The name breaks Cyrus's naming policy (`IMAP_MAILBOX_BADNAME`).
    #[error("invalid mailbox name {name:?}: {why}")]
    BadName {
        /// The offending name.
        name: String,
        /// Which rule it breaks.
        why: &'static str,
    },
    /// The name is longer than Cyrus allows.
    #[error("mailbox name too long ({len} bytes, at most {max})")]
    TooLong {
        /// Its length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A user id that Cyrus cannot store.
    #[error("invalid user id {0:?}")]
    BadUserId(String),
    /// An external name that does not map to any internal name for this
    /// user and namespace.
    #[error("external name {0:?} has no internal form")]
    NoInternalForm(String),
    /// A modified UTF-7 string that is not well formed (RFC 3501 §5.1.3).
    #[error("bad modified UTF-7 in {0:?}")]
    BadUtf7(String),
    /// A mailboxes.db key that is not a dbname.
    #[error("bad mailboxes.db name {0:?}")]
    BadDbName(String),
}
