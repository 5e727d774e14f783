//! RFC 8580 `:fcc`: a copy of a message Sieve generated (a vacation
//! reply, a notification) appended to one of the script owner's
//! mailboxes, as Cyrus's `do_fcc` does after a successful send.
//!
//! The target is the named mailbox (`:specialuse` and `:mailboxid` are
//! not looked up: RFC 8579/9042 let the named mailbox stand in when the
//! preferred one is not found). With `:create` a missing mailbox of the
//! owner is created. The owner needs `i` on it (Cyrus's `ACL_INSERT`);
//! a failed copy is logged and changes nothing else.

use cyrus_store::acl::{Rights, User};
use cyrus_store::mboxname::{UserId, Viewer};
use cyrus_store::{NewMailbox, QuotaPolicy};

use crate::sieve::Fcc;

use super::handler::StoreBackend;

/// Appends `data` (a whole message, CRLF line ends) to `fcc`'s mailbox
/// of `user` with its flags; true when stored.
pub(super) fn file_copy(
    b: &StoreBackend,
    user: &UserId,
    fcc: &Fcc,
    data: Vec<u8>,
    now: u32,
) -> bool {
    let name = match b
        .store
        .namespace(Viewer::User)
        .to_internal(&fcc.mailbox, Some(user))
    {
        Ok(n) => n,
        Err(e) => {
            tracing::info!(mailbox = %fcc.mailbox, error = %e, "sieve fcc: bad mailbox name");
            return false;
        }
    };
    let exists = matches!(b.store.lookup(&name), Ok(Some(_)));
    if !exists && fcc.create && name.is_owned_by(user) {
        if let Err(e) = b.store.create_mailbox(&name, &NewMailbox::default(), now) {
            tracing::info!(mailbox = %fcc.mailbox, error = %e, "sieve fcc: cannot create");
            return false;
        }
    }
    let owner = User::new(user.as_str());
    if !matches!(b.rights(&name, &owner), Ok(Some(r)) if r.contains(Rights::INSERT)) {
        tracing::info!(mailbox = %fcc.mailbox, "sieve fcc: no such mailbox or no insert right");
        return false;
    }
    let staged = b.store.stage_message(data);
    // Cyrus post-dates the copy by a second so that it threads after
    // the message that caused it.
    let internal = now.saturating_add(1);
    match b.store.append_staged(
        &name,
        &staged,
        &fcc.flags,
        Some(internal),
        now,
        QuotaPolicy::Enforce,
    ) {
        Ok(_) => true,
        Err(e) => {
            tracing::info!(mailbox = %fcc.mailbox, error = %e, "sieve fcc failed");
            false
        }
    }
}
