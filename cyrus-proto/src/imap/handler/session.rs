//! [`ImapSession`]: the runtime's [`Session`] for IMAP. Frames input,
//! decodes commands with imap-codec, checks them against the state,
//! dispatches to the handler files, and sends the selected mailbox's
//! updates before each tagged completion.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use cyrus_store::mboxname::{Namespace, UserId, Viewer};
use cyrus_store::Store;
use imap_codec::decode::Decoder;
use imap_codec::imap_types::command::{Command, CommandBody};
use imap_codec::CommandCodec;

use crate::imap::machine::Enabled;
use crate::imap::machine::{CapabilitySet, Login, Pending, State};
use crate::imap::wire::ext::{self, ExtCommand, ExtMessage};
use crate::imap::wire::{Event, Framer, Rejection, Tagged};
use crate::runtime::{ConnInfo, Output, Session};
use crate::sasl::{Authenticator, SaslConfig, Transport};

use super::config::ImapConfig;
use super::error::{respond, Doing, Failure};
use super::site_files::Telemetry;

/// One IMAP connection.
pub struct ImapSession {
    pub(super) store: Arc<Store>,
    pub(super) sasl: Arc<SaslConfig>,
    pub(super) auth: Arc<dyn Authenticator + Send + Sync>,
    pub(super) config: ImapConfig,
    pub(super) conn: ConnInfo,
    pub(super) framer: Framer,
    pub(super) state: State,
    pub(super) pending: Pending,
    /// Untagged lines of the command in progress.
    pub(super) out: Vec<u8>,
    pub(super) session_id: String,
    /// COMPRESS=DEFLATE is on.
    pub(super) compressed: bool,
    /// STARTTLS was accepted: input already buffered must be dropped.
    pub(super) discard_input: bool,
    /// The saved search result (RFC 5182 SEARCHRES), as UIDs ascending.
    pub(super) searchres: Vec<u32>,
    /// Extensions the client has enabled (RFC 5161).
    pub(super) enabled: Enabled,
    /// The protocol log of this session, when `log/<user>/` exists.
    pub(super) telemetry: Option<Telemetry>,
}

impl std::fmt::Debug for ImapSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapSession")
            .field("conn", &self.conn)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

/// Seconds since the epoch, as the store wants them.
pub(super) fn secs(now: SystemTime) -> u32 {
    now.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX))
}

impl ImapSession {
    /// A session for one accepted connection.
    pub fn new(
        store: Arc<Store>,
        sasl: Arc<SaslConfig>,
        auth: Arc<dyn Authenticator + Send + Sync>,
        config: ImapConfig,
        conn: ConnInfo,
    ) -> Self {
        let session_id = format!(
            "{}-{}-{}",
            config.servername,
            std::process::id(),
            rand::random::<u64>()
        );
        ImapSession {
            store,
            sasl,
            auth,
            framer: Framer::new(config.limits),
            config,
            conn,
            state: State::NotAuthenticated,
            pending: Pending::Command,
            out: Vec::new(),
            session_id,
            compressed: false,
            discard_input: false,
            searchres: Vec::new(),
            enabled: Enabled::default(),
            telemetry: None,
        }
    }

    /// Whether the connection is protected.
    pub(super) fn transport(&self) -> Transport {
        if self.conn.tls {
            Transport::Encrypted
        } else {
            Transport::Cleartext
        }
    }

    /// The capabilities for the current state.
    pub(super) fn capabilities(&self) -> CapabilitySet {
        match self.state {
            State::NotAuthenticated => CapabilitySet::pre_auth(
                &self.sasl.advertise(self.transport(), self.auth.as_ref()),
                self.config.starttls && !self.conn.tls,
            ),
            _ => CapabilitySet::post_auth(self.config.limits.max_literal, !self.compressed),
        }
    }

    /// The logged-in user's namespace and id.
    pub(super) fn user_ns(&self) -> Result<(Namespace, UserId, &Login), Failure> {
        let login = self
            .state
            .login()
            .ok_or_else(|| Failure::Bad("Please login first".into()))?;
        // Admins see Cyrus's admin namespace (`user/alice`).
        let viewer = if self.is_admin() {
            Viewer::Admin
        } else {
            Viewer::User
        };
        Ok((self.store.namespace(viewer), login.user.clone(), login))
    }

    /// Queues an untagged line (CRLF added).
    pub(super) fn untagged(&mut self, line: &str) {
        self.out.extend_from_slice(line.as_bytes());
        self.out.extend_from_slice(b"\r\n");
    }

    fn flush(&mut self, out: &mut Output) {
        out.send(std::mem::take(&mut self.out));
    }

    fn rejected(&mut self, tag: Option<String>, why: Rejection, out: &mut Output) {
        let t = match why {
            Rejection::LiteralTooBig => Tagged::no("Literal too large").with_code("TOOBIG"),
            Rejection::LineTooLong => Tagged::bad("Line too long"),
        };
        // A SASL or IDLE continuation that is refused ends that exchange.
        let tag = match std::mem::take(&mut self.pending) {
            Pending::Command => tag,
            Pending::Authenticate { tag, .. } | Pending::Idle { tag } => Some(tag),
        };
        out.send(t.line(tag.as_deref().unwrap_or("*")));
    }

    fn message(&mut self, bytes: &[u8], now: SystemTime, out: &mut Output) {
        match std::mem::take(&mut self.pending) {
            Pending::Authenticate { tag, exchange } => {
                self.auth_continue(&tag, *exchange, trim_crlf(bytes), out);
                return;
            }
            Pending::Idle { tag } => {
                self.idle_done(&tag, trim_crlf(bytes), now, out);
                return;
            }
            Pending::Command => {}
        }
        if let Some(ext) = ext::decode(bytes) {
            match ext {
                Ok(m) => self.ext_command(m, now, out),
                Err(e) => out.send(Tagged::bad(e.error.0).line(&e.tag)),
            }
            return;
        }
        let replaced;
        // `$` (RFC 5182) only means something in the selected state.
        let selected = matches!(self.state, State::Selected(..));
        let substituted = if selected {
            ext::substitute_saved(bytes, |uid| self.saved_set_text(uid))
        } else {
            ext::Substituted::Unchanged
        };
        let bytes = match substituted {
            ext::Substituted::Unchanged => bytes,
            ext::Substituted::Replaced(b) => {
                replaced = b;
                &replaced[..]
            }
            ext::Substituted::Empty { tag } => {
                out.send(Tagged::ok("Completed").line(&tag));
                return;
            }
        };
        let codec = CommandCodec::default();
        let cmd = match codec.decode(bytes) {
            Ok((b"", cmd)) => cmd,
            _ => {
                let tag = first_word(bytes).unwrap_or_else(|| "*".into());
                let text = if tag == "*" || !is_known_command(bytes) {
                    "Unrecognized command"
                } else {
                    "Invalid arguments"
                };
                out.send(Tagged::bad(text).line(&tag));
                return;
            }
        };
        self.command(cmd, now, out);
    }

    fn command(&mut self, cmd: Command<'_>, now: SystemTime, out: &mut Output) {
        let tag = cmd.tag.as_ref().to_string();
        let allow_expunge = !matches!(
            cmd.body,
            CommandBody::Fetch { uid: false, .. }
                | CommandBody::Store { uid: false, .. }
                | CommandBody::Search { uid: false, .. }
        );
        let doing = if matches!(
            cmd.body,
            CommandBody::Append { .. } | CommandBody::Copy { .. } | CommandBody::Move { .. }
        ) {
            Doing::Deliver
        } else {
            Doing::Other
        };
        let name = cmd.body.name();
        self.run(&tag, name, allow_expunge, doing, now, out, |s, out| {
            s.dispatch(&tag, cmd.body, now, out)
        });
    }

    fn ext_command(&mut self, m: ExtMessage, now: SystemTime, out: &mut Output) {
        let tag = m.tag.clone();
        // Extension commands addressed by sequence number may not expunge.
        let allow_expunge = m.uid || !m.command.by_sequence();
        let doing = if m.command.delivers() {
            Doing::Deliver
        } else {
            Doing::Other
        };
        let name = m.command.name();
        self.run(&tag, name, allow_expunge, doing, now, out, |s, out| {
            s.dispatch_ext(m, now, out)
        });
    }

    /// Runs one command through `dispatch` and writes its completion,
    /// after the selected mailbox's updates.
    #[allow(clippy::too_many_arguments)]
    fn run(
        &mut self,
        tag: &str,
        name: &str,
        allow_expunge: bool,
        doing: Doing,
        now: SystemTime,
        out: &mut Output,
        dispatch: impl FnOnce(&mut Self, &mut Output) -> Result<Option<Tagged>, Failure>,
    ) {
        let user = self
            .state
            .login()
            .map(|l| l.user.as_str().to_string())
            .unwrap_or_default();
        let mailbox = match &self.state {
            State::Selected(_, v) => v.name.to_internal(),
            _ => String::new(),
        };
        let _span = tracing::info_span!("imap", tag = %tag, cmd = name, %user, %mailbox).entered();
        let started = std::time::Instant::now();
        let result = dispatch(self, out);
        let tagged = match result {
            Ok(None) => {
                // IDLE or AUTHENTICATE continues; nothing tagged yet.
                self.flush(out);
                return;
            }
            Ok(Some(t)) => t,
            Err(f) => respond(&f, doing),
        };
        if let State::Selected(..) = self.state {
            if let Err(f) = self.sync_view(allow_expunge, now) {
                tracing::warn!(error = %f, "mailbox update failed");
            }
        }
        self.flush(out);
        tracing::debug!(
            status = tagged.status,
            elapsed_us = started.elapsed().as_micros() as u64,
            "done"
        );
        out.send(tagged.line(tag));
        if matches!(self.state, State::Logout) {
            out.close();
        }
        self.check_shutdown_file(out);
    }

    /// Cyrus's check at the top of its command loop: a logged-in
    /// non-admin session is closed with `* BYE [ALERT]` while a shutdown
    /// file exists.
    pub(super) fn check_shutdown_file(&mut self, out: &mut Output) {
        let Some(user) = self.state.login().map(|l| l.user.as_str().to_string()) else {
            return;
        };
        if let Some(text) = self.config.site_files.shutdown(&user, &self.conn.service) {
            tracing::info!(%user, "shutdown file: closing connection");
            out.send(format!("* BYE [ALERT] {text}\r\n"));
            self.state = State::Logout;
            out.close();
        }
    }

    /// Starts the telemetry log after a login, when `log/<user>/` exists.
    pub(super) fn start_telemetry(&mut self, user: &str, now: SystemTime) {
        self.telemetry =
            self.config
                .site_files
                .telemetry(user, &self.conn.service, &self.session_id, now);
    }

    /// Appends what a callback sent to the telemetry log.
    fn log_output(&mut self, out: &Output, now: SystemTime) {
        if let Some(t) = self.telemetry.as_mut() {
            t.output(&out.sent_bytes(), now);
        }
    }

    /// Runs one extension command (the ones imap-codec does not decode).
    fn dispatch_ext(
        &mut self,
        m: ExtMessage,
        now: SystemTime,
        _out: &mut Output,
    ) -> Result<Option<Tagged>, Failure> {
        if self.state.login().is_none() {
            return Err(Failure::Bad("Please login first".into()));
        }
        match m.command {
            ExtCommand::Acl(a) => self.cmd_acl(a, now),
            ExtCommand::Quota(q) => self.cmd_quota(q),
            ExtCommand::Metadata(md) => self.cmd_metadata(md),
            ExtCommand::List(l) => self.cmd_list_extended(l),
            ExtCommand::Create(c) => self.cmd_create_special(c, now),
            ExtCommand::Search(c) => self.dispatch_search(&m.tag, c, m.uid, now),
            ExtCommand::Fetch(f) => self.cmd_fetch_ext(&m.tag, m.uid, f, now),
            ExtCommand::Status(st) => self.cmd_status_mailboxid(&m.tag, st),
            ExtCommand::Append(a) => self.cmd_append(a, now),
        }
        .map(Some)
    }

    /// Runs one command; `Ok(None)` when it continues with more input.
    fn dispatch(
        &mut self,
        tag: &str,
        body: CommandBody<'_>,
        now: SystemTime,
        out: &mut Output,
    ) -> Result<Option<Tagged>, Failure> {
        use CommandBody as C;
        let authed = self.state.login().is_some();
        let selected = matches!(self.state, State::Selected(..));
        let need = |ok: bool, why: &str| {
            if ok {
                Ok(())
            } else {
                Err(Failure::Bad(why.to_string()))
            }
        };
        let t = match body {
            C::Capability => self.cmd_capability(),
            C::Noop => Ok(Tagged::ok("Completed")),
            C::Logout => self.cmd_logout(),
            C::Id { .. } => self.cmd_id(),
            C::StartTLS => return self.cmd_starttls(tag, out),
            C::Login { username, password } => {
                need(!authed, "Already authenticated")?;
                self.cmd_login(username.as_ref(), password.declassify().as_ref())
            }
            C::Authenticate {
                mechanism,
                initial_response,
            } => {
                need(!authed, "Already authenticated")?;
                let ir = initial_response.map(|s| s.declassify().to_vec());
                return self.cmd_authenticate(tag, mechanism.as_ref(), ir, out);
            }
            _ if !authed => Err(Failure::Bad("Please login first".into())),
            C::Enable { capabilities } => self.cmd_enable(capabilities.as_ref()),
            C::Namespace => self.cmd_namespace(),
            C::Compress { .. } => return self.cmd_compress(tag, out),
            C::List {
                reference,
                mailbox_wildcard,
            } => self.cmd_list(&mailbox_bytes(&reference), list_bytes(&mailbox_wildcard)),
            C::Lsub {
                reference,
                mailbox_wildcard,
            } => self.cmd_lsub(&mailbox_bytes(&reference), &list_bytes(&mailbox_wildcard)),
            C::Subscribe { mailbox } => self.cmd_subscribe(&mailbox_bytes(&mailbox), true),
            C::Unsubscribe { mailbox } => self.cmd_subscribe(&mailbox_bytes(&mailbox), false),
            C::Create { mailbox } => self.cmd_create(&mailbox_bytes(&mailbox), now),
            C::Delete { mailbox } => self.cmd_delete(&mailbox_bytes(&mailbox), now),
            C::Status {
                mailbox,
                item_names,
            } => self.cmd_status(&mailbox_bytes(&mailbox), &item_names),
            C::Select {
                mailbox,
                parameters,
            } => self.cmd_select(&mailbox_bytes(&mailbox), false, &parameters, now),
            C::Examine {
                mailbox,
                parameters,
            } => self.cmd_select(&mailbox_bytes(&mailbox), true, &parameters, now),
            C::Idle => return self.cmd_idle(tag, now, out),
            C::Rename { from, to } => {
                self.cmd_rename(&mailbox_bytes(&from), &mailbox_bytes(&to), now)
            }
            _ if !selected => Err(Failure::Bad("Please select a mailbox first".into())),
            C::Check => Ok(Tagged::ok("Completed")),
            C::Unselect => {
                self.state = std::mem::replace(&mut self.state, State::Logout).deselect();
                Ok(Tagged::ok("Completed"))
            }
            C::Close => self.cmd_close(now),
            C::Expunge => self.cmd_expunge(None, now),
            C::ExpungeUid { sequence_set } => self.cmd_expunge(Some(&sequence_set), now),
            C::Fetch {
                sequence_set,
                macro_or_item_names,
                uid,
                modifiers,
            } => self.cmd_fetch(
                &sequence_set,
                macro_or_item_names,
                uid,
                &modifiers,
                &super::fetch::Extras::default(),
                now,
            ),
            C::Store {
                sequence_set,
                kind,
                response,
                flags,
                uid,
                modifiers,
            } => self.cmd_store(&sequence_set, kind, response, &flags, uid, &modifiers, now),
            C::Copy {
                sequence_set,
                mailbox,
                uid,
            } => self.cmd_copy(
                &sequence_set,
                &mailbox_bytes(&mailbox),
                uid,
                super::copy::Transfer::Copy,
                now,
            ),
            C::Move {
                sequence_set,
                mailbox,
                uid,
            } => self.cmd_copy(
                &sequence_set,
                &mailbox_bytes(&mailbox),
                uid,
                super::copy::Transfer::Move,
                now,
            ),
            _ => Err(Failure::Bad("Unrecognized command".into())),
        };
        t.map(Some)
    }
}

/// A mailbox argument's bytes (`INBOX` for the INBOX form).
fn mailbox_bytes(m: &imap_codec::imap_types::mailbox::Mailbox<'_>) -> String {
    use imap_codec::imap_types::mailbox::Mailbox;
    match m {
        Mailbox::Inbox => "INBOX".into(),
        Mailbox::Other(o) => String::from_utf8_lossy(o.as_ref()).into_owned(),
    }
}

fn list_bytes(m: &imap_codec::imap_types::mailbox::ListMailbox<'_>) -> String {
    use imap_codec::imap_types::mailbox::ListMailbox;
    match m {
        ListMailbox::Token(t) => String::from_utf8_lossy(t.as_ref()).into_owned(),
        ListMailbox::String(s) => String::from_utf8_lossy(s.as_ref()).into_owned(),
    }
}

fn trim_crlf(b: &[u8]) -> &[u8] {
    let b = b.strip_suffix(b"\n").unwrap_or(b);
    b.strip_suffix(b"\r").unwrap_or(b)
}

/// The tag of an undecodable command, if it has a usable one.
fn first_word(b: &[u8]) -> Option<String> {
    let line = trim_crlf(b.split(|&c| c == b'\n').next().unwrap_or(b));
    let w = line.split(|&c| c == b' ').next()?;
    let ok = !w.is_empty()
        && w.len() < 64
        && w.iter().all(|&c| {
            c.is_ascii_graphic()
                && !matches!(c, b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\' | b'+')
        });
    ok.then(|| String::from_utf8_lossy(w).into_owned())
}

/// Whether the second word names a command we know (for BAD texts).
fn is_known_command(b: &[u8]) -> bool {
    const KNOWN: &[&str] = &[
        "CAPABILITY",
        "NOOP",
        "LOGOUT",
        "LOGIN",
        "AUTHENTICATE",
        "ID",
        "ENABLE",
        "NAMESPACE",
        "LIST",
        "LSUB",
        "SUBSCRIBE",
        "UNSUBSCRIBE",
        "CREATE",
        "DELETE",
        "STATUS",
        "SELECT",
        "EXAMINE",
        "APPEND",
        "CHECK",
        "CLOSE",
        "UNSELECT",
        "EXPUNGE",
        "FETCH",
        "STORE",
        "SEARCH",
        "UID",
        "IDLE",
        "STARTTLS",
        "COMPRESS",
        "COPY",
        "MOVE",
        "RENAME",
    ];
    let line = trim_crlf(b.split(|&c| c == b'\n').next().unwrap_or(b));
    let mut words = line.split(|&c| c == b' ');
    words.next();
    words
        .next()
        .is_some_and(|w| KNOWN.iter().any(|k| k.as_bytes().eq_ignore_ascii_case(w)))
}

impl Session for ImapSession {
    fn greeting(&mut self, _now: SystemTime, out: &mut Output) {
        out.send(format!(
            "* OK [CAPABILITY {}] {} Cyrus IMAP {} server ready\r\n",
            self.capabilities(),
            self.config.servername,
            self.config.version
        ));
        if let Some(motd) = self.config.site_files.motd() {
            out.send(format!("* OK [ALERT] {motd}\r\n"));
        }
    }

    fn input(&mut self, data: &[u8], now: SystemTime, out: &mut Output) {
        // Input is logged only once telemetry runs: the LOGIN that starts
        // it (and its password) never reaches the file.
        if let Some(t) = self.telemetry.as_mut() {
            t.input(data, now);
        }
        for ev in self.framer.push(data) {
            if matches!(self.state, State::Logout) {
                // Nothing after LOGOUT is read.
                break;
            }
            if self.discard_input {
                // Nothing sent before the TLS handshake is trusted (RFC
                // 3501 §6.2.1).
                break;
            }
            match ev {
                Event::GoAhead => out.send("+ go ahead\r\n"),
                Event::Rejected { tag, why } => self.rejected(tag, why, out),
                Event::Message(bytes) => self.message(&bytes, now, out),
            }
        }
        self.discard_input = false;
        self.log_output(out, now);
    }

    fn wake(&mut self, now: SystemTime, out: &mut Output) {
        self.idle_wake(now, out);
        if matches!(self.pending, Pending::Idle { .. }) {
            self.check_shutdown_file(out);
        }
        self.log_output(out, now);
    }

    fn tls_started(&mut self) {
        self.conn.tls = true;
    }

    fn idle_timeout(&self) -> Duration {
        match self.state {
            State::NotAuthenticated => self.config.preauth_timeout,
            _ => self.config.timeout,
        }
    }

    fn poll_interval(&self) -> Option<Duration> {
        matches!(self.pending, Pending::Idle { .. }).then_some(self.config.idle_poll)
    }

    fn timed_out(&mut self, out: &mut Output) {
        out.send("* BYE Autologout; idle for too long\r\n");
        self.log_output(out, SystemTime::now());
    }

    fn shutdown(&mut self, out: &mut Output) {
        out.send("* BYE Server shutting down\r\n");
        self.log_output(out, SystemTime::now());
    }
}
