//! Quota roots: the per-root usage/limit record (dlist), the check rule,
//! finding a mailbox's root, and the `quota` tool's report formats.

mod root;
mod value;

pub use root::{all, find_root, read, remove, report, report_json, write};
pub use value::{Quota, QuotaError, QuotaResource, QuotaScan};
