//! When and from what the store writes `dav.db`.
//!
//! Order: every script operation first changes the `#sieve` mailbox (and
//! the `.bc` files and `defaultbc`), then calls [`Store::sieve_sync_davdb`],
//! which replays all the mailbox's records into `sieve_scripts` in one
//! SQLite transaction. (Cyrus commits `dav.db` just before the mailbox
//! index; we do it after, so the mailbox alone decides what exists.)
//!
//! A crash between the two leaves `dav.db` one change behind: our own
//! readers never look at it, and the next script operation for the user
//! (or an explicit [`Store::sieve_sync_davdb`]) replays the whole
//! mailbox, so the row catches up. A missing `dav.db` is created and
//! filled the same way, as Cyrus's `dav_reconstruct` would fill it. Real
//! Cyrus reading the file in between sees the previous state.
//!
//! A failure to write `dav.db` fails the operation (as it does in Cyrus,
//! where the update is part of the mailbox commit), although the mailbox
//! change has been made; retrying the operation repeats it harmlessly.

use rusqlite::TransactionBehavior;

use crate::mailbox::{Mailbox, SystemFlags};
use crate::mboxname::{MailboxName, UserId};
use crate::os::{LockKind, OsError};
use crate::store::Store;

use super::super::error::SieveError;
use super::super::message::{content_id, parse_script_message};
use super::super::paths::SIEVE_FOLDER;
use super::rows::{self, ScriptFields, ScriptRecord};
use super::schema::{self, Opened};

/// The user file's kind: `dav.db` (or legacy `<user>.dav`), Cyrus's
/// `FNAME_DAVSUFFIX`.
const DAV_KIND: &str = "dav";

/// What `dav.db` needs of every record of `#sieve` not yet unlinked.
fn script_records(mbox: &Mailbox) -> Vec<ScriptRecord> {
    mbox.records()
        .iter()
        .filter(|r| !r.is_unlinked())
        .map(|r| {
            let script = mbox
                .read_message(r.uid)
                .ok()
                .and_then(|raw| parse_script_message(&raw))
                .and_then(|m| {
                    Some(ScriptFields {
                        contentid: content_id(&m.content),
                        id: m.id?,
                        name: m.name,
                    })
                });
            ScriptRecord {
                uid: r.uid.0,
                internaldate: r.internaldate,
                modseq: r.modseq.0,
                createdmodseq: r.createdmodseq.0,
                active: r.system_flags.contains(SystemFlags::FLAGGED),
                expunged: r.is_expunged(),
                script,
            }
        })
        .collect()
}

impl Store {
    /// Brings `user`'s `dav.db` (`sieve_scripts`) in step with their
    /// `#sieve` mailbox, creating the file if it is missing. Every script
    /// operation calls this after changing the mailbox; call it directly
    /// to repair the index after a crash or a restore. Nothing to do for
    /// a user without `#sieve`.
    pub fn sieve_sync_davdb(&self, user: &UserId) -> Result<(), SieveError> {
        let folder = MailboxName::user_inbox(user).child(SIEVE_FOLDER);
        let Some(entry) = self.lookup(&folder)? else {
            return Ok(());
        };
        let Some(mailbox_id) = entry.uniqueid else {
            tracing::warn!(
                user = user.as_str(),
                "#sieve has no uniqueid; dav.db not written"
            );
            return Ok(());
        };
        let path = self.user_file(user, DAV_KIND)?;
        if let Some(dir) = path.parent() {
            self.fs()
                .create_dir_all(dir)
                .map_err(|e| crate::error::Error::Os(OsError::new("mkdir", dir, e)))?;
        }
        let sql = |e: rusqlite::Error| SieveError::DavDb {
            path: path.clone(),
            reason: e.to_string(),
        };
        let mut conn = match schema::open(&path).map_err(sql)? {
            Opened::Ready(c) => c,
            Opened::Unsupported(v) => {
                tracing::warn!(
                    path = %path.display(),
                    version = v,
                    "dav.db has a version we do not upgrade; left for Cyrus"
                );
                return Ok(());
            }
        };
        // The mailbox lock first, then SQLite's: Cyrus's order, so a Cyrus
        // process updating the same user cannot deadlock with us.
        let (_, mbox) = self.open_mailbox(&folder, LockKind::Shared)?;
        let records = script_records(&mbox);
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        if rows::apply(&tx, mailbox_id.as_str(), &records).map_err(sql)? {
            tx.commit().map_err(sql)?;
        }
        drop(mbox);
        Ok(())
    }
}
