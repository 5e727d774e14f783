//! IMAP command handlers: one file per command family, each a method on
//! [`ImapSession`] making synchronous store calls; `error` is the one
//! place store errors become tagged responses.

mod append;
mod auth;
mod catenate;
mod config;
mod copy;
mod error;
mod fetch;
mod fetch_binary;
mod fetch_section;
mod idle;
mod layers;
mod mailboxes;
mod rename;
mod search;
mod select;
mod server;
mod session;
mod store_flags;
mod subscriptions;

pub use config::ImapConfig;
pub use session::ImapSession;
