//! `cyr_master`: reads `cyrus.conf`, serves every built-in service it names
//! from one process on the shared runtime, and stops cleanly on SIGTERM.
//! `--dev` makes a self-contained site under a local directory first.

mod dev;
mod flags;
mod plan;
mod run;

pub use dev::{dev_site, DevSite};
pub use plan::{plan_services, Program, ServicePlan};
pub use run::{run, run_standalone, standalone_main};
