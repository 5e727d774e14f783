//! IMAP command handlers: one file per command family, each a method on
//! [`ImapSession`] making synchronous store calls; `error` is the one
//! place store errors become tagged responses.

mod append;
mod auth;
mod config;
mod error;
mod fetch;
mod fetch_section;
mod idle;
mod layers;
mod mailboxes;
mod search;
mod select;
mod server;
mod session;
mod site_files;
mod store_flags;
mod subscriptions;

pub use config::ImapConfig;
pub use session::ImapSession;
pub use site_files::SiteFiles;
