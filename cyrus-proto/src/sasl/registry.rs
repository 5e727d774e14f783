//! The mechanisms we implement, `sasl_mech_list`, and which mechanisms a
//! connection is offered (`allowplaintext`, TLS).

use super::authenticator::Authenticator;
use super::secret::Secret;

/// A SASL mechanism this server implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mechanism {
    /// SCRAM-SHA-256 (RFC 7677).
    ScramSha256,
    /// SCRAM-SHA-1 (RFC 5802).
    ScramSha1,
    /// PLAIN (RFC 4616); sends the password.
    Plain,
    /// LOGIN (obsolete draft, still used by Outlook); sends the password.
    Login,
}

/// Every implemented mechanism, strongest first: the advertisement order
/// when `sasl_mech_list` is unset.
pub const ALL_MECHANISMS: [Mechanism; 4] = [
    Mechanism::ScramSha256,
    Mechanism::ScramSha1,
    Mechanism::Plain,
    Mechanism::Login,
];

impl Mechanism {
    /// The IANA name, as advertised (`AUTH=<name>`).
    pub fn name(self) -> &'static str {
        match self {
            Mechanism::ScramSha256 => "SCRAM-SHA-256",
            Mechanism::ScramSha1 => "SCRAM-SHA-1",
            Mechanism::Plain => "PLAIN",
            Mechanism::Login => "LOGIN",
        }
    }

    /// Parses a mechanism name case-insensitively (RFC 4422 §3.1 names are
    /// upper case, but clients vary). Unknown names are `None`.
    pub fn from_name(name: &str) -> Option<Self> {
        ALL_MECHANISMS
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(name))
    }

    /// Whether the mechanism sends the password in the clear (hidden
    /// without TLS when `allowplaintext` is off).
    pub fn is_plaintext(self) -> bool {
        matches!(self, Mechanism::Plain | Mechanism::Login)
    }

    /// Whether the mechanism needs stored SCRAM keys from the password
    /// source.
    pub fn needs_scram_keys(self) -> bool {
        matches!(self, Mechanism::ScramSha1 | Mechanism::ScramSha256)
    }
}

impl std::fmt::Display for Mechanism {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The `allowplaintext` switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaintextPolicy {
    /// `allowplaintext: yes`: passwords may cross unencrypted connections.
    Allowed,
    /// `allowplaintext: no` (the default): PLAIN, LOGIN, IMAP `LOGIN` and
    /// POP3 `USER` need TLS.
    RequireEncryption,
}

/// Whether this connection is protected (TLS done, or a local socket the
/// daemon treats as secure).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// No TLS.
    Cleartext,
    /// TLS (implicit or after STARTTLS), or otherwise protected.
    Encrypted,
}

/// What to advertise before authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advertisement {
    /// Mechanisms for `AUTH=` / `SASL` / `AUTH` lines, in order.
    pub mechanisms: Vec<Mechanism>,
    /// Whether plaintext login commands are disabled (IMAP
    /// `LOGINDISABLED`; POP3 omits `USER`).
    pub login_disabled: bool,
}

/// Per-daemon SASL settings: `sasl_mech_list`, `allowplaintext`, and the
/// mock key for unknown users. Built once at start-up.
pub struct SaslConfig {
    mechanisms: Vec<Mechanism>,
    plaintext: PlaintextPolicy,
    mock_key: Secret,
}

impl std::fmt::Debug for SaslConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SaslConfig")
            .field("mechanisms", &self.mechanisms)
            .field("plaintext", &self.plaintext)
            .finish_non_exhaustive()
    }
}

impl SaslConfig {
    /// `mech_list` is the `sasl_mech_list` value (space-separated,
    /// case-insensitive; names we do not implement are ignored, as Cyrus
    /// SASL ignores mechanisms without a plugin); `None` enables all.
    /// `mock_key` should come from [`random_mock_key`](super::random_mock_key).
    pub fn new(mech_list: Option<&str>, plaintext: PlaintextPolicy, mock_key: Secret) -> Self {
        let mechanisms = match mech_list {
            None => ALL_MECHANISMS.to_vec(),
            Some(list) => {
                let mut v: Vec<Mechanism> = Vec::new();
                for m in list
                    .split_ascii_whitespace()
                    .filter_map(Mechanism::from_name)
                {
                    if !v.contains(&m) {
                        v.push(m);
                    }
                }
                v
            }
        };
        SaslConfig {
            mechanisms,
            plaintext,
            mock_key,
        }
    }

    /// The `allowplaintext` policy.
    pub fn plaintext_policy(&self) -> PlaintextPolicy {
        self.plaintext
    }

    pub(super) fn mock_key(&self) -> &Secret {
        &self.mock_key
    }

    /// Whether plaintext passwords are refused on this transport.
    pub fn login_disabled(&self, transport: Transport) -> bool {
        transport == Transport::Cleartext && self.plaintext == PlaintextPolicy::RequireEncryption
    }

    /// Why `mechanism` may not start on this connection, if it may not.
    pub(super) fn refusal(
        &self,
        mechanism: Mechanism,
        transport: Transport,
        auth: &dyn Authenticator,
    ) -> Option<super::Failure> {
        if !self.mechanisms.contains(&mechanism)
            || (mechanism.needs_scram_keys() && !auth.offers_scram())
        {
            return Some(super::Failure::UnknownMechanism);
        }
        if mechanism.is_plaintext() && self.login_disabled(transport) {
            return Some(super::Failure::EncryptionRequired);
        }
        None
    }

    /// The mechanisms to advertise on a connection, and whether
    /// `LOGINDISABLED` applies. Without TLS and with `allowplaintext: no`,
    /// PLAIN and LOGIN are hidden (Cyrus sets `SASL_SEC_NOPLAINTEXT`);
    /// SCRAM is hidden when the password source keeps no SCRAM keys.
    pub fn advertise(&self, transport: Transport, auth: &dyn Authenticator) -> Advertisement {
        Advertisement {
            mechanisms: self
                .mechanisms
                .iter()
                .copied()
                .filter(|&m| self.refusal(m, transport, auth).is_none())
                .collect(),
            login_disabled: self.login_disabled(transport),
        }
    }
}
