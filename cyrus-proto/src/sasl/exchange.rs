//! One SASL exchange as a state machine: start it with the mechanism name
//! and optional initial response, feed each decoded client response, and
//! get a challenge to send, success with an [`Authenticated`] proof, or a
//! [`Failure`]. Each transition consumes the exchange.

use super::authenticator::Authenticator;
use super::authorize::check_password;
use super::encoding::ClientResponse;
use super::login::{self, AwaitPassword};
use super::nonce::ServerNonce;
use super::outcome::{AuthMethod, Authenticated, Failure};
use super::plain;
use super::registry::{Mechanism, SaslConfig, Transport};
use super::scram::{self, AwaitFinal};
use super::scram_keys::ScramHash;
use super::secret::Secret;

/// How the protocol carries data the server sends with success (the SCRAM
/// `server-final-message`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinalData {
    /// The success reply can carry it (ManageSieve `OK (SASL "...")`,
    /// RFC 5804 §2.1).
    WithSuccess,
    /// It is sent as one more challenge that the client answers with an
    /// empty response (IMAP, POP3, LMTP: RFC 3501 §6.2.2, RFC 4954 §4).
    AsChallenge,
}

/// What a client asked for: the arguments of `AUTHENTICATE` / `AUTH`.
#[derive(Debug)]
pub struct Start<'a> {
    /// The mechanism name as the client sent it.
    pub mechanism: &'a str,
    /// The decoded SASL-IR initial response, if the client sent one (see
    /// [`decode_initial_response`](super::decode_initial_response)).
    pub initial_response: Option<Secret>,
    /// Whether the connection is encrypted.
    pub transport: Transport,
    /// How this protocol sends final server data.
    pub final_data: FinalData,
    /// The SCRAM server nonce ([`ServerNonce::random`] outside tests).
    pub nonce: ServerNonce,
}

/// A successful exchange.
#[derive(Debug)]
pub struct Success {
    /// Who authenticated and who the session acts as.
    pub proof: Authenticated,
    /// Data to send with the success reply (only with
    /// [`FinalData::WithSuccess`]); base64-encode it for the wire.
    pub final_data: Option<Vec<u8>>,
}

/// The result of starting or continuing an exchange.
#[derive(Debug)]
#[must_use]
pub enum Step {
    /// Send `challenge` (base64-encoded, as `+ ...` or `334 ...`), read one
    /// client line, decode it and pass it to [`Exchange::respond`].
    Challenge {
        /// The exchange to continue.
        exchange: Exchange,
        /// The raw challenge bytes.
        challenge: Vec<u8>,
    },
    /// Authenticated.
    Success(Success),
    /// Failed; the exchange is over.
    Failure(Failure),
}

/// An exchange waiting for the client's next response. `Debug` shows the
/// mechanism and state name only.
pub struct Exchange {
    mechanism: Mechanism,
    final_data: FinalData,
    state: State,
}

enum State {
    PlainMessage,
    LoginUsername,
    LoginPassword(AwaitPassword),
    ScramFirst {
        hash: ScramHash,
        nonce: ServerNonce,
        mock_key: Secret,
    },
    ScramFinal(AwaitFinal),
    /// The server-final data went out as a challenge; an empty response
    /// completes the exchange.
    FinalAck(Authenticated),
}

impl std::fmt::Debug for Exchange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match self.state {
            State::PlainMessage => "PlainMessage",
            State::LoginUsername => "LoginUsername",
            State::LoginPassword(_) => "LoginPassword",
            State::ScramFirst { .. } => "ScramFirst",
            State::ScramFinal(_) => "ScramFinal",
            State::FinalAck(_) => "FinalAck",
        };
        f.debug_struct("Exchange")
            .field("mechanism", &self.mechanism)
            .field("state", &state)
            .finish()
    }
}

impl SaslConfig {
    /// Starts an exchange (`AUTHENTICATE <mech> [<initial>]`). Refuses
    /// mechanisms not enabled, not served by `auth`, or plaintext ones on a
    /// cleartext connection under `allowplaintext: no`.
    pub fn start(&self, start: Start<'_>, auth: &dyn Authenticator) -> Step {
        let Some(mechanism) = Mechanism::from_name(start.mechanism) else {
            return Step::Failure(Failure::UnknownMechanism);
        };
        if let Some(f) = self.refusal(mechanism, start.transport, auth) {
            return Step::Failure(f);
        }
        let state = match mechanism {
            Mechanism::Plain => State::PlainMessage,
            Mechanism::Login => State::LoginUsername,
            Mechanism::ScramSha1 | Mechanism::ScramSha256 => State::ScramFirst {
                hash: if mechanism == Mechanism::ScramSha1 {
                    ScramHash::Sha1
                } else {
                    ScramHash::Sha256
                },
                nonce: start.nonce,
                mock_key: self.mock_key().clone(),
            },
        };
        let exchange = Exchange {
            mechanism,
            final_data: start.final_data,
            state,
        };
        match start.initial_response {
            // LOGIN with an empty initial response still asks for the name.
            Some(ir) if !(mechanism == Mechanism::Login && ir.is_empty()) => {
                exchange.respond(ClientResponse::Data(ir), auth)
            }
            _ => {
                let challenge = match mechanism {
                    Mechanism::Login => login::USERNAME_CHALLENGE.to_vec(),
                    // PLAIN and SCRAM are client-first: an empty challenge.
                    _ => Vec::new(),
                };
                Step::Challenge {
                    exchange,
                    challenge,
                }
            }
        }
    }

    /// Checks a plaintext login command (IMAP `LOGIN`, POP3 `USER`/`PASS`)
    /// under the same rules as PLAIN, including `allowplaintext`.
    pub fn check_login(
        &self,
        transport: Transport,
        user: &str,
        password: &Secret,
        auth: &dyn Authenticator,
    ) -> Result<Authenticated, Failure> {
        if self.login_disabled(transport) {
            return Err(Failure::EncryptionRequired);
        }
        check_password(auth, user, None, password, AuthMethod::Password)
    }
}

impl Exchange {
    /// The mechanism in use.
    pub fn mechanism(&self) -> Mechanism {
        self.mechanism
    }

    /// Continues with the client's decoded response (see
    /// [`decode_response`](super::decode_response)).
    pub fn respond(self, response: ClientResponse, auth: &dyn Authenticator) -> Step {
        let ClientResponse::Data(data) = response else {
            return Step::Failure(Failure::Cancelled);
        };
        let Exchange {
            mechanism,
            final_data,
            state,
        } = self;
        let next = |state: State, challenge: Vec<u8>| Step::Challenge {
            exchange: Exchange {
                mechanism,
                final_data,
                state,
            },
            challenge,
        };
        match state {
            State::PlainMessage => done(plain::finish(&data, auth), None),
            State::LoginUsername => match login::username(&data) {
                Ok(s) => next(State::LoginPassword(s), login::PASSWORD_CHALLENGE.to_vec()),
                Err(f) => Step::Failure(f),
            },
            State::LoginPassword(s) => done(s.password(&data, auth), None),
            State::ScramFirst {
                hash,
                nonce,
                mock_key,
            } => match scram::client_first(hash, &data, &nonce, &mock_key, auth) {
                Ok((s, server_first)) => next(State::ScramFinal(s), server_first),
                Err(f) => Step::Failure(f),
            },
            State::ScramFinal(s) => match s.client_final(&data, auth) {
                Ok((proof, server_final)) => match final_data {
                    FinalData::WithSuccess => done(Ok(proof), Some(server_final)),
                    FinalData::AsChallenge => next(State::FinalAck(proof), server_final),
                },
                Err(f) => Step::Failure(f),
            },
            State::FinalAck(proof) if data.is_empty() => done(Ok(proof), None),
            State::FinalAck(_) => Step::Failure(Failure::Malformed),
        }
    }

    /// Ends the exchange because the client cancelled.
    pub fn cancel(self) -> Failure {
        Failure::Cancelled
    }
}

fn done(result: Result<Authenticated, Failure>, final_data: Option<Vec<u8>>) -> Step {
    match result {
        Ok(proof) => Step::Success(Success { proof, final_data }),
        Err(f) => Step::Failure(f),
    }
}
