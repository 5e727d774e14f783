//! Users' Sieve scripts where Cyrus 3.6 keeps them.
//!
//! - The source of each script is a message in the user's hidden
//!   `#sieve` mailbox (`sieve_folder`, mbtype `f`): `Subject:` is the
//!   script name, the body is the script, `\Flagged` marks the active
//!   one (see [`message`]).
//! - The user's sieve directory (`<sievedir>/uuid/<c1>/<c2>/<inbox-id>/`,
//!   or `<sievedir>/<h>/<user>/` for legacy users, see [`paths`]) holds
//!   `<name>.bc` and the `defaultbc` symlink to the active one.
//!
//! The `.bc` files hold the caller's compiled form (ours, not Cyrus's
//! `CyrSBytecode`): the store treats them as opaque bytes. Cyrus's own
//! tools read the source from the `#sieve` mailbox, and a reader that
//! cannot load a `.bc` (ours or Cyrus's) recompiles the source.
//! - Cyrus 3.6 also indexes the scripts in the user's `dav.db` (SQLite
//!   table `sieve_scripts`), which its `timsieved` reads. With the cargo
//!   feature `davdb` (on by default) every script operation keeps that
//!   index in step after changing the mailbox (module `davdb`); the store
//!   itself never reads it.

#[cfg(feature = "davdb")]
mod davdb;
mod error;
mod message;
mod paths;
mod scripts;

pub use error::SieveError;
pub use message::{parse_script_message, script_message, ScriptMessage};
pub use paths::{valid_script_name, SIEVE_FOLDER};
pub use scripts::{ScriptInfo, SieveLimits};
