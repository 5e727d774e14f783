//! Mailbox names: internal (`user.alice.Sent`, `DELETED.…`) and external
//! (`INBOX/Sent`, `Other Users/bob`, `Shared Folders/x`) forms, the
//! mailboxes.db key form (`user\x1Falice\x1FSent`), modified UTF-7, virtual
//! domains, and the spool/config path hashing rules (`dir_hash_c`).

mod error;
pub mod mutf7;
mod name;
mod namespace;
mod paths;
mod policy;
mod recipient;
mod userid;

pub use error::NameError;
pub use name::{MailboxName, DB_DOMAINSEP, DB_HIERSEP, DELETED_PREFIX};
pub use namespace::{Namespace, NamespaceConfig, Viewer, VirtDomains};
pub use paths::{
    dir_hash_byte, dir_hash_c, legacy_conf_path, legacy_mailbox_dir, user_conf_path, uuid_dir,
    DirHash, SpoolHash,
};
pub use policy::{
    policy_check, DomainPolicy, MAX_MAILBOX_BUFFER, MAX_MAILBOX_NAME, MAX_MAILBOX_PATH,
};
pub use userid::UserId;
