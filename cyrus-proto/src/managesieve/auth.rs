//! AUTHENTICATE (RFC 5804 §2.1: challenges as literals, client responses
//! as strings, `"*"` cancels, SCRAM's final data in `OK (SASL "…")`),
//! UNAUTHENTICATE and STARTTLS, through the shared SASL module.

use cyrus_store::mboxname::{MailboxName, UserId};

use crate::runtime::Output;
use crate::sasl::{decode, encode, FinalData, ServerNonce, Start, Step};

use super::response::{write_literal, Code, Response};
use super::session::{ManageSieveSession, State};

impl ManageSieveSession {
    /// `AUTHENTICATE mech [initial]`.
    pub(super) fn authenticate(
        &mut self,
        mechanism: &str,
        initial: Option<Vec<u8>>,
        out: &mut Output,
    ) {
        let initial_response = match initial.map(|i| decode(&i)) {
            None => None,
            Some(Ok(s)) => Some(s),
            Some(Err(_)) => {
                out.send(Response::no("error base64 decoding string").to_bytes());
                return;
            }
        };
        let step = self.sasl.start(
            Start {
                mechanism,
                initial_response,
                transport: self.transport(),
                final_data: FinalData::WithSuccess,
                nonce: ServerNonce::random(),
            },
            self.auth.as_ref(),
        );
        self.sasl_step(step, out);
    }

    /// A client line during an exchange (`None`: not a single string).
    pub(super) fn sasl_continue(&mut self, response: Option<Vec<u8>>, out: &mut Output) {
        let State::Sasl(exchange) = std::mem::replace(&mut self.state, State::Anonymous) else {
            return;
        };
        let step = match response {
            None => {
                out.send(Response::no("Authentication Error").to_bytes());
                return;
            }
            Some(r) if r == b"*" => {
                let _ = exchange.cancel();
                out.send(Response::no("Authentication Error").to_bytes());
                return;
            }
            Some(r) => match decode(&r) {
                Ok(s) => exchange.respond(crate::sasl::ClientResponse::Data(s), self.auth.as_ref()),
                Err(_) => {
                    out.send(Response::no("error base64 decoding string").to_bytes());
                    return;
                }
            },
        };
        self.sasl_step(step, out);
    }

    fn sasl_step(&mut self, step: Step, out: &mut Output) {
        match step {
            Step::Challenge {
                exchange,
                challenge,
            } => {
                let mut buf = Vec::new();
                write_literal(&mut buf, encode(&challenge).as_bytes());
                buf.extend_from_slice(b"\r\n");
                out.send(buf);
                self.state = State::Sasl(Box::new(exchange));
            }
            Step::Success(s) => {
                let Ok(user) = UserId::try_from(s.proof.userid()) else {
                    out.send(Response::no("Authentication Error").to_bytes());
                    return;
                };
                // Cyrus refuses users without a mailbox ("internal error").
                let inbox = MailboxName::user_inbox(&user);
                if !matches!(self.store.lookup(&inbox), Ok(Some(_))) {
                    tracing::info!(user = %user.as_str(), "managesieve login without INBOX");
                    out.send(Response::no("internal error").to_bytes());
                    return;
                }
                tracing::info!(user = %user.as_str(), authcid = s.proof.authcid(), "login");
                let r = match s.final_data {
                    Some(d) => Response::ok().with_code(Code::Sasl(encode(&d))),
                    None => Response::ok(),
                };
                out.send(r.to_bytes());
                self.state = State::User(user);
            }
            Step::Failure(f) => {
                tracing::info!(reason = f.description(), "authentication failed");
                out.send(Response::no("Authentication Error").to_bytes());
            }
        }
    }

    /// `STARTTLS`: `OK`, the handshake, then the capabilities again (sent
    /// by `after_tls`). Input pipelined after the command is dropped.
    pub(super) fn starttls(&mut self, out: &mut Output) {
        if !self.cfg.starttls {
            out.send(Response::no("Expected a command. Got something else.").to_bytes());
            return;
        }
        if self.tls {
            out.send(Response::no("TLS already active").to_bytes());
            return;
        }
        out.send(Response::ok_text("Begin TLS negotiation now").to_bytes());
        out.start_tls();
        self.discard_pipelined();
    }
}
