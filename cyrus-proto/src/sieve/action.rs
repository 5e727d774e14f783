//! The interpreter's output: the actions LMTP carries out.

/// A Sieve action. Produced in script order; an implicit keep, when it
/// applies, is the last element and is marked `implicit`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Store into INBOX (RFC 5228 §4.3) with these IMAP flags.
    Keep {
        /// Flags (imap4flags), empty for none.
        flags: Vec<String>,
        /// Whether this is the implicit keep (RFC 5228 §2.10.2).
        implicit: bool,
    },
    /// Store into another mailbox (RFC 5228 §4.1 and extensions).
    FileInto {
        /// Target mailbox name as written in the script (UTF-8).
        mailbox: String,
        /// Flags to set on the stored message.
        flags: Vec<String>,
        /// `:copy` was given (RFC 3894).
        copy: bool,
        /// `:create`: create the mailbox if missing (RFC 5490).
        create: bool,
        /// `:specialuse`: prefer the mailbox with this use (RFC 8579).
        special_use: Option<String>,
        /// `:mailboxid`: prefer the mailbox with this id (RFC 9042).
        mailbox_id: Option<String>,
    },
    /// Forward to another address (RFC 5228 §4.2).
    Redirect {
        /// Destination address.
        address: String,
        /// `:copy` was given.
        copy: bool,
        /// DSN / DELIVERBY parameters (RFC 6009).
        options: super::ir::RedirectOptions,
    },
    /// Refuse with an MDN/LMTP error (RFC 5429 §2.2).
    Reject {
        /// Reason text.
        reason: String,
    },
    /// Refuse at protocol level (RFC 5429 §2.1).
    Ereject {
        /// Reason text.
        reason: String,
    },
    /// Silently drop (RFC 5228 §4.4).
    Discard,
    /// Send an auto-reply (RFC 5230); response tracking is the caller's.
    Vacation(Vacation),
    /// Send a notification (RFC 5435 enotify; `mailto:` per RFC 5436).
    Notify {
        /// Notification URI (`mailto:...`).
        method: String,
        /// `:from` address.
        from: Option<String>,
        /// `:importance`, "1" (high) to "3" (low); "2" by default.
        importance: String,
        /// `:options`.
        options: Vec<String>,
        /// `:message`; the caller builds a default when absent.
        message: Option<String>,
        /// `:fcc`: file a copy of the notification (RFC 8580).
        fcc: Option<Fcc>,
    },
    /// A notification of Cyrus's legacy `notify` extension.
    LegacyNotify {
        /// `:id`.
        id: Option<String>,
        /// Method name ("default", "mailto", ...).
        method: String,
        /// `:options`.
        options: Vec<String>,
        /// "1" high, "2" normal, "3" low.
        priority: String,
        /// `:message`; Cyrus's default is "$from$: $subject$".
        message: Option<String>,
    },
    /// Park the message until a wake-up time (Cyrus `vnd.cyrus.snooze`);
    /// the fields are those of the command, variables expanded, times
    /// normalised to "HH:MM:SS" and sorted.
    Snooze(super::ir::SnoozeArgs),
    /// Header edit: add a field (RFC 5293 §4).
    AddHeader {
        /// Field name.
        name: String,
        /// Field value.
        value: String,
        /// `:last`: append instead of prepend.
        last: bool,
    },
    /// Header edit: delete the `occurrence`-th (1-based, counted among
    /// fields of that name at the time of the edit) field (RFC 5293 §5).
    DeleteHeader {
        /// Field name.
        name: String,
        /// 1-based occurrence among same-named fields, after previous edits.
        occurrence: usize,
    },
    /// Record this id in the duplicate database once delivery succeeds
    /// (RFC 7352 §3).
    TrackDuplicate {
        /// The tracked identity.
        id: DuplicateId,
        /// Expiry in seconds.
        seconds: u64,
    },
}

/// The identity `duplicate` checks and records.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DuplicateId {
    /// `:handle`, empty when absent.
    pub handle: String,
    /// Message-ID, header value or `:uniqueid`.
    pub value: String,
}

/// A vacation response to send (RFC 5230 §4, RFC 6131).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vacation {
    /// Recipient of the reply (the envelope sender).
    pub to: String,
    /// Subject of the reply.
    pub subject: String,
    /// `:from` address, if given.
    pub from: Option<String>,
    /// Reason text (the reply body, or a MIME entity with `:mime`).
    pub body: String,
    /// `:mime`: the body is a MIME entity.
    pub mime: bool,
    /// Minimum interval between replies to the same sender, seconds,
    /// already clamped to the configured bounds.
    pub seconds: u64,
    /// Handle for response tracking.
    pub handle: String,
    /// The user's own addresses (`:addresses` plus the recipient).
    pub addresses: Vec<String>,
    /// Message-ID of the message replied to, for In-Reply-To.
    pub in_reply_to: Option<String>,
    /// `:fcc`: file a copy of the reply (RFC 8580).
    pub fcc: Option<Fcc>,
}

/// Where to file a copy of a generated message (RFC 8580).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fcc {
    /// Target mailbox.
    pub mailbox: String,
    /// Flags for the copy.
    pub flags: Vec<String>,
    /// `:create`.
    pub create: bool,
    /// `:specialuse`.
    pub special_use: Option<String>,
    /// `:mailboxid`.
    pub mailbox_id: Option<String>,
}

/// The result of a successful run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    /// Actions in order, implicit keep last when it applies.
    pub actions: Vec<Action>,
    /// The header block after editheader edits, when any edit happened.
    pub edited_headers: Option<Vec<super::message::HeaderField>>,
}

impl Outcome {
    /// Whether the message is kept (explicitly or implicitly).
    pub fn keeps(&self) -> bool {
        self.actions
            .iter()
            .any(|a| matches!(a, Action::Keep { .. }))
    }
}
