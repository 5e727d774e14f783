//! SCRAM key derivation (RFC 5802 §3): salted password, client and server
//! keys, and the stored form a password source keeps.

use std::fmt;

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

use super::secret::Secret;

/// The hash function of a SCRAM mechanism.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ScramHash {
    /// SCRAM-SHA-1 (RFC 5802).
    Sha1,
    /// SCRAM-SHA-256 (RFC 7677).
    Sha256,
}

/// Highest iteration count accepted from stored credentials; a damaged
/// file must not make one login burn minutes of CPU.
pub const MAX_ITERATIONS: u32 = 10_000_000;

impl ScramHash {
    /// Output length of the hash in bytes.
    pub fn output_len(self) -> usize {
        match self {
            ScramHash::Sha1 => 20,
            ScramHash::Sha256 => 32,
        }
    }

    /// `H(data)`.
    pub(super) fn hash(self, data: &[u8]) -> Vec<u8> {
        match self {
            ScramHash::Sha1 => Sha1::digest(data).to_vec(),
            ScramHash::Sha256 => Sha256::digest(data).to_vec(),
        }
    }

    /// `HMAC(key, data)`.
    pub(super) fn hmac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        // `expect`: HMAC accepts keys of any length (RFC 2104 §2 hashes long
        // keys and pads short ones); `new_from_slice` cannot fail for it.
        match self {
            ScramHash::Sha1 => {
                let mut m = <Hmac<Sha1> as Mac>::new_from_slice(key).expect("HMAC takes any key");
                m.update(data);
                m.finalize().into_bytes().to_vec()
            }
            ScramHash::Sha256 => {
                let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key");
                m.update(data);
                m.finalize().into_bytes().to_vec()
            }
        }
    }

    /// `Hi(password, salt, i)`: PBKDF2 with HMAC of this hash.
    pub(super) fn salted_password(self, password: &[u8], salt: &[u8], iterations: u32) -> Secret {
        let mut out = vec![0u8; self.output_len()];
        let rounds = iterations.max(1);
        match self {
            ScramHash::Sha1 => pbkdf2::pbkdf2_hmac::<Sha1>(password, salt, rounds, &mut out),
            ScramHash::Sha256 => pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, rounds, &mut out),
        }
        Secret::new(out)
    }
}

/// What a server stores to run SCRAM for one user and one hash, without
/// keeping the password: `StoredKey = H(ClientKey)` and `ServerKey`.
///
/// `Debug` shows the hash, salt length and iterations only.
#[derive(Clone)]
pub struct ScramCredentials {
    hash: ScramHash,
    salt: Vec<u8>,
    iterations: u32,
    stored_key: Vec<u8>,
    server_key: Vec<u8>,
}

impl ScramCredentials {
    /// Derives the stored keys from a password (what `cyr_passwd` does when
    /// setting a password).
    pub fn derive(hash: ScramHash, password: &Secret, salt: &[u8], iterations: u32) -> Self {
        let iterations = iterations.clamp(1, MAX_ITERATIONS);
        let salted = hash.salted_password(password.expose(), salt, iterations);
        let mut client_key = hash.hmac(salted.expose(), b"Client Key");
        let stored_key = hash.hash(&client_key);
        client_key.zeroize();
        let server_key = hash.hmac(salted.expose(), b"Server Key");
        ScramCredentials {
            hash,
            salt: salt.to_vec(),
            iterations,
            stored_key,
            server_key,
        }
    }

    /// Rebuilds credentials read from storage. Returns `None` if the key
    /// lengths do not match the hash or the iteration count is out of range.
    pub fn from_parts(
        hash: ScramHash,
        salt: Vec<u8>,
        iterations: u32,
        stored_key: Vec<u8>,
        server_key: Vec<u8>,
    ) -> Option<Self> {
        let n = hash.output_len();
        if stored_key.len() != n
            || server_key.len() != n
            || iterations == 0
            || iterations > MAX_ITERATIONS
            || salt.is_empty()
        {
            return None;
        }
        Some(ScramCredentials {
            hash,
            salt,
            iterations,
            stored_key,
            server_key,
        })
    }

    /// The hash these keys belong to.
    pub fn hash(&self) -> ScramHash {
        self.hash
    }

    /// The salt sent to the client.
    pub fn salt(&self) -> &[u8] {
        &self.salt
    }

    /// The PBKDF2 iteration count.
    pub fn iterations(&self) -> u32 {
        self.iterations
    }

    /// `StoredKey`; sensitive (with it and a sniffed exchange an attacker can
    /// mount offline attacks), keep out of logs.
    pub fn stored_key(&self) -> &[u8] {
        &self.stored_key
    }

    /// `ServerKey`; sensitive (lets its holder impersonate the server).
    pub fn server_key(&self) -> &[u8] {
        &self.server_key
    }

    /// Checks a plaintext password against these keys (used by the password
    /// file to verify PLAIN/LOGIN passwords against the same record).
    pub fn matches_password(&self, password: &Secret) -> bool {
        let other = ScramCredentials::derive(self.hash, password, &self.salt, self.iterations);
        super::secret::constant_time_eq(&other.stored_key, &self.stored_key)
    }
}

impl Drop for ScramCredentials {
    fn drop(&mut self) {
        self.stored_key.zeroize();
        self.server_key.zeroize();
    }
}

impl fmt::Debug for ScramCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScramCredentials")
            .field("hash", &self.hash)
            .field("salt_len", &self.salt.len())
            .field("iterations", &self.iterations)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_keys() {
        let c = ScramCredentials::derive(ScramHash::Sha256, &Secret::from("pw"), b"salt", 2);
        let d = format!("{c:?}");
        assert!(d.contains("iterations"));
        assert!(!d.contains("stored_key"));
    }

    #[test]
    fn password_match() {
        let c = ScramCredentials::derive(ScramHash::Sha1, &Secret::from("pw"), b"salt", 3);
        assert!(c.matches_password(&Secret::from("pw")));
        assert!(!c.matches_password(&Secret::from("px")));
    }
}
