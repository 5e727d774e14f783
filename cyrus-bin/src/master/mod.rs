//! `cyr_master`: reads `cyrus.conf`, runs its START commands, serves every
//! built-in service it names from one process on the shared runtime, keeps
//! its DAEMON entries running and its EVENTS on schedule, and stops cleanly
//! on SIGTERM. `--dev` makes a self-contained site under a local directory
//! first.

mod children;
mod commands;
mod daemons;
mod dev;
mod entries;
mod error;
mod events;
mod flags;
mod plan;
mod run;
mod schedule;
mod startup;
mod stop;

pub use commands::{Launch, Resolver};
pub use dev::{dev_site, DevSite};
pub use entries::{plan_children, ChildPlans, CommandLine, DaemonPlan, EventPlan, StartPlan};
pub use error::MasterError;
pub use plan::{plan_services, Program, ServicePlan};
pub use run::{run, run_standalone, standalone_main};
pub use schedule::EventTiming;
