//! IMAP4rev1 as Cyrus 3.6 speaks it: `wire` (framing on imap-codec's
//! Fragmentizer, command decoding, byte-exact response writing), `machine`
//! (session states, capabilities, the selected-mailbox view; pure, time
//! passed in) and `handler` (one file per command family, synchronous store
//! calls, and the one place store errors become responses).

mod handler;
mod machine;
mod wire;

pub use handler::SiteFiles;
pub use handler::{ImapConfig, ImapSession};
pub use machine::{Capability, CapabilitySet};
/// The framer and the extension-command grammar, for the fuzz targets.
pub use wire::ext::decode as decode_ext_command;
pub use wire::Limits;
pub use wire::{Event, Framer};
