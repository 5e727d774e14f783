//! Power cuts at every numbered filesystem call of a reconstruct (SimFs):
//! afterwards the mailbox opens (repaired or not), no message file is lost
//! or changed, and a second reconstruct finishes the repair.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

#[path = "mailbox_util.rs"]
mod util;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use cyrus_store::ids::Uid;
use cyrus_store::mailbox::{Mailbox, INDEX_FILE};
use cyrus_store::os::{Fault, FsRef, LockKind, OpenMode, SimFs};
use cyrus_store::reconstruct::{self, MailboxContext, Options};

use util::{check_consistent_but_annot, create, message};

const DIR: &str = "/spool/uuid/a/b/abcdefghijklmnopqrstuvwx";

fn opts() -> Options {
    Options {
        now: 1_800_000_000,
        ..Options::default()
    }
}

/// A mailbox with uids 1–4, then damaged: file 2 removed, a stray `9.`,
/// and (with `lose_index`) no cyrus.index, else no cyrus.cache.
fn prepare(lose_index: bool) -> (SimFs, FsRef) {
    let sim = SimFs::new();
    let fs: FsRef = Arc::new(sim.clone());
    let dir = Path::new(DIR);
    let mut mb = create(&fs, dir);
    let msgs: Vec<_> = (1..=4).map(message).collect();
    mb.append_batch(&msgs, 1_700_000_100).unwrap();
    mb.close();
    fs.remove_file(&dir.join("2.")).unwrap();
    let f = fs.open(&dir.join("9."), OpenMode::Truncate).unwrap();
    f.write_all_at(&message(9).data, 0).unwrap();
    f.sync().unwrap();
    let gone = if lose_index {
        INDEX_FILE
    } else {
        "cyrus.cache"
    };
    fs.remove_file(&dir.join(gone)).unwrap();
    fs.sync_dir(dir).unwrap();
    sim.sync_all();
    (sim, fs)
}

fn message_files(fs: &FsRef) -> BTreeMap<String, Vec<u8>> {
    fs.read_dir(Path::new(DIR))
        .unwrap()
        .into_iter()
        .filter(|n| n.ends_with('.') && !n.starts_with("cyrus"))
        .map(|n| {
            let data = fs
                .open(&Path::new(DIR).join(&n), OpenMode::Read)
                .unwrap()
                .read_all()
                .unwrap();
            (n, data)
        })
        .collect()
}

fn run(fs: &FsRef) -> Result<reconstruct::Report, cyrus_store::Error> {
    reconstruct::mailbox_in_dir(
        fs,
        Path::new(DIR),
        "user/test",
        &MailboxContext::default(),
        &opts(),
    )
}

fn sweep(lose_index: bool) -> u64 {
    let mut n = 1;
    loop {
        let (sim, fs) = prepare(lose_index);
        let files = message_files(&fs);
        sim.set_fault(Fault::CrashAt(n));
        let ok = run(&fs).is_ok();
        let crashed = sim.is_down();
        sim.restart();
        assert_eq!(
            message_files(&fs),
            files,
            "message files changed (crash at {n})"
        );
        // Before the repair the mailbox opened unless its index was lost;
        // a power cut must not make that worse.
        let opened = Mailbox::open(fs.clone(), Path::new(DIR), LockKind::Shared);
        if !lose_index {
            opened.unwrap_or_else(|e| panic!("crash at {n}: {e}"));
        } else {
            drop(opened);
        }
        let again = run(&fs).unwrap();
        if ok && !crashed {
            assert!(again.is_clean(), "{again:?}");
        }
        let mb = Mailbox::open(fs.clone(), Path::new(DIR), LockKind::Shared)
            .unwrap_or_else(|e| panic!("after second run (crash at {n}): {e}"));
        check_consistent_but_annot(&mb);
        match mb.record(Uid(2)) {
            Some(r2) => assert!(r2.is_expunged() && !lose_index, "crash at {n}"),
            None => assert!(lose_index, "crash at {n}"),
        }
        assert!(mb.record(Uid(9)).is_some());
        assert_eq!(mb.index().last_uid, Uid(9));
        drop(mb);
        assert!(run(&fs).unwrap().is_clean(), "third run (crash at {n})");
        if !crashed {
            assert!(ok, "no fault and still an error at n={n}");
            return n;
        }
        n += 1;
    }
}

#[test]
fn power_cut_during_reconstruct_of_missing_cache() {
    assert!(sweep(false) > 10);
}

#[test]
fn power_cut_during_reconstruct_of_missing_index() {
    assert!(sweep(true) > 10);
}
