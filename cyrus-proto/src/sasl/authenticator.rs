//! What the daemon provides to SASL: password checks, stored SCRAM keys,
//! and the authorization policy (who may act as whom, who is an admin).

use super::scram_keys::{ScramCredentials, ScramHash};
use super::secret::Secret;

/// A credential back end could not answer (as opposed to answering "no").
///
/// Protocols report this as a temporary failure (IMAP `NO [UNAVAILABLE]`,
/// POP3 `-ERR [SYS/TEMP]`, LMTP `454`), never as a wrong password.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The back end (e.g. saslauthd) could not be reached or answered
    /// garbage.
    #[error("authentication back end unavailable: {0}")]
    Unavailable(String),
    /// Reading the password file failed.
    #[error("password file {path}: {source}")]
    Io {
        /// The file that could not be read or written.
        path: std::path::PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The password file is damaged; `line` is 1-based. The content of the
    /// line is not included because it may hold key material.
    #[error("password file {path}, line {line}: {reason}")]
    Corrupt {
        /// The damaged file.
        path: std::path::PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A user name that cannot be stored (empty, or holds `:` or a line
    /// break).
    #[error("invalid user name")]
    InvalidUser,
}

/// Credential checks and authorization policy, implemented by each
/// password source (`alwaystrue`, the password file, saslauthd).
///
/// Methods are blocking: async callers run them through the runtime's
/// blocking bridge.
pub trait Authenticator {
    /// Checks a plaintext password. An unknown user is `Ok(false)`, exactly
    /// like a wrong password.
    fn verify_password(&self, authcid: &str, password: &Secret) -> Result<bool, AuthError>;

    /// The stored SCRAM keys for `authcid`, or `Ok(None)` if the user is
    /// unknown or this source keeps no SCRAM secrets.
    fn scram_credentials(
        &self,
        authcid: &str,
        hash: ScramHash,
    ) -> Result<Option<ScramCredentials>, AuthError> {
        let _ = (authcid, hash);
        Ok(None)
    }

    /// Whether this source can serve SCRAM at all (it keeps salted keys).
    /// Sources that only check plaintext passwords (saslauthd) return
    /// `false`, and SCRAM is then not advertised.
    fn offers_scram(&self) -> bool {
        false
    }

    /// Whether `authcid`, already authenticated, may act as `authzid`.
    /// Always called with `authcid != authzid`.
    fn may_authorize(&self, authcid: &str, authzid: &str) -> bool;

    /// Whether `userid` is a server administrator (`admins:`).
    fn is_admin(&self, userid: &str) -> bool;
}

/// The authorization rules of Cyrus's `mysasl_proxy_policy`: a user may
/// always act as itself; acting as someone else needs the authenticated
/// identity to be listed in `admins` or `proxyservers`.
#[derive(Debug, Clone, Default)]
pub struct AuthzPolicy {
    admins: Vec<String>,
    proxyservers: Vec<String>,
}

impl AuthzPolicy {
    /// Builds the policy from the `admins` and `proxyservers` lists.
    pub fn new(admins: Vec<String>, proxyservers: Vec<String>) -> Self {
        AuthzPolicy {
            admins,
            proxyservers,
        }
    }

    /// Whether `userid` is in `admins`.
    pub fn is_admin(&self, userid: &str) -> bool {
        self.admins.iter().any(|a| a == userid)
    }

    /// Whether `authcid` may act as `authzid`.
    pub fn may_authorize(&self, authcid: &str, authzid: &str) -> bool {
        authcid == authzid
            || self.is_admin(authcid)
            || self.proxyservers.iter().any(|p| p == authcid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_policy() {
        let p = AuthzPolicy::new(vec!["admin".into()], vec!["proxy".into()]);
        assert!(p.may_authorize("bob", "bob"));
        assert!(!p.may_authorize("bob", "alice"));
        assert!(p.may_authorize("admin", "alice"));
        assert!(p.may_authorize("proxy", "alice"));
        assert!(p.is_admin("admin"));
        assert!(!p.is_admin("proxy"));
    }
}
