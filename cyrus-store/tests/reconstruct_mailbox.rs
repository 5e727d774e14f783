//! reconstruct on copies of mailboxes written by real Cyrus 3.6: each kind
//! of damage is repaired, nothing else changes, and `-n` writes nothing.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

#[path = "mailbox_util.rs"]
mod mutil;
#[path = "reconstruct_util.rs"]
mod util;

use cyrus_store::ids::{Guid, Uid};
use cyrus_store::mailbox::{InternalFlags, INDEX_FILE};
use cyrus_store::reconstruct::Options;

use util::*;

#[test]
fn clean_fixture_mailboxes_report_nothing_and_change_nothing() {
    for rel in fixture_mailboxes() {
        let c = Copy::of(&rel);
        let before = snapshot(&c.dir);
        let r = run(&c.dir, &opts());
        assert!(r.is_clean(), "{rel}: {:?}", messages(&r));
        assert!(!r.written);
        assert_eq!(snapshot(&c.dir), before, "{rel} changed");
    }
}

#[test]
fn reparse_all_of_clean_fixture_finds_nothing() {
    for rel in fixture_mailboxes() {
        let c = Copy::of(&rel);
        let before = snapshot(&c.dir);
        let o = Options {
            reparse_all: true,
            ..opts()
        };
        let r = run(&c.dir, &o);
        assert!(r.is_clean(), "{rel}: {:?}", messages(&r));
        assert_eq!(snapshot(&c.dir), before, "{rel} changed");
    }
}

#[test]
fn missing_index_is_rebuilt_from_the_files() {
    let c = Copy::of(INBOX);
    let orig = contents(&open(&c.dir));
    let uidvalidity = open(&c.dir).index().uidvalidity;
    std::fs::remove_file(c.path(INDEX_FILE)).unwrap();
    let mut ctx = cyrus_store::reconstruct::MailboxContext::default();
    let mut entry = cyrus_store::mboxlist::MbEntry::new(
        cyrus_store::mboxname::MailboxName::from_internal("user.alice").unwrap(),
    );
    entry.uidvalidity = uidvalidity;
    ctx.entry = Some(entry);
    let r =
        cyrus_store::reconstruct::mailbox_in_dir(&real_fs(), &c.dir, "user/alice", &ctx, &opts())
            .unwrap();
    assert!(r.written);
    assert!(messages(&r)
        .iter()
        .any(|m| m.contains("cyrus.index is missing")));
    let mb = open(&c.dir);
    mutil::check_consistent_but_annot(&mb);
    assert_eq!(mb.index().uidvalidity, uidvalidity);
    // Every message file is back, with its GUID, size and cache.
    let files: Vec<Uid> = (1..=25).map(Uid).collect();
    assert_eq!(
        mb.records().iter().map(|r| r.uid).collect::<Vec<_>>(),
        files
    );
    for r in mb.records() {
        let (o, ocache) = &orig[&r.uid];
        assert_eq!(
            (r.guid, r.size, r.header_size),
            (o.guid, o.size, o.header_size)
        );
        assert_eq!(r.sentdate, o.sentdate, "uid {}", r.uid);
        assert_eq!(mb.read_cache(r).ok(), *ocache, "cache of uid {}", r.uid);
        assert!(!r.is_expunged());
    }
    assert_eq!(mb.index().last_uid, Uid(25));
    drop(mb);
    // Repeating finds nothing.
    assert!(run(&c.dir, &opts()).is_clean());
}

#[test]
fn missing_cache_is_rebuilt_identical() {
    let c = Copy::of(INBOX);
    let orig = contents(&open(&c.dir));
    std::fs::remove_file(c.path("cyrus.cache")).unwrap();
    let r = run(&c.dir, &opts());
    assert_eq!(
        messages(&r),
        ["cyrus.cache is missing: re-parsing the message files"]
    );
    let mb = open(&c.dir);
    mutil::check_consistent_but_annot(&mb);
    for (uid, (rec, cache)) in contents(&mb) {
        let (o, ocache) = &orig[&uid];
        assert_eq!(sans_cache_pos(&rec), sans_cache_pos(o), "uid {uid}");
        assert_eq!(cache, *ocache, "cache of uid {uid}");
    }
    assert_eq!(mb.index().highestmodseq, open_fixture_hms());
    drop(mb);
    assert!(run(&c.dir, &opts()).is_clean());
}

fn open_fixture_hms() -> cyrus_store::ids::Modseq {
    open(&fixture().join(INBOX)).index().highestmodseq
}

#[test]
fn damaged_record_is_repaired_and_others_keep_their_flags() {
    let c = Copy::of(INBOX);
    let orig = contents(&open(&c.dir));
    let mut bytes = std::fs::read(c.path(INDEX_FILE)).unwrap();
    // Record 3 (uid 3): flip a bit of its INTERNALDATE.
    let off = 160 + 2 * 112 + 5;
    bytes[off] ^= 0x10;
    std::fs::write(c.path(INDEX_FILE), &bytes).unwrap();
    let r = run(&c.dir, &opts());
    let msgs = messages(&r);
    assert!(
        msgs[0].contains("index record 3 fails its checksum"),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("message file 3. has no record")),
        "{msgs:?}"
    );
    let mb = open(&c.dir);
    mutil::check_consistent_but_annot(&mb);
    let now = contents(&mb);
    assert_eq!(now.len(), orig.len());
    for (uid, (rec, cache)) in &now {
        let (o, ocache) = &orig[uid];
        assert_eq!(cache, ocache, "cache of uid {uid}");
        if *uid == Uid(3) {
            assert_eq!((rec.guid, rec.size), (o.guid, o.size));
            assert!(rec.modseq > open_fixture_hms());
        } else {
            assert_eq!(sans_cache_pos(rec), sans_cache_pos(o), "uid {uid}");
        }
    }
}

#[test]
fn missing_message_file_marks_its_record_expunged_and_nothing_else() {
    let c = Copy::of(INBOX);
    let orig = contents(&open(&c.dir));
    std::fs::remove_file(c.path("2.")).unwrap();
    let r = run(&c.dir, &opts());
    assert_eq!(
        messages(&r),
        ["record for uid 2 has no message file: marking expunged"]
    );
    let mb = open(&c.dir);
    mutil::check_consistent_but_annot(&mb);
    for (uid, (rec, cache)) in contents(&mb) {
        let (o, ocache) = &orig[&uid];
        if uid == Uid(2) {
            assert!(rec
                .internal_flags
                .contains(InternalFlags::EXPUNGED | InternalFlags::UNLINKED));
            assert_eq!(rec.modseq, open_fixture_hms().next());
            assert_eq!(rec.guid, o.guid);
        } else {
            assert_eq!(sans_cache_pos(&rec), sans_cache_pos(o), "uid {uid}");
            assert_eq!(cache, *ocache);
        }
    }
    assert_eq!(
        mb.index().exists,
        open(&fixture().join(INBOX)).index().exists - 1
    );
    assert_eq!(mb.index().highestmodseq, open_fixture_hms().next());
    drop(mb);
    assert!(run(&c.dir, &opts()).is_clean());
}

#[test]
fn stray_file_above_last_uid_is_appended() {
    let c = Copy::of(INBOX);
    let orig = contents(&open(&c.dir));
    let data = std::fs::read(c.path("1.")).unwrap();
    std::fs::write(c.path("26."), &data).unwrap();
    let r = run(&c.dir, &opts());
    assert_eq!(
        messages(&r),
        ["message file 26. has no record: appending it"]
    );
    let mb = open(&c.dir);
    mutil::check_consistent_but_annot(&mb);
    assert_eq!(mb.index().last_uid, Uid(26));
    let new = mb.record(Uid(26)).unwrap();
    assert_eq!(new.guid, Guid::of(&data));
    assert!(new.system_flags.is_empty() && new.user_flags.is_empty());
    assert_eq!(new.modseq, open_fixture_hms().next());
    assert_eq!(mb.read_cache(new).ok(), orig[&Uid(1)].1);
    for (uid, (o, _)) in &orig {
        assert_eq!(sans_cache_pos(mb.record(*uid).unwrap()), sans_cache_pos(o));
    }
}

#[test]
fn dry_run_writes_nothing_and_reports_the_same() {
    let c = Copy::of(INBOX);
    std::fs::remove_file(c.path("cyrus.cache")).unwrap();
    std::fs::remove_file(c.path("5.")).unwrap();
    std::fs::copy(c.path("1."), c.path("30.")).unwrap();
    let before = snapshot(&c.dir);
    let d = run(&c.dir, &dry());
    assert!(!d.written);
    assert_eq!(snapshot(&c.dir), before, "-n wrote something");
    assert_eq!(messages(&d).len(), 3, "{:?}", messages(&d));
    let r = run(&c.dir, &opts());
    assert!(r.written);
    assert_eq!(messages(&d), messages(&r));
    // Message files are never removed or rewritten.
    for (name, bytes) in &before {
        if !name.starts_with("cyrus.") {
            assert_eq!(&std::fs::read(c.path(name)).unwrap(), bytes, "{name}");
        }
    }
}
