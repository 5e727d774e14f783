//! [`LmtpSession`]: the machine over the store backend, as a
//! [`runtime::Session`](crate::runtime::Session) the daemon serves.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use cyrus_store::Store;

use crate::runtime::{ConnInfo, Output, PeerAddr, Session};

use super::config::{LmtpConfig, LmtpSasl, Sendmail, SessionIds};
use super::handler::StoreBackend;
use super::machine::{Machine, Peer};

/// One LMTP connection.
pub struct LmtpSession {
    machine: Machine<StoreBackend>,
    timeout: Duration,
}

impl LmtpSession {
    /// A session for a new connection. Unix-socket clients (Cyrus
    /// `lmtpunix`) are trusted; TCP clients only with
    /// [`LmtpConfig::trust_tcp`] (`lmtpd -a`).
    pub fn new(
        store: Arc<Store>,
        cfg: Arc<LmtpConfig>,
        sendmail: Arc<dyn Sendmail>,
        ids: Arc<dyn SessionIds>,
        conn: &ConnInfo,
    ) -> Self {
        let (client_host, trusted) = match &conn.peer {
            PeerAddr::Unix => ("unix socket".to_string(), true),
            PeerAddr::Tcp(a) => (format!("[{}]", a.ip()), cfg.trust_tcp),
        };
        let timeout = cfg.idle_timeout;
        let backend = StoreBackend::new(store, Arc::clone(&cfg), sendmail, client_host);
        LmtpSession {
            machine: Machine::new(
                backend,
                cfg,
                ids,
                Peer {
                    authenticated: trusted,
                    tls: conn.tls,
                },
            ),
            timeout,
        }
    }

    /// Enables `AUTH` (untrusted TCP clients must authenticate before
    /// `MAIL`, as with Cyrus lmtpd without `-a`).
    pub fn with_sasl(mut self, sasl: Option<LmtpSasl>) -> Self {
        self.machine = self.machine.with_sasl(sasl);
        self
    }

    /// The machine (tests look at its state).
    pub fn machine(&self) -> &Machine<StoreBackend> {
        &self.machine
    }
}

impl Session for LmtpSession {
    fn greeting(&mut self, _now: SystemTime, out: &mut Output) {
        self.machine.greeting(out);
    }

    fn input(&mut self, data: &[u8], now: SystemTime, out: &mut Output) {
        self.machine.input(data, now, out);
    }

    fn tls_started(&mut self) {
        self.machine.tls_started();
    }

    fn idle_timeout(&self) -> Duration {
        self.timeout
    }

    fn timed_out(&mut self, out: &mut Output) {
        // Cyrus: `421 4.4.1 bye <prot_error>`, which is "idle timeout" here.
        out.send("421 4.4.1 bye idle timeout\r\n");
    }

    fn shutdown(&mut self, out: &mut Output) {
        out.send("421 4.3.2 Server shutting down\r\n");
    }
}
