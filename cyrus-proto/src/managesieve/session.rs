//! [`ManageSieveSession`]: buffering, framing and the state machine
//! (not authenticated → in a SASL exchange → authenticated), as a
//! [`runtime::Session`](crate::runtime::Session). Command families are
//! in `capability`, `auth` and `scripts`.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use cyrus_store::mboxname::UserId;
use cyrus_store::Store;

use crate::runtime::{unix_seconds, ConnInfo, Output, PeerAddr, Session};
use crate::sasl::{Authenticator, Exchange, SaslConfig, Transport};

use super::config::ManageSieveConfig;
use super::response::{Code, Response};
use super::wire::{parse_command, tokens, Command, Limits, Parsed, Token};

/// Where the session is.
pub(super) enum State {
    /// Before authentication.
    Anonymous,
    /// Waiting for the client's next SASL response.
    Sasl(Box<Exchange>),
    /// Logged in as this user.
    User(UserId),
    /// LOGOUT or BYE sent.
    Closed,
}

/// Input to throw away after a refused oversized literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Discard {
    Nothing,
    Bytes(u64),
    RestOfLine,
}

/// One ManageSieve connection.
pub struct ManageSieveSession {
    pub(super) store: Arc<Store>,
    pub(super) sasl: Arc<SaslConfig>,
    pub(super) auth: Arc<dyn Authenticator + Send + Sync>,
    pub(super) cfg: Arc<ManageSieveConfig>,
    pub(super) state: State,
    pub(super) tls: bool,
    local_socket: bool,
    buf: Vec<u8>,
    discard: Discard,
}

impl ManageSieveSession {
    /// A session for a new connection.
    pub fn new(
        store: Arc<Store>,
        sasl: Arc<SaslConfig>,
        auth: Arc<dyn Authenticator + Send + Sync>,
        cfg: Arc<ManageSieveConfig>,
        conn: &ConnInfo,
    ) -> Self {
        ManageSieveSession {
            store,
            sasl,
            auth,
            cfg,
            state: State::Anonymous,
            tls: conn.tls,
            local_socket: matches!(conn.peer, PeerAddr::Unix),
            buf: Vec::new(),
            discard: Discard::Nothing,
        }
    }

    /// The user logged in, if any.
    pub fn user(&self) -> Option<&UserId> {
        match &self.state {
            State::User(u) => Some(u),
            _ => None,
        }
    }

    pub(super) fn transport(&self) -> Transport {
        if self.tls || self.local_socket {
            Transport::Encrypted
        } else {
            Transport::Cleartext
        }
    }

    fn limits(&self) -> Limits {
        Limits {
            max_line: self.cfg.max_line,
            max_literal: self.cfg.max_literal,
        }
    }

    /// Drops input per `self.discard`; false when more input is needed.
    fn discard_input(&mut self) -> bool {
        loop {
            match self.discard {
                Discard::Nothing => return true,
                Discard::Bytes(n) => {
                    let take = usize::try_from(n).unwrap_or(usize::MAX).min(self.buf.len());
                    self.buf.drain(..take);
                    let left = n - take as u64;
                    if left > 0 {
                        return false;
                    }
                    self.discard = Discard::RestOfLine;
                }
                Discard::RestOfLine => match self.buf.iter().position(|&b| b == b'\n') {
                    Some(p) => {
                        self.buf.drain(..=p);
                        self.discard = Discard::Nothing;
                    }
                    None => {
                        self.buf.clear();
                        return false;
                    }
                },
            }
        }
    }

    fn process(&mut self, now: u32, out: &mut Output) {
        loop {
            if matches!(self.state, State::Closed) {
                self.buf.clear();
                return;
            }
            if !self.discard_input() || self.buf.is_empty() {
                return;
            }
            if matches!(self.state, State::Sasl(_)) {
                match tokens(&self.buf, self.limits()) {
                    Parsed::Incomplete => return,
                    Parsed::Done { item, consumed } => {
                        self.buf.drain(..consumed);
                        let response = match item {
                            Ok(t) if t.len() == 1 => match t.into_iter().next() {
                                Some(Token::Str(s)) => Some(s),
                                _ => None,
                            },
                            _ => None,
                        };
                        self.sasl_continue(response, out);
                    }
                    _ => {
                        self.bye("Line too long", out);
                        return;
                    }
                }
                continue;
            }
            match parse_command(&self.buf, self.limits()) {
                Parsed::Incomplete => return,
                Parsed::LineTooLong => {
                    self.bye("Line too long", out);
                    return;
                }
                Parsed::LiteralTooBig { header, len } => {
                    self.buf.drain(..header);
                    self.discard = Discard::Bytes(len);
                    out.send(
                        Response::no(format!(
                            "Script size is too large. Max script size is {} bytes",
                            self.cfg.limits.max_script_size
                        ))
                        .with_code(Code::MaxSize)
                        .to_bytes(),
                    );
                }
                Parsed::Done { item, consumed } => {
                    self.buf.drain(..consumed);
                    match item {
                        Ok(cmd) => self.dispatch(cmd, now, out),
                        Err(e) => out.send(Response::no(e.0).to_bytes()),
                    }
                }
            }
        }
    }

    fn dispatch(&mut self, cmd: Command, now: u32, out: &mut Output) {
        let user = match &self.state {
            State::User(u) => Some(u.clone()),
            _ => None,
        };
        let open = matches!(
            cmd,
            Command::Empty
                | Command::Authenticate { .. }
                | Command::Logout
                | Command::Capability
                | Command::Noop(_)
                | Command::CheckScript(_)
        ) || (matches!(cmd, Command::StartTls) && self.cfg.starttls);
        let Some(user) = user else {
            if open {
                self.unauthenticated(cmd, out);
            } else {
                out.send(Response::no("Authenticate first").to_bytes());
            }
            return;
        };
        let r = match cmd {
            Command::Empty => return,
            Command::Capability => {
                self.capability(out);
                return;
            }
            Command::Noop(tag) => self.noop(tag),
            Command::Logout => {
                self.logout(out);
                return;
            }
            Command::Authenticate { .. } => Response::no("Already authenticated"),
            Command::StartTls => {
                self.starttls(out);
                return;
            }
            Command::Unauthenticate => {
                self.state = State::Anonymous;
                Response::ok()
            }
            Command::ListScripts => {
                self.listscripts(&user, out);
                return;
            }
            Command::GetScript(name) => {
                self.getscript(&user, &name, out);
                return;
            }
            Command::PutScript { name, script } => self.putscript(&user, &name, &script, now),
            Command::CheckScript(script) => self.checkscript(&script),
            Command::SetActive(name) => self.setactive(&user, &name, now),
            Command::DeleteScript(name) => self.deletescript(&user, &name, now),
            Command::RenameScript { old, new } => self.renamescript(&user, &old, &new, now),
            Command::HaveSpace { name, size } => self.havespace(&user, &name, size),
        };
        out.send(r.to_bytes());
    }

    fn unauthenticated(&mut self, cmd: Command, out: &mut Output) {
        let r = match cmd {
            Command::Empty => return,
            Command::Capability => {
                self.capability(out);
                return;
            }
            Command::Noop(tag) => self.noop(tag),
            Command::Logout => {
                self.logout(out);
                return;
            }
            Command::Authenticate { mechanism, initial } => {
                self.authenticate(&mechanism, initial, out);
                return;
            }
            Command::StartTls => {
                self.starttls(out);
                return;
            }
            Command::CheckScript(script) => self.checkscript(&script),
            _ => Response::no("Authenticate first"),
        };
        out.send(r.to_bytes());
    }

    /// Drops input that arrived after STARTTLS (no plaintext injection).
    pub(super) fn discard_pipelined(&mut self) {
        self.buf.clear();
    }

    pub(super) fn bye(&mut self, text: &str, out: &mut Output) {
        out.send(Response::bye(text).to_bytes());
        out.close();
        self.state = State::Closed;
    }
}

impl Session for ManageSieveSession {
    fn greeting(&mut self, _now: SystemTime, out: &mut Output) {
        self.capability(out);
    }

    fn input(&mut self, data: &[u8], now: SystemTime, out: &mut Output) {
        self.buf.extend_from_slice(data);
        self.process(unix_seconds(now), out);
    }

    fn tls_started(&mut self) {
        self.tls = true;
    }

    fn after_tls(&mut self, out: &mut Output) {
        self.capability(out);
    }

    fn idle_timeout(&self) -> Duration {
        self.cfg.idle_timeout
    }

    fn timed_out(&mut self, out: &mut Output) {
        out.send(Response::bye("Shutdown TCP timeout").to_bytes());
    }

    fn shutdown(&mut self, out: &mut Output) {
        out.send(Response::bye("Server shutting down").to_bytes());
    }
}
