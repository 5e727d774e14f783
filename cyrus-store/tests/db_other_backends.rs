//! flat, quotalegacy and skiplist against files written by Cyrus 3.6, and
//! `open` with backend detection.

mod db_common;

use std::path::Path;

use cyrus_store::db::{open, DbBackend, OpenFlags, QuotaLegacyOptions, Walk};
use db_common::*;

fn ro() -> OpenFlags {
    OpenFlags {
        read_only: true,
        ..OpenFlags::default()
    }
}

fn rw() -> OpenFlags {
    OpenFlags {
        create: true,
        ..OpenFlags::default()
    }
}

#[test]
fn flat_sub_db_matches_cyrus_dump() {
    let path = find_user_file("1/h", "sub.db");
    let mut db = open(real_fs(), &path, DbBackend::Flat, ro()).expect("open");
    assert_eq!(db.backend(), DbBackend::Flat);
    assert_eq!(
        dump(&mut *db),
        expected("basic/expected/alice.sub.db.hex.txt")
    );
    assert_eq!(
        db.fetch(b"\x1fVER\x1f").expect("fetch").as_deref(),
        Some(&b"2"[..])
    );
    db.consistent().expect("sorted");
}

#[test]
fn flat_writes_are_byte_identical_to_cyrus_layout() {
    let dir = tempfile::tempdir().expect("tmp");
    let src = find_user_file("1/h", "sub.db");
    let path = dir.path().join("sub.db");
    std::fs::copy(&src, &path).expect("copy");
    let original = std::fs::read(&path).expect("read");
    let mut db = open(real_fs(), &path, DbBackend::Flat, rw()).expect("open");
    // Insert in the middle, then remove again: the file is restored.
    db.store(b"NINBOX\x1fArchive\x1f2023", b"").expect("store");
    let mid = std::fs::read(&path).expect("read");
    assert_eq!(
        mid,
        b"\x1fVER\x1f\t2\nNINBOX\x1fArchive\t\nNINBOX\x1fArchive\x1f2023\t\nNINBOX\x1fArchive\x1f2024\t\nNINBOX\x1fSent\t\n"
    );
    db.delete(b"NINBOX\x1fArchive\x1f2023").expect("delete");
    assert_eq!(std::fs::read(&path).expect("read"), original);
    // Escaping and mailbox collation ('.' sorts before '-' and letters).
    db.store(b"a-b", b"v\t\xff\n").expect("store");
    db.store(b"a.b", b"x").expect("store");
    let bytes = std::fs::read(&path).expect("read");
    let tail = b"a.b\tx\na-b\tv\xff\x89\xff\xff\xff\x8a\n";
    assert!(
        bytes.ends_with(tail),
        "{:?}",
        String::from_utf8_lossy(&bytes)
    );
    assert_eq!(
        db.fetch(b"a-b").expect("fetch").as_deref(),
        Some(&b"v\t\xff\n"[..])
    );
    // Transactions: nothing reaches the file before commit.
    db.begin().expect("begin");
    db.store(b"zzz", b"1").expect("store");
    assert_eq!(std::fs::read(&path).expect("read"), bytes);
    assert_eq!(db.fetch(b"zzz").expect("fetch").as_deref(), Some(&b"1"[..]));
    db.abort().expect("abort");
    assert_eq!(db.fetch(b"zzz").expect("fetch"), None);
    db.begin().expect("begin");
    db.store(b"zzz", b"1").expect("store");
    db.commit().expect("commit");
    let mut db2 = open(real_fs(), &path, DbBackend::Flat, ro()).expect("reopen");
    assert_eq!(
        db2.fetch(b"zzz").expect("fetch").as_deref(),
        Some(&b"1"[..])
    );
    assert!(!dir.path().join("sub.db.NEW").exists());
}

#[test]
fn quotalegacy_tree_matches_cyrus_dump() {
    let path = fixtures().join("basic/config/quotas.db");
    let mut db = open(real_fs(), &path, DbBackend::QuotaLegacy, ro()).expect("open");
    assert_eq!(
        dump(&mut *db),
        expected("basic/expected/quotas.quotalegacy.hex.txt")
    );
    let mut n = 0;
    db.foreach(b"user.b", &mut |k, _| {
        assert_eq!(k, b"user.bob");
        n += 1;
        Ok(Walk::Continue)
    })
    .expect("foreach");
    assert_eq!(n, 1);
    assert_eq!(
        db.fetch_next(b"user.alice").expect("next").map(|(k, _)| k),
        Some(b"user.bob".to_vec())
    );
}

#[test]
fn quotalegacy_paths_and_values_as_cyrus_writes_them() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("quotas.db");
    let flags = OpenFlags {
        create: true,
        quota: QuotaLegacyOptions {
            virtdomains: true,
            fulldirhash: false,
        },
        ..OpenFlags::default()
    };
    let mut db = open(real_fs(), &path, DbBackend::QuotaLegacy, flags).expect("open");
    db.store(b"user.carol", b"%(S (0 100))").expect("store");
    db.store(b"example.com!user.dave", b"%(M (1 2))")
        .expect("store");
    db.store(b"example.com!", b"%(S (5 10))").expect("store");
    db.store(b"shared", b"100 200").expect("store old format");
    let read = |p: &str| std::fs::read(dir.path().join(p)).expect(p);
    assert_eq!(read("quota/c/user.carol"), b"%(S (0 100))\n");
    assert_eq!(
        read("domain/e/example.com/quota/d/user.dave"),
        b"%(M (1 2))\n"
    );
    assert_eq!(read("domain/e/example.com/quota/root"), b"%(S (5 10))\n");
    assert_eq!(read("quota/s/shared"), b"100\n200\n");
    assert_eq!(
        db.fetch(b"shared").expect("fetch").as_deref(),
        Some(&b"100 200"[..])
    );
    let keys: Vec<Vec<u8>> = dump(&mut *db).into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        keys,
        vec![
            b"example.com!".to_vec(),
            b"example.com!user.dave".to_vec(),
            b"shared".to_vec(),
            b"user.carol".to_vec()
        ]
    );
    db.begin().expect("begin");
    db.delete(b"user.carol").expect("delete");
    db.store(b"user.erin", b"%()").expect("store");
    assert_eq!(db.fetch(b"user.carol").expect("fetch"), None);
    db.abort().expect("abort");
    assert!(dir.path().join("quota/c/user.carol").exists());
    assert!(!dir.path().join("quota/e/user.erin").exists());
    db.begin().expect("begin");
    db.delete(b"user.carol").expect("delete");
    db.commit().expect("commit");
    assert!(!dir.path().join("quota/c/user.carol").exists());
    assert!(matches!(
        db.store(b"a/b", b"x"),
        Err(cyrus_store::db::DbError::BadKey(_))
    ));
}

#[test]
fn skiplist_conversations_db_and_detection() {
    for (user, dump_rel) in [
        ("1/h", "basic/expected/alice.conversations.db.hex.txt"),
        ("m/s", "basic/expected/bob.conversations.db.hex.txt"),
    ] {
        let path = find_user_file(user, "conversations.db");
        // Asking for twoskip opens it as skiplist, as Cyrus does.
        let mut db = open(real_fs(), &path, DbBackend::Twoskip, ro()).expect("open");
        assert_eq!(db.backend(), DbBackend::Skiplist);
        assert_eq!(dump(&mut *db), expected(dump_rel));
        db.consistent().expect("consistent");
        assert!(db.store(b"k", b"v").is_err());
    }
}

#[test]
fn detect_by_magic() {
    let fs = real_fs();
    let f = fixtures();
    assert_eq!(
        cyrus_store::db::detect(&fs, &f.join("basic/config/mailboxes.db")).expect("detect"),
        Some(DbBackend::Twoskip)
    );
    assert_eq!(
        cyrus_store::db::detect(&fs, &find_user_file("1/h", "conversations.db")).expect("detect"),
        Some(DbBackend::Skiplist)
    );
    assert_eq!(
        cyrus_store::db::detect(&fs, &find_user_file("1/h", "sub.db")).expect("detect"),
        None
    );
    assert_eq!(
        cyrus_store::db::detect(&fs, Path::new("/nonexistent/x.db")).expect("detect"),
        None
    );
    let mut db = open(
        fs,
        &f.join("basic/config/deliver.db"),
        DbBackend::Skiplist,
        ro(),
    )
    .expect("open");
    assert_eq!(db.backend(), DbBackend::Twoskip);
    db.consistent().expect("consistent");
}
