//! EVENTS: commands run at start-up, every N minutes or daily at a local
//! time ([`super::schedule`] says when), each as a child process that
//! master does not wait for. A run still going when its entry is due again
//! is left alone and that turn skipped (Cyrus would start a second copy).
//! On stop, running events get SIGTERM and are waited for.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::task::{JoinHandle, JoinSet};

use super::children::{describe, failed, spawn, terminate, STOP_GRACE};
use super::commands::Resolver;
use super::entries::EventPlan;
use super::schedule::{DueAction, Schedule};
use super::stop::StopToken;

/// The longest master sleeps before looking at the wall clock again, so a
/// clock change or a suspended machine delays a due event by at most this.
const RECHECK: Duration = Duration::from_secs(60);

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Runs `plans` on their schedule until `stop`; the task ends once every
/// event it started has ended.
pub fn start(plans: Vec<EventPlan>, resolver: Resolver, stop: StopToken) -> JoinHandle<()> {
    tokio::spawn(run(plans, resolver, stop))
}

async fn run(plans: Vec<EventPlan>, resolver: Resolver, mut stop: StopToken) {
    let offset_at = |t: i64| cyrus_store::os::utc_offset_at(t);
    let mut schedule = Schedule::new(
        plans.iter().map(|p| p.timing).collect(),
        unix_now(),
        &offset_at,
    );
    let running: Vec<Arc<AtomicBool>> = plans.iter().map(|_| Arc::default()).collect();
    let mut reported_missing = vec![false; plans.len()];
    let mut runs = JoinSet::new();
    loop {
        // Forget finished runs (their tasks already logged them).
        while runs.try_join_next().is_some() {}
        let now = unix_now();
        let due = schedule.take_due(now, &offset_at, &|i| running[i].load(Ordering::SeqCst));
        for (i, action) in due {
            let plan = &plans[i];
            if action == DueAction::SkipStillRunning {
                eprintln!(
                    "cyr_master: event {}: the previous run is still going; not started again",
                    plan.name
                );
                continue;
            }
            let Some(launch) = resolver.resolve(&plan.cmd) else {
                if !reported_missing[i] {
                    reported_missing[i] = true;
                    eprintln!(
                        "cyr_master: event {}: {} not available; skipped",
                        plan.name,
                        plan.cmd.program()
                    );
                }
                continue;
            };
            let mut child = match spawn(&launch, &[], None) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!(
                        "cyr_master: event {}: cannot run {}: {e}",
                        plan.name,
                        launch.program.display()
                    );
                    continue;
                }
            };
            let flag = running[i].clone();
            flag.store(true, Ordering::SeqCst);
            let name = plan.name.clone();
            let mut stop = stop.clone();
            runs.spawn(async move {
                let pid = child.id().unwrap_or(0);
                tokio::select! {
                    status = child.wait() => match status {
                        Ok(s) if failed(s) => {
                            eprintln!("cyr_master: event {name} pid {pid} {}", describe(s));
                        }
                        Ok(s) => tracing::debug!(event = %name, pid, "{}", describe(s)),
                        Err(e) => eprintln!("cyr_master: event {name} pid {pid}: {e}"),
                    },
                    () = stop.stopped() => {
                        terminate(&mut child, STOP_GRACE).await;
                    }
                }
                flag.store(false, Ordering::SeqCst);
            });
        }
        let wake = match schedule.next_due() {
            Some(t) => {
                let secs = u64::try_from(t.saturating_sub(unix_now())).unwrap_or(0);
                Duration::from_secs(secs).min(RECHECK)
            }
            // Nothing more to schedule: only the stop (and reaping) left.
            None => RECHECK,
        };
        tokio::select! {
            () = tokio::time::sleep(wake) => {}
            () = stop.stopped() => break,
        }
    }
    while runs.join_next().await.is_some() {}
}
