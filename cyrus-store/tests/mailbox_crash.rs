//! Power cuts and I/O errors at every numbered filesystem call of each
//! mailbox operation (SimFs). After a power cut the mailbox must open
//! read-only with no repair, every CRC valid and every count exact, and an
//! operation that returned `Ok` must have taken effect. After an injected
//! I/O error the operation must fail cleanly and leave a consistent mailbox,
//! both in memory and on disk.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

#[path = "mailbox_util.rs"]
mod util;

use std::path::Path;
use std::sync::Arc;

use cyrus_store::ids::Uid;
use cyrus_store::mailbox::{CreateSpec, ExpungeMode, FlagOp, Mailbox, MailboxError, SystemFlags};
use cyrus_store::os::{Fault, FsRef, LockKind, SimFs};

use util::{check_consistent, create, message};

const DIR: &str = "/spool/uuid/a/b/abcdefghijklmnopqrstuvwx";

type Prepare = fn(&FsRef);
type Op = fn(&mut Mailbox) -> Result<(), MailboxError>;
/// Checks the reopened mailbox; the flag says whether the op returned Ok.
type Check = fn(&Mailbox, bool);

fn fresh(prepare: Prepare) -> (SimFs, FsRef) {
    let sim = SimFs::new();
    let fs: FsRef = Arc::new(sim.clone());
    prepare(&fs);
    (sim, fs)
}

fn open(fs: &FsRef, lock: LockKind) -> Mailbox {
    Mailbox::open(fs.clone(), Path::new(DIR), lock)
        .unwrap_or_else(|e| panic!("open after fault: {e}"))
}

/// After recovery the mailbox must still take an append.
fn still_writable(fs: &FsRef) {
    let mut mb = open(fs, LockKind::Exclusive);
    let before = mb.index().last_uid;
    let uid = mb.append(&message(77), 2_000_000_000).unwrap();
    assert_eq!(uid, before.next());
    assert_eq!(mb.read_message(uid).unwrap(), message(77).data);
    check_consistent(&mb);
    mb.close();
    check_consistent(&open(fs, LockKind::Shared));
}

fn crash_sweep(prepare: Prepare, op: Op, check: Check) -> u64 {
    let mut n = 1;
    loop {
        let (sim, fs) = fresh(prepare);
        let mut mb = open(&fs, LockKind::Exclusive);
        sim.set_fault(Fault::CrashAt(n));
        let ok = op(&mut mb).is_ok();
        let crashed = sim.is_down();
        drop(mb);
        sim.restart();
        let mb = open(&fs, LockKind::Shared);
        check_consistent(&mb);
        check(&mb, ok);
        drop(mb);
        still_writable(&fs);
        if !crashed {
            assert!(ok, "no fault and still an error at n={n}");
            return n;
        }
        n += 1;
    }
}

fn fail_sweep(prepare: Prepare, op: Op, check: Check) {
    let mut n = 1;
    loop {
        let (sim, fs) = fresh(prepare);
        let mut mb = open(&fs, LockKind::Exclusive);
        sim.set_fault(Fault::FailAt(n));
        let r = op(&mut mb);
        let ops = sim.op_count();
        sim.set_fault(Fault::None);
        check_consistent(&mb);
        mb.close();
        let mb = open(&fs, LockKind::Shared);
        check_consistent(&mb);
        check(&mb, r.is_ok());
        drop(mb);
        // If the power goes right after the error, it is still fine, and a
        // change that reported Ok despite the error is durable.
        sim.restart();
        let mb = open(&fs, LockKind::Shared);
        check_consistent(&mb);
        check(&mb, r.is_ok());
        drop(mb);
        still_writable(&fs);
        if n > ops {
            assert!(r.is_ok());
            return;
        }
        n += 1;
    }
}

fn sweep(prepare: Prepare, op: Op, check: Check) {
    let calls = crash_sweep(prepare, op, check);
    assert!(calls > 3, "operation made only {calls} filesystem calls");
    fail_sweep(prepare, op, check);
}

fn empty(fs: &FsRef) {
    create(fs, Path::new(DIR)).close();
}

fn three_messages(fs: &FsRef) {
    let mut mb = create(fs, Path::new(DIR));
    mb.append_batch(&(1..=3).map(message).collect::<Vec<_>>(), 100)
        .unwrap();
    mb.store_flags(
        &[Uid(2), Uid(3)],
        FlagOp::Add,
        SystemFlags::DELETED,
        &["$seed"],
        150,
    )
    .unwrap();
    mb.close();
}

fn expunged(fs: &FsRef) {
    three_messages(fs);
    let mut mb = open(fs, LockKind::Exclusive);
    mb.expunge(None, ExpungeMode::Delayed, 200).unwrap();
    mb.close();
}

fn unlinked(fs: &FsRef) {
    three_messages(fs);
    let mut mb = open(fs, LockKind::Exclusive);
    mb.expunge(Some(&[Uid(2)]), ExpungeMode::SemiDelayed, 200)
        .unwrap();
    mb.close();
}

#[test]
fn create_survives_power_cuts() {
    let mut n = 1;
    loop {
        let sim = SimFs::new();
        let fs: FsRef = Arc::new(sim.clone());
        sim.set_fault(Fault::CrashAt(n));
        let spec = CreateSpec::new(
            "user.test",
            "abcdefghijklmnopqrstuvwx".try_into().unwrap(),
            "",
            1,
        );
        let ok = Mailbox::create(fs.clone(), Path::new(DIR), &spec).is_ok();
        let crashed = sim.is_down();
        sim.restart();
        match Mailbox::open(fs.clone(), Path::new(DIR), LockKind::Shared) {
            Ok(mb) => check_consistent(&mb),
            Err(MailboxError::Os(e)) if e.is_not_found() => {
                assert!(!ok, "create returned Ok but the mailbox is gone (n={n})");
                // Creating again after the cut works.
                Mailbox::create(fs.clone(), Path::new(DIR), &spec).unwrap();
            }
            Err(e) => panic!("n={n}: {e}"),
        }
        if !crashed {
            break;
        }
        n += 1;
    }
}

#[test]
fn first_append_creates_the_cache_safely() {
    sweep(
        empty,
        |mb| mb.append(&message(1), 500).map(drop),
        |mb, ok| {
            if ok {
                assert_eq!(mb.read_message(Uid(1)).unwrap(), message(1).data);
            }
        },
    );
}

#[test]
fn batched_append_with_new_user_flags() {
    sweep(
        three_messages,
        |mb| {
            let mut batch: Vec<_> = (4..=6).map(message).collect();
            batch[1].user_flags = vec!["$new".into(), "$seed".into()];
            mb.append_batch(&batch, 500).map(drop)
        },
        |mb, ok| {
            let n = mb.records().len();
            assert!(n == 3 || n == 6, "all or nothing, got {n}");
            if ok {
                assert_eq!(n, 6);
                for u in 4..=6 {
                    assert_eq!(mb.read_message(Uid(u)).unwrap(), message(u).data);
                }
                let r5 = mb.record(Uid(5)).unwrap();
                assert_eq!(
                    mb.header().user_flag_names(&r5.user_flags),
                    vec!["$seed", "$new"]
                );
            }
        },
    );
}

#[test]
fn flag_change_with_header_rewrite() {
    sweep(
        three_messages,
        |mb| {
            mb.store_flags(
                &[Uid(1), Uid(2)],
                FlagOp::Add,
                SystemFlags::SEEN,
                &["$brandnew"],
                500,
            )
            .map(drop)
        },
        |mb, ok| {
            let seen = mb.index().unseen == 1;
            if ok {
                assert!(seen);
            }
            assert!(seen || mb.index().unseen == 3);
            if seen {
                assert!(mb.header_crc_matches());
            }
        },
    );
}

#[test]
fn delayed_expunge() {
    sweep(
        three_messages,
        |mb| mb.expunge(None, ExpungeMode::Delayed, 500).map(drop),
        |mb, ok| {
            if ok {
                assert_eq!(mb.index().exists, 1);
            }
        },
    );
}

#[test]
fn immediate_expunge_with_repack() {
    sweep(
        three_messages,
        |mb| mb.expunge(None, ExpungeMode::Immediate, 500).map(drop),
        |mb, ok| {
            if ok {
                assert_eq!(mb.index().exists, 1);
            }
        },
    );
}

#[test]
fn unexpunge() {
    sweep(
        expunged,
        |mb| mb.unexpunge(&[Uid(3)], true, 500).map(drop),
        |mb, ok| {
            if ok {
                assert_eq!(mb.read_message(Uid(4)).unwrap(), message(3).data);
                assert_eq!(mb.index().exists, 2);
            }
        },
    );
}

#[test]
fn repack() {
    sweep(
        unlinked,
        |mb| mb.repack(500),
        |mb, ok| {
            if ok {
                assert_eq!(mb.records().len(), 2);
                assert_eq!(mb.index().generation_no, 1);
            }
        },
    );
}

#[test]
fn crash_between_repack_renames_is_finished_by_the_next_writer() {
    let mut seen = 0;
    for n in 1..200 {
        let (sim, fs) = fresh(unlinked);
        let mut mb = open(&fs, LockKind::Exclusive);
        sim.set_fault(Fault::CrashAt(n));
        let _ = mb.repack(500);
        let crashed = sim.is_down();
        drop(mb);
        sim.restart();
        let new_cache = Path::new(DIR).join("cyrus.cache.NEW");
        let ro = open(&fs, LockKind::Shared);
        if ro.index().generation_no == 1 && fs.exists(&new_cache) {
            seen += 1;
            check_consistent(&ro);
            drop(ro);
            let rw = open(&fs, LockKind::Exclusive);
            assert!(!fs.exists(&new_cache), "writer finished the rename");
            check_consistent(&rw);
        }
        if !crashed {
            break;
        }
    }
    assert!(seen >= 1, "the in-between state was never produced");
}

#[test]
fn acl_change() {
    sweep(
        three_messages,
        |mb| mb.set_acl("test\tlr\tanyone\tr\t"),
        |mb, ok| {
            if ok {
                assert_eq!(mb.header().acl, "test\tlr\tanyone\tr\t");
            }
        },
    );
}

#[test]
fn create_fails_cleanly() {
    let spec = CreateSpec::new(
        "user.test",
        "abcdefghijklmnopqrstuvwx".try_into().unwrap(),
        "",
        1,
    );
    let mut n = 1;
    loop {
        let sim = SimFs::new();
        let fs: FsRef = Arc::new(sim.clone());
        sim.set_fault(Fault::FailAt(n));
        let r = Mailbox::create(fs.clone(), Path::new(DIR), &spec);
        let ops = sim.op_count();
        sim.set_fault(Fault::None);
        match r {
            Ok(mb) => {
                check_consistent(&mb);
                mb.close();
            }
            // Retrying after the error works (leftover .NEW files are
            // overwritten), unless the index rename itself got through.
            Err(_) => match Mailbox::create(fs.clone(), Path::new(DIR), &spec) {
                Ok(mb) => check_consistent(&mb),
                Err(MailboxError::Exists(_)) => check_consistent(&open(&fs, LockKind::Shared)),
                Err(e) => panic!("n={n}: {e}"),
            },
        }
        if n > ops {
            break;
        }
        n += 1;
    }
}
