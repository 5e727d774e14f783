//! The `lmtp` workload: parallel senders deliver tagged messages to the
//! target's user; afterwards the delivered messages are found by their
//! `X-Loadgen-Run` header over IMAP and expunged by UID, so a shared
//! reference server is left as it was.

use std::time::Instant;

use crate::client::{Imap, Lmtp};
use crate::error::LoadError;
use crate::report;
use crate::stats::Samples;
use crate::target::Target;

fn message(run: &str, n: usize, size: usize) -> Vec<u8> {
    let mut m = format!(
        "From: Load <load@example.org>\r\nTo: alice@example.org\r\n\
         Subject: lmtp loadgen {n}\r\nMessage-ID: <lmtp-{run}-{n}@example.org>\r\n\
         X-Loadgen-Run: {run}\r\nDate: Sun, 22 Nov 2026 12:00:00 +0000\r\n\r\n"
    )
    .into_bytes();
    let line = b"abcdefghijklmnopqrstuvwxyz0123456789 lorem ipsum dolor sit amet\r\n";
    while m.len() < size {
        m.extend_from_slice(line);
    }
    m
}

async fn sender(
    t: Target,
    run: String,
    first: usize,
    count: usize,
    size: usize,
) -> Result<Samples, LoadError> {
    let mut c = Lmtp::connect(&t).await?;
    let mut s = Samples::default();
    for n in first..first + count {
        let began = Instant::now();
        if c.deliver(&t.user, &message(&run, n, size)).await? {
            s.add(began.elapsed());
        } else {
            s.errors += 1;
        }
    }
    Ok(s)
}

/// UID ranges (`1:5,7,9:10`) of ascending `uids`.
fn ranges(uids: &[u32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < uids.len() {
        let mut j = i;
        while j + 1 < uids.len() && uids[j + 1] == uids[j] + 1 {
            j += 1;
        }
        out.push(if i == j {
            uids[i].to_string()
        } else {
            format!("{}:{}", uids[i], uids[j])
        });
        i = j + 1;
    }
    out.join(",")
}

/// Expunges this run's deliveries from the user's INBOX.
async fn clean_up(t: &Target, imap_port: u16, run: &str) -> Result<usize, LoadError> {
    let host = t.addr.rsplit_once(':').map_or("127.0.0.1", |(h, _)| h);
    let imap = Target {
        addr: format!("{host}:{imap_port}"),
        ..t.clone()
    };
    let mut c = Imap::login(&imap).await?;
    c.ok("SELECT INBOX").await?;
    let found = c
        .ok(&format!("UID SEARCH HEADER X-Loadgen-Run {run}"))
        .await?;
    let mut uids: Vec<u32> = found
        .lines()
        .filter_map(|l| l.strip_prefix("* SEARCH"))
        .flat_map(|r| r.split_whitespace().filter_map(|u| u.parse().ok()))
        .collect();
    uids.sort_unstable();
    if !uids.is_empty() {
        let set = ranges(&uids);
        c.ok(&format!("UID STORE {set} +FLAGS.SILENT (\\Deleted)"))
            .await?;
        c.ok(&format!("UID EXPUNGE {set}")).await?;
    }
    let _ = c.try_cmd("LOGOUT").await;
    Ok(uids.len())
}

/// Runs the deliveries against each target in turn and prints the report.
pub async fn run(
    targets: &[Target],
    imap_ports: &[u16],
    senders: usize,
    messages: usize,
    size: usize,
) -> Result<(), LoadError> {
    let senders = senders.max(1);
    let mut results = Vec::new();
    for (i, t) in targets.iter().enumerate() {
        let run = format!("wt-clients-{:016x}", rand::random::<u64>());
        eprintln!(
            "cyr_loadgen lmtp: {} ({}) {messages} messages of {size} bytes from {senders} senders",
            t.name, t.addr
        );
        let began = Instant::now();
        let mut tasks = Vec::new();
        let per = messages / senders;
        for s in 0..senders {
            let count = if s == senders - 1 {
                messages - per * (senders - 1)
            } else {
                per
            };
            tasks.push(tokio::spawn(sender(
                t.clone(),
                run.clone(),
                s * per,
                count,
                size,
            )));
        }
        let mut all = Samples::default();
        for task in tasks {
            let r = task
                .await
                .map_err(|e| LoadError::Usage(format!("sender task: {e}")))?;
            all.merge(r?);
        }
        let elapsed = began.elapsed();
        if let Some(&port) = imap_ports.get(i) {
            match clean_up(t, port, &run).await {
                Ok(n) => eprintln!("  removed {n} delivered messages again"),
                Err(e) => eprintln!("  clean-up failed: {e}"),
            }
        }
        results.push((t.name.clone(), all, elapsed));
    }
    report::lmtp_table(&results);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_ranges() {
        assert_eq!(ranges(&[1, 2, 3, 5, 7, 8]), "1:3,5,7:8");
        assert_eq!(ranges(&[]), "");
    }
}
