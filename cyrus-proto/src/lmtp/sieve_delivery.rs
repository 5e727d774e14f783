//! Carrying out a user's Sieve script at delivery (Cyrus
//! `lmtp_sieve.c`). The active script is where Cyrus 3.6 keeps it (see
//! `cyrus_store::sieve`): `defaultbc` in the user's sieve directory
//! points to `<name>.bc` holding [`Script::to_bytes`]; when that does
//! not load (missing, or Cyrus's own bytecode) the source in the
//! `#sieve` mailbox is compiled instead. Actions: keep and fileinto (the owner needs `p` on the target,
//! else the message is kept in INBOX), discard, reject/ereject (an LMTP
//! `550 5.7.1`), redirect, vacation and enotify `mailto:` (handed to
//! [`Sendmail`]; `:fcc` files a copy of what was sent), imap4flags,
//! editheader and `duplicate` tracking. A runtime error
//! keeps the message in INBOX (RFC 5228 §2.10.6).

use cyrus_store::acl::{Rights, User};
use cyrus_store::duplicate::{DuplicateKey, DuplicateMark};
use cyrus_store::mboxname::{MailboxName, UserId, Viewer};
use cyrus_store::{NewMailbox, Store};

use crate::sieve::{
    Action, CompileOptions, DateTime, DuplicateId, EvalOptions, Host, MessageView, ParsedMessage,
    Script, Vacation,
};

use super::config::{OutgoingKind, OutgoingMessage, Sendmail};
use super::date::rfc5322;
use super::handler::{Delivery, Recipient, StoreBackend};
use super::reply::Status;
use super::sieve_fcc::file_copy;
use super::sieve_notify::{auto_submitted, notification, NotifyInput};
use super::wire::MailParams;

/// `user`'s active script, if any loads: the compiled file `defaultbc`
/// points to, or, when that is missing or not ours (Cyrus bytecode),
/// the script's source from the `#sieve` mailbox compiled now.
pub(super) fn load_script(store: &Store, user: &UserId) -> Option<Script> {
    let opts = CompileOptions::default();
    let (name, bytes) = match store.sieve_active(user) {
        Ok(Some(a)) => a,
        Ok(None) => return None,
        Err(e) => {
            tracing::warn!(user = %user.as_str(), error = %e, "cannot look up the active sieve script");
            return None;
        }
    };
    if let Some(Ok(s)) = bytes.map(|b| Script::from_bytes(&b, &opts)) {
        return Some(s);
    }
    let compiled = store
        .sieve_get(user, &name)
        .map_err(|e| e.to_string())
        .and_then(|src| {
            Script::compile(&String::from_utf8_lossy(&src), &opts).map_err(|e| e.to_string())
        });
    match compiled {
        Ok(s) => Some(s),
        Err(e) => {
            tracing::warn!(user = %user.as_str(), script = %name, error = %e, "cannot load sieve script");
            None
        }
    }
}

/// The flag Cyrus sets on a message delivered after its Sieve run failed.
const SIEVE_FAILED: &str = "$SieveFailed";

/// How long a redirect is remembered (Cyrus keeps its tracking entry
/// until `cyr_expire` removes it; a day covers loops and retries).
const REDIRECT_TRACK_SECONDS: u64 = 86_400;

/// Pseudo recipient of Sieve tracking entries in `deliver.db`.
fn tracking_to(user: &UserId) -> String {
    format!(".{}.sieve.", user.as_str())
}

/// What the interpreter may ask about the store.
struct StoreHost<'a> {
    store: &'a Store,
    user: &'a UserId,
    now: u32,
}

impl StoreHost<'_> {
    fn mailbox(&self, ext: &str) -> Option<MailboxName> {
        self.store
            .namespace(Viewer::User)
            .to_internal(ext, Some(self.user))
            .ok()
    }

    /// Whether a tracking entry exists and has not expired.
    fn tracked(&self, id: &str) -> bool {
        let Ok(key) = DuplicateKey::new(id.as_bytes(), tracking_to(self.user).as_bytes(), b"")
        else {
            return false;
        };
        self.store
            .duplicate_check(&key)
            .ok()
            .flatten()
            .is_some_and(|m| m.mark > i64::from(self.now))
    }

    /// Records a tracking entry that expires after `seconds`.
    fn track(&self, id: &str, seconds: u64) {
        let Ok(key) = DuplicateKey::new(id.as_bytes(), tracking_to(self.user).as_bytes(), b"")
        else {
            return;
        };
        let mark = DuplicateMark {
            mark: i64::from(self.now).saturating_add(i64::try_from(seconds).unwrap_or(i64::MAX)),
            uid: 0,
        };
        if let Err(e) = self.store.duplicate_mark(&key, mark) {
            tracing::warn!(error = %e, "cannot record sieve tracking entry");
        }
    }
}

fn duplicate_id(id: &DuplicateId) -> String {
    format!("{}:{}", id.handle, id.value)
}

impl Host for StoreHost<'_> {
    fn mailbox_exists(&self, mailbox: &str) -> bool {
        self.mailbox(mailbox)
            .and_then(|n| self.store.lookup(&n).ok().flatten())
            .is_some()
    }

    fn duplicate_seen(&self, id: &DuplicateId) -> bool {
        self.tracked(&duplicate_id(id))
    }
}

/// Rebuilds the message with the header block editheader produced: a
/// message of its own, staged apart from the one other recipients get.
fn with_edited_headers(
    store: &Store,
    msg: &Delivery,
    headers: &[crate::sieve::HeaderField],
) -> Delivery {
    let old = msg.data();
    let body_at = old
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(old.len(), |i| i + 2);
    let mut data = Vec::with_capacity(old.len());
    for h in headers {
        data.extend_from_slice(format!("{}: {}\r\n", h.name, h.value).as_bytes());
    }
    data.extend_from_slice(&old[body_at..]);
    Delivery {
        message_id: msg.message_id.clone(),
        date: msg.date.clone(),
        staged: store.stage_message(data),
    }
}

/// The auto-reply for a vacation action (RFC 5230 §5).
fn vacation_message(v: &Vacation, user_addr: &str, servername: &str, now: u32) -> Vec<u8> {
    let from = v.from.clone().unwrap_or_else(|| user_addr.to_string());
    let mut m = format!(
        "From: <{from}>\r\nTo: <{}>\r\nSubject: {}\r\nDate: {}\r\n\
         Message-ID: <cmu-sieve-{}-{now}@{servername}>\r\nAuto-Submitted: auto-replied (vacation)\r\n",
        v.to,
        v.subject,
        rfc5322(i64::from(now)),
        std::process::id()
    );
    if let Some(irt) = &v.in_reply_to {
        m.push_str(&format!("In-Reply-To: {irt}\r\n"));
    }
    if v.mime {
        m.push_str("MIME-Version: 1.0\r\n");
        m.push_str(&v.body.replace("\r\n", "\n").replace('\n', "\r\n"));
    } else {
        m.push_str("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
        m.push_str(&v.body.replace("\r\n", "\n").replace('\n', "\r\n"));
        m.push_str("\r\n");
    }
    m.into_bytes()
}

/// Hands `msg` to the MTA; true when it took it.
fn send(sendmail: &dyn Sendmail, msg: &OutgoingMessage) -> bool {
    match sendmail.send(msg) {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(error = %e, kind = ?msg.kind, "sendmail failed");
            false
        }
    }
}

/// Runs `script` for `rcpt` and carries out its actions.
pub(super) fn deliver(
    b: &StoreBackend,
    script: &Script,
    user: &UserId,
    rcpt: &Recipient,
    msg: &Delivery,
    mail: &MailParams,
    now: u32,
) -> Status {
    let host = StoreHost {
        store: &b.store,
        user,
        now,
    };
    let parsed = ParsedMessage::parse(msg.data(), Some(&mail.from), Some(&rcpt.address));
    let original = parsed.headers();
    let opts = EvalOptions {
        user: user.as_str().to_string(),
        user_addresses: vec![rcpt.address.clone()],
        now: DateTime {
            unix: i64::from(now),
            offset_minutes: 0,
        },
        host_name: b.cfg.servername.clone(),
        ..EvalOptions::default()
    };
    let inbox = MailboxName::user_inbox(user);
    let (actions, edited) = match script.evaluate(&parsed, &host, &opts) {
        Ok(o) => (o.actions, o.edited_headers),
        Err(e) => {
            tracing::warn!(user = %user.as_str(), error = %e, "sieve runtime error; keeping");
            // Cyrus marks the fallback delivery `$SieveFailed`.
            (
                vec![Action::Keep {
                    flags: vec![SIEVE_FAILED.to_string()],
                    implicit: true,
                }],
                None,
            )
        }
    };
    let edited_msg = edited.map(|h| with_edited_headers(&b.store, msg, &h));
    let msg = edited_msg.as_ref().unwrap_or(msg);
    let owner = User::new(user.as_str());
    let mut stored: Vec<MailboxName> = Vec::new();
    let mut result = Status::Ok;
    // Stores into `name` once; true on success. A failed INBOX store is
    // the recipient's status.
    let mut keep = |name: &MailboxName, flags: &[String], result: &mut Status| -> bool {
        if stored.contains(name) {
            return true;
        }
        let s = b.store_to(name, msg, flags, rcpt.ignore_quota, now);
        if s == Status::Ok {
            stored.push(name.clone());
            return true;
        }
        if *name == inbox {
            *result = s;
        }
        false
    };
    for action in &actions {
        match action {
            Action::Keep { flags, .. } => {
                keep(&inbox, flags, &mut result);
            }
            Action::FileInto {
                mailbox,
                flags,
                create,
                ..
            } => {
                let target = host.mailbox(mailbox).filter(|n| {
                    if *create && !host.mailbox_exists(mailbox) && n.is_owned_by(user) {
                        // A failed create shows as "no `p`" below: kept in INBOX.
                        let _ = b.store.create_mailbox(n, &NewMailbox::default(), now);
                    }
                    matches!(b.rights(n, &owner), Ok(Some(r)) if r.contains(Rights::POST))
                });
                // A fileinto that cannot be done stops the script: the
                // message is delivered to INBOX flagged `$SieveFailed`, as
                // Cyrus's lmtpd does after a failed sieve run.
                let done = target.is_some_and(|n| keep(&n, flags, &mut result));
                if !done {
                    tracing::info!(user = %user.as_str(), %mailbox, "fileinto failed; keeping");
                    keep(&inbox, &[SIEVE_FAILED.to_string()], &mut result);
                    return result;
                }
            }
            Action::Discard => {}
            Action::Reject { reason } | Action::Ereject { reason } => {
                return Status::SieveReject(reason.clone());
            }
            Action::Redirect { address, .. } => {
                // Cyrus tracks `<message-id>-<address>` so that a message
                // coming back (a forwarding loop) or delivered again is not
                // redirected a second time.
                let id = format!("{}-{address}", msg.message_id);
                if host.tracked(&id) {
                    tracing::info!(%address, "redirect already done; skipped");
                } else {
                    send(
                        b.sendmail.as_ref(),
                        &OutgoingMessage {
                            kind: OutgoingKind::Redirect,
                            from: mail.from.clone(),
                            to: vec![address.clone()],
                            data: msg.data().to_vec(),
                        },
                    );
                    host.track(&id, REDIRECT_TRACK_SECONDS);
                }
            }
            Action::Vacation(v) => {
                let id = format!("vacation:{}:{}", v.handle, v.to);
                if !host.tracked(&id) {
                    let out = OutgoingMessage {
                        kind: OutgoingKind::Vacation,
                        from: String::new(),
                        to: vec![v.to.clone()],
                        data: vacation_message(v, &rcpt.address, &b.cfg.servername, now),
                    };
                    // RFC 8580 §4: only a reply actually sent is filed.
                    if send(b.sendmail.as_ref(), &out) {
                        if let Some(f) = &v.fcc {
                            file_copy(b, user, f, out.data, now);
                        }
                    }
                    host.track(&id, v.seconds);
                }
            }
            Action::Notify {
                method,
                from,
                importance,
                message,
                fcc,
                ..
            } => {
                if auto_submitted(&original) {
                    // RFC 5436 §2.7: never notify about automatic mail.
                    tracing::info!(%method, "notification about auto-submitted mail skipped");
                    continue;
                }
                let Some(n) = notification(&NotifyInput {
                    method,
                    from: from.as_deref(),
                    importance,
                    message: message.as_deref(),
                    owner: &rcpt.address,
                    original: &original,
                    servername: &b.cfg.servername,
                    now,
                }) else {
                    // The interpreter checked the method; nothing to send.
                    continue;
                };
                let out = OutgoingMessage {
                    kind: OutgoingKind::Notify,
                    from: String::new(),
                    to: n.to,
                    data: n.data,
                };
                if send(b.sendmail.as_ref(), &out) {
                    if let Some(f) = fcc {
                        file_copy(b, user, f, out.data, now);
                    }
                }
            }
            Action::TrackDuplicate { id, seconds } => host.track(&duplicate_id(id), *seconds),
            Action::Snooze(_) => {
                keep(&inbox, &[], &mut result);
            }
            other => tracing::debug!(action = ?other, "sieve action not carried out"),
        }
    }
    result
}
