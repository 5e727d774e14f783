//! Why master gives up while starting.

/// A start-up step that stops master, as the same step stops Cyrus's.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MasterError {
    /// A START command failed (Cyrus `run_startup`: "can't run startup").
    #[error("can't run startup: START {name} {how}")]
    StartFailed {
        /// The START entry.
        name: String,
        /// How it ended, or why it could not be started.
        how: String,
    },
    /// A wait=y daemon did not say it was ready (Cyrus: "unable to spawn
    /// waitdaemon").
    #[error("unable to spawn waitdaemon {name}: {why}")]
    WaitDaemon {
        /// The DAEMON entry.
        name: String,
        /// What went wrong.
        why: String,
    },
    /// The signal handlers could not be installed.
    #[error("signals: {0}")]
    Signals(#[source] std::io::Error),
}
