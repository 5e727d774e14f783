//! The LMTP session machine (RFC 2033 as Cyrus `lmtpengine.c` runs it):
//! framing of command lines and message bodies, command sequencing, and
//! the replies. Pure: it reaches the store only through [`Backend`],
//! and time comes in as an argument. Every complete command in the
//! input is handled in order (PIPELINING, RFC 2920).

use std::sync::Arc;
use std::time::SystemTime;

use crate::runtime::Output;
use crate::sasl::{
    decode_initial_response, decode_response, encode, Exchange, Failure as SaslFailure, FinalData,
    ServerNonce, Start, Step as SaslStep, Transport,
};

use super::body::{ChunkReader, Collected, DataReader};
use super::config::{LmtpConfig, LmtpSasl, SessionIds};
use super::reply::{status_reply, Status};
use super::wire::{parse_command, Command, MailParams, WireError};

/// A message handed to the backend after `DATA` or `BDAT … LAST`.
#[derive(Debug, Clone)]
pub struct Incoming<'a, R> {
    /// The body as received (dot-unstuffed).
    pub raw: &'a [u8],
    /// `MAIL FROM` and its parameters.
    pub mail: &'a MailParams,
    /// Accepted recipients in RCPT order.
    pub rcpts: &'a [R],
    /// LHLO argument (empty when none was given).
    pub lhlo: &'a str,
    /// Whether the session is authenticated.
    pub authenticated: bool,
    /// Whether TLS is active.
    pub tls: bool,
    /// Current session id.
    pub session_id: &'a str,
}

/// What the connection says about the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer {
    /// Trusted without AUTH (unix socket, `lmtpd -a`).
    pub authenticated: bool,
    /// TLS from the start.
    pub tls: bool,
}

/// The store side of a session.
pub trait Backend {
    /// An accepted recipient.
    type Rcpt;
    /// Verifies `RCPT TO:<address>`.
    fn verify(
        &mut self,
        address: &str,
        ignore_quota: bool,
        mail: &MailParams,
    ) -> Result<Self::Rcpt, Status>;
    /// Delivers to every recipient; one status per recipient, in order.
    /// A `Status::Ok` must only be returned once the message is durable.
    fn deliver(&mut self, msg: &Incoming<'_, Self::Rcpt>, now: SystemTime) -> Vec<Status>;
}

/// An open transaction.
#[derive(Debug)]
struct Transaction<R> {
    mail: MailParams,
    rcpts: Vec<R>,
}

/// Where the session is.
#[derive(Debug)]
enum State<R> {
    /// No transaction.
    Ready,
    /// After `MAIL`, collecting recipients.
    Mail(Transaction<R>),
    /// Reading a `DATA` body.
    Data(Transaction<R>, DataReader),
    /// Between `BDAT` chunks (`reading` = inside one, `last` = it ends
    /// the message).
    Chunks {
        tx: Transaction<R>,
        reader: ChunkReader,
        reading: bool,
        last: bool,
    },
    /// Skipping a `BDAT` chunk that cannot be accepted; then `reply`.
    Skip {
        back: Box<State<R>>,
        remaining: usize,
        reply: String,
    },
    /// After `QUIT`.
    Closed,
}

/// The session machine over a backend.
pub struct Machine<B: Backend> {
    backend: B,
    cfg: Arc<LmtpConfig>,
    ids: Arc<dyn SessionIds>,
    session_id: String,
    lhlo: String,
    authenticated: bool,
    tls: bool,
    input: Vec<u8>,
    discarding_line: bool,
    state: State<B::Rcpt>,
    sasl: Option<LmtpSasl>,
    exchange: Option<Box<Exchange>>,
}

impl<B: Backend> Machine<B> {
    /// A machine for a client described by `peer`.
    pub fn new(backend: B, cfg: Arc<LmtpConfig>, ids: Arc<dyn SessionIds>, peer: Peer) -> Self {
        let session_id = ids.next_id();
        Machine {
            backend,
            cfg,
            ids,
            session_id,
            lhlo: String::new(),
            authenticated: peer.authenticated,
            tls: peer.tls,
            input: Vec::new(),
            discarding_line: false,
            state: State::Ready,
            sasl: None,
            exchange: None,
        }
    }

    /// Enables `AUTH` with these SASL settings (Cyrus lmtpd on TCP
    /// without `-a`).
    pub fn with_sasl(mut self, sasl: Option<LmtpSasl>) -> Self {
        self.sasl = sasl;
        self
    }

    /// The backend (tests inspect it).
    pub fn backend(&self) -> &B {
        &self.backend
    }

    /// The current session id.
    pub fn session_id(&self) -> &str {
        &self.session_id
    }

    /// True once QUIT was handled.
    pub fn is_closed(&self) -> bool {
        matches!(self.state, State::Closed)
    }

    /// True between commands (no transaction data pending).
    pub fn is_idle(&self) -> bool {
        matches!(self.state, State::Ready | State::Mail(_)) && self.input.is_empty()
    }

    /// TLS is now active (after STARTTLS).
    pub fn tls_started(&mut self) {
        self.tls = true;
    }

    /// The greeting (Cyrus: `220 <servername> Cyrus LMTP <version>
    /// server ready`).
    pub fn greeting(&self, out: &mut Output) {
        let mut g = format!("220 {}", self.cfg.servername);
        if self.cfg.server_info {
            g.push_str(&format!(" Cyrus LMTP {}", self.cfg.version));
        }
        g.push_str(" server ready\r\n");
        out.send(g);
    }

    /// Bytes from the client.
    pub fn input(&mut self, data: &[u8], now: SystemTime, out: &mut Output) {
        if self.is_closed() {
            return;
        }
        self.input.extend_from_slice(data);
        while !self.is_closed() && self.step(now, out) {}
    }

    /// Handles one unit of input; false when more input is needed.
    fn step(&mut self, now: SystemTime, out: &mut Output) -> bool {
        match std::mem::replace(&mut self.state, State::Ready) {
            State::Data(tx, mut reader) => match reader.feed(&mut self.input) {
                Some(body) => {
                    self.finish(tx, body, now, out);
                    true
                }
                None => {
                    self.state = State::Data(tx, reader);
                    false
                }
            },
            State::Chunks {
                tx,
                mut reader,
                reading: true,
                last,
            } => match reader.feed(&mut self.input) {
                Some(n) if last => {
                    let _ = n;
                    self.finish(tx, reader.finish(), now, out);
                    true
                }
                Some(n) => {
                    out.send(format!("250 2.0.0 {n} octets received\r\n"));
                    self.state = State::Chunks {
                        tx,
                        reader,
                        reading: false,
                        last: false,
                    };
                    true
                }
                None => {
                    self.state = State::Chunks {
                        tx,
                        reader,
                        reading: true,
                        last,
                    };
                    false
                }
            },
            State::Skip {
                back,
                remaining,
                reply,
            } => {
                let n = remaining.min(self.input.len());
                self.input.drain(..n);
                if n == remaining {
                    out.send(reply);
                    self.state = *back;
                    true
                } else {
                    self.state = State::Skip {
                        back,
                        remaining: remaining - n,
                        reply,
                    };
                    false
                }
            }
            other => {
                self.state = other;
                self.command_line(now, out)
            }
        }
    }

    /// Takes one command line from the input and handles it.
    fn command_line(&mut self, now: SystemTime, out: &mut Output) -> bool {
        let Some(pos) = self.input.iter().position(|&b| b == b'\n') else {
            if self.input.len() > self.cfg.max_line {
                // Bounded memory: drop the line, answer at its end.
                self.input.clear();
                self.discarding_line = true;
            }
            return false;
        };
        let mut line: Vec<u8> = self.input.drain(..=pos).collect();
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        if std::mem::take(&mut self.discarding_line) || line.len() > self.cfg.max_line {
            self.exchange = None;
            out.send("500 5.5.2 Line too long\r\n");
            return true;
        }
        if let Some(exchange) = self.exchange.take() {
            self.auth_continue(*exchange, &line, out);
            return true;
        }
        match parse_command(&line) {
            Ok(cmd) => self.command(cmd, now, out),
            Err(e) => out.send(wire_error_reply(&e, &self.cfg)),
        }
        true
    }

    fn command(&mut self, cmd: Command, _now: SystemTime, out: &mut Output) {
        match cmd {
            Command::Lhlo(host) => {
                out.send(self.lhlo_reply());
                self.lhlo = host;
                self.session_id = self.ids.next_id();
            }
            Command::Noop => out.send("250 2.0.0 ok\r\n"),
            Command::Vrfy => out.send("252 2.3.3 try RCPT to attempt delivery\r\n"),
            Command::Quit => {
                out.send("221 2.0.0 bye\r\n");
                out.close();
                self.state = State::Closed;
                self.input.clear();
            }
            Command::Rset => {
                self.session_id = self.ids.next_id();
                out.send(format!("250 2.0.0 Ok SESSIONID=<{}>\r\n", self.session_id));
                self.state = State::Ready;
            }
            Command::StartTls => {
                if self.cfg.starttls && !self.tls && !self.authenticated {
                    out.send("220 Begin TLS negotiation now\r\n");
                    out.start_tls();
                    // RFC 3207 §4.2: nothing sent before the handshake counts.
                    self.input.clear();
                    self.state = State::Ready;
                } else {
                    out.send("500 5.5.2 Syntax error\r\n");
                }
            }
            Command::Auth(args) => self.auth(&args, out),
            Command::Mail(params) => self.mail(params, out),
            Command::Rcpt {
                address,
                ignore_quota,
            } => self.rcpt(&address, ignore_quota, out),
            Command::Data => self.data(out),
            Command::Bdat { size, last } => self.bdat(size, last, out),
        }
    }

    fn transport(&self) -> Transport {
        if self.tls {
            Transport::Encrypted
        } else {
            Transport::Cleartext
        }
    }

    /// `AUTH <mech> [initial]` (RFC 4954), with Cyrus's replies.
    fn auth(&mut self, args: &str, out: &mut Output) {
        if self.authenticated {
            out.send("503 5.5.0 already authenticated\r\n");
            return;
        }
        if !matches!(self.state, State::Ready) {
            out.send("503 5.5.0 AUTH not permitted now\r\n");
            return;
        }
        let Some(sasl) = self.sasl.clone() else {
            out.send("504 5.5.4 Unrecognized authentication type\r\n");
            return;
        };
        let mut words = args.split_ascii_whitespace();
        let mechanism = words.next().unwrap_or_default();
        let initial_response = match words.next().map(|w| decode_initial_response(w.as_bytes())) {
            None => None,
            Some(Ok(s)) => Some(s),
            Some(Err(f)) => {
                self.auth_failed(f, out);
                return;
            }
        };
        let step = sasl.config.start(
            Start {
                mechanism,
                initial_response,
                transport: self.transport(),
                final_data: FinalData::AsChallenge,
                nonce: ServerNonce::random(),
            },
            sasl.auth.as_ref(),
        );
        self.auth_step(step, out);
    }

    fn auth_continue(&mut self, exchange: Exchange, line: &[u8], out: &mut Output) {
        let Some(sasl) = self.sasl.clone() else {
            return;
        };
        let step = match decode_response(line) {
            Ok(r) => exchange.respond(r, sasl.auth.as_ref()),
            Err(f) => SaslStep::Failure(f),
        };
        self.auth_step(step, out);
    }

    fn auth_step(&mut self, step: SaslStep, out: &mut Output) {
        match step {
            SaslStep::Challenge {
                exchange,
                challenge,
            } => {
                out.send(format!("334 {}\r\n", encode(&challenge)));
                self.exchange = Some(Box::new(exchange));
            }
            SaslStep::Success(s) => {
                tracing::info!(user = s.proof.userid(), "lmtp login");
                self.authenticated = true;
                out.send("235 Authenticated!\r\n");
            }
            SaslStep::Failure(f) => self.auth_failed(f, out),
        }
    }

    fn auth_failed(&mut self, f: SaslFailure, out: &mut Output) {
        tracing::info!(reason = f.description(), "lmtp authentication failed");
        out.send(match f {
            SaslFailure::UnknownMechanism => "504 Unrecognized authentication type.\r\n",
            SaslFailure::Cancelled => "501 5.5.4 client canceled authentication\r\n",
            SaslFailure::EncryptionRequired => {
                "538 5.7.11 Encryption required for requested authentication mechanism\r\n"
            }
            _ => "501 5.5.4 authentication failure\r\n",
        });
    }

    fn lhlo_reply(&self) -> String {
        let c = &self.cfg;
        let mut r = format!(
            "250-{}\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250-PIPELINING\r\n",
            c.servername
        );
        match c.max_message_size {
            Some(n) => r.push_str(&format!("250-SIZE {n}\r\n")),
            None => r.push_str("250-SIZE\r\n"),
        }
        if c.chunking {
            r.push_str("250-CHUNKING\r\n");
        }
        if c.starttls && !self.tls && !self.authenticated {
            r.push_str("250-STARTTLS\r\n");
        }
        if !self.authenticated {
            let mechs: Vec<String> = match &self.sasl {
                Some(s) => s
                    .config
                    .advertise(self.transport(), s.auth.as_ref())
                    .mechanisms
                    .iter()
                    .map(|m| m.name().to_string())
                    .collect(),
                None => c.auth_mechs.clone(),
            };
            if !mechs.is_empty() {
                r.push_str(&format!("250-AUTH {}\r\n", mechs.join(" ")));
            }
        }
        r.push_str("250-IGNOREQUOTA\r\n");
        r.push_str(&format!("250 Ok SESSIONID=<{}>\r\n", self.session_id));
        r
    }

    fn mail(&mut self, params: MailParams, out: &mut Output) {
        if !self.authenticated {
            out.send(if self.cfg.soft_noauth {
                "430 Authentication required\r\n"
            } else {
                "530 Authentication required\r\n"
            });
            return;
        }
        if !matches!(self.state, State::Ready) {
            out.send("503 5.5.1 Nested MAIL command\r\n");
            return;
        }
        if let (Some(size), Some(max)) = (params.size, self.cfg.max_message_size) {
            if size > max as u64 {
                out.send(format!(
                    "552 5.2.3 Message SIZE exceeds fixed maximum message size ({max})\r\n"
                ));
                return;
            }
        }
        self.state = State::Mail(Transaction {
            mail: params,
            rcpts: Vec::new(),
        });
        out.send("250 2.1.0 ok\r\n");
    }

    fn rcpt(&mut self, address: &str, ignore_quota: bool, out: &mut Output) {
        let State::Mail(tx) = &mut self.state else {
            out.send("503 5.5.1 Need MAIL command\r\n");
            return;
        };
        match self.backend.verify(address, ignore_quota, &tx.mail) {
            Ok(r) => {
                tx.rcpts.push(r);
                out.send("250 2.1.5 ok\r\n");
            }
            Err(s) => out.send(status_reply(&s, &self.cfg, &self.session_id)),
        }
    }

    fn data(&mut self, out: &mut Output) {
        match std::mem::replace(&mut self.state, State::Ready) {
            State::Mail(tx) if !tx.rcpts.is_empty() => {
                out.send("354 go ahead\r\n");
                self.state = State::Data(tx, DataReader::new(self.cfg.max_message_size));
            }
            State::Chunks { tx, reader, .. } => {
                out.send("503 5.5.1 DATA after BDAT\r\n");
                self.state = State::Chunks {
                    tx,
                    reader,
                    reading: false,
                    last: false,
                };
            }
            other => {
                out.send("503 5.5.1 No recipients\r\n");
                self.state = other;
            }
        }
    }

    fn bdat(&mut self, size: usize, last: bool, out: &mut Output) {
        let _ = out;
        let skip = |back: State<B::Rcpt>, reply: &str| State::Skip {
            back: Box::new(back),
            remaining: size,
            reply: reply.to_string(),
        };
        let current = std::mem::replace(&mut self.state, State::Ready);
        if !self.cfg.chunking {
            // Unknown command, but its octets must not be read as commands.
            self.state = skip(current, "500 5.5.2 Syntax error\r\n");
            return;
        }
        self.state = match current {
            State::Mail(tx) if !tx.rcpts.is_empty() => {
                let mut reader = ChunkReader::new(self.cfg.max_message_size);
                reader.start(size);
                State::Chunks {
                    tx,
                    reader,
                    reading: true,
                    last,
                }
            }
            State::Chunks { tx, mut reader, .. } => {
                reader.start(size);
                State::Chunks {
                    tx,
                    reader,
                    reading: true,
                    last,
                }
            }
            other => skip(other, "503 5.5.1 No recipients\r\n"),
        };
    }

    /// A complete message: size check, delivery, one reply per recipient.
    fn finish(
        &mut self,
        tx: Transaction<B::Rcpt>,
        body: Collected,
        now: SystemTime,
        out: &mut Output,
    ) {
        self.state = State::Ready;
        if let Some(max) = self.cfg.max_message_size {
            if body.size > max {
                out.send(format!(
                    "552 5.2.3 Message size ({}) exceeds fixed maximum message size ({max})\r\n",
                    body.size
                ));
                return;
            }
        }
        let msg = Incoming {
            raw: &body.data,
            mail: &tx.mail,
            rcpts: &tx.rcpts,
            lhlo: &self.lhlo,
            authenticated: self.authenticated,
            tls: self.tls,
            session_id: &self.session_id,
        };
        let statuses = self.backend.deliver(&msg, now);
        for i in 0..tx.rcpts.len() {
            // A backend that returned too few statuses failed for the rest.
            let s = statuses.get(i).unwrap_or(&Status::SystemError);
            out.send(status_reply(s, &self.cfg, &self.session_id));
        }
    }
}

/// Replies for lines that did not parse.
fn wire_error_reply(e: &WireError, cfg: &LmtpConfig) -> String {
    match e {
        WireError::Syntax => "500 5.5.2 Syntax error\r\n".into(),
        WireError::BadParameters => "501 5.5.4 Syntax error in parameters\r\n".into(),
        WireError::UnknownParameter => "501 5.5.4 Unrecognized parameters\r\n".into(),
        WireError::BadBody => "501 5.5.4 Unrecognized BODY type\r\n".into(),
        WireError::SizeNeedsValue => "501 5.5.2 SIZE requires a value\r\n".into(),
        WireError::SizeTooBig => format!(
            "552 5.2.3 Message SIZE exceeds fixed maximum message size ({})\r\n",
            cfg.max_message_size.unwrap_or(usize::MAX)
        ),
    }
}
