//! The composition root: from a parsed `imapd.conf` to the running parts a
//! daemon needs (the store, the password source, SASL settings, TLS).

mod auth;
mod build;
mod sendmail;

pub use auth::authenticator;
pub use build::Site;
pub use sendmail::SendmailCommand;
