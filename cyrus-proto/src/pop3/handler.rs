//! The store calls of a POP3 session and the one place their failures
//! become `-ERR` lines: opening the maildrop at login (`user_deny.db`,
//! the INBOX, `popminpoll`), reading a message for RETR/TOP, and the
//! update at QUIT.

use cyrus_store::mboxname::{MailboxName, UserId};
use cyrus_store::{Error, Pop3Update, Pop3View, Store, Uid};

use super::config::Pop3Config;
use super::maildrop::Maildrop;

/// A refusal: the whole `-ERR` line (without CRLF) and whether the
/// connection ends after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Refusal {
    pub(super) line: String,
    pub(super) close: bool,
}

impl Refusal {
    fn new(line: String) -> Self {
        Refusal { line, close: false }
    }
}

/// Cyrus's `error_message` wording for the store errors a maildrop can
/// meet.
fn wording(e: &Error) -> String {
    match e {
        Error::NonExistent(_) => "Mailbox does not exist".into(),
        other => other.to_string(),
    }
}

/// A maildrop open for a session.
#[derive(Debug)]
pub(super) struct Opened {
    pub(super) mailbox: MailboxName,
    pub(super) maildrop: Maildrop,
    /// `pop3_last_login` as found at login.
    pub(super) last_login: u32,
}

/// Opens `user`'s INBOX at `now` (Cyrus `openinbox`).
pub(super) fn open(
    store: &Store,
    cfg: &Pop3Config,
    user: &UserId,
    now: u32,
) -> Result<Opened, Refusal> {
    // Cyrus checks user_deny.db before every command once the user is
    // known and ends the session with `-ERR [SYS/TEMP] <message>`.
    match store.user_denied(user.as_str(), &cfg.userdeny_service) {
        Ok(Some(msg)) => {
            return Err(Refusal {
                line: format!("-ERR [SYS/TEMP] {}", msg.trim_start_matches('[')),
                close: true,
            })
        }
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "user_deny.db unreadable; not denying"),
    }
    let mailbox = MailboxName::user_inbox(user);
    match store.lookup(&mailbox) {
        Ok(Some(_)) => {}
        Ok(None) => {
            return Err(Refusal::new(
                "-ERR [SYS/TEMP] Unable to open maildrop: Mailbox does not exist".into(),
            ))
        }
        Err(e) => {
            return Err(Refusal::new(format!(
                "-ERR [SYS/TEMP] Unable to open maildrop: {}",
                wording(&e)
            )))
        }
    }
    let view = Pop3View {
        hide_deleted: cfg.use_imap_flags,
    };
    let snap = store.pop3_snapshot(&mailbox, view).map_err(|e| {
        tracing::warn!(mailbox = %mailbox, error = %e, "cannot open maildrop");
        Refusal::new(format!(
            "-ERR [SYS/PERM] Unable to open maildrop: {}",
            wording(&e)
        ))
    })?;
    if cfg.min_poll > 0 && u64::from(snap.last_login) + u64::from(cfg.min_poll) > u64::from(now) {
        let minutes = cfg.min_poll / 60;
        return Err(Refusal::new(format!(
            "-ERR [LOGIN-DELAY] Logins must be at least {minutes} minute{} apart",
            if minutes > 1 { "s" } else { "" }
        )));
    }
    Ok(Opened {
        mailbox,
        maildrop: Maildrop::new(&snap),
        last_login: snap.last_login,
    })
}

/// The message file of `uid` for RETR/TOP.
pub(super) fn read(store: &Store, mailbox: &MailboxName, uid: Uid) -> Result<Vec<u8>, Refusal> {
    match store.pop3_read(mailbox, uid) {
        Ok(Some(data)) => Ok(data),
        Ok(None) => Err(Refusal::new(
            "-ERR [SYS/PERM] Could not read message file".into(),
        )),
        Err(e) => {
            tracing::warn!(mailbox = %mailbox, error = %e, "cannot read index record");
            Err(Refusal::new(
                "-ERR [SYS/PERM] Could not read index record".into(),
            ))
        }
    }
}

/// The `pop3_last_login` QUIT writes: the login time, or with
/// `popminpoll` and `poppollpadding` > 1 a time that lets a burst of
/// logins through (Cyrus's QUIT arithmetic).
pub(super) fn next_last_login(cfg: &Pop3Config, previous: u32, login: u32) -> u32 {
    if cfg.min_poll > 0 && cfg.poll_padding > 1 {
        let mintime = login.saturating_sub(cfg.min_poll.saturating_mul(cfg.poll_padding));
        if previous < mintime {
            mintime.saturating_add(cfg.min_poll)
        } else {
            previous.saturating_add(cfg.min_poll)
        }
    } else {
        login
    }
}

/// QUIT in the transaction state (RFC 1939 §6, the UPDATE state). A
/// failure is logged; Cyrus answers `+OK` whatever happens here.
pub(super) fn quit(store: &Store, cfg: &Pop3Config, opened: &Opened, login: u32, now: u32) {
    let delete = opened.maildrop.deleted_uids();
    let seen = if cfg.use_imap_flags {
        opened.maildrop.seen_uids()
    } else {
        Vec::new()
    };
    let update = Pop3Update {
        last_login: next_last_login(cfg, opened.last_login, login),
        delete: &delete,
        seen: &seen,
    };
    match store.pop3_update(&opened.mailbox, update, now) {
        Ok(gone) => tracing::info!(
            mailbox = %opened.mailbox,
            expunged = gone.len(),
            "pop3 update"
        ),
        Err(e) => tracing::warn!(mailbox = %opened.mailbox, error = %e, "pop3 update failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poll_padding_lets_bursts_through() {
        let plain = Pop3Config::default();
        assert_eq!(next_last_login(&plain, 5, 1000), 1000);
        let cfg = Pop3Config {
            min_poll: 60,
            poll_padding: 3,
            ..Pop3Config::default()
        };
        // Long ago: the window starts three polls back.
        assert_eq!(next_last_login(&cfg, 0, 1000), 1000 - 180 + 60);
        // Recent: one more poll used.
        assert_eq!(next_last_login(&cfg, 900, 1000), 960);
    }
}
