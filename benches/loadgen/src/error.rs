//! What can go wrong while driving a server.

/// A load-generator failure.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// Socket trouble.
    #[error("{target}: {source}")]
    Io {
        /// Which server.
        target: String,
        /// The error.
        source: std::io::Error,
    },
    /// The server said something we did not expect.
    #[error("{target}: {what}")]
    Protocol {
        /// Which server.
        target: String,
        /// What happened.
        what: String,
    },
    /// A bad `--target` or `--pid`.
    #[error("{0}")]
    Usage(String),
}
