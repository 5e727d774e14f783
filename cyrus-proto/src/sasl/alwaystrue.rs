//! The `alwaystrue` password source: every non-empty password is right.
//! For tests and throw-away set-ups only (Cyrus's `sasl_pwcheck_method:
//! alwaystrue`).

use super::authenticator::{AuthError, Authenticator, AuthzPolicy};
use super::secret::Secret;

/// Accepts any password for any user. Offers no SCRAM (there are no stored
/// keys to prove anything with).
#[derive(Debug, Clone, Default)]
pub struct AlwaysTrue {
    policy: AuthzPolicy,
}

impl AlwaysTrue {
    /// An `alwaystrue` source with the given authorization policy.
    pub fn new(policy: AuthzPolicy) -> Self {
        AlwaysTrue { policy }
    }
}

impl Authenticator for AlwaysTrue {
    fn verify_password(&self, _authcid: &str, _password: &Secret) -> Result<bool, AuthError> {
        Ok(true)
    }

    fn may_authorize(&self, authcid: &str, authzid: &str) -> bool {
        self.policy.may_authorize(authcid, authzid)
    }

    fn is_admin(&self, userid: &str) -> bool {
        self.policy.is_admin(userid)
    }
}
