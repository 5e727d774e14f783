//! What the daemon gives a ManageSieve session (`imapd.conf` names in
//! the field docs).

use std::time::Duration;

use cyrus_store::sieve::SieveLimits;

use crate::sieve::ExtensionSet;

/// ManageSieve options.
#[derive(Debug, Clone)]
pub struct ManageSieveConfig {
    /// `servername`: used in the script messages' `From:`/`Message-ID:`.
    pub servername: String,
    /// Version in `IMPLEMENTATION` (`serverinfo: on`).
    pub version: String,
    /// `serverinfo`: `on` shows the version, `min` the name only, `off`
    /// says just `ManageSieve`.
    pub server_info: ServerInfo,
    /// `sieve_extensions`: what scripts may `require` (and `SIEVE` lists).
    pub extensions: ExtensionSet,
    /// `sieve_maxscriptsize` and `sieve_maxscripts`.
    pub limits: SieveLimits,
    /// Offer STARTTLS (a TLS configuration exists).
    pub starttls: bool,
    /// Longest command line outside literals.
    pub max_line: usize,
    /// Largest literal accepted (scripts larger than the limit are
    /// refused, but their bytes are read and dropped up to this size).
    pub max_literal: usize,
    /// `timeout`: silence allowed between commands.
    pub idle_timeout: Duration,
}

/// The `serverinfo` option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerInfo {
    /// Name and version.
    On,
    /// Name only.
    Min,
    /// Neither.
    Off,
}

impl Default for ManageSieveConfig {
    fn default() -> Self {
        ManageSieveConfig {
            servername: "localhost".into(),
            version: "3.6.1".into(),
            server_info: ServerInfo::On,
            extensions: crate::sieve::supported_extensions(),
            limits: SieveLimits::default(),
            starttls: false,
            max_line: 8192,
            max_literal: 1024 * 1024,
            idle_timeout: Duration::from_secs(30 * 60),
        }
    }
}
