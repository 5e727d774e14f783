//! The one place where failures become tagged responses (Cyrus's
//! `error_message` texts with RFC 5530 response codes).

use cyrus_store::mailbox::MailboxError;
use cyrus_store::mboxname::NameError;
use cyrus_store::Error as StoreError;

use crate::imap::wire::Tagged;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A bad mailbox name.
    #[error(transparent)]
    Name(#[from] NameError),
    /// The user lacks a right.
    #[error("Permission denied")]
    NoPerm,
    /// A client error (`BAD`).
    #[error("{0}")]
    Bad(String),
    /// Any other refusal (`NO`).
    #[error("{0}")]
    No(String),
    /// GETQUOTA of a root that is not one.
    #[error("Quota root does not exist")]
    NoQuotaRoot,
    /// SETQUOTA with a resource we do not know.
    #[error("Unsupported quota resource")]
    UnsupportedQuota,
    /// A METADATA entry name or value that is refused (Cyrus
    /// `IMAP_ANNOTATION_BADENTRY`/`BADVALUE` texts).
    #[error("{0}")]
    Annotation(&'static str),
    /// RFC 5464 §4.3: a value longer than the server stores.
    #[error("Value too long")]
    MetadataMaxSize(usize),
    /// A special-use attribute that is unknown or already used
    /// elsewhere; `[USEATTR]` when it came with CREATE (RFC 6154 §5.2).
    #[error("{text}")]
    SpecialUse {
        /// Cyrus's text.
        text: &'static str,
        /// Whether to say `[USEATTR]`.
        useattr: bool,
    },
    /// A CATENATE URL that names nothing readable (RFC 4469 `[BADURL]`).
    #[error("Bad URL {0}")]
    BadUrl(String),
    /// A message over APPENDLIMIT (RFC 7889 `[TOOBIG]`).
    #[error("Message too large")]
    TooBig,
    /// A BINARY fetch of a part in an unknown transfer encoding (RFC
    /// 3516 `[UNKNOWN-CTE]`).
    #[error("Unknown content-transfer-encoding")]
    UnknownCte,
}

impl From<MailboxError> for Failure {
    fn from(e: MailboxError) -> Self {
        Failure::Store(StoreError::Mailbox(e))
    }
}

/// What the command was doing, where that changes the response code
/// (RFC 3501 §6.3.11: APPEND to a missing mailbox says `[TRYCREATE]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doing {
    /// APPEND or COPY.
    Deliver,
    /// Anything else.
    Other,
}

/// The tagged response for `f`.
pub fn respond(f: &Failure, doing: Doing) -> Tagged {
    match f {
        Failure::Store(StoreError::NonExistent(_)) if doing == Doing::Deliver => {
            Tagged::no("Mailbox does not exist").with_code("TRYCREATE")
        }
        Failure::Store(StoreError::NonExistent(_)) => {
            Tagged::no("Mailbox does not exist").with_code("NONEXISTENT")
        }
        Failure::Store(StoreError::Exists(_)) => {
            Tagged::no("Mailbox already exists").with_code("ALREADYEXISTS")
        }
        Failure::Store(StoreError::HasChildren(_)) => {
            Tagged::no("Mailbox has inferior hierarchical names").with_code("HASCHILDREN")
        }
        Failure::Store(StoreError::OverQuota(_)) => Tagged::no("Over quota").with_code("OVERQUOTA"),
        Failure::Store(StoreError::Name(_)) | Failure::Name(_) => {
            Tagged::no("Invalid mailbox name").with_code("CANNOT")
        }
        Failure::Store(StoreError::Mailbox(MailboxError::BadFlagName(_))) => {
            Tagged::bad("Invalid flag name")
        }
        Failure::Store(e) => {
            tracing::warn!(error = %e, "store failure");
            Tagged::no("System I/O error").with_code("SERVERBUG")
        }
        Failure::NoPerm => Tagged::no("Permission denied").with_code("NOPERM"),
        Failure::Bad(t) => Tagged::bad(t.clone()),
        Failure::NoQuotaRoot => Tagged::no("Quota root does not exist"),
        Failure::UnsupportedQuota => Tagged::no("Unsupported quota resource"),
        Failure::Annotation(t) => Tagged::no(*t),
        Failure::MetadataMaxSize(n) => {
            Tagged::no("Value too long").with_code(format!("METADATA MAXSIZE {n}"))
        }
        Failure::SpecialUse {
            text,
            useattr: true,
        } => Tagged::no(*text).with_code("USEATTR"),
        Failure::SpecialUse {
            text,
            useattr: false,
        } => Tagged::no(*text),
        Failure::No(t) => Tagged::no(t.clone()),
        Failure::BadUrl(u) => {
            // Cyrus always quotes the URL.
            let quoted = u.replace('\\', "\\\\").replace('"', "\\\"");
            Tagged::no("No such message in mailbox").with_code(format!("BADURL \"{quoted}\""))
        }
        Failure::TooBig => Tagged::no("Message too large").with_code("TOOBIG"),
        Failure::UnknownCte => {
            Tagged::no("Can not process the binary data").with_code("UNKNOWN-CTE")
        }
    }
}
