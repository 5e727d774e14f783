//! [`Pop3Session`]: line framing and the state machine (authorization →
//! SASL exchange → transaction → closed, RFC 1939 §3), as a
//! [`runtime::Session`](crate::runtime::Session). Commands live in `auth`,
//! `capa` and `transaction`.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use cyrus_store::mboxname::UserId;
use cyrus_store::Store;

use crate::lmtp::SessionIds;
use crate::runtime::{unix_seconds, ConnInfo, Output, PeerAddr, Session};
use crate::sasl::{Authenticator, Exchange, SaslConfig, Transport};

use super::config::Pop3Config;
use super::handler::{self, Opened};
use super::wire::{frame, parse_line, Frame, Line};

/// The transaction state's data.
#[derive(Debug)]
pub(super) struct Transaction {
    pub(super) user: UserId,
    pub(super) opened: Opened,
    /// When the login happened (written to `pop3_last_login` at QUIT).
    pub(super) login_time: u32,
}

/// Where the session is.
pub(super) enum State {
    /// Before login; `user` after an accepted USER.
    Authorization { user: Option<String> },
    /// Inside AUTH, waiting for the client's next line.
    Sasl(Box<Exchange>),
    /// Logged in with the maildrop open.
    Transaction(Box<Transaction>),
    /// QUIT answered (or the connection is being dropped).
    Closed,
}

/// One POP3 connection.
pub struct Pop3Session {
    pub(super) store: Arc<Store>,
    pub(super) sasl: Arc<SaslConfig>,
    pub(super) auth: Arc<dyn Authenticator + Send + Sync>,
    pub(super) cfg: Arc<Pop3Config>,
    pub(super) ids: Arc<dyn SessionIds>,
    pub(super) state: State,
    pub(super) tls: bool,
    local_socket: bool,
    buf: Vec<u8>,
    /// Skipping the rest of an over-long line.
    skipping: bool,
}

impl Pop3Session {
    /// A session for a new connection.
    pub fn new(
        store: Arc<Store>,
        sasl: Arc<SaslConfig>,
        auth: Arc<dyn Authenticator + Send + Sync>,
        cfg: Arc<Pop3Config>,
        ids: Arc<dyn SessionIds>,
        conn: &ConnInfo,
    ) -> Self {
        Pop3Session {
            store,
            sasl,
            auth,
            cfg,
            ids,
            state: State::Authorization { user: None },
            tls: conn.tls,
            local_socket: matches!(conn.peer, PeerAddr::Unix),
            buf: Vec::new(),
            skipping: false,
        }
    }

    /// The user logged in, if any.
    pub fn user(&self) -> Option<&UserId> {
        match &self.state {
            State::Transaction(t) => Some(&t.user),
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

    fn process(&mut self, now: u32, out: &mut Output) {
        loop {
            if matches!(self.state, State::Closed) {
                self.buf.clear();
                return;
            }
            if self.skipping {
                match self.buf.iter().position(|&b| b == b'\n') {
                    Some(p) => {
                        self.buf.drain(..=p);
                        self.skipping = false;
                    }
                    None => {
                        self.buf.clear();
                        return;
                    }
                }
            }
            match frame(&self.buf, self.cfg.max_line) {
                Frame::Incomplete => return,
                Frame::TooLong => {
                    // Cyrus would cut the line into 8 KiB commands; one
                    // refusal for the whole line is kinder to clients.
                    match self.buf.iter().position(|&b| b == b'\n') {
                        Some(p) => {
                            self.buf.drain(..=p);
                        }
                        None => {
                            self.buf.clear();
                            self.skipping = true;
                        }
                    }
                    if let State::Sasl(_) = self.state {
                        self.state = State::Authorization { user: None };
                    }
                    out.send("-ERR Line too long\r\n");
                }
                Frame::Line { line, consumed } => {
                    self.buf.drain(..consumed);
                    if matches!(self.state, State::Sasl(_)) {
                        self.sasl_continue(&line, now, out);
                        continue;
                    }
                    match parse_line(&line) {
                        Ok(l) => self.dispatch(l, now, out),
                        Err(e) => out.send(format!("-ERR {e}\r\n")),
                    }
                }
            }
        }
    }

    fn dispatch(&mut self, line: Line, now: u32, out: &mut Output) {
        let Line { verb, arg } = line;
        match verb.as_str() {
            "quit" => {
                if arg.is_some() {
                    out.send("-ERR Unexpected extra argument\r\n");
                } else {
                    self.quit(now, out);
                }
                return;
            }
            "capa" => {
                if arg.is_some() {
                    out.send("-ERR Unexpected extra argument\r\n");
                } else {
                    self.capa(out);
                }
                return;
            }
            _ => {}
        }
        if matches!(self.state, State::Transaction(_)) {
            self.transaction(&verb, arg.as_deref(), out);
            return;
        }
        match (verb.as_str(), arg) {
            ("user", None) | ("pass", None) => out.send("-ERR Missing argument\r\n"),
            ("user", Some(a)) => self.cmd_user(&a, out),
            ("pass", Some(a)) => self.cmd_pass(a, now, out),
            ("auth", a) => self.cmd_auth(a.as_deref(), now, out),
            ("stls", a) if self.cfg.starttls => {
                if a.is_some() {
                    out.send("-ERR Unexpected extra argument\r\n");
                } else {
                    self.cmd_stls(out);
                }
            }
            _ => out.send("-ERR Unrecognized command\r\n"),
        }
    }

    /// QUIT: in the transaction state the maildrop is updated (RFC 1939
    /// §6); either way `+OK` and the connection closes.
    fn quit(&mut self, now: u32, out: &mut Output) {
        if let State::Transaction(t) = std::mem::replace(&mut self.state, State::Closed) {
            handler::quit(&self.store, &self.cfg, &t.opened, t.login_time, now);
        }
        out.send("+OK\r\n");
        out.close();
    }

    /// Drops input that arrived after STLS (no plaintext injection).
    pub(super) fn discard_pipelined(&mut self) {
        self.buf.clear();
    }
}

impl Session for Pop3Session {
    fn greeting(&mut self, _now: SystemTime, out: &mut Output) {
        // No APOP challenge: Cyrus offers APOP only when SASL can read
        // plaintext secrets, and our password sources keep none.
        let mut g = String::from("+OK");
        if self.cfg.server_info {
            g.push(' ');
            g.push_str(&self.cfg.servername);
            g.push_str(" Cyrus POP3 ");
            g.push_str(&self.cfg.version);
        }
        g.push_str(" server ready\r\n");
        out.send(g);
    }

    fn input(&mut self, data: &[u8], now: SystemTime, out: &mut Output) {
        self.buf.extend_from_slice(data);
        self.process(unix_seconds(now), out);
    }

    fn tls_started(&mut self) {
        self.tls = true;
    }

    fn idle_timeout(&self) -> Duration {
        self.cfg.idle_timeout
    }

    fn timed_out(&mut self, _out: &mut Output) {
        // RFC 1939 §3: an autologout timer ends the session without
        // entering the UPDATE state, so nothing is expunged. Cyrus closes
        // without a word.
        self.state = State::Closed;
    }

    fn shutdown(&mut self, out: &mut Output) {
        // As for Cyrus's shutdown file: nothing is expunged.
        self.state = State::Closed;
        out.send("-ERR [SYS/TEMP] Server shutting down\r\n");
    }
}
