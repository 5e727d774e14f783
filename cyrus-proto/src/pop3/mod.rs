//! POP3 (RFC 1939, CAPA RFC 2449, STLS RFC 2595, AUTH RFC 5034) as Cyrus
//! 3.6 `pop3d` speaks it. `wire` frames lines, splits them into a verb
//! and an argument and writes multi-line replies (byte-stuffing);
//! `maildrop` is the pure message map of a session (sizes, DELE marks,
//! UIDLs); `handler` is the one place the store is called (snapshot at
//! login, message reads, the update at QUIT); `config` holds the daemon's
//! options; the session ([`Pop3Session`], a
//! [`runtime::Session`](crate::runtime::Session)) keeps the state
//! (authorization → SASL exchange → transaction) and dispatches to `auth`
//! (USER, PASS, AUTH, STLS), `capa` (CAPA) and `transaction` (STAT, LIST,
//! UIDL, RETR, TOP, DELE, RSET, NOOP).
//!
//! Locking follows Cyrus 3.x: the maildrop is read under the index lock at
//! login and the lock is released at once, so LMTP deliveries and IMAP
//! sessions go on while a POP3 client is connected; QUIT takes the lock
//! again for its update and skips messages that vanished meanwhile.

mod auth;
mod capa;
mod config;
mod handler;
mod maildrop;
mod session;
mod transaction;
mod wire;

pub use config::{Pop3Config, UidlFormat};
pub use maildrop::{Maildrop, MsgError};
pub use session::Pop3Session;
pub use wire::{frame, parse_line, stuffed, Frame, Line, LineError};
