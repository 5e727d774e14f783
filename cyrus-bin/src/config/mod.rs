//! Configuration files: `imapd.conf` (options) and `cyrus.conf` (master's
//! services), parsed into typed values, and the bridge from options to the
//! store's `StoreOptions`.

mod cyrus_conf;
mod error;
mod imapd;
mod listen;
mod options_table;
mod spec;
mod store;
#[cfg(test)]
pub(crate) mod test_seeds;

pub use cyrus_conf::{CyrusConf, Entry, Section};
pub use error::ConfigError;
pub use imapd::{ImapdConf, Warning};
pub use listen::{parse_listen, resolve_port};
pub use spec::{Kind, OptionSpec};
pub use store::store_options;
