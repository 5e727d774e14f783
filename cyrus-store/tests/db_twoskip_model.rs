//! twoskip against the in-memory model: property tests over random
//! operation sequences, several handles on one file, and power cuts at
//! every I/O step.

mod db_common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use cyrus_store::db::{Db, MemDb, Twoskip, TwoskipOptions};
use cyrus_store::os::{Fault, FsRef, SimFs};
use proptest::prelude::*;

fn opts(seed: u64) -> TwoskipOptions {
    TwoskipOptions {
        create: true,
        seed: Some(seed),
        ..TwoskipOptions::default()
    }
}

fn open(fs: &FsRef, seed: u64) -> Twoskip {
    Twoskip::open(fs.clone(), Path::new("/db/test.db"), opts(seed)).expect("open")
}

#[derive(Debug, Clone)]
enum Op {
    Store(Vec<u8>, Vec<u8>),
    Delete(Vec<u8>),
    Begin,
    Commit,
    Abort,
    Reopen,
    Repack,
    FetchNext(Vec<u8>),
}

fn key() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop::sample::select(vec![0u8, b'a', b'b', b'c', 0xff]),
        1..4,
    )
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (key(), prop::collection::vec(any::<u8>(), 0..400)).prop_map(|(k, v)| Op::Store(k, v)),
        3 => key().prop_map(Op::Delete),
        2 => Just(Op::Begin),
        2 => Just(Op::Commit),
        1 => Just(Op::Abort),
        1 => Just(Op::Reopen),
        1 => Just(Op::Repack),
        1 => key().prop_map(Op::FetchNext),
    ]
}

fn all(db: &mut dyn Db) -> BTreeMap<Vec<u8>, Vec<u8>> {
    db_common::dump(db).into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn twoskip_matches_model(ops in prop::collection::vec(op(), 1..120), seed in any::<u64>()) {
        let fs: FsRef = Arc::new(SimFs::new());
        let mut db = open(&fs, seed);
        let mut model = MemDb::new();
        for op in ops {
            match op {
                Op::Store(k, v) => {
                    db.store(&k, &v).expect("store");
                    model.store(&k, &v).expect("model");
                }
                Op::Delete(k) => {
                    db.delete(&k).expect("delete");
                    model.delete(&k).expect("model");
                }
                Op::Begin => {
                    prop_assert_eq!(db.begin().is_ok(), model.begin().is_ok());
                }
                Op::Commit => {
                    prop_assert_eq!(db.commit().is_ok(), model.commit().is_ok());
                }
                Op::Abort => {
                    prop_assert_eq!(db.abort().is_ok(), model.abort().is_ok());
                }
                Op::Reopen => {
                    drop(db);
                    let _ = model.abort();
                    db = open(&fs, seed.wrapping_add(1));
                }
                Op::Repack => {
                    prop_assert_eq!(db.repack().is_ok(), !model.in_transaction());
                }
                Op::FetchNext(k) => {
                    prop_assert_eq!(db.fetch_next(&k).expect("fetch_next"), model.fetch_next(&k).expect("model"));
                }
            }
            prop_assert_eq!(db.in_transaction(), model.in_transaction());
        }
        prop_assert_eq!(all(&mut db), all(&mut model));
        if !db.in_transaction() {
            db.consistent().expect("consistent");
        }
        drop(db);
        let _ = model.abort();
        let mut db = open(&fs, seed);
        db.consistent().expect("consistent after reopen");
        prop_assert_eq!(all(&mut db), model.committed().clone());
    }
}

#[test]
fn two_handles_see_each_others_commits_and_checkpoints() {
    let fs: FsRef = Arc::new(SimFs::new());
    let mut a = open(&fs, 1);
    let mut b = open(&fs, 2);
    a.store(b"k1", b"v1").expect("store");
    assert_eq!(b.fetch(b"k1").expect("fetch").as_deref(), Some(&b"v1"[..]));
    b.store(b"k2", b"v2").expect("store");
    let gen = a.generation().expect("gen");
    a.repack().expect("repack");
    // b's handle now names the old, unlinked file: it must notice.
    assert_eq!(b.generation().expect("gen"), gen + 1);
    b.store(b"k3", b"v3")
        .expect("store after the other handle's repack");
    assert_eq!(a.fetch(b"k3").expect("fetch").as_deref(), Some(&b"v3"[..]));
    assert_eq!(all(&mut a).len(), 3);
    a.consistent().expect("consistent");
}

#[test]
fn auto_checkpoint_after_large_commit() {
    let fs: FsRef = Arc::new(SimFs::new());
    let mut db = open(&fs, 7);
    let gen = db.generation().expect("gen");
    for i in 0..60u32 {
        db.store(format!("key{i:03}").as_bytes(), &[b'x'; 600])
            .expect("store");
    }
    assert!(db.generation().expect("gen") > gen, "a checkpoint ran");
    db.consistent().expect("consistent");
    assert_eq!(all(&mut db).len(), 60);
}

#[test]
fn empty_key_is_refused_without_ending_the_transaction() {
    let fs: FsRef = Arc::new(SimFs::new());
    let mut db = open(&fs, 4);
    db.begin().expect("begin");
    db.store(b"a", b"1").expect("store");
    assert!(db.store(b"", b"x").is_err());
    assert!(db.in_transaction());
    db.commit().expect("commit");
    assert_eq!(db.fetch(b"a").expect("fetch").as_deref(), Some(&b"1"[..]));
    assert_eq!(db.fetch(b"").expect("fetch"), None);
}

#[test]
fn abort_rolls_back_and_keeps_file_clean() {
    let fs: FsRef = Arc::new(SimFs::new());
    let mut db = open(&fs, 3);
    for i in 0..20u8 {
        db.store(&[b'a', i], &[i; 10]).expect("store");
    }
    let before = all(&mut db);
    db.begin().expect("begin");
    for i in 0..20u8 {
        db.store(&[b'a', i], b"changed").expect("store");
        db.delete(&[b'a', i / 2]).expect("delete");
        db.store(&[b'b', i], b"new").expect("store");
    }
    db.abort().expect("abort");
    db.consistent().expect("consistent");
    assert_eq!(all(&mut db), before);
}

/// One scripted workload: `txns[i]` is a list of (key, Some(value) | None).
type Workload = Vec<Vec<(Vec<u8>, Option<Vec<u8>>)>>;

fn workload() -> Workload {
    let mut out = Vec::new();
    for t in 0..14u32 {
        let mut txn = Vec::new();
        for j in 0..6u32 {
            let k = format!("k{:02}", (t * 7 + j * 3) % 23).into_bytes();
            if (t + j) % 5 == 4 {
                txn.push((k, None));
            } else {
                txn.push((
                    k,
                    Some(vec![b'a' + (t % 26) as u8; 300 + (j as usize) * 40]),
                ));
            }
        }
        out.push(txn);
    }
    out
}

/// Runs the workload until an error; returns how many commits returned Ok.
fn run(db: &mut Twoskip, w: &Workload) -> usize {
    let mut ok = 0;
    for txn in w {
        let r = (|| {
            db.begin()?;
            for (k, v) in txn {
                match v {
                    Some(v) => db.store(k, v)?,
                    None => db.delete(k)?,
                }
            }
            db.commit()
        })();
        match r {
            Ok(()) => ok += 1,
            Err(_) => return ok,
        }
    }
    ok
}

#[test]
fn power_cut_at_every_step_is_all_or_nothing() {
    let w = workload();
    // States after each committed prefix of the workload.
    let mut states = vec![BTreeMap::new()];
    for txn in &w {
        let mut s: BTreeMap<Vec<u8>, Vec<u8>> = states.last().cloned().expect("state");
        for (k, v) in txn {
            match v {
                Some(v) => {
                    s.insert(k.clone(), v.clone());
                }
                None => {
                    s.remove(k);
                }
            }
        }
        states.push(s);
    }
    // Count the mutating operations of a clean run.
    let sim = SimFs::new();
    let fs: FsRef = Arc::new(sim.clone());
    let mut db = open(&fs, 11);
    sim.set_fault(Fault::None);
    assert_eq!(run(&mut db, &w), w.len());
    let total = sim.op_count();
    // The workload is large enough that automatic checkpoints happen, so
    // power cuts during a checkpoint are covered too.
    assert!(db.generation().expect("gen") > 1);
    assert!(total > 50);
    eprintln!("power-cut test: {total} mutating operations");
    drop(db);

    for n in 1..=total + 1 {
        let sim = SimFs::new();
        let fs: FsRef = Arc::new(sim.clone());
        let mut db = open(&fs, 11);
        sim.sync_all();
        sim.set_fault(Fault::CrashAt(n));
        let committed = run(&mut db, &w);
        drop(db);
        sim.restart();
        let mut db = Twoskip::open(fs.clone(), Path::new("/db/test.db"), opts(5))
            .unwrap_or_else(|e| panic!("crash at op {n}: reopen failed: {e}"));
        db.consistent()
            .unwrap_or_else(|e| panic!("crash at op {n}: inconsistent: {e}"));
        let got = all(&mut db);
        let ok = got == states[committed] || (committed < w.len() && got == states[committed + 1]);
        assert!(
            ok,
            "crash at op {n}: {committed} commits returned Ok, contents match neither"
        );
        // And the recovered file takes new writes.
        db.store(b"after", b"crash").expect("store after recovery");
        db.consistent().expect("consistent after new write");
    }
}
