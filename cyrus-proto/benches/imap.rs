//! The IMAP commands of `cyr_loadgen imap`, run through the session
//! machine and handler on a temporary store (no sockets): UID FETCH
//! BODY.PEEK[], UID STORE ±FLAGS, UID SEARCH SUBJECT, each on a selected
//! mailbox of `BENCH_IMAP_MESSAGES` messages (default 200) shaped like the
//! load generator's.
//!
//! ```sh
//! cargo bench -p cyrus-proto --bench imap
//! TMPDIR=/var/tmp cargo bench -p cyrus-proto --bench imap   # that disk
//! ```
//!
//! STORE includes the fsync of `cyrus.index` that every flag change
//! makes, so it measures the disk as much as the code; SEARCH and FETCH
//! only read.

#![allow(clippy::unwrap_used, clippy::expect_used)] // benches: a panic is the failure report

#[path = "../tests/imap_support/mod.rs"]
mod imap_support;

use std::cell::Cell;

use criterion::{criterion_group, criterion_main, Criterion};
use cyrus_proto::imap::ImapSession;
use imap_support::{feed, greet, Site};

/// A message like `cyr_loadgen`'s: five header fields and 30 body lines.
fn message(n: usize) -> Vec<u8> {
    let mut m = format!(
        "From: Load <load@example.org>\r\nTo: alice@example.org\r\n\
         Subject: loadgen 0 message {n}\r\nMessage-ID: <lg-0-{n}@example.org>\r\n\
         Date: Sun, 22 Nov 2026 12:00:00 +0000\r\n\r\n"
    )
    .into_bytes();
    for l in 0..30 {
        m.extend_from_slice(format!("body line {l} of message {n} on connection 0\r\n").as_bytes());
    }
    m
}

/// Sends one command and checks that it completed.
fn ok(s: &mut ImapSession, cmd: &str) {
    let out = feed(s, format!("x {cmd}\r\n").as_bytes());
    let text = String::from_utf8_lossy(&out);
    assert!(
        text.contains("\r\nx OK ") || text.starts_with("x OK "),
        "{cmd}: {text}"
    );
}

/// A site whose alice has `n` messages in INBOX, selected.
fn selected(n: usize) -> (Site, ImapSession) {
    let site = Site::new();
    let mut s = site.session(Site::config());
    greet(&mut s);
    ok(&mut s, "LOGIN alice pass");
    for i in 0..n {
        let m = message(i);
        let mut cmd = format!("x APPEND INBOX {{{}+}}\r\n", m.len()).into_bytes();
        cmd.extend_from_slice(&m);
        cmd.extend_from_slice(b"\r\n");
        let out = feed(&mut s, &cmd);
        assert!(String::from_utf8_lossy(&out).contains("x OK"), "append {i}");
    }
    ok(&mut s, "SELECT INBOX");
    (site, s)
}

fn commands(c: &mut Criterion) {
    let n: usize = std::env::var("BENCH_IMAP_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let (_site, mut s) = selected(n);
    let mut g = c.benchmark_group(format!("imap{n}"));
    let i = Cell::new(0usize);
    let next = || {
        i.set(i.get() + 1);
        i.get()
    };
    g.bench_function("uid_search_subject", |b| {
        b.iter(|| {
            ok(
                &mut s,
                &format!("UID SEARCH SUBJECT \"message {}\"", next() % 10),
            )
        })
    });
    g.bench_function("uid_fetch_body", |b| {
        b.iter(|| {
            ok(
                &mut s,
                &format!("UID FETCH {} (FLAGS BODY.PEEK[])", next() % n + 1),
            )
        })
    });
    // Alternating + and - so that every STORE changes a flag (and commits).
    g.bench_function("uid_store_flag", |b| {
        b.iter(|| {
            let k = next();
            let sign = if k % 2 == 0 { '+' } else { '-' };
            ok(
                &mut s,
                &format!("UID STORE {} {sign}FLAGS (\\Flagged)", k / 2 % n + 1),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, commands);
criterion_main!(benches);
