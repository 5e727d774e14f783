//! In-process change notification: a handler that changes a mailbox bumps
//! the counter, and every connection waiting (IDLE) is woken to look.

use tokio::sync::watch;

/// A change counter shared by all connections of a server.
#[derive(Debug, Clone)]
pub struct Notifier {
    tx: watch::Sender<u64>,
}

impl Default for Notifier {
    fn default() -> Self {
        Self::new()
    }
}

impl Notifier {
    /// A new counter.
    pub fn new() -> Self {
        let (tx, _rx) = watch::channel(0);
        Notifier { tx }
    }

    /// Announces a change (callable from blocking code).
    pub fn notify(&self) {
        self.tx.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A receiver for the driver.
    pub(crate) fn subscribe(&self) -> watch::Receiver<u64> {
        self.tx.subscribe()
    }
}
