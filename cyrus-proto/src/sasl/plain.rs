//! PLAIN (RFC 4616): one message `[authzid] NUL authcid NUL passwd`.

use super::authenticator::Authenticator;
use super::authorize::check_password;
use super::outcome::{AuthMethod, Authenticated, Failure};
use super::registry::Mechanism;
use super::secret::Secret;

/// Checks one PLAIN message. The message must hold exactly two NULs
/// (RFC 4616 §2); authzid and authcid must be UTF-8. An empty authzid
/// means "act as the authcid".
pub(super) fn finish(message: &Secret, auth: &dyn Authenticator) -> Result<Authenticated, Failure> {
    let bytes = message.expose();
    let mut parts = bytes.split(|&b| b == 0);
    let (Some(authzid), Some(authcid), Some(passwd), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Failure::Malformed);
    };
    let authzid = std::str::from_utf8(authzid).map_err(|_| Failure::Malformed)?;
    let authcid = std::str::from_utf8(authcid).map_err(|_| Failure::Malformed)?;
    let password = Secret::from(passwd);
    check_password(
        auth,
        authcid,
        Some(authzid),
        &password,
        AuthMethod::Sasl(Mechanism::Plain),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sasl::{AlwaysTrue, AuthzPolicy};

    fn auth() -> AlwaysTrue {
        AlwaysTrue::new(AuthzPolicy::new(vec!["admin".into()], vec![]))
    }

    #[test]
    fn split_fields() {
        let a = finish(&Secret::from(&b"\0bob\0pw"[..]), &auth()).expect("ok");
        assert_eq!((a.authcid(), a.userid()), ("bob", "bob"));
        let a = finish(&Secret::from(&b"alice\0admin\0pw"[..]), &auth()).expect("ok");
        assert_eq!((a.authcid(), a.userid()), ("admin", "alice"));
    }

    #[test]
    fn malformed() {
        for m in [&b""[..], b"bob\0pw", b"\0bob\0pw\0", b"\0\xff\0pw"] {
            assert_eq!(finish(&Secret::from(m), &auth()), Err(Failure::Malformed));
        }
        assert_eq!(
            finish(&Secret::from(&b"\0bob\0"[..]), &auth()),
            Err(Failure::AuthenticationFailed)
        );
        assert_eq!(
            finish(&Secret::from(&b"alice\0bob\0pw"[..]), &auth()),
            Err(Failure::AuthorizationFailed)
        );
    }
}
