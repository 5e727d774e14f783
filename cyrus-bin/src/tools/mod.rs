//! Shared plumbing of the `cyr_*` command-line tools: loading the
//! configuration named by `-C`, and the tools' own logic, one file each, so
//! the binaries in `src/bin/` stay thin and the logic is testable.

mod common;
mod mkimap;
mod passwd;

pub use common::{load_config, ToolError, DEFAULT_CONFIG};
pub use mkimap::mkimap;
pub use passwd::{passwd, PasswdAction};
