//! Helpers shared by the mailbox integration tests (included with
//! `#[path]`; as its own test target it has no tests).
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use cyrus_store::ids::{Guid, Uid, UniqueId};
use cyrus_store::mailbox::{
    index_header::CRC_INIT_ANNOT, synccrc, CacheItems, CreateSpec, Mailbox, NewMessage, SystemFlags,
};
use cyrus_store::os::{FsRef, LockKind, RealFs};

/// The fixture root (`shared/fixtures/cyrus-3.6/basic`).
pub fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/cyrus-3.6/basic")
}

/// A small synthetic message with plausible cache items.
pub fn message(n: u32) -> NewMessage {
    let data = format!(
        "From: a@example.org\r\nSubject: test {n}\r\n\r\nbody {n}\r\n{}",
        "x".repeat(n as usize % 7)
    )
    .into_bytes();
    let mut cache = CacheItems::default();
    cache.0[0] = format!("(NIL \"test {n}\" NIL NIL NIL NIL NIL NIL NIL NIL)").into_bytes();
    cache.0[1] = b"(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 8 1 NIL NIL NIL NIL)".to_vec();
    cache.0[2] = b"(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 8 1)".to_vec();
    cache.0[3] = vec![0, 0, 0, 1, 0, 0, 0, 2];
    cache.0[5] = b"<a@example.org>".to_vec();
    cache.0[9] = format!("\"test {n}\"").into_bytes();
    NewMessage {
        header_size: 43,
        data,
        internaldate: 1_700_000_000 + n,
        cache,
        ..Default::default()
    }
}

/// Creates `user.test` in `dir` on `fs`.
pub fn create(fs: &FsRef, dir: &Path) -> Mailbox {
    let spec = CreateSpec::new(
        "user.test",
        UniqueId::try_from("abcdefghijklmnopqrstuvwx").unwrap(),
        "test\tlrswipkxtecdan\t",
        1_700_000_000,
    );
    Mailbox::create(fs.clone(), dir, &spec).unwrap()
}

/// Checks everything a reader relies on: every record decodes (done by
/// open), every live record's cache entry and file are there and match,
/// and the header counts and sync CRCs equal a recount.
pub fn check_consistent(mb: &Mailbox) {
    check_consistent_but_annot(mb);
    let mut annot = CRC_INIT_ANNOT;
    for r in mb.records() {
        annot ^= synccrc::crc_virtannot(mb.index().minor_version, r);
    }
    assert_eq!(annot, mb.index().sync_crc_annot, "sync_crc_annot");
}

/// [`check_consistent`] without the annotation CRC, for mailboxes that may
/// have real per-message annotations (kept in `cyrus.annotations`).
pub fn check_consistent_but_annot(mb: &Mailbox) {
    let i = mb.index();
    let (mut exists, mut deleted, mut answered, mut flagged, mut unseen, mut used) =
        (0, 0, 0, 0, 0, 0u64);
    let mut basic = 0;
    let mut last = Uid(0);
    for r in mb.records() {
        assert!(r.uid > last, "UIDs ascend");
        last = r.uid;
        assert!(r.uid <= i.last_uid);
        assert!(r.modseq <= i.highestmodseq);
        basic ^= synccrc::crc_basic(mb.header(), r);
        if !r.is_unlinked() {
            mb.read_cache(r)
                .unwrap_or_else(|e| panic!("cache of {}: {e}", r.uid));
            let data = mb
                .read_message(r.uid)
                .unwrap_or_else(|e| panic!("file of {}: {e}", r.uid));
            assert_eq!(Guid::of(&data), r.guid);
            assert_eq!(data.len() as u32, r.size);
        }
        if !r.is_expunged() {
            exists += 1;
            used += u64::from(r.size);
            deleted += u32::from(r.system_flags.contains(SystemFlags::DELETED));
            answered += u32::from(r.system_flags.contains(SystemFlags::ANSWERED));
            flagged += u32::from(r.system_flags.contains(SystemFlags::FLAGGED));
            unseen += u32::from(!r.system_flags.contains(SystemFlags::SEEN));
        }
    }
    if i.minor_version < 14 {
        unseen = 0; // not stored before v14
    }
    assert_eq!(
        (exists, deleted, answered, flagged, unseen, used),
        (
            i.exists,
            i.deleted,
            i.answered,
            i.flagged,
            i.unseen,
            i.quota_mailbox_used
        ),
        "header counts"
    );
    assert_eq!(basic, i.sync_crc_basic, "sync_crc_basic");
    assert_eq!(i.num_records as usize, mb.records().len());
}

/// Opens a fixture mailbox read-only by its uniqueid directory.
pub fn open_fixture(rel: &str) -> Mailbox {
    let fs: FsRef = Arc::new(RealFs::new());
    Mailbox::open(fs, &fixture().join(rel), LockKind::Shared).unwrap()
}

/// The messages of a fixture mailbox as appendable messages (same bytes,
/// dates, flags and cache items).
pub fn fixture_messages(mb: &Mailbox) -> Vec<NewMessage> {
    mb.records()
        .iter()
        .filter(|r| !r.is_expunged())
        .map(|r| NewMessage {
            data: mb.read_message(r.uid).unwrap(),
            internaldate: r.internaldate,
            sentdate: r.sentdate,
            gmtime: r.gmtime,
            header_size: r.header_size,
            cache: mb.read_cache(r).unwrap(),
            system_flags: r.system_flags,
            user_flags: mb
                .header()
                .user_flag_names(&r.user_flags)
                .into_iter()
                .map(String::from)
                .collect(),
            savedate: r.savedate,
            cid: r.cid,
            staged_file: None,
        })
        .collect()
}
