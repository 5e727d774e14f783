//! What the daemon gives a POP3 session (`imapd.conf` names in the field
//! docs).

use std::time::Duration;

/// `uidl_format`: how UIDL shows a message when the mailbox has
/// `OPT_POP3_NEW_UIDL` (otherwise it is the bare UID).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UidlFormat {
    /// `uidonly`: `<uid>`.
    UidOnly,
    /// `cyrus` (the default): `<uidvalidity>.<uid>`.
    #[default]
    Cyrus,
    /// `dovecot`: `%08x%08x` of UID and UIDVALIDITY.
    Dovecot,
    /// `courier`: `<uidvalidity>-<uid>`.
    Courier,
}

/// POP3 options.
#[derive(Debug, Clone)]
pub struct Pop3Config {
    /// `servername`: first word of the greeting.
    pub servername: String,
    /// Version in the greeting and `IMPLEMENTATION`.
    pub version: String,
    /// `serverinfo: on`: the greeting names the server and version, and
    /// CAPA lists `IMPLEMENTATION` before login (after login always).
    pub server_info: bool,
    /// Offer STLS (a TLS configuration exists and the service is plain).
    pub starttls: bool,
    /// `popminpoll`: seconds required between logins (`LOGIN-DELAY`).
    pub min_poll: u32,
    /// `poppollpadding`: how many logins may come in a burst under
    /// `popminpoll`.
    pub poll_padding: u32,
    /// `popexpiretime`: days messages are kept (`EXPIRE`); `None` = NEVER.
    pub expire_days: Option<u32>,
    /// `popuseimapflags`: hide `\Deleted` messages, set `\Seen` on the
    /// messages RETRieved when the session QUITs.
    pub use_imap_flags: bool,
    /// `uidl_format`.
    pub uidl_format: UidlFormat,
    /// `poptimeout`: silence allowed between commands.
    pub idle_timeout: Duration,
    /// Longest command line (Cyrus reads into an 8 KiB buffer).
    pub max_line: usize,
    /// Service name looked up in `user_deny.db`.
    pub userdeny_service: String,
}

impl Default for Pop3Config {
    fn default() -> Self {
        Pop3Config {
            servername: "localhost".into(),
            version: "3.6.1".into(),
            server_info: true,
            starttls: false,
            min_poll: 0,
            poll_padding: 1,
            expire_days: None,
            use_imap_flags: false,
            uidl_format: UidlFormat::Cyrus,
            idle_timeout: Duration::from_secs(10 * 60),
            max_line: 8192,
            userdeny_service: "pop3".into(),
        }
    }
}
