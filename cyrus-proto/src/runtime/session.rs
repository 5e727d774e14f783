use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use super::listen::PeerAddr;

/// What the driver knows about a connection.
#[derive(Debug, Clone)]
pub struct ConnInfo {
    /// The service name from `cyrus.conf` (e.g. `imap`, `imaps`).
    pub service: String,
    /// Who connected.
    pub peer: PeerAddr,
    /// Our address, for TCP.
    pub local: Option<SocketAddr>,
    /// True once TLS is running (implicit TLS from the start).
    pub tls: bool,
}

/// One thing for the driver to do, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Send bytes.
    Send(Vec<u8>),
    /// Flush, then run a TLS server handshake on the connection.
    StartTls,
    /// Flush, then compress both directions with raw DEFLATE (RFC 4978).
    Compress,
    /// Flush and close.
    Close,
}

/// What a session produced for one event.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Output {
    steps: Vec<Step>,
}

impl Output {
    /// Nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues bytes to send.
    pub fn send(&mut self, bytes: impl AsRef<[u8]>) {
        let bytes = bytes.as_ref();
        if bytes.is_empty() {
            return;
        }
        if let Some(Step::Send(last)) = self.steps.last_mut() {
            last.extend_from_slice(bytes);
        } else {
            self.steps.push(Step::Send(bytes.to_vec()));
        }
    }

    /// Queues a TLS handshake after what was sent so far.
    pub fn start_tls(&mut self) {
        self.steps.push(Step::StartTls);
    }

    /// Queues the start of compression after what was sent so far.
    pub fn compress(&mut self) {
        self.steps.push(Step::Compress);
    }

    /// Queues closing the connection.
    pub fn close(&mut self) {
        self.steps.push(Step::Close);
    }

    /// The queued steps.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// Takes the queued steps.
    pub fn into_steps(self) -> Vec<Step> {
        self.steps
    }

    /// All bytes queued, concatenated (handy in tests).
    pub fn sent_bytes(&self) -> Vec<u8> {
        self.steps
            .iter()
            .filter_map(|s| match s {
                Step::Send(b) => Some(b.as_slice()),
                _ => None,
            })
            .flatten()
            .copied()
            .collect()
    }

    /// True when a `Close` is queued.
    pub fn closes(&self) -> bool {
        self.steps.contains(&Step::Close)
    }
}

/// A protocol session: a pure state machine plus the handler that calls the
/// store. Every method may block (they run on the blocking bridge, never on
/// an async worker thread), and none does socket I/O.
pub trait Session: Send + 'static {
    /// The connection opened: queue the greeting.
    fn greeting(&mut self, now: SystemTime, out: &mut Output);

    /// Bytes arrived. The session frames and parses them itself; bytes of an
    /// incomplete command stay buffered inside the session. After queueing
    /// [`Step::StartTls`] it must discard any input it still holds (RFC 3501
    /// §6.2.1: no plaintext command injection).
    fn input(&mut self, data: &[u8], now: SystemTime, out: &mut Output);

    /// Something may have changed (another session or process touched a
    /// mailbox), or the poll interval passed. Used for IDLE.
    fn wake(&mut self, _now: SystemTime, _out: &mut Output) {}

    /// The TLS handshake finished.
    fn tls_started(&mut self) {}

    /// Right after [`Session::tls_started`]: bytes to send before reading
    /// more (ManageSieve sends its capabilities again, RFC 5804 §2.2).
    fn after_tls(&mut self, _out: &mut Output) {}

    /// How long the connection may be silent in its current state.
    fn idle_timeout(&self) -> Duration;

    /// When set, `wake` is also called this often (e.g. while in IDLE).
    fn poll_interval(&self) -> Option<Duration> {
        None
    }

    /// The idle timeout passed: queue a goodbye (the driver then closes).
    fn timed_out(&mut self, _out: &mut Output) {}

    /// The server is shutting down: queue a goodbye (the driver then
    /// closes). Called only between commands.
    fn shutdown(&mut self, _out: &mut Output) {}
}

/// `now` as the store keeps time: whole seconds since the epoch, as a u32
/// (saturating; 0 before 1970).
pub fn unix_seconds(now: SystemTime) -> u32 {
    now.duration_since(std::time::UNIX_EPOCH)
        .map(|d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX))
        .unwrap_or(0)
}
