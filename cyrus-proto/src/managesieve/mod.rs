//! ManageSieve (RFC 5804) as Cyrus 3.6 `timsieved` speaks it: `wire`
//! frames and parses commands (quoted strings, `{n+}`/`{n}` literals,
//! limits), `response` is the one place results become `OK`/`NO`/`BYE`
//! lines, `config` holds the daemon's options, and the session
//! ([`ManageSieveSession`], a [`runtime::Session`](crate::runtime::Session))
//! dispatches to one file per command family: `capability` (CAPABILITY,
//! NOOP, LOGOUT), `auth` (AUTHENTICATE, UNAUTHENTICATE, STARTTLS) and
//! `scripts` (PUTSCRIPT, CHECKSCRIPT, GETSCRIPT, LISTSCRIPTS, SETACTIVE,
//! DELETESCRIPT, RENAMESCRIPT, HAVESPACE). Scripts are stored with
//! `cyrus_store::sieve` and checked by [`crate::sieve::Script::compile`].

mod auth;
mod capability;
mod config;
mod response;
mod scripts;
mod session;
mod wire;

pub use config::{ManageSieveConfig, ServerInfo};
pub use response::{Code, Response};
pub use session::ManageSieveSession;
pub use wire::{parse_command, tokens, Command, Limits, Parsed, Token, WireError};
