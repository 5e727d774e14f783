//! cyrusdb: ordered key-value databases with transactions, in the formats
//! Cyrus 3.6 writes (`lib/cyrusdb*.c`).
//!
//! One API, [`Db`], over several backends: `twoskip` (the default for most
//! databases), `flat` (subscriptions, user deny list) and `quotalegacy`
//! (one file per quota root). [`MemDb`] is an in-memory model used as the
//! reference in property tests.

mod api;
mod error;
mod flat;
mod memory;
mod open;
mod quotalegacy;
mod skiplist;
mod twoskip;

pub use api::{Db, DbBackend, Txn, Walk};
pub use error::DbError;
pub use flat::Flat;
pub use memory::MemDb;
pub use open::{detect, open, OpenFlags};
pub use quotalegacy::{QuotaLegacy, QuotaLegacyOptions};
pub use skiplist::Skiplist;
pub use twoskip::{Twoskip, TwoskipOptions};
