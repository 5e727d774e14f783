//! Per-user subscriptions (`sub.db`, flat by default): keys are
//! mailboxes.db names with the user's own INBOX written as `INBOX`.

#[allow(clippy::module_inception)]
mod subs;

pub use subs::{
    ensure_version, is_subscribed, key, list, name_from_key, subscribe, unsubscribe, SubsError,
    VERSION, VERSION_KEY,
};
