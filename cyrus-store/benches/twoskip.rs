//! Twoskip benches: inserting `BENCH_TWOSKIP_KEYS` keys (default 1,000,000)
//! in transactions of 10,000, then random lookups, on the real filesystem.
//!
//! ```sh
//! cargo bench -p cyrus-store --bench twoskip
//! BENCH_TWOSKIP_KEYS=100000 cargo bench -p cyrus-store --bench twoskip
//! ```
//!
//! The full load is timed once (printed as keys/s); criterion then times
//! one more 10,000-key transaction on top of the loaded file, and single
//! random lookups of present and absent keys.

#![allow(clippy::unwrap_used, clippy::expect_used)] // benches: a panic is the failure report

mod support;

use std::cell::Cell;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use cyrus_store::db::{Db, Twoskip, TwoskipOptions};
use cyrus_store::os::{FsRef, RealFs};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use support::{env_size, temp_dir};

const TXN: usize = 10_000;

/// Key `i` in a mailboxes.db-like shape (`user\x1F<name>\x1F<folder>`),
/// spread so that insertion order is not key order.
fn key(i: usize) -> Vec<u8> {
    let h = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    format!("user\x1fu{:016x}\x1ffolder{i}", h).into_bytes()
}

fn value(i: usize) -> Vec<u8> {
    format!("%(A %(u{i} lrswipkxtecdan) I {i:024} P default T e M 1795000000)").into_bytes()
}

fn insert_txn(db: &mut Twoskip, from: usize, n: usize) {
    db.begin().unwrap();
    for i in from..from + n {
        db.store(&key(i), &value(i)).unwrap();
    }
    db.commit().unwrap();
}

fn twoskip(c: &mut Criterion) {
    let total = env_size("BENCH_TWOSKIP_KEYS", 1_000_000);
    let dir = temp_dir();
    let fs: FsRef = Arc::new(RealFs::new());
    let path = dir.path().join("bench.db");
    let opts = TwoskipOptions {
        create: true,
        seed: Some(1),
        ..TwoskipOptions::default()
    };
    let mut db = Twoskip::open(fs, &path, opts).unwrap();

    let t = Instant::now();
    let mut loaded = 0;
    while loaded < total {
        let n = (total - loaded).min(TXN);
        insert_txn(&mut db, loaded, n);
        loaded += n;
    }
    let secs = t.elapsed().as_secs_f64();
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "setup: {total} keys in transactions of {TXN} in {secs:.1} s ({:.0} keys/s); file {:.1} MB",
        total as f64 / secs,
        size as f64 / 1e6
    );

    let mut g = c.benchmark_group(format!("twoskip{total}"));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(5));

    // One more transaction of 10k new keys per iteration.
    let next = Cell::new(total);
    g.throughput(Throughput::Elements(TXN as u64));
    g.bench_function("insert_txn_10k", |b| {
        b.iter(|| {
            let from = next.get();
            next.set(from + TXN);
            insert_txn(&mut db, from, TXN);
        })
    });

    let mut rng = StdRng::seed_from_u64(42);
    g.throughput(Throughput::Elements(1));
    g.bench_function("lookup_present", |b| {
        b.iter(|| {
            let i = rng.gen_range(0..total.max(1));
            db.fetch(&key(i)).unwrap().expect("present")
        })
    });
    g.bench_function("lookup_absent", |b| {
        b.iter(|| {
            let i = rng.gen_range(0..total.max(1));
            let mut k = key(i);
            k.push(b'~');
            db.fetch(&k).unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, twoskip);
criterion_main!(benches);
