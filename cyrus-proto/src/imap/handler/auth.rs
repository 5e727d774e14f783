//! LOGIN and AUTHENTICATE (with SASL-IR), through the shared SASL module:
//! only it can build the [`Authenticated`] proof a login needs.

use cyrus_store::mboxname::UserId;

use crate::imap::machine::{Login, Pending, State};
use crate::imap::wire::Tagged;
use crate::runtime::Output;
use crate::sasl::{
    decode_response, encode, Authenticated, Exchange, FinalData, Secret, ServerNonce, Start, Step,
};

use super::error::Failure;
use super::session::ImapSession;

impl ImapSession {
    /// `LOGIN user password` (refused under `allowplaintext: no` without
    /// TLS: Cyrus advertises LOGINDISABLED then).
    pub(super) fn cmd_login(&mut self, user: &[u8], password: &[u8]) -> Result<Tagged, Failure> {
        let user = String::from_utf8_lossy(user).into_owned();
        let password = Secret::new(password.to_vec());
        match self
            .sasl
            .check_login(self.transport(), &user, &password, self.auth.as_ref())
        {
            Ok(proof) => self.logged_in(proof),
            // Cyrus's wording when LOGINDISABLED applies.
            Err(crate::sasl::Failure::EncryptionRequired) => {
                Err(Failure::No("Login only available under a layer".into()))
            }
            Err(f) => {
                tracing::info!(reason = f.description(), "login failed");
                Err(Failure::No(format!("Login failed: {}", f.description())))
            }
        }
    }

    /// `AUTHENTICATE mech [initial-response]`.
    pub(super) fn cmd_authenticate(
        &mut self,
        tag: &str,
        mechanism: &str,
        initial: Option<Vec<u8>>,
        out: &mut Output,
    ) -> Result<Option<Tagged>, Failure> {
        // imap-codec has already base64-decoded SASL-IR (`=` arrives
        // empty).
        let initial_response = initial.map(Secret::new);
        let step = self.sasl.start(
            Start {
                mechanism,
                initial_response,
                transport: self.transport(),
                final_data: FinalData::AsChallenge,
                nonce: ServerNonce::random(),
            },
            self.auth.as_ref(),
        );
        self.auth_step(tag, step, out).map(|_| None)
    }

    /// A client line during AUTHENTICATE.
    pub(super) fn auth_continue(
        &mut self,
        tag: &str,
        exchange: Exchange,
        line: &[u8],
        out: &mut Output,
    ) {
        let step = match decode_response(line) {
            Ok(r) => exchange.respond(r, self.auth.as_ref()),
            Err(f) => Step::Failure(f),
        };
        if let Err(f) = self.auth_step(tag, step, out) {
            out.send(super::error::respond(&f, super::error::Doing::Other).line(tag));
        }
    }

    fn auth_step(&mut self, tag: &str, step: Step, out: &mut Output) -> Result<(), Failure> {
        match step {
            Step::Challenge {
                exchange,
                challenge,
            } => {
                out.send(format!("+ {}\r\n", encode(&challenge)));
                self.pending = Pending::Authenticate {
                    tag: tag.to_string(),
                    exchange: Box::new(exchange),
                };
                Ok(())
            }
            Step::Success(s) => {
                let t = self.logged_in(s.proof)?;
                out.send(std::mem::take(&mut self.out));
                out.send(t.line(tag));
                self.check_shutdown_file(out);
                Ok(())
            }
            Step::Failure(f) => {
                tracing::info!(reason = f.description(), "authentication failed");
                Err(Failure::No(f.description().to_string()))
            }
        }
    }

    fn logged_in(&mut self, proof: Authenticated) -> Result<Tagged, Failure> {
        let user =
            UserId::try_from(proof.userid()).map_err(|_| Failure::No("Invalid user".into()))?;
        tracing::info!(user = %user.as_str(), authcid = proof.authcid(), "login");
        self.start_telemetry(user.as_str(), std::time::SystemTime::now());
        // Cyrus creates a missing INBOX at login when `autocreate_quota`
        // is set; a failure is logged and the login still succeeds.
        let now = super::session::secs(std::time::SystemTime::now());
        match self.store.autocreate_inbox(&user, now) {
            Ok(true) => tracing::info!(user = %user.as_str(), "autocreated INBOX"),
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "INBOX autocreate failed"),
        }
        self.state = State::Authenticated(Login { proof, user });
        Ok(
            Tagged::ok(format!("User logged in SESSIONID=<{}>", self.session_id))
                .with_code(format!("CAPABILITY {}", self.capabilities())),
        )
    }
}
