//! The mailbox list (`mailboxes.db`): entries, lookup, create, delete,
//! rename, listing with IMAP patterns, and `ctl_mboxlist` dump/undump.

mod dump;
mod entry;
mod error;
mod mbtype;
mod ops;
mod paths;
mod pattern;

pub use dump::{dump, dump_entry, parse_dump, undump, DumpScope};
pub use entry::{FormerName, MbEntry, KEY_ID, KEY_NAME};
pub use error::MboxlistError;
pub use mbtype::{BadMbType, MbKind, MbType};
pub use ops::{
    acl_for_new_mailbox, all, create, delete, foreach_prefix, has_children, lookup,
    lookup_allow_all, lookup_by_uniqueid, rename, rename_subtree, subtree, update_entry,
    user_mailboxes, Intermediates, Visibility,
};
pub use paths::conf_path;
pub use pattern::{list_matching, Pattern};
