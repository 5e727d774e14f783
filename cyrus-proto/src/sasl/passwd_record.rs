//! One line of the password file: a user's salted SCRAM keys, which serve
//! both SCRAM-SHA-1/-256 and plaintext password checks (like the SCRAM
//! secrets saslpasswd2 keeps in sasldb).
//!
//! ```text
//! <user>:scram$<iterations>$<salt>$<sha256-stored>$<sha256-server>$<sha1-stored>$<sha1-server>
//! ```
//!
//! Salt and keys are standard base64. The salt is 16 random bytes; both
//! hashes use the same salt and iteration count. A password is checked by
//! recomputing the SHA-256 `StoredKey` (PBKDF2-HMAC-SHA-256 underneath).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::nonce::random_bytes;
use super::scram_keys::{ScramCredentials, ScramHash};
use super::secret::Secret;

/// The scheme tag after `user:`.
const SCHEME: &str = "scram";

/// Default PBKDF2 iteration count for new passwords (Cyrus SASL's
/// `scram_iteration_counter` default).
pub const DEFAULT_ITERATIONS: u32 = 4096;

/// A user's stored credentials. `Debug` shows the user name only.
#[derive(Clone)]
pub struct PasswordRecord {
    user: String,
    sha256: ScramCredentials,
    sha1: ScramCredentials,
}

impl std::fmt::Debug for PasswordRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordRecord")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

/// Whether `user` can be stored: non-empty, no `:` and no line breaks.
pub fn valid_user(user: &str) -> bool {
    !user.is_empty() && !user.contains([':', '\n', '\r', '\0'])
}

impl PasswordRecord {
    /// New credentials for `user` with a fresh random salt. `None` if the
    /// user name cannot be stored.
    pub fn new(user: &str, password: &Secret, iterations: u32) -> Option<Self> {
        Self::with_salt(user, password, &random_bytes(16), iterations)
    }

    /// Credentials with a given salt (tests, RFC vectors).
    pub fn with_salt(user: &str, password: &Secret, salt: &[u8], iterations: u32) -> Option<Self> {
        if !valid_user(user) || salt.is_empty() {
            return None;
        }
        Some(PasswordRecord {
            user: user.to_owned(),
            sha256: ScramCredentials::derive(ScramHash::Sha256, password, salt, iterations),
            sha1: ScramCredentials::derive(ScramHash::Sha1, password, salt, iterations),
        })
    }

    /// The user name.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The SCRAM keys for `hash`.
    pub fn credentials(&self, hash: ScramHash) -> &ScramCredentials {
        match hash {
            ScramHash::Sha1 => &self.sha1,
            ScramHash::Sha256 => &self.sha256,
        }
    }

    /// Checks a plaintext password (constant-time on the derived key).
    pub fn matches_password(&self, password: &Secret) -> bool {
        self.sha256.matches_password(password)
    }

    /// The file line, without a line break.
    pub fn to_line(&self) -> String {
        let b = |x: &[u8]| STANDARD.encode(x);
        format!(
            "{}:{SCHEME}${}${}${}${}${}${}",
            self.user,
            self.sha256.iterations(),
            b(self.sha256.salt()),
            b(self.sha256.stored_key()),
            b(self.sha256.server_key()),
            b(self.sha1.stored_key()),
            b(self.sha1.server_key()),
        )
    }

    /// Parses a file line (without its line break). The error says what is
    /// wrong without quoting the line.
    pub fn parse(line: &str) -> Result<Self, &'static str> {
        let (user, rest) = line.split_once(':').ok_or("missing ':'")?;
        if !valid_user(user) {
            return Err("invalid user name");
        }
        let fields: Vec<&str> = rest.split('$').collect();
        let [scheme, iterations, salt, s256_stored, s256_server, s1_stored, s1_server] = fields[..]
        else {
            return Err("wrong number of fields");
        };
        if scheme != SCHEME {
            return Err("unknown scheme");
        }
        let iterations: u32 = iterations.parse().map_err(|_| "bad iteration count")?;
        let d = |x: &str| STANDARD.decode(x).map_err(|_| "bad base64");
        let salt = d(salt)?;
        let sha256 = ScramCredentials::from_parts(
            ScramHash::Sha256,
            salt.clone(),
            iterations,
            d(s256_stored)?,
            d(s256_server)?,
        )
        .ok_or("bad SHA-256 keys")?;
        let sha1 = ScramCredentials::from_parts(
            ScramHash::Sha1,
            salt,
            iterations,
            d(s1_stored)?,
            d(s1_server)?,
        )
        .ok_or("bad SHA-1 keys")?;
        Ok(PasswordRecord {
            user: user.to_owned(),
            sha256,
            sha1,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_round_trip() {
        let r = PasswordRecord::new("bob@example.com", &Secret::from("pw"), 16).expect("valid");
        let line = r.to_line();
        assert!(line.starts_with("bob@example.com:scram$16$"));
        assert!(!line.contains("pw$"));
        let back = PasswordRecord::parse(&line).expect("parses");
        assert_eq!(back.to_line(), line);
        assert!(back.matches_password(&Secret::from("pw")));
        assert!(!back.matches_password(&Secret::from("pW")));
    }

    #[test]
    fn rejects_damage() {
        assert!(PasswordRecord::new("a:b", &Secret::from("pw"), 1).is_none());
        for bad in [
            "",
            "bob",
            "bob:md5$x",
            "bob:scram$0$AA==$$$$",
            "bob:scram$1$!$a$b$c$d",
        ] {
            assert!(PasswordRecord::parse(bad).is_err(), "{bad}");
        }
        assert!(!format!("{:?}", PasswordRecord::new("u", &Secret::from("p"), 1)).contains("key"));
    }
}
