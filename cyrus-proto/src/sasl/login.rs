//! LOGIN (draft-murchison-sasl-login): the server asks `Username:` then
//! `Password:`, exactly as Cyrus SASL's login plugin does. A SASL-IR
//! initial response is taken as the user name.

use super::authenticator::Authenticator;
use super::authorize::check_password;
use super::outcome::{AuthMethod, Authenticated, Failure};
use super::registry::Mechanism;
use super::secret::Secret;

/// The first challenge.
pub(super) const USERNAME_CHALLENGE: &[u8] = b"Username:";
/// The second challenge.
pub(super) const PASSWORD_CHALLENGE: &[u8] = b"Password:";

/// LOGIN after the user name arrived: waiting for the password.
#[derive(Debug)]
pub(super) struct AwaitPassword {
    user: String,
}

/// Takes the user name; on success the caller sends
/// [`PASSWORD_CHALLENGE`].
pub(super) fn username(response: &Secret) -> Result<AwaitPassword, Failure> {
    let user = response.expose_str().ok_or(Failure::Malformed)?;
    if user.is_empty() || user.contains('\0') {
        return Err(Failure::Malformed);
    }
    Ok(AwaitPassword {
        user: user.to_owned(),
    })
}

impl AwaitPassword {
    /// Checks the password. LOGIN has no authorization id.
    pub(super) fn password(
        self,
        response: &Secret,
        auth: &dyn Authenticator,
    ) -> Result<Authenticated, Failure> {
        check_password(
            auth,
            &self.user,
            None,
            response,
            AuthMethod::Sasl(Mechanism::Login),
        )
    }
}
