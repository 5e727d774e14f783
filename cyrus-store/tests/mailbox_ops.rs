//! Mailbox operations on the simulated filesystem: create, append, flags,
//! expunge (three modes), unexpunge, repack, with the invariants checked
//! after each step and after reopening.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

#[path = "mailbox_util.rs"]
mod util;

use std::path::Path;
use std::sync::Arc;

use cyrus_store::ids::{Modseq, Uid};
use cyrus_store::mailbox::{
    ExpungeMode, FlagOp, InternalFlags, Mailbox, MailboxError, MailboxOptions, SystemFlags,
    CACHE_FILE,
};
use cyrus_store::os::{Fs, FsRef, LockKind, SimFs};

use util::{check_consistent, create, message};

const DIR: &str = "/spool/uuid/a/b/abcdefghijklmnopqrstuvwx";

fn setup() -> (SimFs, FsRef) {
    let sim = SimFs::new();
    let fs: FsRef = Arc::new(sim.clone());
    (sim, fs)
}

fn reopen(fs: &FsRef, mb: Mailbox) -> Mailbox {
    mb.close();
    let mb = Mailbox::open(fs.clone(), Path::new(DIR), LockKind::Exclusive).unwrap();
    check_consistent(&mb);
    mb
}

#[test]
fn create_makes_header_and_index_but_no_cache() {
    let (_, fs) = setup();
    let mb = create(&fs, Path::new(DIR));
    assert!(!fs.exists(&Path::new(DIR).join(CACHE_FILE)));
    assert_eq!(mb.index().highestmodseq, Modseq(1));
    assert_eq!(mb.index().minor_version, 17);
    assert!(mb.header_crc_matches());
    let mb = reopen(&fs, mb);
    assert_eq!(mb.records().len(), 0);
    assert!(matches!(
        Mailbox::create(
            fs.clone(),
            Path::new(DIR),
            &cyrus_store::mailbox::CreateSpec::new("x", "abc".try_into().unwrap(), "", 1)
        ),
        Err(MailboxError::Exists(_))
    ));
}

#[test]
fn append_then_reopen_reads_everything_back() {
    let (_, fs) = setup();
    let mut mb = create(&fs, Path::new(DIR));
    let uid = mb.append(&message(1), 1_700_000_100).unwrap();
    assert_eq!(uid, Uid(1));
    let batch: Vec<_> = (2..=6).map(message).collect();
    let uids = mb.append_batch(&batch, 1_700_000_200).unwrap();
    assert_eq!(uids, (2..=6).map(Uid).collect::<Vec<_>>());
    check_consistent(&mb);
    let mb = reopen(&fs, mb);
    assert_eq!(mb.index().exists, 6);
    assert_eq!(mb.index().last_uid, Uid(6));
    assert_eq!(mb.index().highestmodseq, Modseq(7));
    assert_eq!(mb.index().last_appenddate, 1_700_000_200);
    for (n, r) in mb.records().iter().enumerate() {
        let m = message(n as u32 + 1);
        assert_eq!(mb.read_message(r.uid).unwrap(), m.data);
        assert_eq!(mb.read_cache(r).unwrap(), m.cache);
        assert_eq!(r.modseq, r.createdmodseq);
    }
}

#[test]
fn flags_change_counts_modseqs_and_user_flag_names() {
    let (_, fs) = setup();
    let mut mb = create(&fs, Path::new(DIR));
    mb.append_batch(&(1..=4).map(message).collect::<Vec<_>>(), 100)
        .unwrap();
    let before = mb.index().highestmodseq;
    let changed = mb
        .store_flags(
            &[Uid(1), Uid(2), Uid(9)],
            FlagOp::Add,
            SystemFlags::SEEN | SystemFlags::FLAGGED,
            &["$Label1"],
            200,
        )
        .unwrap();
    assert_eq!(changed, vec![Uid(1), Uid(2)]);
    assert_eq!(
        mb.index().highestmodseq,
        Modseq(before.0 + 2),
        "one modseq per changed record"
    );
    assert_eq!(mb.header().user_flags, vec![Some("$Label1".to_string())]);
    assert!(mb.header_crc_matches());
    assert_eq!(mb.index().flagged, 2);
    assert_eq!(mb.index().unseen, 2);
    // No-op store changes nothing.
    let hms = mb.index().highestmodseq;
    assert!(mb
        .store_flags(&[Uid(1)], FlagOp::Add, SystemFlags::SEEN, &[], 300)
        .unwrap()
        .is_empty());
    assert_eq!(mb.index().highestmodseq, hms);
    // Case-insensitive reuse of the slot; replace; remove.
    mb.store_flags(
        &[Uid(3)],
        FlagOp::Replace,
        SystemFlags::ANSWERED,
        &["$label1", "Junk"],
        300,
    )
    .unwrap();
    mb.store_flags(
        &[Uid(1)],
        FlagOp::Remove,
        SystemFlags::FLAGGED,
        &["$LABEL1", "Unknown"],
        300,
    )
    .unwrap();
    let mb = reopen(&fs, mb);
    assert_eq!(mb.header().user_flags.len(), 2);
    let r3 = mb.record(Uid(3)).unwrap();
    assert_eq!(
        mb.header().user_flag_names(&r3.user_flags),
        vec!["$Label1", "Junk"]
    );
    assert_eq!(r3.last_updated, 300);
    assert!(mb.record(Uid(1)).unwrap().user_flags.is_empty());
    assert_eq!((mb.index().answered, mb.index().flagged), (1, 1));
}

#[test]
fn user_flag_slots_run_out_at_128() {
    let (_, fs) = setup();
    let mut mb = create(&fs, Path::new(DIR));
    mb.append(&message(1), 100).unwrap();
    let names: Vec<String> = (0..128).map(|n| format!("k{n}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    mb.store_flags(&[Uid(1)], FlagOp::Add, SystemFlags::EMPTY, &refs, 200)
        .unwrap();
    assert!(matches!(
        mb.store_flags(
            &[Uid(1)],
            FlagOp::Add,
            SystemFlags::EMPTY,
            &["one-more"],
            200
        ),
        Err(MailboxError::UserFlagsExhausted(_))
    ));
    assert!(matches!(
        mb.store_flags(
            &[Uid(1)],
            FlagOp::Add,
            SystemFlags::EMPTY,
            &["bad flag"],
            200
        ),
        Err(MailboxError::BadFlagName(_))
    ));
    let mb = reopen(&fs, mb);
    assert_eq!(mb.record(Uid(1)).unwrap().user_flags.0, [u32::MAX; 4]);
}

fn with_deleted(fs: &FsRef) -> Mailbox {
    let mut mb = create(fs, Path::new(DIR));
    mb.append_batch(&(1..=5).map(message).collect::<Vec<_>>(), 100)
        .unwrap();
    mb.store_flags(
        &[Uid(2), Uid(4)],
        FlagOp::Add,
        SystemFlags::DELETED,
        &[],
        200,
    )
    .unwrap();
    mb
}

#[test]
fn delayed_expunge_keeps_records_and_files_and_unexpunge_restores() {
    let (_, fs) = setup();
    let mut mb = with_deleted(&fs);
    let gone = mb.expunge(None, ExpungeMode::Delayed, 300).unwrap();
    assert_eq!(gone, vec![Uid(2), Uid(4)]);
    assert_eq!(mb.index().exists, 3);
    assert_eq!(mb.index().deleted, 0);
    assert_eq!(mb.index().first_expunged, 300);
    assert!(fs.exists(&mb.message_path(Uid(2))));
    let mut mb = reopen(&fs, mb);
    assert!(String::from_utf8(mb.unexpunge_report())
        .unwrap()
        .starts_with("UID: 2\n"));
    let pairs = mb.unexpunge(&[Uid(4)], true, 400).unwrap();
    assert_eq!(pairs, vec![(Uid(4), Uid(6))]);
    assert!(
        !fs.exists(&mb.message_path(Uid(4))),
        "old file unlinked at cleanup"
    );
    let mb = reopen(&fs, mb);
    let r6 = mb.record(Uid(6)).unwrap();
    assert!(!r6.is_expunged() && !r6.system_flags.contains(SystemFlags::DELETED));
    assert!(mb.record(Uid(4)).unwrap().is_unlinked());
    assert_eq!(mb.read_message(Uid(6)).unwrap(), message(4).data);
    assert_eq!(mb.index().exists, 4);
    assert!(!mb.index().options.has(MailboxOptions::NEEDS_UNLINK));
}

#[test]
fn semidelayed_unlinks_files_keeps_records_until_repack() {
    let (_, fs) = setup();
    let mut mb = with_deleted(&fs);
    mb.expunge(Some(&[Uid(2)]), ExpungeMode::SemiDelayed, 300)
        .unwrap();
    assert!(!fs.exists(&mb.message_path(Uid(2))));
    assert!(
        fs.exists(&mb.message_path(Uid(4))),
        "UID EXPUNGE only touched UID 2"
    );
    let r2 = mb.record(Uid(2)).unwrap();
    assert!(r2.is_unlinked() && !r2.internal_flags.contains(InternalFlags::NEEDS_CLEANUP));
    assert_eq!(mb.records().len(), 5);
    let dropped_modseq = r2.modseq;
    let mut mb = reopen(&fs, mb);
    mb.repack(500).unwrap();
    assert_eq!(mb.records().len(), 4);
    assert_eq!(mb.index().generation_no, 1);
    assert_eq!(mb.index().deletedmodseq, dropped_modseq);
    assert_eq!(mb.index().last_repack_time, 500);
    let mb = reopen(&fs, mb);
    assert_eq!(mb.index().generation_no, 1);
    assert!(!fs.exists(&Path::new(DIR).join("cyrus.cache.NEW")));
}

#[test]
fn immediate_expunge_repacks_at_once() {
    let (_, fs) = setup();
    let mut mb = with_deleted(&fs);
    mb.expunge(None, ExpungeMode::Immediate, 300).unwrap();
    assert_eq!(
        mb.records().iter().map(|r| r.uid.0).collect::<Vec<_>>(),
        vec![1, 3, 5]
    );
    assert_eq!(mb.index().generation_no, 1);
    assert!(!mb.index().options.has(MailboxOptions::NEEDS_REPACK));
    let mut mb = reopen(&fs, mb);
    // Appends after a repack go to the new cache file.
    mb.append(&message(9), 600).unwrap();
    let mb = reopen(&fs, mb);
    assert_eq!(mb.index().last_uid, Uid(6));
}

#[test]
fn expire_then_repack_drops_old_expunged() {
    let (_, fs) = setup();
    let mut mb = with_deleted(&fs);
    mb.expunge(None, ExpungeMode::Delayed, 300).unwrap();
    assert_eq!(mb.expire_expunged(301, 400).unwrap(), 2);
    assert_eq!(mb.records().len(), 3);
    reopen(&fs, mb);
}

#[test]
fn shared_lock_is_read_only_and_shared_by_readers() {
    let (_, fs) = setup();
    let mut mb = create(&fs, Path::new(DIR));
    mb.append(&message(1), 100).unwrap();
    mb.close();
    let ro = Mailbox::open(fs.clone(), Path::new(DIR), LockKind::Shared).unwrap();
    let ro2 = Mailbox::open(fs.clone(), Path::new(DIR), LockKind::Shared).unwrap();
    let mut ro = ro;
    assert!(matches!(
        ro.append(&message(2), 1),
        Err(MailboxError::ReadOnly)
    ));
    ro.close();
    ro2.close();
}

#[test]
fn our_mailbox_reads_like_a_fixture_one() {
    // Append the fixture's shared-news messages into a new mailbox; our
    // mbexamine report must then equal Cyrus's apart from the lines that
    // depend on time and identity.
    let src = util::open_fixture("spool/uuid/f/6/f6kqqnb7r1o4m1itqypn2s30");
    let (_, fs) = setup();
    let mut mb = create(&fs, Path::new(DIR));
    let msgs = util::fixture_messages(&src);
    mb.append_batch(&msgs, 1_795_354_276).unwrap();
    let mb = reopen(&fs, mb);
    let ours = String::from_utf8(mb.mbexamine_report("x", "p")).unwrap();
    let theirs = String::from_utf8(src.mbexamine_report("x", "p")).unwrap();
    let strip = |s: &str| -> Vec<String> {
        s.lines()
            .skip_while(|l| !l.starts_with(" Message Info:"))
            .map(|l| {
                l.split(" MODSEQ:")
                    .next()
                    .unwrap()
                    .split("LASTUPD")
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    assert_eq!(strip(&ours), strip(&theirs));
    assert_eq!(
        mb.index().quota_mailbox_used,
        src.index().quota_mailbox_used
    );
}

#[test]
fn corrupt_files_give_typed_errors() {
    let (sim, fs) = setup();
    let mut mb = create(&fs, Path::new(DIR));
    mb.append(&message(1), 100).unwrap();
    mb.close();
    let index = Path::new(DIR).join("cyrus.index");
    let f = sim
        .open(&index, cyrus_store::os::OpenMode::ReadWrite)
        .unwrap();
    f.write_all_at(&[0xff], 170).unwrap();
    let e = Mailbox::open(fs.clone(), Path::new(DIR), LockKind::Shared).unwrap_err();
    assert!(
        matches!(e, MailboxError::Checksum { offset: 160, .. }),
        "{e}"
    );
    f.write_all_at(&[0xff], 30).unwrap();
    let e = Mailbox::open(fs.clone(), Path::new(DIR), LockKind::Shared).unwrap_err();
    assert!(matches!(e, MailboxError::Checksum { offset: 0, .. }), "{e}");
    f.set_len(100).unwrap();
    assert!(Mailbox::open(fs.clone(), Path::new(DIR), LockKind::Shared).is_err());
}

#[test]
fn properties_change_without_modseq() {
    let (_, fs) = setup();
    let mut mb = create(&fs, Path::new(DIR));
    mb.append(&message(1), 100).unwrap();
    let hms = mb.index().highestmodseq;
    mb.set_acl("test\tlrs\tanyone\tr\t").unwrap();
    mb.set_quotaroot(Some("user.test")).unwrap();
    mb.set_recent(Uid(1), 200).unwrap();
    mb.set_pop3_last_login(300).unwrap();
    mb.set_options(
        MailboxOptions::IMAP_SHAREDSEEN,
        MailboxOptions::POP3_NEW_UIDL,
    )
    .unwrap();
    assert_eq!(mb.index().highestmodseq, hms);
    let mb = reopen(&fs, mb);
    assert!(mb.header_crc_matches());
    assert_eq!(
        mb.header().acl_entries(),
        vec![("test", "lrs"), ("anyone", "r")]
    );
    assert_eq!(mb.header().quotaroot.as_deref(), Some("user.test"));
    assert_eq!((mb.index().recentuid, mb.index().recenttime), (Uid(1), 200));
    assert_eq!(mb.index().pop3_last_login, 300);
    assert_eq!(mb.index().options.0, MailboxOptions::IMAP_SHAREDSEEN);
}

#[test]
fn exclusive_lock_waits_for_the_holder() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let (_, fs) = setup();
    let mb = create(&fs, Path::new(DIR));
    let released = Arc::new(AtomicBool::new(false));
    let waiter = {
        let fs = fs.clone();
        let released = released.clone();
        std::thread::spawn(move || {
            let mb = Mailbox::open(fs, Path::new(DIR), LockKind::Exclusive).unwrap();
            assert!(
                released.load(Ordering::SeqCst),
                "got the lock while it was held"
            );
            mb.close();
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(100));
    released.store(true, Ordering::SeqCst);
    mb.close();
    waiter.join().unwrap();
}

#[test]
fn v19_mailbox_keeps_deleted_and_expunged_quota_bytes() {
    let (sim, fs) = setup();
    let mut mb = create(&fs, Path::new(DIR));
    mb.append_batch(&(1..=3).map(message).collect::<Vec<_>>(), 100)
        .unwrap();
    // Turn the index into a Cyrus 3.10 (v19) one: same records, new header.
    let mut h = mb.index().clone();
    mb.close();
    h.minor_version = 19;
    let f = sim
        .open(
            &Path::new(DIR).join("cyrus.index"),
            cyrus_store::os::OpenMode::ReadWrite,
        )
        .unwrap();
    f.write_all_at(&h.encode().unwrap(), 0).unwrap();
    f.sync().unwrap();
    let mut mb = Mailbox::open(fs.clone(), Path::new(DIR), LockKind::Exclusive).unwrap();
    assert_eq!(mb.index().minor_version, 19);
    let size = |u: u32| u64::from(mb.record(Uid(u)).unwrap().size);
    let (s1, s2) = (size(1), size(2));
    mb.store_flags(
        &[Uid(1), Uid(2)],
        FlagOp::Add,
        SystemFlags::DELETED,
        &[],
        200,
    )
    .unwrap();
    assert_eq!(mb.index().quota_deleted_used, s1 + s2);
    mb.expunge(Some(&[Uid(1)]), ExpungeMode::Delayed, 300)
        .unwrap();
    let mb = reopen(&fs, mb);
    assert_eq!(mb.index().minor_version, 19);
    assert_eq!(mb.index().quota_deleted_used, s2);
    assert_eq!(mb.index().quota_expunged_used, s1);
}
