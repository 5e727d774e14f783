//! Per-service IMAP settings, built by the composition root from
//! `imapd.conf`.

use std::time::Duration;

use crate::imap::wire::Limits;
use crate::runtime::Notifier;

use super::site_files::SiteFiles;

/// Typed IMAP settings.
#[derive(Debug, Clone)]
pub struct ImapConfig {
    /// `servername`, shown in the greeting.
    pub servername: String,
    /// Version text after "Cyrus IMAP" (Cyrus: `serverinfo: on`).
    pub version: String,
    /// Line and literal limits.
    pub limits: Limits,
    /// `timeout`: how long an authenticated connection may be silent.
    pub timeout: Duration,
    /// How long before login a connection may be silent.
    pub preauth_timeout: Duration,
    /// `imapidlepoll`: how often IDLE looks for changes.
    pub idle_poll: Duration,
    /// Whether this service offers STARTTLS (a TLS configuration exists
    /// and TLS is not implicit).
    pub starttls: bool,
    /// Woken by every change a session makes, so others in IDLE look.
    pub notifier: Notifier,
    /// `msg/motd`, `msg/shutdown`, `log/<user>/` under `configdirectory`.
    pub site_files: SiteFiles,
}

impl Default for ImapConfig {
    fn default() -> Self {
        ImapConfig {
            servername: "localhost".into(),
            version: "3.6.1-rs".into(),
            limits: Limits::default(),
            timeout: Duration::from_secs(32 * 60),
            preauth_timeout: Duration::from_secs(60),
            idle_poll: Duration::from_secs(60),
            starttls: false,
            notifier: Notifier::new(),
            site_files: SiteFiles::default(),
        }
    }
}
