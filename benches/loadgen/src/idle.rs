//! The `idle` measurement: resident memory of the server before and after
//! opening many IDLE sessions, per connection.

use std::time::Duration;

use crate::client::Imap;
use crate::error::LoadError;
use crate::report;
use crate::target::Target;

/// Connections opened at once.
const BATCH: usize = 50;

/// Memory of the processes named by `spec`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Memory {
    /// Sum of VmRSS, KiB.
    pub rss: u64,
    /// Sum of Pss (smaps_rollup), KiB, when readable.
    pub pss: Option<u64>,
    /// How many processes were summed.
    pub processes: usize,
}

/// Memory of the processes named by `spec`, a comma-separated list of
/// pids and process names (every process whose `comm` is that name; none
/// may exist yet: Dovecot starts them per client).
pub fn memory_kib(spec: &str) -> Result<Memory, LoadError> {
    let mut pids = Vec::new();
    let mut named = false;
    for part in spec.split(',').filter(|p| !p.is_empty()) {
        if let Ok(pid) = part.parse::<u32>() {
            pids.push(pid);
            continue;
        }
        named = true;
        let rd = std::fs::read_dir("/proc").map_err(|e| LoadError::Usage(format!("/proc: {e}")))?;
        for e in rd.flatten() {
            let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
                continue;
            };
            let comm = std::fs::read_to_string(e.path().join("comm")).unwrap_or_default();
            if comm.trim_end() == part {
                pids.push(pid);
            }
        }
    }
    if pids.is_empty() && !named {
        return Err(LoadError::Usage(format!("--pid {spec}: no such process")));
    }
    let mut rss = 0;
    let mut pss = Some(0);
    let processes = pids.len();
    for pid in pids {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        rss += field_kib(&status, "VmRSS:").unwrap_or(0);
        let rollup =
            std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
        pss = match (pss, field_kib(&rollup, "Pss:")) {
            (Some(a), Some(b)) => Some(a + b),
            _ => None,
        };
    }
    Ok(Memory {
        rss,
        pss,
        processes,
    })
}

/// `Name:   1234 kB` → 1234.
fn field_kib(text: &str, name: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix(name))
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// One result row.
pub struct IdleResult {
    /// Target name.
    pub name: String,
    /// Sessions that reached IDLE.
    pub opened: usize,
    /// Memory before.
    pub before: Memory,
    /// Memory with all sessions idling.
    pub after: Memory,
}

/// How long one session may take to reach IDLE (a server at its process
/// limit leaves further clients waiting in the listen backlog).
const OPEN_TIMEOUT: Duration = Duration::from_secs(15);

async fn open_idle(t: Target) -> Result<(Imap, String), LoadError> {
    let name = t.name.clone();
    let open = async move {
        let mut c = Imap::login(&t).await?;
        c.ok("EXAMINE INBOX").await?;
        let tag = c.idle().await?;
        Ok((c, tag))
    };
    tokio::time::timeout(OPEN_TIMEOUT, open)
        .await
        .unwrap_or_else(|_| {
            Err(LoadError::Protocol {
                target: name,
                what: "no IDLE within 15 s".into(),
            })
        })
}

/// Opens `connections` IDLE sessions on each target in turn.
pub async fn run(targets: &[Target], connections: usize, pids: &[String]) -> Result<(), LoadError> {
    if pids.len() != targets.len() {
        return Err(LoadError::Usage(
            "give one --pid per --target, in the same order".into(),
        ));
    }
    let mut rows = Vec::new();
    for (t, spec) in targets.iter().zip(pids) {
        eprintln!(
            "cyr_loadgen idle: {} ({}) {connections} sessions",
            t.name, t.addr
        );
        let before = memory_kib(spec)?;
        let mut open = Vec::new();
        let mut failed = 0;
        let mut first_error = None;
        while open.len() + failed < connections {
            let n = BATCH.min(connections - open.len() - failed);
            let mut tasks = Vec::new();
            for _ in 0..n {
                tasks.push(tokio::spawn(open_idle(t.clone())));
            }
            for task in tasks {
                match task.await {
                    Ok(Ok(c)) => open.push(c),
                    Ok(Err(e)) => {
                        failed += 1;
                        first_error.get_or_insert(e.to_string());
                    }
                    Err(e) => {
                        failed += 1;
                        first_error.get_or_insert(e.to_string());
                    }
                }
            }
        }
        if let Some(e) = first_error {
            eprintln!("  {failed} sessions failed; first: {e}");
        }
        // Let forked processes and allocators settle.
        tokio::time::sleep(Duration::from_secs(3)).await;
        let after = memory_kib(spec)?;
        rows.push(IdleResult {
            name: t.name.clone(),
            opened: open.len(),
            before,
            after,
        });
        for (mut c, tag) in open {
            let _ = c.done(&tag).await;
            let _ = c.try_cmd("LOGOUT").await;
        }
    }
    report::idle_table(&rows);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_our_own_memory() {
        let me = std::process::id().to_string();
        let m = memory_kib(&me).expect("own process");
        assert!(m.rss > 0);
        assert_eq!(m.processes, 1);
        assert_eq!(field_kib("VmRSS:\t  1234 kB\n", "VmRSS:"), Some(1234));
        assert_eq!(
            memory_kib("no-such-process-name")
                .expect("names may match none")
                .processes,
            0
        );
        assert!(memory_kib("4294967295").is_ok_and(|m| m.rss == 0));
    }
}
