//! The last two steps every mechanism shares: check a password through the
//! [`Authenticator`], then apply proxy authorization and build the proof.

use super::authenticator::Authenticator;
use super::outcome::{AuthMethod, Authenticated, Failure};
use super::secret::Secret;

/// Verifies `password` for `authcid` and, if `authzid` names someone else,
/// that `authcid` may act as them.
///
/// Empty user names and empty passwords fail like a wrong password (Cyrus
/// SASL refuses them before consulting any back end).
pub(super) fn check_password(
    auth: &dyn Authenticator,
    authcid: &str,
    authzid: Option<&str>,
    password: &Secret,
    method: AuthMethod,
) -> Result<Authenticated, Failure> {
    if authcid.is_empty() || password.is_empty() {
        return Err(Failure::AuthenticationFailed);
    }
    match auth.verify_password(authcid, password) {
        Ok(true) => authorize(auth, authcid, authzid, method),
        Ok(false) => Err(Failure::AuthenticationFailed),
        Err(e) => {
            // The error names the back end or file, never the password.
            tracing::warn!(error = %e, "password check failed");
            Err(Failure::Unavailable)
        }
    }
}

/// Applies proxy authorization for an authenticated `authcid`. An empty or
/// absent `authzid`, or one equal to `authcid`, means "act as myself".
pub(super) fn authorize(
    auth: &dyn Authenticator,
    authcid: &str,
    authzid: Option<&str>,
    method: AuthMethod,
) -> Result<Authenticated, Failure> {
    let userid = match authzid {
        None | Some("") => authcid,
        Some(z) if z == authcid => authcid,
        Some(z) => {
            if !auth.may_authorize(authcid, z) {
                return Err(Failure::AuthorizationFailed);
            }
            z
        }
    };
    Ok(Authenticated::new(
        authcid.to_owned(),
        userid.to_owned(),
        method,
    ))
}
