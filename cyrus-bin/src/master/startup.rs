//! START: each command run to completion, in file order, before anything
//! else (Cyrus `run_startup`; `ctl_cyrusdb -r` must recover the databases
//! before any process opens them).

use super::children::{describe, failed, spawn, terminate, STOP_GRACE};
use super::commands::Resolver;
use super::entries::StartPlan;
use super::error::MasterError;
use super::stop::StopSignals;

/// How START went when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartOutcome {
    /// Every command finished; go on.
    Done,
    /// A stop signal came while a command ran (it was stopped too).
    Stopped,
}

/// Runs the START commands. A command that exits non-zero or dies by a
/// signal stops master, as in Cyrus (`fatal("can't run startup")`; exit
/// status 75, `EX_TEMPFAIL`, is not a failure there either). A command
/// naming a program that is not installed is reported and skipped: Cyrus
/// would fail, but the sample configurations name tools (`ctl_cyrusdb`)
/// this implementation may not have.
pub async fn run_start(
    plans: &[StartPlan],
    resolver: &Resolver,
    signals: &mut StopSignals,
) -> Result<StartOutcome, MasterError> {
    for plan in plans {
        let Some(launch) = resolver.resolve(&plan.cmd) else {
            eprintln!(
                "cyr_master: START {}: {} not available; skipped",
                plan.name,
                plan.cmd.program()
            );
            continue;
        };
        let mut child = spawn(&launch, &[], None).map_err(|e| MasterError::StartFailed {
            name: plan.name.clone(),
            how: format!("cannot run {}: {e}", launch.program.display()),
        })?;
        let pid = child.id().unwrap_or(0);
        let status = tokio::select! {
            status = child.wait() => status,
            () = signals.recv() => {
                terminate(&mut child, STOP_GRACE).await;
                return Ok(StartOutcome::Stopped);
            }
        };
        let status = status.map_err(|e| MasterError::StartFailed {
            name: plan.name.clone(),
            how: format!("pid {pid}: cannot wait: {e}"),
        })?;
        let how = format!(
            "({}) pid {pid} {}",
            launch.program.display(),
            describe(status)
        );
        if failed(status) {
            eprintln!("cyr_master: START {} {how}", plan.name);
            return Err(MasterError::StartFailed {
                name: plan.name.clone(),
                how,
            });
        }
        tracing::debug!(name = %plan.name, "{how}");
    }
    Ok(StartOutcome::Done)
}
