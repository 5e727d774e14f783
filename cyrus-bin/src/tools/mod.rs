//! Shared plumbing of the `cyr_*` command-line tools: loading the
//! configuration named by `-C`, and the tools' own logic, one file each, so
//! the binaries in `src/bin/` stay thin and the logic is testable.

mod common;
mod mkimap;

pub use common::{load_config, ToolError, DEFAULT_CONFIG};
pub use mkimap::mkimap;
mod reconstruct;
pub use reconstruct::{reconstruct, ReconstructRequest, ReconstructSummary};
