//! Which mailboxes a `reconstruct` command line names.

use crate::error::Error;
use crate::mboxlist::{self, MbEntry, Visibility};
use crate::mboxname::{MailboxName, UserId, Viewer};
use crate::Store;

/// How the arguments are read.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// `-r`: each named mailbox and everything below it.
    pub recursive: bool,
    /// `-u`: the arguments are userids; each user's whole tree.
    pub users: bool,
    /// `-p`: only mailboxes on this partition.
    pub partition: Option<String>,
}

/// The live mailboxes `args` name (external names as an admin sees them,
/// or userids with `users`), in mailboxes.db order without duplicates.
/// No arguments means every mailbox.
pub fn resolve_targets(
    store: &Store,
    args: &[String],
    sel: &Selection,
) -> Result<Vec<MailboxName>, Error> {
    let ns = store.namespace(Viewer::Admin);
    let mut entries: Vec<MbEntry> = Vec::new();
    store.with_mboxlist(|db| {
        if args.is_empty() {
            entries = mboxlist::all(db, Visibility::Live)?;
            return Ok(());
        }
        for a in args {
            if sel.users {
                let user = UserId::try_from(a.as_str())?;
                entries.extend(mboxlist::user_mailboxes(db, &user, Visibility::Live)?);
                continue;
            }
            let name = ns.to_internal(a, None)?;
            if sel.recursive {
                entries.extend(mboxlist::subtree(db, &name, Visibility::Live)?);
            } else {
                match mboxlist::lookup(db, &name)? {
                    Some(e) => entries.push(e),
                    None => return Err(Error::NonExistent(a.clone())),
                }
            }
        }
        Ok(())
    })?;
    let mut out: Vec<MailboxName> = Vec::new();
    for e in entries {
        let on_partition = sel
            .partition
            .as_deref()
            .is_none_or(|p| e.partition.as_deref() == Some(p));
        if on_partition && e.server.is_none() && !out.contains(&e.name) {
            out.push(e.name);
        }
    }
    Ok(out)
}
