//! The two flag operations a user without internal `\Seen` needs: a STORE
//! that leaves the owner's `\Seen` bit alone (even FLAGS replace), and a
//! touch that gives a record a new MODSEQ without changing it (their
//! seen.db changed).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "mailbox_util.rs"]
mod util;

use std::path::Path;
use std::sync::Arc;

use cyrus_store::ids::{Modseq, Uid};
use cyrus_store::mailbox::{FlagOp, Mailbox, SystemFlags};
use cyrus_store::os::{FsRef, LockKind, SimFs};

use util::{check_consistent, create, message};

const DIR: &str = "/spool/uuid/a/b/abcdefghijklmnopqrstuvwx";

fn setup() -> FsRef {
    Arc::new(SimFs::new())
}

#[test]
fn store_keeping_seen_and_touch() {
    let fs = setup();
    let mut mb = create(&fs, Path::new(DIR));
    mb.append_batch(&(1..=3).map(message).collect::<Vec<_>>(), 100)
        .unwrap();
    mb.store_flags(&[Uid(1)], FlagOp::Add, SystemFlags::SEEN, &[], 150)
        .unwrap();
    let unseen = mb.index().unseen;
    let changed = mb
        .store_flags_keeping(
            &[Uid(1), Uid(2)],
            FlagOp::Replace,
            SystemFlags::ANSWERED,
            &[],
            SystemFlags::SEEN,
            200,
        )
        .unwrap();
    assert_eq!(changed, vec![Uid(1), Uid(2)]);
    let r1 = mb.record(Uid(1)).unwrap();
    assert_eq!(r1.system_flags, SystemFlags::ANSWERED | SystemFlags::SEEN);
    assert_eq!(
        mb.record(Uid(2)).unwrap().system_flags,
        SystemFlags::ANSWERED
    );
    // Asking to set \Seen does nothing to the kept bit either.
    assert!(mb
        .store_flags_keeping(
            &[Uid(3)],
            FlagOp::Add,
            SystemFlags::SEEN,
            &[],
            SystemFlags::SEEN,
            250
        )
        .unwrap()
        .is_empty());
    assert_eq!(mb.index().unseen, unseen);

    let hms = mb.index().highestmodseq;
    let touched = mb.touch(&[Uid(3), Uid(3), Uid(9)], 300).unwrap();
    assert_eq!(touched, vec![Uid(3)]);
    let r3 = mb.record(Uid(3)).unwrap();
    assert_eq!(r3.modseq, Modseq(hms.0 + 1));
    assert_eq!(r3.last_updated, 300);
    assert_eq!(r3.system_flags, SystemFlags::default());
    assert_eq!(mb.index().highestmodseq, Modseq(hms.0 + 1));
    check_consistent(&mb);
    mb.close();
    let mb = Mailbox::open(fs.clone(), Path::new(DIR), LockKind::Shared).unwrap();
    assert_eq!(mb.record(Uid(3)).unwrap().modseq, Modseq(hms.0 + 1));
}
