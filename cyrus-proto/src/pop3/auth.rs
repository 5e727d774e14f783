//! USER/PASS (RFC 1939 §7), AUTH (RFC 5034: `+ <base64>` challenges,
//! one base64 line per response, `*` cancels) and STLS (RFC 2595 §4),
//! with Cyrus's `-ERR [AUTH] …` wording; a successful login opens the
//! maildrop through `handler`.

use cyrus_store::mboxname::UserId;

use crate::runtime::Output;
use crate::sasl::{
    decode_initial_response, decode_response, encode, Authenticated, Failure, FinalData, Secret,
    ServerNonce, Start, Step,
};

use super::handler;
use super::session::{Pop3Session, State, Transaction};

/// The reply to a failed SASL exchange, worded as Cyrus SASL does.
fn auth_failure(f: Failure) -> &'static str {
    match f {
        Failure::Cancelled => "-ERR [AUTH] Client canceled authentication\r\n",
        Failure::UnknownMechanism => "-ERR [AUTH] authenticating: no mechanism available\r\n",
        Failure::EncryptionRequired => {
            "-ERR [AUTH] authenticating: encryption needed to use mechanism\r\n"
        }
        Failure::Unavailable => "-ERR [SYS/TEMP] authenticating: temporary failure\r\n",
        _ => "-ERR [AUTH] authenticating: authentication failure\r\n",
    }
}

impl Pop3Session {
    /// `USER name`.
    pub(super) fn cmd_user(&mut self, name: &[u8], out: &mut Output) {
        if self.sasl.login_disabled(self.transport()) {
            out.send("-ERR [AUTH] USER command only available under a layer\r\n");
            return;
        }
        let State::Authorization { user } = &mut self.state else {
            return;
        };
        if user.is_some() {
            out.send("-ERR [AUTH] Must give PASS command\r\n");
            return;
        }
        match std::str::from_utf8(name)
            .ok()
            .filter(|n| UserId::try_from(*n).is_ok())
        {
            Some(n) => {
                *user = Some(n.to_string());
                out.send("+OK Name is a valid mailbox\r\n");
            }
            None => out.send("-ERR [AUTH] Invalid user\r\n"),
        }
    }

    /// `PASS password`.
    pub(super) fn cmd_pass(&mut self, password: Vec<u8>, now: u32, out: &mut Output) {
        let State::Authorization { user } = &mut self.state else {
            return;
        };
        let Some(name) = user.take() else {
            out.send("-ERR [AUTH] Must give USER command\r\n");
            return;
        };
        let password = Secret::new(password);
        match self
            .sasl
            .check_login(self.transport(), &name, &password, self.auth.as_ref())
        {
            Ok(proof) => self.logged_in(proof, now, out),
            Err(f) => {
                tracing::info!(reason = f.description(), "pop3 login failed");
                out.send("-ERR [AUTH] Invalid login\r\n");
            }
        }
    }

    /// `AUTH` (list mechanisms) or `AUTH mechanism [initial-response]`.
    pub(super) fn cmd_auth(&mut self, arg: Option<&[u8]>, now: u32, out: &mut Output) {
        if let State::Authorization { user: Some(_) } = self.state {
            out.send("-ERR [AUTH] Must give PASS command\r\n");
            return;
        }
        let Some(arg) = arg else {
            let adv = self.sasl.advertise(self.transport(), self.auth.as_ref());
            let mut s = String::from("+OK List of supported mechanisms follows\r\n");
            for m in adv.mechanisms {
                s.push_str(m.name());
                s.push_str("\r\n");
            }
            s.push_str(".\r\n");
            out.send(s);
            return;
        };
        let mut words = arg.splitn(2, |&b| b == b' ');
        let mechanism = String::from_utf8_lossy(words.next().unwrap_or_default()).into_owned();
        let initial_response = match words.next().map(decode_initial_response) {
            None => None,
            Some(Ok(s)) => Some(s),
            Some(Err(f)) => {
                out.send(auth_failure(f));
                return;
            }
        };
        let step = self.sasl.start(
            Start {
                mechanism: &mechanism,
                initial_response,
                transport: self.transport(),
                final_data: FinalData::AsChallenge,
                nonce: ServerNonce::random(),
            },
            self.auth.as_ref(),
        );
        self.sasl_step(step, now, out);
    }

    /// A client line during AUTH.
    pub(super) fn sasl_continue(&mut self, line: &[u8], now: u32, out: &mut Output) {
        let State::Sasl(exchange) =
            std::mem::replace(&mut self.state, State::Authorization { user: None })
        else {
            return;
        };
        let step = match decode_response(line) {
            Ok(r) => exchange.respond(r, self.auth.as_ref()),
            Err(f) => Step::Failure(f),
        };
        self.sasl_step(step, now, out);
    }

    fn sasl_step(&mut self, step: Step, now: u32, out: &mut Output) {
        match step {
            Step::Challenge {
                exchange,
                challenge,
            } => {
                out.send(format!("+ {}\r\n", encode(&challenge)));
                self.state = State::Sasl(Box::new(exchange));
            }
            Step::Success(s) => self.logged_in(s.proof, now, out),
            Step::Failure(f) => {
                tracing::info!(reason = f.description(), "pop3 authentication failed");
                out.send(auth_failure(f));
            }
        }
    }

    /// Opens the maildrop for an authenticated user (Cyrus `openinbox`).
    fn logged_in(&mut self, proof: Authenticated, now: u32, out: &mut Output) {
        let Ok(user) = UserId::try_from(proof.userid()) else {
            out.send("-ERR [AUTH] Invalid user\r\n");
            return;
        };
        match handler::open(&self.store, &self.cfg, &user, now) {
            Ok(opened) => {
                tracing::info!(user = %user.as_str(), authcid = proof.authcid(), "pop3 login");
                out.send(format!(
                    "+OK Mailbox locked and ready SESSIONID=<{}>\r\n",
                    self.ids.next_id()
                ));
                self.state = State::Transaction(Box::new(Transaction {
                    user,
                    opened,
                    login_time: now,
                }));
            }
            Err(r) => {
                out.send(format!("{}\r\n", r.line));
                if r.close {
                    out.close();
                    self.state = State::Closed;
                }
            }
        }
    }

    /// `STLS`: `+OK`, then the handshake; pipelined input is dropped.
    pub(super) fn cmd_stls(&mut self, out: &mut Output) {
        if self.tls {
            out.send("-ERR Already successfully executed STLS\r\n");
            return;
        }
        out.send("+OK Begin TLS negotiation now\r\n");
        out.start_tls();
        self.discard_pipelined();
    }
}
