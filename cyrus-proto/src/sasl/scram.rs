//! SCRAM-SHA-1 (RFC 5802) and SCRAM-SHA-256 (RFC 7677) server, without
//! channel binding: the gs2 header must be `n,` or `y,` (`p=` is refused,
//! since no `-PLUS` variant is advertised).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::authenticator::Authenticator;
use super::authorize::authorize;
use super::nonce::ServerNonce;
use super::outcome::{AuthMethod, Authenticated, Failure};
use super::registry::Mechanism;
use super::scram_keys::{ScramCredentials, ScramHash};
use super::secret::{constant_time_eq, Secret};

/// Iteration count shown for unknown users (Cyrus SASL's default
/// `scram_iteration_counter`), so they look like real ones.
const MOCK_ITERATIONS: u32 = 4096;

/// SCRAM after `server-first-message` was sent: waiting for
/// `client-final-message`.
pub(super) struct AwaitFinal {
    hash: ScramHash,
    authcid: String,
    authzid: Option<String>,
    /// `c=` must echo this header, base64-encoded (RFC 5802 §7, cbind-input
    /// for a client without channel binding).
    gs2_header: String,
    nonce: String,
    /// `client-first-message-bare "," server-first-message`.
    auth_message_prefix: String,
    /// Real keys, or mock ones for an unknown user.
    credentials: ScramCredentials,
    /// False for an unknown user: the proof is checked against the mock
    /// keys (same work, same timing) and then fails like a wrong password.
    known_user: bool,
}

impl std::fmt::Debug for AwaitFinal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AwaitFinal")
            .field("hash", &self.hash)
            .field("authcid", &self.authcid)
            .finish_non_exhaustive()
    }
}

/// Decodes a `saslname` (RFC 5802 §5.1): `=2C` is `,`, `=3D` is `=`, any
/// other `=` is an error.
fn decode_saslname(s: &str) -> Result<String, Failure> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('=') {
        out.push_str(&rest[..i]);
        let esc = rest.get(i..i + 3).ok_or(Failure::Malformed)?;
        match esc {
            "=2C" => out.push(','),
            "=3D" => out.push('='),
            _ => return Err(Failure::Malformed),
        }
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A nonce is printable ASCII without `,` (RFC 5802 §7).
fn valid_nonce(n: &str) -> bool {
    !n.is_empty() && n.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b',')
}

/// Salt, iterations and keys for a user that does not exist, derived from
/// the server's mock key so repeated attempts see the same salt.
fn mock_credentials(hash: ScramHash, mock_key: &Secret, user: &str) -> ScramCredentials {
    let mut salt = hash.hmac(mock_key.expose(), format!("salt\0{user}").as_bytes());
    salt.truncate(16);
    let stored = hash.hmac(mock_key.expose(), format!("stored\0{user}").as_bytes());
    let server = hash.hmac(mock_key.expose(), format!("server\0{user}").as_bytes());
    // `from_parts` only fails on wrong key lengths or iteration counts; the
    // HMAC outputs have the hash's length and MOCK_ITERATIONS is in range.
    ScramCredentials::from_parts(hash, salt.clone(), MOCK_ITERATIONS, stored, server)
        .unwrap_or_else(|| ScramCredentials::derive(hash, mock_key, &salt, 1))
}

/// Handles `client-first-message`; returns the state to continue with and
/// the `server-first-message` to send.
pub(super) fn client_first(
    hash: ScramHash,
    message: &Secret,
    nonce: &ServerNonce,
    mock_key: &Secret,
    auth: &dyn Authenticator,
) -> Result<(AwaitFinal, Vec<u8>), Failure> {
    let msg = message.expose_str().ok_or(Failure::Malformed)?;
    let (cbind, rest) = msg.split_once(',').ok_or(Failure::Malformed)?;
    match cbind {
        "n" | "y" => {}
        // Channel binding (`p=`) is not offered; anything else is garbage.
        _ => return Err(Failure::Malformed),
    }
    let (authzid_field, bare) = rest.split_once(',').ok_or(Failure::Malformed)?;
    let authzid = match authzid_field {
        "" => None,
        a => Some(decode_saslname(
            a.strip_prefix("a=").ok_or(Failure::Malformed)?,
        )?),
    };
    let gs2_header = format!("{cbind},{authzid_field},");

    let mut fields = bare.split(',');
    // A leading `m=` (reserved-mext) is a mandatory extension we do not
    // know: RFC 5802 §5.1 says fail.
    let user_field = fields.next().ok_or(Failure::Malformed)?;
    let authcid = decode_saslname(user_field.strip_prefix("n=").ok_or(Failure::Malformed)?)?;
    let client_nonce = fields
        .next()
        .and_then(|f| f.strip_prefix("r="))
        .ok_or(Failure::Malformed)?;
    if authcid.is_empty() || !valid_nonce(client_nonce) {
        return Err(Failure::Malformed);
    }

    let credentials = match auth.scram_credentials(&authcid, hash) {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "SCRAM credential lookup failed");
            return Err(Failure::Unavailable);
        }
    };
    let (credentials, known_user) = match credentials {
        Some(c) if c.hash() == hash => (c, true),
        _ => (mock_credentials(hash, mock_key, &authcid), false),
    };

    let combined = format!("{client_nonce}{}", nonce.as_str());
    let server_first = format!(
        "r={combined},s={},i={}",
        STANDARD.encode(credentials.salt()),
        credentials.iterations()
    );
    let state = AwaitFinal {
        hash,
        authcid,
        authzid,
        gs2_header,
        nonce: combined,
        auth_message_prefix: format!("{bare},{server_first}"),
        credentials,
        known_user,
    };
    Ok((state, server_first.into_bytes()))
}

impl AwaitFinal {
    /// Handles `client-final-message`; on success returns the proof value
    /// and the `server-final-message` (`v=...`).
    pub(super) fn client_final(
        self,
        message: &Secret,
        auth: &dyn Authenticator,
    ) -> Result<(Authenticated, Vec<u8>), Failure> {
        let msg = message.expose_str().ok_or(Failure::Malformed)?;
        // `p=` is the last attribute (RFC 5802 §7 client-final-message).
        let (without_proof, proof_b64) = msg.rsplit_once(",p=").ok_or(Failure::Malformed)?;
        let mut fields = without_proof.split(',');
        let cbind = fields
            .next()
            .and_then(|f| f.strip_prefix("c="))
            .ok_or(Failure::Malformed)?;
        if cbind != STANDARD.encode(self.gs2_header.as_bytes()) {
            return Err(Failure::Malformed);
        }
        let nonce = fields
            .next()
            .and_then(|f| f.strip_prefix("r="))
            .ok_or(Failure::Malformed)?;
        if nonce != self.nonce {
            return Err(Failure::Malformed);
        }
        let proof = STANDARD.decode(proof_b64).map_err(|_| Failure::Malformed)?;
        if proof.len() != self.hash.output_len() {
            return Err(Failure::Malformed);
        }

        let creds = &self.credentials;
        let auth_message = format!("{},{without_proof}", self.auth_message_prefix);
        let client_signature = self.hash.hmac(creds.stored_key(), auth_message.as_bytes());
        let client_key = Secret::new(
            proof
                .iter()
                .zip(&client_signature)
                .map(|(p, s)| p ^ s)
                .collect(),
        );
        let proof_ok = constant_time_eq(&self.hash.hash(client_key.expose()), creds.stored_key());
        if !(proof_ok && self.known_user) {
            return Err(Failure::AuthenticationFailed);
        }
        let server_signature = self.hash.hmac(creds.server_key(), auth_message.as_bytes());
        let mechanism = match self.hash {
            ScramHash::Sha1 => Mechanism::ScramSha1,
            ScramHash::Sha256 => Mechanism::ScramSha256,
        };
        let proof = authorize(
            auth,
            &self.authcid,
            self.authzid.as_deref(),
            AuthMethod::Sasl(mechanism),
        )?;
        let server_final = format!("v={}", STANDARD.encode(server_signature));
        Ok((proof, server_final.into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saslname() {
        assert_eq!(decode_saslname("a=2Cb=3Dc").as_deref(), Ok("a,b=c"));
        assert_eq!(decode_saslname("a=2"), Err(Failure::Malformed));
        assert_eq!(decode_saslname("a=41"), Err(Failure::Malformed));
        assert_eq!(decode_saslname("é=3D").as_deref(), Ok("é="));
    }

    #[test]
    fn nonce_chars() {
        assert!(valid_nonce("abc+/%$)"));
        assert!(!valid_nonce("a,b"));
        assert!(!valid_nonce(""));
        assert!(!valid_nonce("a b"));
    }
}
