//! `cyr_ctl_cyrusdb`: database recovery at start-up (`-r`, `-x` without
//! the clean-up) and the periodic checkpoint (`-c`), as Cyrus 3.6's
//! `ctl_cyrusdb`. The store does the work (`Store::recover`,
//! `Store::checkpoint`); this file turns its reports into the lines we
//! print. Cyrus prints nothing on success (it logs to syslog); we do the
//! same unless asked for `-v`.

use std::fmt::Write as _;

use cyrus_store::{RecoverOptions, Store};

use super::common::ToolError;

/// What to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CyrusDbAction {
    /// `-r` (`cleanup` false with `-x`).
    Recover {
        /// Remove stale stage files and reserved entries.
        cleanup: bool,
    },
    /// `-c`.
    Checkpoint,
}

/// What a run printed and whether it succeeded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CyrusDbOutcome {
    /// Progress lines (printed with `-v`).
    pub verbose: String,
    /// Problems (printed always, and the exit status is 1).
    pub errors: String,
}

/// Runs `action` on `store` at time `now`.
pub fn ctl_cyrusdb(
    store: &Store,
    action: CyrusDbAction,
    now: u32,
) -> Result<CyrusDbOutcome, ToolError> {
    let mut out = CyrusDbOutcome::default();
    match action {
        CyrusDbAction::Recover { cleanup } => {
            let _ = writeln!(out.verbose, "recovering cyrus databases");
            let r = store.recover(RecoverOptions { cleanup }, now)?;
            match r.stamp {
                Some(t) => {
                    let _ = writeln!(out.verbose, "recovery stamp set to {t}");
                }
                None => {
                    let _ = writeln!(out.verbose, "clean shutdown detected, stamp kept");
                }
            }
            for (db, why) in &r.bad_databases {
                let _ = writeln!(out.errors, "ctl_cyrusdb: {db}: {why}");
            }
            if cleanup {
                let _ = writeln!(out.verbose, "removed {} stale stage files", r.stage_removed);
                for n in &r.reserved_removed {
                    let _ = writeln!(out.verbose, "removed reserved mailbox '{n}'");
                }
            }
            let _ = writeln!(out.verbose, "done recovering cyrus databases");
        }
        CyrusDbAction::Checkpoint => {
            let _ = writeln!(out.verbose, "checkpointing cyrus databases");
            match store.checkpoint() {
                Ok(r) => {
                    for p in &r.archived {
                        let _ = writeln!(out.verbose, "archived {}", p.display());
                    }
                }
                Err(e) => {
                    // Cyrus's words for a failed archive, then why.
                    let _ = writeln!(
                        out.errors,
                        "ctl_cyrusdb: unable to archive environment: {e}"
                    );
                }
            }
            let _ = writeln!(out.verbose, "done checkpointing cyrus databases");
        }
    }
    Ok(out)
}
