//! The IMAP session machine: states owning their data, the typed
//! capability set, and the selected-mailbox view that decides which
//! untagged updates may be sent when. Pure: no store, no clock.

mod capability;
mod enabled;
mod state;
mod view;

pub use capability::{Capability, CapabilitySet};
pub use enabled::{Enabled, Extension};
pub use state::{Login, Pending, State};
pub use view::{MessageState, Snapshot, View};
