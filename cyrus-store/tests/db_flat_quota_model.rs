//! flat and quotalegacy against the in-memory model, and flat under power
//! cuts.

mod db_common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use cyrus_store::db::{open, Db, DbBackend, MemDb, OpenFlags};
use cyrus_store::os::{Fault, FsRef, SimFs};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Store(Vec<u8>, Vec<u8>),
    Delete(Vec<u8>),
    Begin,
    Commit,
    Abort,
    Reopen,
}

fn ops(key: BoxedStrategy<Vec<u8>>, val: BoxedStrategy<Vec<u8>>) -> impl Strategy<Value = Vec<Op>> {
    let op = prop_oneof![
        5 => (key.clone(), val).prop_map(|(k, v)| Op::Store(k, v)),
        3 => key.prop_map(Op::Delete),
        2 => Just(Op::Begin),
        2 => Just(Op::Commit),
        1 => Just(Op::Abort),
        1 => Just(Op::Reopen),
    ];
    prop::collection::vec(op, 1..60)
}

fn all(db: &mut dyn Db) -> BTreeMap<Vec<u8>, Vec<u8>> {
    db_common::dump(db).into_iter().collect()
}

fn check(backend: DbBackend, path: &str, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let fs: FsRef = Arc::new(SimFs::new());
    let flags = OpenFlags {
        create: true,
        ..OpenFlags::default()
    };
    let reopen = || open(fs.clone(), Path::new(path), backend, flags).expect("open");
    let mut db = reopen();
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
            Op::Begin => prop_assert_eq!(db.begin().is_ok(), model.begin().is_ok()),
            Op::Commit => prop_assert_eq!(db.commit().is_ok(), model.commit().is_ok()),
            Op::Abort => prop_assert_eq!(db.abort().is_ok(), model.abort().is_ok()),
            Op::Reopen => {
                drop(db);
                let _ = model.abort();
                db = reopen();
            }
        }
        prop_assert_eq!(all(&mut *db), all(&mut model));
    }
    drop(db);
    let _ = model.abort();
    let mut db = reopen();
    db.consistent().expect("consistent");
    prop_assert_eq!(all(&mut *db), model.committed().clone());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn flat_matches_model(o in ops(
        prop::collection::vec(prop::sample::select(vec![0u8, b'\t', b'\n', b'.', b'a', b'A', 0x1f, 0xff]), 1..4).boxed(),
        prop::collection::vec(any::<u8>(), 0..20).boxed(),
    )) {
        check(DbBackend::Flat, "/d/sub.db", o)?;
    }

    #[test]
    fn quotalegacy_matches_model(o in ops(
        prop::sample::select(vec!["user.alice", "user.bob", "user.a.b", "shared", "9x", "user.Zed"])
            .prop_map(|s| s.as_bytes().to_vec()).boxed(),
        "%\\([A-Z0-9 ()]{0,20}\\)".prop_map(|s| s.into_bytes()).boxed(),
    )) {
        check(DbBackend::QuotaLegacy, "/conf/quotas.db", o)?;
    }
}

#[test]
fn flat_power_cut_at_every_step_is_all_or_nothing() {
    let txns: Vec<Vec<(String, Option<String>)>> = (0..8)
        .map(|t| {
            (0..3)
                .map(|j| {
                    let k = format!("NINBOX\x1f{}", (t * 3 + j) % 7);
                    let v = if (t + j) % 4 == 3 {
                        None
                    } else {
                        Some(format!("v{t}"))
                    };
                    (k, v)
                })
                .collect()
        })
        .collect();
    let mut states = vec![BTreeMap::new()];
    for txn in &txns {
        let mut s: BTreeMap<Vec<u8>, Vec<u8>> = states.last().cloned().expect("state");
        for (k, v) in txn {
            match v {
                Some(v) => s.insert(k.clone().into_bytes(), v.clone().into_bytes()),
                None => s.remove(k.as_bytes()),
            };
        }
        states.push(s);
    }
    let run = |db: &mut dyn Db| -> usize {
        let mut ok = 0;
        for txn in &txns {
            let r = (|| {
                db.begin()?;
                for (k, v) in txn {
                    match v {
                        Some(v) => db.store(k.as_bytes(), v.as_bytes())?,
                        None => db.delete(k.as_bytes())?,
                    }
                }
                db.commit()
            })();
            if r.is_err() {
                return ok;
            }
            ok += 1;
        }
        ok
    };
    let flags = OpenFlags {
        create: true,
        ..OpenFlags::default()
    };
    let path = Path::new("/d/sub.db");
    let sim = SimFs::new();
    let fs: FsRef = Arc::new(sim.clone());
    let mut db = open(fs, path, DbBackend::Flat, flags).expect("open");
    sim.set_fault(Fault::None);
    assert_eq!(run(&mut *db), txns.len());
    let total = sim.op_count();
    for n in 1..=total + 1 {
        let sim = SimFs::new();
        let fs: FsRef = Arc::new(sim.clone());
        let mut db = open(fs.clone(), path, DbBackend::Flat, flags).expect("open");
        sim.sync_all();
        sim.set_fault(Fault::CrashAt(n));
        let committed = run(&mut *db);
        drop(db);
        sim.restart();
        let mut db = open(fs, path, DbBackend::Flat, flags).expect("reopen");
        let got = all(&mut *db);
        assert!(
            got == states[committed] || (committed < txns.len() && got == states[committed + 1]),
            "crash at op {n}"
        );
    }
}
