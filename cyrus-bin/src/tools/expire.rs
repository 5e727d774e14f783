//! `cyr_expire`: the nightly maintenance run (Cyrus 3.6 `cyr_expire`):
//! purge delayed-expunged messages (`-X`), remove delayed-deleted
//! mailboxes (`-D`) and prune `deliver.db` (`-E`), in Cyrus's order
//! (expunge pass, delete pass, duplicate prune).
//!
//! Cyrus writes its progress to syslog and, with `-v`, the same lines to
//! stderr; we produce the `-v` text byte for byte as Debian's 3.6 build
//! prints it (each line followed by an empty one), and add the
//! `duplicate_prune` totals Cyrus only logs.

use std::fmt::Write as _;

use cyrus_store::mboxname::UserId;
use cyrus_store::{
    DeleteMode, DeletedEvent, ExpireScope, ExpungeEvent, ExpungePass, Store, TOMBSTONE_LIFETIME,
};

use super::common::ToolError;
use super::site::admin_name;

/// The command line of one run; durations in seconds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExpireRequest {
    /// `-A`: archive messages older than this (not supported here).
    pub archive: Option<u32>,
    /// `-D`: remove deleted mailboxes older than this.
    pub delete: Option<u32>,
    /// `-E`: prune deliver.db entries older than this.
    pub expire: Option<u32>,
    /// `-X`: purge messages expunged longer ago than this.
    pub expunge: Option<u32>,
    /// `-a`: ignore the `expire`/`delete` annotations.
    pub skip_annotations: bool,
    /// `-x`: skip the expunge pass.
    pub skip_expunge: bool,
    /// `-t`: remove unused user flags (not supported here).
    pub prune_userflags: bool,
    /// `-p`: only mailboxes whose name starts with this (admin namespace).
    pub prefix: Option<String>,
    /// `-u`: only this user's mailboxes.
    pub user: Option<String>,
}

/// What a run printed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExpireOutput {
    /// The `-v` progress text.
    pub verbose: String,
    /// Notices printed whether or not `-v` is given (unsupported options,
    /// mailboxes that failed).
    pub notices: String,
}

impl ExpireRequest {
    /// True when no action was asked for (Cyrus: "Missing arguments.").
    pub fn is_empty(&self) -> bool {
        self.archive.is_none()
            && self.delete.is_none()
            && self.expire.is_none()
            && self.expunge.is_none()
            && !self.prune_userflags
    }
}

fn days(secs: u32) -> f64 {
    f64::from(secs) / 86_400.0
}

/// Runs `req` on `store` at time `now`.
pub fn expire(store: &Store, req: &ExpireRequest, now: u32) -> Result<ExpireOutput, ToolError> {
    let mut out = ExpireOutput::default();
    let scope = match (&req.prefix, &req.user) {
        (Some(_), Some(_)) => {
            return Err(ToolError::Usage("-p and -u cannot be combined".into()));
        }
        (Some(p), None) => {
            // Cyrus converts the prefix from the admin namespace; a
            // partial name ("user/al") is still a valid name there.
            let name = admin_name(store, p)?;
            ExpireScope::Prefix(name.to_internal())
        }
        (None, Some(u)) => ExpireScope::User(
            UserId::try_from(u.as_str()).map_err(|e| ToolError::Usage(format!("{u}: {e}")))?,
        ),
        (None, None) => ExpireScope::All,
    };
    if req.archive.is_some() {
        out.notices
            .push_str("cyr_expire: -A is not supported (this store has no archive partitions)\n");
    }
    if req.prune_userflags {
        out.notices
            .push_str("cyr_expire: -t is not supported (user flags are kept)\n");
    }
    let v = &mut out.verbose;

    // Cyrus runs the pass unless -x, or only `-E 0` was asked for: its
    // "unset" -E is -1, which counts as asking.
    let expire_asks = req.expire != Some(0);
    let mut duplicate_marks = Vec::new();
    if !req.skip_expunge && (req.expunge.is_some() || expire_asks || req.prune_userflags) {
        let expunge_mark = match req.expunge {
            Some(secs) => {
                let _ = write!(
                    v,
                    "Expunging deleted messages in mailboxes older than {:.2} days\n\n",
                    days(secs)
                );
                now.saturating_sub(secs)
            }
            None => 0,
        };
        let pass = ExpungePass {
            expunge_mark,
            tombstone_mark: now.saturating_sub(TOMBSTONE_LIFETIME),
            use_annotations: !req.skip_annotations,
        };
        let report = store.expire_expunged_pass(&scope, pass, now)?;
        for e in &report.events {
            match e {
                ExpungeEvent::TombstoneRemoved(n) => {
                    let _ = write!(v, "Removing stale tombstone for {n}\n\n");
                }
                ExpungeEvent::Expiring(n, secs) => {
                    let _ = write!(
                        v,
                        "expiring messages in {n} older than {:.2} days\n\n",
                        days(*secs)
                    );
                }
                ExpungeEvent::Cleaned(n) => {
                    let _ = write!(v, "cleaning up expunged messages in {n}\n\n");
                }
                ExpungeEvent::Failed(n, why) => {
                    let _ = writeln!(out.notices, "cyr_expire: failure expiring {n}: {why}");
                }
                _ => {}
            }
        }
        let _ = write!(
            v,
            "\nExpired {} and expunged {} out of {} messages from {} mailboxes\n\n",
            report.messages_expired,
            report.messages_expunged,
            report.messages_seen,
            report.mailboxes_seen
        );
        duplicate_marks = report.duplicate_marks;
    }

    if let Some(secs) = req.delete {
        if store.options().delete_mode == DeleteMode::Delayed {
            let _ = write!(
                v,
                "Removing deleted mailboxes older than {:.2} days\n\n",
                days(secs)
            );
            let events = store.remove_deleted_mailboxes(
                &scope,
                now.saturating_sub(secs),
                !req.skip_annotations,
                now,
            )?;
            let mut count = 0;
            for e in events.iter() {
                if let DeletedEvent::Chosen(n) = e {
                    let _ = write!(v, "Cleaning up {n}\n\n");
                }
            }
            for e in events.iter() {
                match e {
                    DeletedEvent::Removed(n) => {
                        let _ = write!(v, "Removing: {n}\n\n");
                        count += 1;
                    }
                    DeletedEvent::Failed(n, why) => {
                        let _ = write!(v, "Removing: {n}\n\n");
                        let _ = writeln!(out.notices, "cyr_expire: cannot remove {n}: {why}");
                        // Cyrus counts an attempt whatever its outcome.
                        count += 1;
                    }
                    _ => {}
                }
            }
            let _ = write!(v, "Removed {count} deleted mailboxes\n\n");
        }
    }

    if let Some(secs) = req.expire.filter(|&s| s > 0) {
        let mark = i64::from(now) - i64::from(secs);
        let r = store.prune_duplicates(mark, &duplicate_marks)?;
        let _ = writeln!(
            v,
            "duplicate_prune: purged {} out of {} entries",
            r.purged, r.seen
        );
    }
    Ok(out)
}
