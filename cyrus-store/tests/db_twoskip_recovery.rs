//! twoskip recovery paths and damaged input.

mod db_common;

use std::path::Path;
use std::sync::Arc;

use cyrus_store::db::{Db, DbError, Twoskip, TwoskipOptions};
use cyrus_store::os::{FsRef, SimFs};
use db_common::*;

fn rw() -> TwoskipOptions {
    TwoskipOptions {
        create: true,
        no_compact: true,
        seed: Some(9),
        ..TwoskipOptions::default()
    }
}

#[test]
fn process_death_mid_transaction_is_rolled_back_by_recovery1() {
    let sim = SimFs::new();
    let fs: FsRef = Arc::new(sim.clone());
    let path = Path::new("/d/x.db");
    let mut db = Twoskip::open(fs.clone(), path, rw()).expect("open");
    for i in 0..50u8 {
        db.store(&[b'k', i], &[i; 20]).expect("store");
    }
    let before = dump(&mut db);
    db.begin().expect("begin");
    for i in 0..50u8 {
        db.store(&[b'k', i], b"changed").expect("store");
        db.store(&[b'n', i], b"new").expect("store");
        db.delete(&[b'k', i / 3]).expect("delete");
    }
    // Everything written so far reaches the disk, then the process dies
    // holding the lock: the file is DIRTY with a half transaction.
    sim.sync_all();
    sim.restart();
    drop(db);
    let mut db = Twoskip::open(fs, path, rw()).expect("reopen runs recovery");
    db.consistent().expect("consistent");
    assert_eq!(dump(&mut db), before);
}

#[test]
fn damaged_record_falls_back_to_recovery2() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("r.db");
    let mut db = Twoskip::open(real_fs(), &path, rw()).expect("open");
    db.store(b"aaa", b"first").expect("t1");
    db.store(b"bbb", b"second").expect("t2");
    db.store(b"mmm-victim-key", b"third").expect("t3");
    let gen = db.generation().expect("gen");
    drop(db);
    let mut bytes = std::fs::read(&path).expect("read");
    let at = bytes
        .windows(14)
        .position(|w| w == b"mmm-victim-key")
        .expect("key in file");
    // Break the head CRC of the last transaction's record, and mark the
    // file DIRTY (with a valid header CRC) so recovery runs.
    bytes[at - 6] ^= 0xff;
    bytes[59] |= 1;
    let crc = crc32fast::hash(&bytes[..60]);
    bytes[60..64].copy_from_slice(&crc.to_be_bytes());
    std::fs::write(&path, &bytes).expect("write");
    let mut db = Twoskip::open(real_fs(), &path, rw()).expect("recovered");
    db.consistent().expect("consistent");
    assert_eq!(db.generation().expect("gen"), gen + 1, "file was rebuilt");
    assert_eq!(
        dump(&mut db),
        vec![
            (b"aaa".to_vec(), b"first".to_vec()),
            (b"bbb".to_vec(), b"second".to_vec())
        ]
    );
}

#[test]
fn every_single_byte_flip_is_an_error_or_a_valid_db_never_a_panic() {
    let orig = std::fs::read(fixtures().join("twoskip/tiny.db")).expect("read");
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("t.db");
    let mut opened = 0;
    for i in 0..orig.len() {
        let mut b = orig.clone();
        b[i] ^= 0x41;
        std::fs::write(&path, &b).expect("write");
        if let Ok(mut db) = Twoskip::open(real_fs(), &path, rw()) {
            opened += 1;
            let _ = db.consistent();
            let mut n = 0;
            let _ = db.foreach(b"", &mut |_, _| {
                n += 1;
                Ok(cyrus_store::db::Walk::Continue)
            });
            let _ = db.fetch(b"beta");
            if i % 16 == 0 {
                // Writes fsync; a sample is enough.
                let _ = db.store(b"zzz", b"1");
            }
        }
    }
    // Flips in padding and unused pointer slots leave a usable file.
    assert!(opened > 0);
    for len in [0usize, 10, 63, 64, 100, 300, 400] {
        std::fs::write(&path, &orig[..len.min(orig.len())]).expect("write");
        let r = Twoskip::open(real_fs(), &path, rw());
        if len >= 64 && len < orig.len() {
            // A valid header but truncated records: recovery cannot help.
            assert!(matches!(r, Err(DbError::Corrupt { .. })) || r.is_ok());
        }
    }
}

#[test]
fn creation_cut_short_is_redone_and_missing_file_is_not_found() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("n.db");
    let missing = Twoskip::open(real_fs(), &path, TwoskipOptions::default());
    assert!(matches!(missing, Err(ref e) if e.is_not_found()));
    // DUMMY on disk, header never written.
    let full = std::fs::read(fixtures().join("twoskip/tiny.db")).expect("read");
    let mut cut = vec![0u8; 64];
    cut.extend_from_slice(&full[64..336]);
    std::fs::write(&path, &cut).expect("write");
    let mut db = Twoskip::open(real_fs(), &path, rw()).expect("reinitialised");
    db.store(b"a", b"b").expect("store");
    db.consistent().expect("consistent");
}

#[test]
fn read_only_open_refuses_writes() {
    let mut db = Twoskip::open(
        real_fs(),
        &fixtures().join("twoskip/tiny.db"),
        TwoskipOptions {
            read_only: true,
            ..TwoskipOptions::default()
        },
    )
    .expect("open");
    assert!(matches!(db.store(b"x", b"y"), Err(DbError::ReadOnly)));
    assert!(matches!(db.begin(), Err(DbError::ReadOnly)));
    assert_eq!(
        db.fetch(b"beta").expect("fetch").as_deref(),
        Some(&b"two"[..])
    );
    assert_eq!(
        db.fetch(b"gamma").expect("fetch").as_deref(),
        Some(&b""[..])
    );
    assert_eq!(db.fetch(b"delta").expect("fetch"), None);
}

#[test]
fn concurrent_writers_on_real_files_lose_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("c.db");
    drop(Twoskip::open(real_fs(), &path, rw()).expect("create"));
    let threads: Vec<_> = (0..4u8)
        .map(|t| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut db = Twoskip::open(
                    real_fs(),
                    &path,
                    TwoskipOptions {
                        seed: Some(u64::from(t)),
                        ..TwoskipOptions::default()
                    },
                )
                .expect("open");
                for i in 0..25u8 {
                    db.begin().expect("begin");
                    db.store(&[b'k', t, i], &[t; 300]).expect("store");
                    db.store(b"shared", &[t, i]).expect("store");
                    db.commit().expect("commit");
                    if i % 10 == 0 {
                        db.consistent().expect("consistent");
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("thread");
    }
    let mut db = Twoskip::open(real_fs(), &path, rw()).expect("open");
    db.consistent().expect("consistent");
    assert_eq!(dump(&mut db).len(), 4 * 25 + 1);
    assert!(
        db.generation().expect("gen") > 1,
        "checkpoints happened under contention"
    );
}

mod mutations {
    use super::*;
    use cyrus_store::db::Walk;
    use cyrus_store::os::{Fs, OpenMode};
    use proptest::prelude::*;

    /// A small database built by us, as bytes.
    fn base() -> Vec<u8> {
        let sim = SimFs::new();
        let fs: FsRef = Arc::new(sim.clone());
        let mut db = Twoskip::open(fs, Path::new("/m.db"), rw()).expect("open");
        for i in 0..40u8 {
            db.store(&[b'k', i % 13, i], &vec![i; usize::from(i)])
                .expect("store");
            if i % 5 == 0 {
                db.delete(&[b'k', i % 7, i / 2]).expect("delete");
            }
        }
        drop(db);
        sim.open(Path::new("/m.db"), OpenMode::Read)
            .expect("open")
            .read_all()
            .expect("read")
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// Damaged files give errors, never panics or hangs.
        #[test]
        fn damaged_files_never_panic(
            flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
            cut in prop::option::of(any::<prop::sample::Index>()),
        ) {
            let mut b = base();
            for (i, x) in flips {
                let at = i.index(b.len());
                b[at] ^= x | 1;
            }
            if let Some(c) = cut {
                b.truncate(c.index(b.len()));
            }
            let sim = SimFs::new();
            let f = sim.open(Path::new("/m.db"), OpenMode::Create).expect("create");
            f.write_all_at(&b, 0).expect("write");
            drop(f);
            let fs: FsRef = Arc::new(sim);
            if let Ok(mut db) = Twoskip::open(fs, Path::new("/m.db"), rw()) {
                let _ = db.consistent();
                let _ = db.foreach(b"", &mut |_, _| Ok(Walk::Continue));
                let _ = db.fetch(&[b'k', 3, 3]);
                let _ = db.fetch_next(&[b'k', 5]);
                let _ = db.store(b"new", b"value");
                let _ = db.delete(&[b'k', 1, 1]);
                let _ = db.repack();
            }
        }
    }
}
