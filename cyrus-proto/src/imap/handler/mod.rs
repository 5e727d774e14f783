//! IMAP command handlers: one file per command family, each a method on
//! [`ImapSession`] making synchronous store calls; `error` is the one
//! place store errors become tagged responses.

mod acl;
mod append;
mod auth;
mod catenate;
mod condstore;
mod config;
mod copy;
mod error;
mod fetch;
mod fetch_binary;
mod fetch_preview;
mod fetch_section;
mod idle;
mod layers;
mod list_extended;
mod mailboxes;
mod metadata;
mod objectid;
mod quota;
mod rename;
mod search;
mod seen;
mod select;
mod server;
mod session;
mod site_files;
mod sort;
mod special_use;
mod store_flags;
mod subscriptions;
mod thread;

pub use config::ImapConfig;
pub use session::ImapSession;
pub use site_files::SiteFiles;
