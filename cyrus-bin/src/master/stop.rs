//! Stopping: the signals master stops on (SIGTERM, SIGINT, SIGQUIT, as
//! Cyrus), and the word it passes to the tasks that look after its child
//! processes.

use tokio::signal::unix::{signal, Signal, SignalKind};
use tokio::sync::watch;

/// The stop signals, listened for from the moment they are installed (so
/// a SIGTERM during START is not lost or fatal).
pub struct StopSignals {
    term: Signal,
    int: Signal,
    quit: Signal,
}

impl StopSignals {
    /// Starts listening; needs the runtime.
    pub fn install() -> std::io::Result<StopSignals> {
        Ok(StopSignals {
            term: signal(SignalKind::terminate())?,
            int: signal(SignalKind::interrupt())?,
            quit: signal(SignalKind::quit())?,
        })
    }

    /// Resolves when one of them arrives.
    pub async fn recv(&mut self) {
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.int.recv() => {}
            _ = self.quit.recv() => {}
        }
    }
}

/// Tells child supervisors to stop.
#[derive(Debug)]
pub struct Stop(watch::Sender<bool>);

/// What a child supervisor listens to.
#[derive(Debug, Clone)]
pub struct StopToken(watch::Receiver<bool>);

impl Stop {
    /// A new stop switch, not yet thrown.
    pub fn new() -> Stop {
        Stop(watch::channel(false).0)
    }

    /// A token for one more supervisor.
    pub fn token(&self) -> StopToken {
        StopToken(self.0.subscribe())
    }

    /// Throws the switch.
    pub fn stop(&self) {
        self.0.send_replace(true);
    }
}

impl StopToken {
    /// Resolves once the switch is thrown (at once if it already was).
    pub async fn stopped(&mut self) {
        // An error means the `Stop` was dropped: master is going away,
        // which is a stop too.
        let _ = self.0.wait_for(|stopped| *stopped).await;
    }

    /// Whether the switch has been thrown.
    pub fn is_stopped(&self) -> bool {
        *self.0.borrow()
    }
}
