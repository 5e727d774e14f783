//! The `saslauthd` password source: a blocking client for saslauthd's unix
//! socket protocol (Cyrus SASL `lib/checkpw.c`).
//!
//! Request: four counted strings (2-byte big-endian length, then the bytes)
//! for login, password, service and realm. Reply: one counted string
//! starting with `OK` (accepted) or `NO` (refused). One connection per
//! check. Calls block: run them on the runtime's blocking bridge.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::Duration;

use zeroize::Zeroizing;

use super::authenticator::{AuthError, Authenticator, AuthzPolicy};
use super::secret::Secret;

/// Default socket path (`sasl_saslauthd_path`).
pub const DEFAULT_SASLAUTHD_PATH: &str = "/var/run/saslauthd/mux";

/// Longest reply accepted; Cyrus SASL reads into a 1024-byte buffer.
const MAX_REPLY: usize = 1024;

/// Checks passwords by asking saslauthd. Offers no SCRAM.
#[derive(Debug, Clone)]
pub struct Saslauthd {
    path: PathBuf,
    service: String,
    realm: String,
    timeout: Duration,
    policy: AuthzPolicy,
}

impl Saslauthd {
    /// A client for the socket at `path` (the `sasl_saslauthd_path` value,
    /// or [`DEFAULT_SASLAUTHD_PATH`]), sending `service` (e.g. `imap`,
    /// `pop`, `lmtp`, `sieve`) and an empty realm, with a 30-second
    /// timeout per read and write.
    pub fn new(path: impl Into<PathBuf>, service: &str, policy: AuthzPolicy) -> Self {
        Saslauthd {
            path: path.into(),
            service: service.to_owned(),
            realm: String::new(),
            timeout: Duration::from_secs(30),
            policy,
        }
    }

    /// Sets the realm sent with each request.
    pub fn with_realm(mut self, realm: &str) -> Self {
        self.realm = realm.to_owned();
        self
    }

    /// Sets the read/write timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    fn unavailable(&self, what: &str, e: impl std::fmt::Display) -> AuthError {
        AuthError::Unavailable(format!("saslauthd {}: {what}: {e}", self.path.display()))
    }

    /// The request bytes; zeroed on drop because they hold the password.
    /// `None` if a field is longer than 65535 bytes.
    fn request(&self, login: &str, password: &Secret) -> Option<Zeroizing<Vec<u8>>> {
        let fields: [&[u8]; 4] = [
            login.as_bytes(),
            password.expose(),
            self.service.as_bytes(),
            self.realm.as_bytes(),
        ];
        let mut buf = Zeroizing::new(Vec::with_capacity(fields.iter().map(|f| f.len() + 2).sum()));
        for f in fields {
            let len = u16::try_from(f.len()).ok()?;
            buf.extend_from_slice(&len.to_be_bytes());
            buf.extend_from_slice(f);
        }
        Some(buf)
    }
}

impl Authenticator for Saslauthd {
    fn verify_password(&self, authcid: &str, password: &Secret) -> Result<bool, AuthError> {
        let Some(request) = self.request(authcid, password) else {
            // An over-long login or password cannot be right.
            return Ok(false);
        };
        let mut stream =
            UnixStream::connect(&self.path).map_err(|e| self.unavailable("connect", e))?;
        stream
            .set_read_timeout(Some(self.timeout))
            .and_then(|_| stream.set_write_timeout(Some(self.timeout)))
            .map_err(|e| self.unavailable("set timeout", e))?;
        stream
            .write_all(&request)
            .map_err(|e| self.unavailable("write", e))?;
        let mut len = [0u8; 2];
        stream
            .read_exact(&mut len)
            .map_err(|e| self.unavailable("read", e))?;
        let len = usize::from(u16::from_be_bytes(len));
        if len > MAX_REPLY {
            return Err(self.unavailable("reply", "too long"));
        }
        let mut reply = vec![0u8; len];
        stream
            .read_exact(&mut reply)
            .map_err(|e| self.unavailable("read", e))?;
        if reply.starts_with(b"OK") {
            Ok(true)
        } else if reply.starts_with(b"NO") {
            // The text after NO (e.g. "NO authentication failed") is not
            // logged: it may echo what the client sent.
            Ok(false)
        } else {
            Err(self.unavailable("reply", "neither OK nor NO"))
        }
    }

    fn may_authorize(&self, authcid: &str, authzid: &str) -> bool {
        self.policy.may_authorize(authcid, authzid)
    }

    fn is_admin(&self, userid: &str) -> bool {
        self.policy.is_admin(userid)
    }
}
