//! What the daemon gives an LMTP session: typed options (from
//! `imapd.conf`), the outgoing-mail seam for Sieve, and the session-id
//! source.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use std::sync::Arc;

use crate::runtime::Notifier;
use crate::sasl::{Authenticator, SaslConfig};

/// What LMTP `AUTH` checks against: the daemon's SASL settings and
/// password source (the same as IMAP's).
#[derive(Clone)]
pub struct LmtpSasl {
    /// Mechanisms and the plaintext policy.
    pub config: Arc<SaslConfig>,
    /// The password source.
    pub auth: Arc<dyn Authenticator + Send + Sync>,
}

impl std::fmt::Debug for LmtpSasl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LmtpSasl")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// LMTP options (`imapd.conf` names in the field docs).
#[derive(Debug, Clone)]
pub struct LmtpConfig {
    /// `servername`: greeting, LHLO and `Received:`.
    pub servername: String,
    /// Version shown in the greeting and `Received:` (`serverinfo: on`).
    pub version: String,
    /// `serverinfo`: show the version.
    pub server_info: bool,
    /// `maxmessagesize` in octets; `None` = unlimited (`SIZE` without a
    /// number, as Cyrus prints it).
    pub max_message_size: Option<usize>,
    /// Offer STARTTLS (a TLS configuration exists).
    pub starttls: bool,
    /// SASL mechanisms to advertise (empty: no `AUTH` line).
    pub auth_mechs: Vec<String>,
    /// TCP clients are trusted like `lmtpd -a`; unix-socket clients
    /// always are (Cyrus `lmtpunix`).
    pub trust_tcp: bool,
    /// `soft_noauth`: 430 instead of 530 when authentication is missing.
    pub soft_noauth: bool,
    /// `lmtp_downcase_rcpt`.
    pub downcase_rcpt: bool,
    /// `lmtp_over_quota_perm_failure`: 552 5.2.2 instead of 452 4.2.2.
    pub over_quota_perm_failure: bool,
    /// `duplicatesuppression`.
    pub duplicate_suppression: bool,
    /// `lmtp_fuzzy_mailbox_match`: `user+folder` also finds a folder whose
    /// name differs in case or in `-`, `_` and space.
    pub fuzzy_mailbox_match: bool,
    /// `lmtp_catchall_mailbox`: the user whose INBOX takes mail for
    /// unknown recipients.
    pub catchall_mailbox: Option<String>,
    /// The service name checked against `user_deny.db` (`config_ident`,
    /// e.g. `lmtp`); `None` skips the check.
    pub userdeny_service: Option<String>,
    /// `sieve_use_lmtp_reject`: Sieve `reject` answers `550 5.7.1`.
    pub sieve_use_lmtp_reject: bool,
    /// Run users' Sieve scripts.
    pub sieve_enabled: bool,
    /// `postmaster`, named in the long permission-denied reply.
    pub postmaster: String,
    /// Longest command line accepted (RFC 5321 §4.5.3.1.4 says 512; Cyrus
    /// allows more).
    pub max_line: usize,
    /// Silence allowed between commands (`timeout`).
    pub idle_timeout: Duration,
    /// Offer CHUNKING/BDAT (RFC 3030; not in Cyrus 3.6).
    pub chunking: bool,
    /// Woken after every delivery, so IMAP sessions of the same server in
    /// IDLE see new mail at once.
    pub notifier: Option<Notifier>,
}

impl Default for LmtpConfig {
    fn default() -> Self {
        LmtpConfig {
            servername: "localhost".into(),
            version: "3.6.1".into(),
            server_info: true,
            max_message_size: None,
            starttls: false,
            auth_mechs: Vec::new(),
            trust_tcp: false,
            soft_noauth: false,
            downcase_rcpt: true,
            over_quota_perm_failure: false,
            duplicate_suppression: true,
            fuzzy_mailbox_match: false,
            catchall_mailbox: None,
            userdeny_service: Some("lmtp".into()),
            sieve_use_lmtp_reject: true,
            sieve_enabled: true,
            postmaster: "postmaster".into(),
            max_line: 8192,
            idle_timeout: Duration::from_secs(300),
            chunking: true,
            notifier: None,
        }
    }
}

/// What a generated message is, for logs and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OutgoingKind {
    /// Sieve `redirect`.
    Redirect,
    /// Sieve `vacation` auto-reply.
    Vacation,
    /// Sieve enotify `mailto:` notification (RFC 5436).
    Notify,
}

/// A message for the MTA (Cyrus runs `sendmail`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMessage {
    /// Why it is sent.
    pub kind: OutgoingKind,
    /// Envelope sender (`""` for the null path).
    pub from: String,
    /// Envelope recipients.
    pub to: Vec<String>,
    /// The whole message, CRLF line ends.
    pub data: Vec<u8>,
}

/// Hands generated mail to an MTA; the daemon provides it (a `sendmail`
/// pipe, SMTP), tests record.
pub trait Sendmail: Send + Sync {
    /// Sends `msg`; an error is logged and the Sieve action counts as
    /// failed.
    fn send(&self, msg: &OutgoingMessage) -> Result<(), String>;
}

/// Session ids (`SESSIONID=<…>`, `X-Cyrus-Session-Id:`).
pub trait SessionIds: Send + Sync {
    /// A new id.
    fn next_id(&self) -> String;
}

/// Cyrus-like ids: `<prefix>-<pid>-<n>-<random>`.
#[derive(Debug)]
pub struct RandomSessionIds {
    prefix: String,
    counter: AtomicU64,
}

impl RandomSessionIds {
    /// Ids starting with `prefix` (Cyrus uses `syslog_prefix`).
    pub fn new(prefix: &str) -> Self {
        RandomSessionIds {
            prefix: prefix.to_string(),
            counter: AtomicU64::new(1),
        }
    }
}

impl SessionIds for RandomSessionIds {
    fn next_id(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        format!(
            "{}-{}-{}-{}",
            self.prefix,
            std::process::id(),
            n,
            rand::random::<u64>()
        )
    }
}

/// Deterministic ids `<prefix>-1`, `<prefix>-2`, … for tests.
#[derive(Debug)]
pub struct CountingSessionIds {
    prefix: String,
    counter: AtomicU64,
}

impl CountingSessionIds {
    /// Ids `<prefix>-<n>` from 1.
    pub fn new(prefix: &str) -> Self {
        CountingSessionIds {
            prefix: prefix.to_string(),
            counter: AtomicU64::new(1),
        }
    }
}

impl SessionIds for CountingSessionIds {
    fn next_id(&self) -> String {
        format!(
            "{}-{}",
            self.prefix,
            self.counter.fetch_add(1, Ordering::Relaxed)
        )
    }
}
