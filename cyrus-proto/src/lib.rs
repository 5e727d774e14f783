//! `cyrus-proto`: protocol front-ends over `cyrus-store`.
//!
//! Each protocol is a pure session machine (bytes in, responses out, time
//! passed in) plus a handler that calls the store; one shared tokio runtime
//! layer owns sockets, TLS, timeouts and shutdown.

pub mod imap;
pub mod lmtp;
pub mod managesieve;
pub mod pop3;
pub mod runtime;
pub mod sasl;
pub mod sieve;
