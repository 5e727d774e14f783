//! Twoskip as IMAP uses it: a mailboxes.db-shaped file of
//! `BENCH_MBOXLIST_USERS` users (default 1,000) with ten folders each
//! (10,000 name records by default), on the real filesystem.
//!
//! ```sh
//! cargo bench -p cyrus-store --bench twoskip_mboxlist
//! BENCH_DIR=/var/tmp cargo bench -p cyrus-store --bench twoskip_mboxlist
//! ```
//!
//! Every operation is one call on an open handle outside a transaction, so
//! each takes and drops the lock (as each IMAP command's lookup does):
//! - `fetch_present`/`fetch_absent`: one `N` record by name;
//! - `foreach_user`: the eleven records of one user (LIST of a user);
//! - `foreach_all`: every record (a full LIST by an admin);
//! - `store_commit`: rewrite one record in its own transaction (three
//!   fsyncs, as Cyrus: DIRTY header, COMMIT record, clean header);
//! - `fetch_after_commit`: a commit by a second handle, then a fetch by the
//!   first (what every reader pays after another process wrote).

#![allow(clippy::unwrap_used, clippy::expect_used)] // benches: a panic is the failure report

mod support;

use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use cyrus_store::db::{Db, Twoskip, TwoskipOptions, Walk};
use cyrus_store::os::{FsRef, RealFs};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use support::{env_size, temp_dir};

const FOLDERS: [&str; 10] = [
    "Archive",
    "Drafts",
    "Junk",
    "Lists",
    "Lists\x1fcyrus",
    "Lists\x1frust",
    "Sent",
    "Spam",
    "Trash",
    "Work",
];

/// The name record key of user `u`'s INBOX (`None`) or a folder, in the
/// shape Cyrus 3.6 writes (`N` + internal name with `\x1f` separators).
fn key(u: usize, folder: Option<&str>) -> Vec<u8> {
    let mut k = format!("Nuser\x1fu{u:05}").into_bytes();
    if let Some(f) = folder {
        k.push(0x1f);
        k.extend_from_slice(f.as_bytes());
    }
    k
}

fn value(u: usize, n: usize) -> Vec<u8> {
    format!(
        "%(A %(u{u:05} lrswipkxtecdan admin lrswipkxtecdan) I {u:08x}-{n:04x}-4f1c-9d51-6a5c3e0b7a21 \
         P default T e C 1795000000 F 1795000000 M 1795000000)"
    )
    .into_bytes()
}

fn open(fs: &FsRef, path: &std::path::Path, create: bool) -> Twoskip {
    let opts = TwoskipOptions {
        create,
        seed: Some(1),
        ..TwoskipOptions::default()
    };
    Twoskip::open(fs.clone(), path, opts).unwrap()
}

fn mboxlist(c: &mut Criterion) {
    let users = env_size("BENCH_MBOXLIST_USERS", 1_000);
    let dir = temp_dir();
    let fs: FsRef = Arc::new(RealFs::new());
    let path = dir.path().join("mailboxes.db");
    let mut db = open(&fs, &path, true);
    // Loaded in one transaction per 100 users, then repacked, so the file
    // is laid out as after a checkpoint.
    for chunk in (0..users).collect::<Vec<_>>().chunks(100) {
        db.begin().unwrap();
        for &u in chunk {
            db.store(&key(u, None), &value(u, 0)).unwrap();
            for (n, f) in FOLDERS.iter().enumerate() {
                db.store(&key(u, Some(f)), &value(u, n + 1)).unwrap();
            }
        }
        db.commit().unwrap();
    }
    db.repack().unwrap();
    let entries = users * (FOLDERS.len() + 1);
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    eprintln!("setup: {entries} entries, file {:.2} MB", size as f64 / 1e6);

    let mut g = c.benchmark_group(format!("mboxlist{entries}"));
    g.measurement_time(Duration::from_secs(4));
    g.throughput(Throughput::Elements(1));
    let mut rng = StdRng::seed_from_u64(42);

    g.bench_function("fetch_present", |b| {
        b.iter(|| {
            let u = rng.gen_range(0..users);
            let f = FOLDERS[rng.gen_range(0..FOLDERS.len())];
            db.fetch(&key(u, Some(f))).unwrap().expect("present")
        })
    });
    g.bench_function("fetch_absent", |b| {
        b.iter(|| {
            let u = rng.gen_range(0..users);
            let found = db.fetch(&key(u, Some("Nonexistent"))).unwrap();
            assert!(found.is_none());
        })
    });
    g.bench_function("foreach_user", |b| {
        b.iter(|| {
            let u = rng.gen_range(0..users);
            let mut prefix = key(u, None);
            prefix.push(0x1f);
            let mut n = 0;
            db.foreach(&prefix, &mut |_, v| {
                n += v.len();
                Ok(Walk::Continue)
            })
            .unwrap();
            n
        })
    });
    g.bench_function("foreach_all", |b| {
        b.iter(|| {
            let mut n = 0usize;
            db.foreach(b"N", &mut |_, _| {
                n += 1;
                Ok(Walk::Continue)
            })
            .unwrap();
            assert_eq!(n, entries);
        })
    });

    // Writers: no automatic checkpoint in the middle of a measurement.
    let mut writer = Twoskip::open(
        fs.clone(),
        &path,
        TwoskipOptions {
            no_compact: true,
            seed: Some(2),
            ..TwoskipOptions::default()
        },
    )
    .unwrap();
    let mut round = 0usize;
    g.sample_size(20);
    g.bench_function("store_commit", |b| {
        b.iter(|| {
            round += 1;
            let u = rng.gen_range(0..users);
            writer
                .store(&key(u, Some("Sent")), &value(u, round))
                .unwrap();
        })
    });
    g.bench_function("fetch_after_commit", |b| {
        b.iter(|| {
            round += 1;
            let u = rng.gen_range(0..users);
            writer
                .store(&key(u, Some("Sent")), &value(u, round))
                .unwrap();
            db.fetch(&key(u, Some("Sent"))).unwrap().expect("present")
        })
    });
    g.finish();
}

criterion_group!(benches, mboxlist);
criterion_main!(benches);
