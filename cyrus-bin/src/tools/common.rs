use std::path::Path;

use crate::config::{ConfigError, ImapdConf};

/// Where tools look for `imapd.conf` without `-C` (as Cyrus does).
pub const DEFAULT_CONFIG: &str = "/etc/imapd.conf";

/// A tool's failure, printed as one line on stderr.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// Bad configuration.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A file operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The store refused.
    #[error(transparent)]
    Store(#[from] cyrus_store::Error),
    /// Bad arguments.
    #[error("{0}")]
    Usage(String),
    /// Master could not start (a START command or wait daemon failed).
    #[error(transparent)]
    Master(#[from] crate::master::MasterError),
}

/// Loads the configuration file (`-C`, or the default), printing its
/// warnings to stderr, with service-specific overrides for `ident`.
pub fn load_config(path: Option<&Path>, ident: &str) -> Result<ImapdConf, ToolError> {
    let path = path.unwrap_or(Path::new(DEFAULT_CONFIG));
    let conf = ImapdConf::load(path)?.with_service(ident);
    for w in conf.warnings() {
        eprintln!("{}:{}: warning: {}", w.path.display(), w.line, w.message);
    }
    Ok(conf)
}
