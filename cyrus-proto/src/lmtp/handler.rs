//! The store side of LMTP (Cyrus `lmtpd.c`: `verify_user`, `deliver`,
//! `deliver_mailbox`): recipient checks at RCPT, and per-recipient
//! delivery after DATA with plus-addressing, duplicate suppression and
//! Sieve. Synchronous; runs on the runtime's blocking bridge.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

use cyrus_store::acl::{Identity, Rights, User};
use cyrus_store::duplicate::{DuplicateKey, DuplicateMark};
use cyrus_store::mboxname::{MailboxName, UserId, Viewer};
use cyrus_store::{QuotaPolicy, StagedMessage, Store};

use crate::runtime::unix_seconds;

use super::config::{LmtpConfig, Sendmail};
use super::machine::{Backend, Incoming};
use super::message::{prepare, Trace};
use super::reply::{status_of, Status};
use super::sieve_delivery;
use super::wire::MailParams;

/// An accepted recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// The address as given (after `lmtp_downcase_rcpt`).
    pub address: String,
    /// The mailbox the address names (`user.alice.Archive` for
    /// `alice+Archive`).
    pub target: MailboxName,
    /// The user, for personal mailboxes.
    pub user: Option<UserId>,
    /// `IGNOREQUOTA` was given.
    pub ignore_quota: bool,
}

/// A message being delivered: parsed and staged once for all its
/// recipients, so the mailboxes on one partition share one file
/// (single-instance store).
pub(super) struct Delivery {
    /// Message-ID value (given or generated).
    pub(super) message_id: String,
    /// Date value (given or generated).
    pub(super) date: String,
    /// The bytes as stored, parsed, with their stage files.
    pub(super) staged: StagedMessage,
}

impl Delivery {
    /// The bytes as stored.
    pub(super) fn data(&self) -> &[u8] {
        self.staged.data()
    }
}

/// Who posts: the `AUTH=` identity of `MAIL FROM`, else `anyone`
/// (Cyrus uses `msg->authstate`, NULL without `AUTH=`).
#[derive(Debug, Clone)]
pub(super) enum Poster {
    /// Matches only `anyone`.
    Anyone,
    /// A named user.
    User(User),
}

impl Identity for Poster {
    fn userid(&self) -> Option<&str> {
        match self {
            Poster::Anyone => None,
            Poster::User(u) => u.userid(),
        }
    }

    fn is_member_of(&self, id: &str) -> bool {
        match self {
            Poster::Anyone => id == "anyone",
            Poster::User(u) => u.is_member_of(id),
        }
    }
}

impl Poster {
    fn of(mail: &MailParams) -> Poster {
        match &mail.auth {
            Some(id) => Poster::User(User::new(id)),
            None => Poster::Anyone,
        }
    }
}

/// LMTP delivery into a [`Store`].
pub struct StoreBackend {
    pub(super) store: Arc<Store>,
    pub(super) cfg: Arc<LmtpConfig>,
    pub(super) sendmail: Arc<dyn Sendmail>,
    client_host: String,
}

/// Numbers generated Message-IDs across all sessions of the process
/// (Cyrus's static `msgid_count`); per-session numbering would give two
/// connections in the same second the same id, and deliver.db would
/// then drop the second message as a duplicate.
static MSG_NUMBER: AtomicU64 = AtomicU64::new(0);

impl StoreBackend {
    /// A backend; `client_host` goes into `Received:` (`[1.2.3.4]` or
    /// `unix socket`).
    pub fn new(
        store: Arc<Store>,
        cfg: Arc<LmtpConfig>,
        sendmail: Arc<dyn Sendmail>,
        client_host: String,
    ) -> Self {
        StoreBackend {
            store,
            cfg,
            sendmail,
            client_host,
        }
    }

    /// `lmtp_downcase_rcpt`: the user part (not the `+detail`) and the
    /// domain are lower-cased.
    fn normalise(&self, address: &str) -> String {
        if !self.cfg.downcase_rcpt {
            return address.to_string();
        }
        let (local, domain) = match address.rfind('@') {
            Some(i) => (&address[..i], Some(&address[i..])),
            None => (address, None),
        };
        let (user, detail) = match local.find('+') {
            Some(i) => (&local[..i], &local[i..]),
            None => (local, ""),
        };
        format!(
            "{}{detail}{}",
            user.to_lowercase(),
            domain.map(str::to_lowercase).unwrap_or_default()
        )
    }

    /// Rights of `who` on `name`; `None` if it does not exist.
    pub(super) fn rights(
        &self,
        name: &MailboxName,
        who: &dyn Identity,
    ) -> Result<Option<Rights>, Status> {
        let entry = self.store.lookup(name).map_err(|e| status_of(&e))?;
        Ok(entry.map(|e| {
            e.acl.map_or(Rights::NONE, |acl| {
                acl.rights_for(who, self.store.options().acl.admin_implies_write)
            })
        }))
    }

    /// Stores `msg` into `name` once: checks and records `deliver.db`
    /// (Message-ID, mailbox uniqueid, Date) when suppression is on.
    pub(super) fn store_to(
        &self,
        name: &MailboxName,
        msg: &Delivery,
        flags: &[String],
        ignore_quota: bool,
        now: u32,
    ) -> Status {
        let entry = match self.store.lookup(name) {
            Ok(Some(e)) => e,
            Ok(None) => return Status::UserUnknown,
            Err(e) => return status_of(&e),
        };
        let key = match (&entry.uniqueid, self.cfg.duplicate_suppression) {
            (Some(u), true) => DuplicateKey::new(
                msg.message_id.as_bytes(),
                u.as_str().as_bytes(),
                msg.date.as_bytes(),
            )
            .ok(),
            _ => None,
        };
        if let Some(k) = &key {
            match self.store.duplicate_check(k).map_err(|e| status_of(&e)) {
                Ok(Some(_)) => {
                    tracing::info!(mailbox = %name.to_internal(), id = %msg.message_id, "duplicate suppressed");
                    return Status::Ok;
                }
                Ok(None) => {}
                Err(s) => return s,
            }
        }
        let policy = if ignore_quota {
            QuotaPolicy::Ignore
        } else {
            QuotaPolicy::Enforce
        };
        let uid = self
            .store
            .append_staged(name, &msg.staged, flags, Some(now), now, policy);
        let uid = match uid {
            Ok(u) => u,
            Err(e) => {
                tracing::warn!(mailbox = %name.to_internal(), error = %e, "delivery failed");
                return status_of(&e);
            }
        };
        if let Some(k) = &key {
            let mark = DuplicateMark {
                mark: i64::from(now),
                uid: u64::from(uid.0),
            };
            // The message is stored; a failed mark only weakens suppression.
            if let Err(e) = self.store.duplicate_mark(k, mark) {
                tracing::warn!(error = %e, "cannot record delivery in deliver.db");
            }
        }
        if let Some(n) = &self.cfg.notifier {
            n.notify();
        }
        Status::Ok
    }

    /// Plain delivery (no Sieve): `user+folder` goes to the folder only
    /// if it exists and the poster has `p` there, else to INBOX.
    fn deliver_plain(&self, rcpt: &Recipient, msg: &Delivery, poster: &Poster, now: u32) -> Status {
        let target = match &rcpt.user {
            Some(user) if !rcpt.target.boxes().is_empty() => {
                let target = match self.rights(&rcpt.target, poster) {
                    Ok(None) if self.cfg.fuzzy_mailbox_match => self
                        .fuzzy_match(&rcpt.target)
                        .unwrap_or_else(|| rcpt.target.clone()),
                    _ => rcpt.target.clone(),
                };
                match self.rights(&target, poster) {
                    Ok(Some(r)) if r.contains(Rights::POST) => target,
                    _ => MailboxName::user_inbox(user),
                }
            }
            _ => rcpt.target.clone(),
        };
        self.store_to(&target, msg, &[], rcpt.ignore_quota, now)
    }
}

/// Cyrus `fuzzyeq`: equal ignoring ASCII case, and `-`, `_` and space
/// count as the same character.
fn fuzzy_eq(a: &str, b: &str) -> bool {
    const WSP: &[u8] = b"- _";
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .all(|(x, y)| x.eq_ignore_ascii_case(&y) || (WSP.contains(&x) && WSP.contains(&y)))
}

impl StoreBackend {
    /// Cyrus `fuzzy_match`: the user's mailbox whose folder names match
    /// `want`'s the deepest under [`fuzzy_eq`].
    fn fuzzy_match(&self, want: &MailboxName) -> Option<MailboxName> {
        let inbox = want.inbox()?;
        let all = self.store.all_mailboxes().ok()?;
        let mut best: Option<(usize, MailboxName)> = None;
        for e in all {
            if e.name.inbox().as_ref() != Some(&inbox) || e.name.is_deleted() {
                continue;
            }
            let depth = want
                .boxes()
                .iter()
                .zip(e.name.boxes())
                .take_while(|(w, h)| fuzzy_eq(w, h))
                .count();
            if depth > best.as_ref().map_or(0, |b| b.0) {
                let exact = depth == want.boxes().len();
                best = Some((depth, e.name));
                if exact {
                    break;
                }
            }
        }
        // Like Cyrus, the deepest match wins even when it is partial.
        best.map(|(_, n)| n)
    }
}

impl Backend for StoreBackend {
    type Rcpt = Recipient;

    fn verify(
        &mut self,
        address: &str,
        ignore_quota: bool,
        mail: &MailParams,
    ) -> Result<Recipient, Status> {
        let address = self.normalise(address);
        match self.verify_address(&address, ignore_quota, mail) {
            Err(Status::UserUnknown) => match self.cfg.catchall_mailbox.clone() {
                // Cyrus: an unknown recipient goes to the catch-all
                // user's INBOX (checked like any recipient).
                Some(catchall) => {
                    let mut r = self.verify_address(&catchall, ignore_quota, mail)?;
                    r.address = address;
                    Ok(r)
                }
                None => Err(Status::UserUnknown),
            },
            other => other,
        }
    }

    fn deliver(&mut self, msg: &Incoming<'_, Recipient>, now: SystemTime) -> Vec<Status> {
        self.deliver_all(msg, now)
    }
}

impl StoreBackend {
    fn verify_address(
        &self,
        address: &str,
        ignore_quota: bool,
        mail: &MailParams,
    ) -> Result<Recipient, Status> {
        let address = address.to_string();
        let ns = self.store.namespace(Viewer::User);
        let target = ns
            .from_recipient(&address)
            .map_err(|_| Status::UserUnknown)?;
        let user = target.userid();
        // A user's INBOX must exist (its ACL is not checked); a shared
        // mailbox needs `p` for the poster, and without `l` it does not
        // exist as far as the client is told.
        let check = match &user {
            Some(u) => {
                let inbox = MailboxName::user_inbox(u);
                match self.store.lookup(&inbox) {
                    Ok(Some(_)) => inbox,
                    Ok(None) => return Err(Status::UserUnknown),
                    Err(e) => return Err(status_of(&e)),
                }
            }
            None => {
                let rights = self
                    .rights(&target, &Poster::of(mail))?
                    .ok_or(Status::UserUnknown)?;
                if !rights.contains(Rights::POST) {
                    return Err(if rights.contains(Rights::LOOKUP) {
                        Status::PermissionDenied
                    } else {
                        Status::UserUnknown
                    });
                }
                target.clone()
            }
        };
        if !ignore_quota && self.store.over_quota(&check).map_err(|e| status_of(&e))? {
            return Err(Status::OverQuota);
        }
        if let (Some(u), Some(service)) = (&user, &self.cfg.userdeny_service) {
            if let Ok(Some(m)) = self.store.user_denied(u.as_str(), service) {
                tracing::info!(user = %u.as_str(), reason = %m, "delivery denied by user_deny.db");
                return Err(Status::MailboxDisabled);
            }
        }
        Ok(Recipient {
            address,
            target,
            user,
            ignore_quota,
        })
    }

    fn deliver_all(&mut self, msg: &Incoming<'_, Recipient>, now: SystemTime) -> Vec<Status> {
        let msg_number = MSG_NUMBER.fetch_add(1, Ordering::Relaxed);
        let version = self.cfg.server_info.then_some(self.cfg.version.as_str());
        let trace = Trace {
            return_path: &msg.mail.from,
            lhlo: msg.lhlo,
            client_host: &self.client_host,
            auth_user: msg.mail.auth.as_deref(),
            servername: &self.cfg.servername,
            version,
            tls: msg.tls,
            authenticated: msg.authenticated,
            session_id: msg.session_id,
            now: i64::from(unix_seconds(now)),
            msg_number,
        };
        let prepared = match prepare(msg.raw, &trace) {
            Ok(p) => Delivery {
                message_id: p.message_id,
                date: p.date,
                staged: self.store.stage_message(p.data),
            },
            Err(s) => return vec![s; msg.rcpts.len()],
        };
        let poster = Poster::of(msg.mail);
        let t = unix_seconds(now);
        msg.rcpts
            .iter()
            .map(|rcpt| {
                let script = match (&rcpt.user, self.cfg.sieve_enabled) {
                    (Some(u), true) => sieve_delivery::load_script(&self.store, u),
                    _ => None,
                };
                match (script, &rcpt.user) {
                    (Some(script), Some(user)) => {
                        sieve_delivery::deliver(self, &script, user, rcpt, &prepared, msg.mail, t)
                    }
                    _ => self.deliver_plain(rcpt, &prepared, &poster, t),
                }
            })
            .collect()
    }
}
