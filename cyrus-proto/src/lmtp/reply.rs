//! The one place where delivery results become LMTP reply lines
//! (Cyrus `send_lmtp_error` and `lmtp_err.et`).

use super::config::LmtpConfig;

/// Result of verifying or delivering to one recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Status {
    /// Delivered (or silently dropped as a duplicate / by Sieve discard).
    Ok,
    /// No such user or mailbox (`IMAP_MAILBOX_NONEXISTENT`).
    UserUnknown,
    /// No `p` right on a shared mailbox (`IMAP_PERMISSION_DENIED`).
    PermissionDenied,
    /// Over quota (`IMAP_QUOTA_EXCEEDED`).
    OverQuota,
    /// Bad address (`IMAP_PROTOCOL_BAD_PARAMETERS`).
    BadParameters,
    /// The store failed; try again later (`IMAP_IOERROR`).
    SystemError,
    /// Header syntax (`IMAP_MESSAGE_BADHEADER`).
    InvalidHeader,
    /// NUL in the message (`IMAP_MESSAGE_CONTAINSNULL`).
    ContainsNul,
    /// Sieve `reject`/`ereject` with this reason.
    SieveReject(String),
    /// The user is in `user_deny.db` for this service
    /// (`IMAP_MAILBOX_DISABLED`).
    MailboxDisabled,
}

/// The reply for `status`, CRLF-terminated, possibly several lines.
pub fn status_reply(status: &Status, cfg: &LmtpConfig, session_id: &str) -> String {
    match status {
        Status::Ok => format!("250 2.1.5 Success SESSIONID=<{session_id}>\r\n"),
        Status::UserUnknown => {
            "550-Mailbox unknown.  Either there is no mailbox associated with this\r\n\
             550-name or you do not have authorization to see it.\r\n\
             550 5.1.1 User unknown\r\n"
                .to_string()
        }
        Status::PermissionDenied => format!(
            "550-You do not have permission to post a message to this mailbox.\r\n\
             550-Please contact the owner of this mailbox in order to submit\r\n\
             550-your message, or {} if you believe you\r\n\
             550-received this message in error.\r\n\
             550 5.7.1 Permission denied\r\n",
            cfg.postmaster
        ),
        Status::OverQuota if cfg.over_quota_perm_failure => {
            format!("552 5.2.2 Over quota SESSIONID=<{session_id}>\r\n")
        }
        Status::OverQuota => format!("452 4.2.2 Over quota SESSIONID=<{session_id}>\r\n"),
        Status::BadParameters => "501 5.5.4 Bad protocol parameters\r\n".to_string(),
        Status::SystemError => "451 4.3.0 System I/O error\r\n".to_string(),
        Status::InvalidHeader => "554 5.6.0 Message contains invalid header\r\n".to_string(),
        Status::ContainsNul => "554 5.6.0 Message contains NUL characters\r\n".to_string(),
        Status::MailboxDisabled => "451 4.2.1 Delivery to mailbox is disabled\r\n".to_string(),
        Status::SieveReject(reason) => {
            // One line: CR/LF in the reason would break the reply.
            let r: String = reason
                .chars()
                .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
                .collect();
            format!("550 5.7.1 {}\r\n", r.trim())
        }
    }
}

/// The status for a store error (Cyrus `send_lmtp_error`'s switch).
pub fn status_of(e: &cyrus_store::Error) -> Status {
    use cyrus_store::Error as E;
    match e {
        E::NonExistent(_) => Status::UserUnknown,
        E::OverQuota(_) => Status::OverQuota,
        E::Name(_) => Status::UserUnknown,
        _ => Status::SystemError,
    }
}
