//! Store benches: appends (one by one and batched, 1 KB and 100 KB, on the
//! real filesystem with fsync and on `SimFs` for CPU cost), a flag change
//! in a large mailbox, and opening + scanning a large index.
//!
//! ```sh
//! cargo bench -p cyrus-store --bench store                    # defaults
//! BENCH_MAILBOX_MESSAGES=10000 cargo bench -p cyrus-store --bench store
//! BENCH_DIR=/var/tmp cargo bench -p cyrus-store --bench store # measure that disk
//! ```
//!
//! `BENCH_MAILBOX_MESSAGES` (default 100000) sizes the mailbox of the flag
//! and scan benches; it is built once with batched appends (minutes where
//! fsync is slow: every message file is fsynced). `0` skips that group.

#![allow(clippy::unwrap_used, clippy::expect_used)] // benches: a panic is the failure report

mod support;

use std::cell::{Cell, RefCell};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use cyrus_store::mailbox::{FlagOp, Mailbox, SystemFlags};
use cyrus_store::os::LockKind;
use cyrus_store::{Store, Uid};

use support::{create, env_size, fill, mbox, message, real_store, req, sim_store, temp_dir, NOW};

/// Appends go to a fresh store (and mailbox) every this many messages, so
/// the cost measured is an append to a mailbox of ordinary size (each
/// append reads the index), not to one that grows with the iteration
/// count; and on `SimFs`, whose directory sync scans every file it holds,
/// so that the simulated filesystem's own cost stays small.
const ROTATE_EVERY: usize = 1_000;

/// Appends `batch` messages of `size` bytes per iteration to a store made
/// by `new_store` (called with a sequence number).
fn bench_append(
    c: &mut Criterion,
    new_store: &dyn Fn(usize) -> Store,
    fs_name: &str,
    size: usize,
    batch: usize,
) {
    let mut g = c.benchmark_group(format!("append/{fs_name}"));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(if fs_name == "sim" { 3 } else { 5 }));
    g.throughput(Throughput::Elements(batch as u64));
    let msgs: Vec<_> = (0..batch).map(|i| req(message(i, size))).collect();
    let counter = Cell::new(0usize);
    let store = RefCell::new(None::<Store>);
    let name = mbox("user.bench");
    let id = BenchmarkId::new(format!("{}KB", size / 1024), format!("batch{batch}"));
    g.bench_function(id, |b| {
        b.iter(|| {
            let k = counter.get();
            counter.set(k + batch);
            let mut slot = store.borrow_mut();
            if k % ROTATE_EVERY < batch || slot.is_none() {
                let s = new_store(k / ROTATE_EVERY);
                create(&s, &name);
                *slot = Some(s);
            }
            let s = slot.as_ref().expect("set just above");
            s.append(&name, &msgs, NOW).expect("append")
        })
    });
    g.finish();
}

fn appends(c: &mut Criterion) {
    let dir = temp_dir();
    // A new directory for every store made, across all the groups.
    let seq = Cell::new(0usize);
    let real = |_: usize| {
        seq.set(seq.get() + 1);
        real_store(&dir.path().join(seq.get().to_string()))
    };
    let sim = |_: usize| sim_store();
    for (new_store, fs_name) in [
        (&real as &dyn Fn(usize) -> Store, "real"),
        (&sim as &dyn Fn(usize) -> Store, "sim"),
    ] {
        for size in [1024, 100 * 1024] {
            bench_append(c, new_store, fs_name, size, 1);
            bench_append(c, new_store, fs_name, size, 100);
        }
    }
}

/// A store with one mailbox of `BENCH_MAILBOX_MESSAGES` small messages.
fn big_mailbox() -> (tempfile::TempDir, Store, usize) {
    let n = env_size("BENCH_MAILBOX_MESSAGES", 100_000);
    let dir = temp_dir();
    let store = real_store(dir.path());
    let name = mbox("user.big");
    create(&store, &name);
    let t = Instant::now();
    fill(&store, &name, n, 1024);
    let secs = t.elapsed().as_secs_f64();
    eprintln!(
        "setup: {n} messages of 1 KB appended in batches of 1000 in {secs:.1} s ({:.0} msg/s)",
        n as f64 / secs
    );
    (dir, store, n)
}

fn large_mailbox(c: &mut Criterion) {
    if env_size("BENCH_MAILBOX_MESSAGES", 100_000) == 0 {
        return; // the setup runs even when a filter excludes the group
    }
    let (_dir, store, n) = big_mailbox();
    let name = mbox("user.big");
    let mut g = c.benchmark_group(format!("mailbox{n}"));
    g.sample_size(10);

    // Open + scan: Mailbox::open reads and CRC-checks every record.
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("open_and_scan", |b| {
        b.iter(|| {
            let (_, mb) = store.open_mailbox(&name, LockKind::Shared).unwrap();
            let total: u64 = mb.records().iter().map(|r| u64::from(r.size)).sum();
            assert_eq!(mb.records().len(), n);
            total
        })
    });

    // One flag change on one UID, committed (fsync), mailbox kept open.
    let (_, mut mb): (_, Mailbox) = store.open_mailbox(&name, LockKind::Exclusive).unwrap();
    let uid = Uid(u32::try_from(n / 2).unwrap().max(1));
    let flip = Cell::new(false);
    g.throughput(Throughput::Elements(1));
    g.bench_function("store_flags_one_uid", |b| {
        b.iter(|| {
            let op = if flip.replace(!flip.get()) {
                FlagOp::Remove
            } else {
                FlagOp::Add
            };
            mb.store_flags(&[uid], op, SystemFlags::SEEN, &[], NOW)
                .unwrap()
        })
    });
    g.finish();
    mb.close();
}

criterion_group!(benches, appends, large_mailbox);
criterion_main!(benches);
