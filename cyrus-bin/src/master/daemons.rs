//! DAEMON: long-running children master starts, restarts when they die,
//! and stops when it stops.
//!
//! Cyrus starts `wait=y` daemons one at a time, each with a pipe on file
//! descriptor 3, and goes on only once the daemon wrote exactly `ok\r\n`
//! there; anything else (or EOF) stops master ("unable to spawn
//! waitdaemon"), after the wait daemons already started are stopped.
//! Other daemons start with the services. Every daemon gets
//! `CYRUS_ISDAEMON=1`, `CYRUS_SERVICE=<name>` and `CYRUS_ID=0` in its
//! environment, as from Cyrus. On shutdown the plain daemons stop with the
//! services, the wait daemons last, one at a time in reverse order.
//!
//! Restarts: Cyrus restarts a dead daemon at once (at most `maxforkrate`
//! 10 a second) and gives up on one that fails 5 times within 10 seconds
//! until the next SIGHUP. We have no SIGHUP reload, so instead of giving
//! up we back off: a daemon that ran at least [`STABLE_RUN`] (60 s) is
//! restarted at once; one that died sooner waits 1 s, then 2, 4, 8, 16,
//! 32 and at most [`MAX_BACKOFF`] (60 s) for each further early death.

use std::time::{Duration, Instant};

use tokio::task::JoinHandle;

use super::children::{describe, failed, read_ready, spawn, status_pipe, terminate, STOP_GRACE};
use super::commands::Launch;
use super::entries::DaemonPlan;
use super::error::MasterError;
use super::stop::{StopSignals, StopToken};

/// A run at least this long counts as healthy: the next restart is
/// immediate and the back-off starts over.
pub const STABLE_RUN: Duration = Duration::from_secs(60);
/// The first delay after an early death.
pub const FIRST_BACKOFF: Duration = Duration::from_secs(1);
/// The longest delay between restarts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// How long to wait before restarting a daemon.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Backoff {
    early_deaths: u32,
}

impl Backoff {
    /// The delay before the next start of a daemon whose last run lasted
    /// `lived`.
    pub fn after_exit(&mut self, lived: Duration) -> Duration {
        if lived >= STABLE_RUN {
            self.early_deaths = 0;
            return Duration::ZERO;
        }
        self.early_deaths = self.early_deaths.saturating_add(1);
        let doublings = (self.early_deaths - 1).min(6);
        (FIRST_BACKOFF * 2u32.pow(doublings)).min(MAX_BACKOFF)
    }
}

/// The environment Cyrus gives a daemon.
fn daemon_env(name: &str) -> [(&str, &str); 3] {
    [
        ("CYRUS_ISDAEMON", "1"),
        ("CYRUS_SERVICE", name),
        ("CYRUS_ID", "0"),
    ]
}

/// How starting a wait=y daemon went when it did not fail.
pub enum WaitOutcome {
    /// It said `ok`; here is its supervisor.
    Ready(JoinHandle<()>),
    /// A stop signal came first (the daemon was stopped).
    Stopped,
}

/// Starts a wait=y daemon and waits for its `ok\r\n`, then supervises it
/// until `stop`.
pub async fn start_waiting(
    plan: &DaemonPlan,
    launch: Launch,
    signals: &mut StopSignals,
    stop: StopToken,
) -> Result<WaitOutcome, MasterError> {
    let fail = |why: String| MasterError::WaitDaemon {
        name: plan.name.clone(),
        why,
    };
    let (mut rx, tx) = status_pipe().map_err(|e| fail(format!("pipe: {e}")))?;
    let mut child = spawn(&launch, &daemon_env(&plan.name), Some(tx))
        .map_err(|e| fail(format!("cannot run {}: {e}", launch.program.display())))?;
    let ready = tokio::select! {
        r = read_ready(&mut rx) => r,
        () = signals.recv() => {
            terminate(&mut child, STOP_GRACE).await;
            return Ok(WaitOutcome::Stopped);
        }
    };
    if let Err(why) = ready {
        terminate(&mut child, STOP_GRACE).await;
        return Err(fail(format!(
            "it did not write \"ok\\r\\n\" to fd 3: {why}"
        )));
    }
    let name = plan.name.clone();
    Ok(WaitOutcome::Ready(tokio::spawn(supervise(
        name,
        launch,
        true,
        Some(child),
        stop,
    ))))
}

/// Starts a daemon (wait=n) and supervises it until `stop`.
pub fn start(plan: &DaemonPlan, launch: Launch, stop: StopToken) -> JoinHandle<()> {
    tokio::spawn(supervise(plan.name.clone(), launch, false, None, stop))
}

/// Keeps one daemon running until `stop`, then stops it.
async fn supervise(
    name: String,
    launch: Launch,
    wait: bool,
    mut running: Option<tokio::process::Child>,
    mut stop: StopToken,
) {
    let mut backoff = Backoff::default();
    loop {
        let mut child = match running.take() {
            Some(c) => c,
            None => match respawn(&name, &launch, wait) {
                Ok(c) => c,
                Err(e) => {
                    let delay = backoff.after_exit(Duration::ZERO);
                    eprintln!(
                        "cyr_master: daemon {name}: cannot run {}: {e}; retrying in {}s",
                        launch.program.display(),
                        delay.as_secs()
                    );
                    tokio::select! {
                        () = tokio::time::sleep(delay) => continue,
                        () = stop.stopped() => return,
                    }
                }
            },
        };
        let pid = child.id().unwrap_or(0);
        let started = Instant::now();
        let status = tokio::select! {
            status = child.wait() => status,
            () = stop.stopped() => {
                if let Some(status) = terminate(&mut child, STOP_GRACE).await {
                    tracing::info!(daemon = %name, pid, "stopped: {}", describe(status));
                }
                return;
            }
        };
        if stop.is_stopped() {
            return;
        }
        let how = match status {
            Ok(s) if failed(s) => format!("{}, terminated abnormally", describe(s)),
            Ok(s) => describe(s),
            Err(e) => format!("cannot be waited for: {e}"),
        };
        let delay = backoff.after_exit(started.elapsed());
        eprintln!(
            "cyr_master: daemon {name} pid {pid} {how}; restarting in {}s",
            delay.as_secs()
        );
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = stop.stopped() => return,
        }
    }
}

/// Starts the daemon again. A wait=y daemon gets its fd 3 again; master
/// is already serving, so what it writes there is only logged.
fn respawn(name: &str, launch: &Launch, wait: bool) -> std::io::Result<tokio::process::Child> {
    if !wait {
        return spawn(launch, &daemon_env(name), None);
    }
    let (mut rx, tx) = status_pipe()?;
    let child = spawn(launch, &daemon_env(name), Some(tx))?;
    let name = name.to_string();
    tokio::spawn(async move {
        if let Err(why) = read_ready(&mut rx).await {
            tracing::info!(daemon = %name, "restarted wait daemon not ready: {why}");
        }
    });
    Ok(child)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_a_minute_and_resets_after_a_stable_run() {
        let mut b = Backoff::default();
        let quick = Duration::from_millis(5);
        let delays: Vec<u64> = (0..9).map(|_| b.after_exit(quick).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(b.after_exit(STABLE_RUN), Duration::ZERO);
        assert_eq!(b.after_exit(quick), FIRST_BACKOFF, "starts over");
    }
}
