//! Which password source `sasl_pwcheck_method` names.

use std::path::Path;
use std::sync::Arc;

use cyrus_proto::sasl::{
    AlwaysTrue, Authenticator, AuthzPolicy, PasswordFile, Saslauthd, DEFAULT_SASLAUTHD_PATH,
};

use crate::config::{ConfigError, ImapdConf};

/// Builds the authenticator for `service`: `alwaystrue` (tests only),
/// `saslauthd` (the saslauthd socket, so existing Cyrus sites keep their
/// authentication), or otherwise the password file `cyr_passwd` manages in
/// the configdirectory (standing in for Cyrus SASL's `auxprop`/sasldb).
pub fn authenticator(
    conf: &ImapdConf,
    config_dir: &Path,
    service: &str,
) -> Result<Arc<dyn Authenticator>, ConfigError> {
    let policy = AuthzPolicy::new(conf.bitfield("admins"), conf.bitfield("proxyservers"));
    let methods = conf
        .raw("sasl_pwcheck_method")
        .unwrap_or("auxprop")
        .to_ascii_lowercase();
    let first = methods.split_whitespace().next().unwrap_or("auxprop");
    Ok(match first {
        "alwaystrue" => Arc::new(AlwaysTrue::new(policy)),
        "saslauthd" => {
            let path = conf
                .raw("sasl_saslauthd_path")
                .unwrap_or(DEFAULT_SASLAUTHD_PATH);
            let mut s = Saslauthd::new(path, service, policy);
            if let Some(realm) = conf.raw("sasl_realm") {
                s = s.with_realm(realm);
            }
            Arc::new(s)
        }
        "auxprop" | "pwcheck" => Arc::new(PasswordFile::in_configdirectory(config_dir, policy)),
        other => {
            return Err(ConfigError::Invalid(format!(
            "sasl_pwcheck_method {other:?} is not supported (use auxprop, saslauthd or alwaystrue)"
        )))
        }
    })
}
