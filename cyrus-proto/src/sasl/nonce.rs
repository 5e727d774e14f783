//! Server randomness for SASL: the SCRAM server nonce, and the key that
//! makes mock SCRAM salts for unknown users. Passed in, so tests can fix
//! them.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rand::RngCore;

use super::secret::Secret;

/// The server's part of a SCRAM nonce: printable ASCII without `,`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerNonce(String);

impl ServerNonce {
    /// 18 random bytes from the OS generator, base64-encoded (24 chars).
    pub fn random() -> Self {
        let mut bytes = [0u8; 18];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        ServerNonce(STANDARD.encode(bytes))
    }

    /// A fixed nonce, for tests and RFC example conversations. Returns
    /// `None` unless it is non-empty printable ASCII without `,`
    /// (RFC 5802 §7 `printable`).
    pub fn fixed(nonce: &str) -> Option<Self> {
        let ok = !nonce.is_empty()
            && nonce
                .bytes()
                .all(|b| (0x21..=0x7e).contains(&b) && b != b',');
        ok.then(|| ServerNonce(nonce.to_owned()))
    }

    /// The nonce text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A random 32-byte key from the OS generator, for
/// [`SaslConfig::new`](super::SaslConfig::new)'s mock key. Generate it
/// once per daemon so an unknown user always gets the same mock salt.
pub fn random_mock_key() -> Secret {
    let mut bytes = vec![0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    Secret::new(bytes)
}

/// `len` random bytes from the OS generator (salts for new passwords).
pub(super) fn random_bytes(len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_nonce_is_valid() {
        let n = ServerNonce::random();
        assert_eq!(ServerNonce::fixed(n.as_str()), Some(n.clone()));
        assert_ne!(n, ServerNonce::random());
        assert!(ServerNonce::fixed("a,b").is_none());
    }
}
