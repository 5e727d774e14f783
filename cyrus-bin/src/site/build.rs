use std::path::Path;
use std::sync::Arc;

use cyrus_proto::runtime::load_server_config;
use cyrus_proto::sasl::{random_mock_key, Authenticator, PlaintextPolicy, SaslConfig};
use cyrus_store::os::{FsRef, RealFs};
use cyrus_store::Store;
use rustls::ServerConfig;

use super::auth::authenticator;
use crate::config::{store_options, ConfigError, ImapdConf};

/// Everything the daemons of one site share.
pub struct Site {
    /// The parsed configuration.
    pub conf: ImapdConf,
    /// The store.
    pub store: Arc<Store>,
    /// The password source.
    pub auth: Arc<dyn Authenticator + Send + Sync>,
    /// SASL mechanisms and the plaintext policy.
    pub sasl: Arc<SaslConfig>,
    /// TLS, when `tls_server_cert` and `tls_server_key` are set.
    pub tls: Option<Arc<ServerConfig>>,
}

impl std::fmt::Debug for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Site")
            .field("store", &self.store)
            .field("tls", &self.tls.is_some())
            .finish_non_exhaustive()
    }
}

impl Site {
    /// Opens the store and builds the shared parts from `conf`.
    pub fn open(conf: ImapdConf, service: &str) -> Result<Site, ConfigError> {
        let opts = store_options(&conf)?;
        let fs: FsRef = Arc::new(RealFs::new());
        let store = Store::open(fs, opts.clone())
            .map_err(|e| ConfigError::Invalid(format!("cannot open the store: {e}")))?;
        let auth = authenticator(&conf, &opts.config_dir, service)?;
        let plaintext = if conf.switch("allowplaintext") {
            PlaintextPolicy::Allowed
        } else {
            PlaintextPolicy::RequireEncryption
        };
        let sasl = SaslConfig::new(conf.raw("sasl_mech_list"), plaintext, random_mock_key());
        let tls = match (conf.raw("tls_server_cert"), conf.raw("tls_server_key")) {
            (Some(cert), Some(key)) => Some(
                load_server_config(Path::new(cert), Path::new(key))
                    .map_err(|e| ConfigError::Invalid(e.to_string()))?,
            ),
            _ => None,
        };
        Ok(Site {
            conf,
            store: Arc::new(store),
            auth,
            sasl: Arc::new(sasl),
            tls,
        })
    }
}
