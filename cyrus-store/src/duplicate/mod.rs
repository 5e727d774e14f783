//! The duplicate-delivery database (`deliver.db`): keys, marks, expiry,
//! and the `ctl_deliver -d` dump.

#[allow(clippy::module_inception)]
mod duplicate;

pub use duplicate::{
    check, dump, dump_line, mark, prune, DuplicateError, DuplicateKey, DuplicateMark,
};
