//! How an authentication ends: the [`Authenticated`] proof on success, a
//! [`Failure`] reason otherwise.

use super::registry::Mechanism;

/// How an identity was established.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthMethod {
    /// A SASL exchange (AUTHENTICATE / AUTH).
    Sasl(Mechanism),
    /// A plaintext login command (IMAP `LOGIN`, POP3 `USER`/`PASS`).
    Password,
    /// The transport vouched for the client (LMTP on the unix socket,
    /// `lmtpd -a`, `imapd -s` preauth).
    Preauthenticated,
}

/// Proof that a client authenticated. Only the `sasl` module can build one
/// (its fields are private), so a session holding an `Authenticated` knows
/// the password, SCRAM proof or trusted transport really was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authenticated {
    authcid: String,
    userid: String,
    method: AuthMethod,
}

impl Authenticated {
    /// Built by the mechanisms once credentials and authorization passed.
    pub(super) fn new(authcid: String, userid: String, method: AuthMethod) -> Self {
        Authenticated {
            authcid,
            userid,
            method,
        }
    }

    /// An identity vouched for by the transport, not by credentials: only
    /// for connections the daemon trusts by construction (LMTP over the
    /// local unix socket as the postman, `-a`/`-s` preauth). Never call this
    /// with a name the client supplied.
    pub fn preauthenticated(userid: &str) -> Self {
        Authenticated::new(
            userid.to_owned(),
            userid.to_owned(),
            AuthMethod::Preauthenticated,
        )
    }

    /// The identity whose credentials were checked (authentication id).
    pub fn authcid(&self) -> &str {
        &self.authcid
    }

    /// The identity the session acts as: the authorization id if the client
    /// asked for one and was allowed, else the authcid.
    pub fn userid(&self) -> &str {
        &self.userid
    }

    /// Whether the session acts for someone other than who authenticated
    /// (proxy authorization).
    pub fn is_proxied(&self) -> bool {
        self.authcid != self.userid
    }

    /// How the identity was established.
    pub fn method(&self) -> AuthMethod {
        self.method
    }
}

/// Why an authentication failed. Protocols map each reason to their reply
/// in one place (e.g. IMAP: `Cancelled`/`BadBase64`/`Malformed` → `BAD`,
/// `AuthenticationFailed` → `NO [AUTHENTICATIONFAILED]`,
/// `AuthorizationFailed` → `NO [AUTHORIZATIONFAILED]`,
/// `EncryptionRequired` → `NO [PRIVACYREQUIRED]`, `Unavailable` →
/// `NO [UNAVAILABLE]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// The client sent `*` (RFC 3501 §6.2.2, RFC 4954 §4).
    Cancelled,
    /// A client response was not valid base64.
    BadBase64,
    /// The decoded response did not follow the mechanism's syntax (also:
    /// SCRAM channel binding requested, or a nonce mismatch).
    Malformed,
    /// Wrong password, unknown user, or bad SCRAM proof: deliberately one
    /// reason, so clients cannot probe which user names exist.
    AuthenticationFailed,
    /// Credentials were right but the user may not act as the requested
    /// authorization id.
    AuthorizationFailed,
    /// The mechanism is unknown, or not enabled by `sasl_mech_list`, or the
    /// password source cannot serve it.
    UnknownMechanism,
    /// A plaintext mechanism or login on an unencrypted connection while
    /// `allowplaintext` is off.
    EncryptionRequired,
    /// The credential back end failed (temporary).
    Unavailable,
}

impl Failure {
    /// Human-readable text for the protocol reply, in Cyrus's wording
    /// where Cyrus has one. Never mentions whether the user exists.
    pub fn description(self) -> &'static str {
        match self {
            Failure::Cancelled => "Client canceled authentication",
            Failure::BadBase64 => "Invalid base64 string",
            Failure::Malformed => "Invalid authentication exchange",
            Failure::AuthenticationFailed => "Authentication failed",
            Failure::AuthorizationFailed => "Authorization failed",
            Failure::UnknownMechanism => "Unsupported authentication mechanism",
            Failure::EncryptionRequired => {
                "Encryption required for requested authentication mechanism"
            }
            Failure::Unavailable => "Authentication service temporarily unavailable",
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.description())
    }
}

impl std::error::Error for Failure {}
