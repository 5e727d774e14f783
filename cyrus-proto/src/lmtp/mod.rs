//! LMTP (RFC 2033) as Cyrus 3.6 `lmtpd` speaks it: `wire` parses command
//! lines, `body` frames DATA/BDAT bodies, `machine` sequences commands
//! and writes replies (pure, time passed in), `handler` verifies
//! recipients and delivers into the store (plus-addressing, duplicate
//! suppression, quota), `sieve_delivery` carries out users' Sieve
//! scripts, `message` builds the stored message with Cyrus's trace
//! headers, `reply` is the one place statuses become reply lines, and
//! [`LmtpSession`] plugs it all into the shared runtime.

mod body;
mod config;
mod date;
mod handler;
mod machine;
mod message;
mod reply;
mod session;
mod sieve_delivery;
mod sieve_fcc;
mod sieve_notify;
mod wire;

pub use config::{
    CountingSessionIds, LmtpConfig, LmtpSasl, OutgoingKind, OutgoingMessage, RandomSessionIds,
    Sendmail, SessionIds,
};
pub use handler::{Recipient, StoreBackend};
pub use machine::{Backend, Incoming, Machine, Peer};
pub use message::{prepare, Prepared, Trace};
pub use reply::Status;
pub use session::LmtpSession;
pub use wire::{parse_command, Command, MailParams, WireError};
