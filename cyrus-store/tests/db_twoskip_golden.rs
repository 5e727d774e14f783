//! Golden tests: twoskip files written by real Cyrus 3.6.1 read back
//! exactly as `cyr_dbtool … show` printed them.

mod db_common;

use cyrus_store::db::{Db, Twoskip, TwoskipOptions};
use db_common::*;

fn read_only() -> TwoskipOptions {
    TwoskipOptions {
        read_only: true,
        ..TwoskipOptions::default()
    }
}

fn check_file(path: &std::path::Path, dump_rel: &str) {
    let mut db = Twoskip::open(real_fs(), path, read_only()).expect("open fixture");
    db.consistent().expect("fixture is consistent");
    let want = expected(dump_rel);
    let got = dump(&mut db);
    assert_eq!(got.len(), want.len(), "{}: record count", path.display());
    assert!(got == want, "{}: records differ", path.display());
    for (k, v) in &want {
        assert_eq!(db.fetch(k).expect("fetch").as_deref(), Some(v.as_slice()));
    }
    // fetch_next chains through the whole file in order.
    let mut key = Vec::new();
    for (k, _) in &want {
        let (nk, _) = db.fetch_next(&key).expect("fetch_next").expect("some");
        assert_eq!(&nk, k);
        key = nk;
    }
    assert!(db.fetch_next(&key).expect("fetch_next").is_none());
}

#[test]
fn standalone_twoskip_fixtures() {
    for name in ["tiny", "binary-2000", "printable", "bigvalue"] {
        let path = fixtures().join(format!("twoskip/{name}.db"));
        check_file(&path, &format!("twoskip/{name}.hex.txt"));
    }
}

#[test]
fn cyrus_instance_databases() {
    for (db, dump) in [
        ("mailboxes.db", "mailboxes.db.hex.txt"),
        ("annotations.db", "annotations.db.hex.txt"),
        ("deliver.db", "deliver.db.hex.txt"),
    ] {
        check_file(
            &fixtures().join("basic/config").join(db),
            &format!("basic/expected/{dump}"),
        );
    }
}

#[test]
fn seen_databases() {
    check_file(
        &find_user_file("1/h", "seen.db"),
        "basic/expected/alice.seen.db.hex.txt",
    );
    check_file(
        &find_user_file("m/s", "seen.db"),
        "basic/expected/bob.seen.db.hex.txt",
    );
}

#[test]
fn prefix_walk_on_mailboxes_db() {
    let path = fixtures().join("basic/config/mailboxes.db");
    let mut db = Twoskip::open(real_fs(), &path, read_only()).expect("open");
    let want: Vec<_> = expected("basic/expected/mailboxes.db.hex.txt")
        .into_iter()
        .filter(|(k, _)| k.starts_with(b"Nuser\x1falice"))
        .collect();
    assert!(want.len() > 3);
    let mut got = Vec::new();
    db.foreach(b"Nuser\x1falice", &mut |k, v| {
        got.push((k.to_vec(), v.to_vec()));
        Ok(cyrus_store::db::Walk::Continue)
    })
    .expect("foreach");
    assert_eq!(got, want);
}

#[test]
fn fixture_copy_is_writable_and_stays_consistent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = copy_fixture("twoskip/printable.db", dir.path());
    let mut want: std::collections::BTreeMap<_, _> =
        expected("twoskip/printable.hex.txt").into_iter().collect();
    let mut db = Twoskip::open(real_fs(), &path, TwoskipOptions::default()).expect("open");
    db.store(b"new-key", b"new value").expect("store");
    want.insert(b"new-key".to_vec(), b"new value".to_vec());
    let first = want.keys().next().cloned().expect("a key");
    db.delete(&first).expect("delete");
    want.remove(&first);
    db.consistent().expect("consistent after writes");
    let gen = db.generation().expect("gen");
    db.repack().expect("repack");
    assert_eq!(db.generation().expect("gen"), gen + 1);
    db.consistent().expect("consistent after repack");
    drop(db);
    let mut db = Twoskip::open(real_fs(), &path, read_only()).expect("reopen");
    let got: std::collections::BTreeMap<_, _> = dump(&mut db).into_iter().collect();
    assert!(got == want);
}
