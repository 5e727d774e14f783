//! The `imap` workload: each connection logs in, creates and fills its own
//! scratch mailbox (`wt-clients-loadgen-<n>` under the personal
//! namespace), then runs FETCH, STORE, SEARCH and APPEND in turn until the
//! time is up; the mailbox is deleted at the end.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::Rng;
use tokio::sync::Barrier;

use crate::client::{quote, Imap};
use crate::error::LoadError;
use crate::report;
use crate::stats::{merge, ByOp, Samples};
use crate::target::Target;

/// The operations, in the order each connection runs them.
pub const OPS: [&str; 4] = ["fetch", "store", "search", "append"];

fn message(conn: usize, n: usize) -> Vec<u8> {
    let mut m = format!(
        "From: Load <load@example.org>\r\nTo: alice@example.org\r\n\
         Subject: loadgen {conn} message {n}\r\nMessage-ID: <lg-{conn}-{n}-{}@example.org>\r\n\
         Date: Sun, 22 Nov 2026 12:00:00 +0000\r\n\r\n",
        rand::random::<u32>()
    )
    .into_bytes();
    for l in 0..30 {
        m.extend_from_slice(
            format!("body line {l} of message {n} on connection {conn}\r\n").as_bytes(),
        );
    }
    m
}

/// The personal namespace prefix from a NAMESPACE response (`""` or
/// `INBOX.`).
fn personal_prefix(ns: &str) -> String {
    ns.lines()
        .find_map(|l| l.strip_prefix("* NAMESPACE ((\""))
        .and_then(|r| r.split('"').next())
        .unwrap_or("")
        .to_string()
}

async fn connection(
    t: Target,
    n: usize,
    seed: usize,
    duration: Duration,
    start: Arc<Barrier>,
) -> Result<ByOp, LoadError> {
    let mut c = Imap::login(&t).await?;
    let ns = c.ok("NAMESPACE").await.unwrap_or_default();
    let mailbox = format!("{}wt-clients-loadgen-{n}", personal_prefix(&ns));
    // A leftover from an interrupted run is removed first.
    let _ = c.try_cmd(&format!("DELETE {}", quote(&mailbox))).await?;
    c.ok(&format!("CREATE {}", quote(&mailbox))).await?;
    for i in 0..seed {
        c.append(&mailbox, &message(n, i)).await?;
    }
    c.ok(&format!("SELECT {}", quote(&mailbox))).await?;
    let mut count = seed.max(1);
    let mut by_op = ByOp::new();
    start.wait().await;
    let end = Instant::now() + duration;
    let mut i = 0usize;
    while Instant::now() < end {
        let op = OPS[i % OPS.len()];
        let uid = rand::thread_rng().gen_range(1..=count);
        let began = Instant::now();
        let r = match op {
            "fetch" => c
                .ok(&format!("UID FETCH {uid} (FLAGS BODY.PEEK[])"))
                .await
                .map(|_| ()),
            "store" => c
                .ok(&format!("UID STORE {uid} +FLAGS (\\Flagged)"))
                .await
                .map(|_| ()),
            "search" => c
                .ok(&format!("UID SEARCH SUBJECT \"message {}\"", uid % 10))
                .await
                .map(|_| ()),
            _ => {
                let r = c.append(&mailbox, &message(n, count + 1)).await;
                if r.is_ok() {
                    count += 1;
                }
                r
            }
        };
        let s: &mut Samples = by_op.entry(op).or_default();
        match r {
            Ok(()) => s.add(began.elapsed()),
            Err(LoadError::Protocol { .. }) => s.errors += 1,
            Err(e) => return Err(e),
        }
        i += 1;
    }
    let _ = c.try_cmd("CLOSE").await;
    let _ = c.try_cmd(&format!("DELETE {}", quote(&mailbox))).await;
    let _ = c.try_cmd("LOGOUT").await;
    Ok(by_op)
}

/// Runs the workload against each target in turn and prints the report.
pub async fn run(
    targets: &[Target],
    connections: usize,
    duration: u64,
    seed: usize,
) -> Result<(), LoadError> {
    let duration = Duration::from_secs(duration);
    let mut results = Vec::new();
    for t in targets {
        eprintln!(
            "cyr_loadgen imap: {} ({}) with {connections} connections for {}s",
            t.name,
            t.addr,
            duration.as_secs()
        );
        let start = Arc::new(Barrier::new(connections));
        let mut tasks = Vec::new();
        for n in 0..connections {
            tasks.push(tokio::spawn(connection(
                t.clone(),
                n,
                seed,
                duration,
                Arc::clone(&start),
            )));
        }
        let mut all = ByOp::new();
        for task in tasks {
            let r = task
                .await
                .map_err(|e| LoadError::Usage(format!("connection task: {e}")))?;
            merge(&mut all, r?);
        }
        results.push((t.name.clone(), all));
    }
    report::ops_table(&results, &OPS, duration);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_prefix() {
        assert_eq!(
            personal_prefix("* NAMESPACE ((\"INBOX.\" \".\")) NIL NIL\r\n"),
            "INBOX."
        );
        assert_eq!(
            personal_prefix("* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n"),
            ""
        );
    }
}
