//! Power cuts and I/O errors at every numbered filesystem call of each
//! store-level operation (`Store::append` single and batched, a staged
//! delivery to several mailboxes,
//! `create_mailbox`, `set_quota`, `delete_mailbox` in both delete modes),
//! on `SimFs`.
//!
//! After a power cut (`Fault::CrashAt(n)`, then `restart`) the store must
//! reopen; every mailbox in mailboxes.db must open, its message files must
//! match their index records; every message appended before, or by a call
//! that returned `Ok`, must be there byte for byte; mailboxes.db must pass
//! `consistent()`; and the store must take new mailboxes and messages.
//! After an injected I/O error (`Fault::FailAt(n)`) the call must return
//! (an error or `Ok`, never a panic) and the same `Store` must stay usable.
//!
//! The mailbox-level sweeps (`mailbox_crash.rs`) check index/cache
//! internals in depth; these check that the facade keeps mailboxes.db, the
//! spool and the caller's view in agreement.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::path::Path;
use std::sync::Arc;

use cyrus_store::db::{self, DbBackend, OpenFlags};
use cyrus_store::ids::Guid;
use cyrus_store::mboxname::MailboxName;
use cyrus_store::os::{Fault, FsRef, LockKind, SimFs};
use cyrus_store::quota::QuotaResource;
use cyrus_store::{AppendRequest, DeleteMode, Error, NewMailbox, Store, StoreOptions, Uid};

const NOW: u32 = 1_795_000_000;
/// No operation here makes anywhere near this many filesystem calls; a
/// sweep that gets this far is looping.
const MAX_OPS: u64 = 2_000;

fn mbox(s: &str) -> MailboxName {
    MailboxName::from_internal(s).unwrap()
}

fn message(tag: &str, n: usize) -> Vec<u8> {
    format!(
        "From: alice@example.org\r\nTo: bob@example.org\r\nSubject: {tag} {n}\r\n\
         Message-ID: <{tag}.{n}@example.org>\r\n\r\n{}\r\n",
        "body line\r\n".repeat(n % 5 + 1)
    )
    .into_bytes()
}

fn req(data: Vec<u8>) -> AppendRequest {
    AppendRequest {
        data,
        flags: vec!["\\Seen".into()],
        internaldate: Some(NOW - 10),
    }
}

/// A message the test knows must be in a mailbox.
struct Kept {
    mailbox: MailboxName,
    uid: Uid,
    data: Vec<u8>,
}

/// One simulated machine with a store on it.
struct Site {
    sim: SimFs,
    fs: FsRef,
    opts: StoreOptions,
    /// Whether `prepare` makes user.alice a quota root.
    quota_root: bool,
}

impl Site {
    fn new(delete_mode: DeleteMode) -> Site {
        let sim = SimFs::new();
        let fs: FsRef = Arc::new(sim.clone());
        let mut opts = StoreOptions::new("/lib", "/spool");
        opts.delete_mode = delete_mode;
        Site {
            sim,
            fs,
            opts,
            quota_root: false,
        }
    }

    fn with_quota_root(delete_mode: DeleteMode, quota_root: bool) -> Site {
        let mut site = Site::new(delete_mode);
        site.quota_root = quota_root;
        site
    }

    fn open(&self) -> Store {
        Store::open(self.fs.clone(), self.opts.clone())
            .unwrap_or_else(|e| panic!("Store::open after fault: {e}"))
    }
}

/// The state every sweep starts from: user.alice with two messages,
/// user.alice.Trash with one, a shared mailbox; all durable.
fn prepare(site: &Site) -> Vec<Kept> {
    let s = site.open();
    let mut kept = Vec::new();
    for (name, n) in [("user.alice", 2), ("user.alice.Trash", 1), ("shared", 0)] {
        let m = mbox(name);
        s.create_mailbox(&m, &NewMailbox::default(), NOW - 100)
            .unwrap();
        let msgs: Vec<Vec<u8>> = (0..n).map(|i| message(name, i)).collect();
        let uids = s
            .append(
                &m,
                &msgs.iter().cloned().map(req).collect::<Vec<_>>(),
                NOW - 50,
            )
            .unwrap();
        for (uid, data) in uids.into_iter().zip(msgs) {
            kept.push(Kept {
                mailbox: m.clone(),
                uid,
                data,
            });
        }
    }
    if site.quota_root {
        s.set_quota(
            &mbox("user.alice"),
            &[(QuotaResource::Storage, Some(100_000))],
        )
        .unwrap();
    }
    drop(s);
    // Everything above is durable before the fault is armed (this also
    // keeps the fault sweeps to the operation under test).
    site.sim.sync_all();
    kept
}

/// What every reopened (or error-surviving) store must satisfy.
fn check_store(site: &Site, s: &Store, kept: &[Kept]) {
    for e in s.all_mailboxes().expect("list mailboxes") {
        let (_, mb) = s
            .open_mailbox(&e.name, LockKind::Shared)
            .unwrap_or_else(|err| {
                panic!(
                    "{} is listed but does not open: {err}",
                    e.name.to_internal()
                )
            });
        for r in mb.records() {
            if r.is_unlinked() {
                continue;
            }
            let data = mb
                .read_message(r.uid)
                .unwrap_or_else(|err| panic!("{} uid {}: {err}", e.name.to_internal(), r.uid.0));
            assert_eq!(Guid::of(&data), r.guid, "message file matches its record");
            mb.read_cache(r).expect("cache entry reads");
        }
    }
    for k in kept {
        if s.lookup(&k.mailbox).unwrap().is_none() {
            continue; // deleted by the operation under test
        }
        let (_, mb) = s.open_mailbox(&k.mailbox, LockKind::Shared).unwrap();
        let r = mb.record(k.uid).unwrap_or_else(|| {
            panic!(
                "{} uid {} was appended and is gone",
                k.mailbox.to_internal(),
                k.uid.0
            )
        });
        assert!(!r.is_expunged());
        assert_eq!(mb.read_message(k.uid).unwrap(), k.data, "identical bytes");
    }
    let mut mdb = db::open(
        site.fs.clone(),
        Path::new("/lib/mailboxes.db"),
        DbBackend::Twoskip,
        OpenFlags::default(),
    )
    .expect("mailboxes.db opens");
    mdb.consistent().expect("mailboxes.db is consistent");
}

/// The store still takes a new mailbox and new messages (in `shared`, so
/// the operations' own checks on user.alice keep their counts).
fn still_usable(s: &Store, tag: &str) {
    let inbox = mbox("shared");
    let data = message(tag, 9);
    let uids = s.append(&inbox, &[req(data.clone())], NOW + 5).unwrap();
    let (_, mb) = s.open_mailbox(&inbox, LockKind::Shared).unwrap();
    assert_eq!(mb.read_message(uids[0]).unwrap(), data);
    drop(mb);
    let fresh = mbox(&format!("user.alice.after-{tag}"));
    match s.create_mailbox(&fresh, &NewMailbox::default(), NOW + 5) {
        Ok(_) | Err(Error::Exists(_)) => {}
        Err(e) => panic!("create after fault: {e}"),
    }
    s.open_mailbox(&fresh, LockKind::Shared).unwrap();
}

/// The operation under test; returns the messages it appended.
type Op = fn(&Store) -> Result<Vec<Kept>, Error>;
/// Checks the operation's own effect; `ok` says whether it returned Ok.
type Check = fn(&Store, bool);

/// Runs `op` with a power cut at call 1, 2, … until a run finishes
/// without reaching the cut; returns how many calls the operation makes.
fn crash_sweep(mode: DeleteMode, op: Op, check: Check) -> u64 {
    crash_sweep_on(mode, false, op, check)
}

fn crash_sweep_on(mode: DeleteMode, quota_root: bool, op: Op, check: Check) -> u64 {
    crash_sweep_with(&|| Site::with_quota_root(mode, quota_root), op, check)
}

/// [`crash_sweep`] on sites made by `new_site`.
fn crash_sweep_with(new_site: &dyn Fn() -> Site, op: Op, check: Check) -> u64 {
    for n in 1..MAX_OPS {
        let site = new_site();
        let mut kept = prepare(&site);
        let s = site.open();
        site.sim.set_fault(Fault::CrashAt(n));
        let r = op(&s);
        let crashed = site.sim.is_down();
        let ok = r.is_ok();
        if let Ok(new) = r {
            kept.extend(new);
        }
        drop(s);
        site.sim.restart();
        let s = site.open();
        check_store(&site, &s, &kept);
        check(&s, ok);
        still_usable(&s, "crash");
        check_store(&site, &s, &kept);
        if !crashed {
            assert!(ok, "no power cut and still an error at n={n}");
            eprintln!("operation made {} filesystem calls", n - 1);
            return n;
        }
    }
    panic!("operation did not finish within {MAX_OPS} filesystem calls");
}

/// Runs `op` with an I/O error at call 1, 2, …, `calls`; the same store
/// must then pass the checks and stay usable, and so must a reopened one.
fn fail_sweep(mode: DeleteMode, op: Op, check: Check, calls: u64) {
    fail_sweep_on(mode, false, op, check, calls)
}

fn fail_sweep_on(mode: DeleteMode, quota_root: bool, op: Op, check: Check, calls: u64) {
    fail_sweep_with(
        &|| Site::with_quota_root(mode, quota_root),
        op,
        check,
        calls,
    )
}

/// [`fail_sweep`] on sites made by `new_site`.
fn fail_sweep_with(new_site: &dyn Fn() -> Site, op: Op, check: Check, calls: u64) {
    for n in 1..=calls {
        let site = new_site();
        let mut kept = prepare(&site);
        let s = site.open();
        site.sim.set_fault(Fault::FailAt(n));
        let r = op(&s);
        site.sim.set_fault(Fault::None);
        let ok = r.is_ok();
        if let Ok(new) = r {
            kept.extend(new);
        }
        check_store(&site, &s, &kept);
        check(&s, ok);
        still_usable(&s, "fail");
        drop(s);
        // A power cut right after the error loses nothing that was Ok.
        site.sim.restart();
        let s = site.open();
        check_store(&site, &s, &kept);
        check(&s, ok);
    }
}

fn sweep(mode: DeleteMode, op: Op, check: Check) {
    let calls = crash_sweep(mode, op, check);
    assert!(calls > 2, "operation made only {calls} filesystem calls");
    fail_sweep(mode, op, check, calls);
}

fn append_n(s: &Store, n: usize) -> Result<Vec<Kept>, Error> {
    let inbox = mbox("user.alice");
    let msgs: Vec<Vec<u8>> = (0..n).map(|i| message("new", i + 10)).collect();
    let uids = s.append(
        &inbox,
        &msgs.iter().cloned().map(req).collect::<Vec<_>>(),
        NOW,
    )?;
    assert_eq!(uids.len(), n);
    Ok(uids
        .into_iter()
        .zip(msgs)
        .map(|(uid, data)| Kept {
            mailbox: inbox.clone(),
            uid,
            data,
        })
        .collect())
}

/// A group commit is all or nothing: user.alice holds its two messages
/// and either none or all of the new ones.
fn check_append(s: &Store, ok: bool, n: u32) {
    let (_, mb) = s
        .open_mailbox(&mbox("user.alice"), LockKind::Shared)
        .unwrap();
    let exists = mb.index().exists;
    if ok {
        assert_eq!(exists, 2 + n);
    } else {
        assert!(exists == 2 || exists == 2 + n, "partial batch: {exists}");
    }
}

#[test]
fn append_one_survives_power_cuts_and_errors() {
    sweep(
        DeleteMode::Delayed,
        |s| append_n(s, 1),
        |s, ok| check_append(s, ok, 1),
    );
}

/// With a quota root, usage is never overcounted. A returned Ok means
/// the messages are there; their usage may be missing when the fault hit
/// the quota update after the commit (the append is not reported as
/// failed, or clients would store it twice; `quota -f` recounts, as in
/// Cyrus). Exact counting without faults is checked in `store_e2e`.
fn check_append_quota(s: &Store, ok: bool) {
    check_append(s, ok, 3);
    let q = s.quota(&mbox("user.alice")).unwrap().expect("root exists");
    let mut used = 0i64;
    for name in ["user.alice", "user.alice.Trash"] {
        let (_, mb) = s.open_mailbox(&mbox(name), LockKind::Shared).unwrap();
        used += mb.index().quota_mailbox_used as i64;
    }
    // Cyrus's order too: the messages are committed before the usage, so
    // an interruption undercounts until `quota -f`.
    assert!(q.used(QuotaResource::Storage) <= used, "usage overcounted");
}

#[test]
fn append_under_a_quota_root_survives_power_cuts_and_errors() {
    let calls = crash_sweep_on(
        DeleteMode::Delayed,
        true,
        |s| append_n(s, 3),
        check_append_quota,
    );
    fail_sweep_on(
        DeleteMode::Delayed,
        true,
        |s| append_n(s, 3),
        check_append_quota,
        calls,
    );
}

#[test]
fn append_batch_survives_power_cuts_and_errors() {
    sweep(
        DeleteMode::Delayed,
        |s| append_n(s, 5),
        |s, ok| check_append(s, ok, 5),
    );
}

fn create_bob_work(s: &Store) -> Result<Vec<Kept>, Error> {
    // user.bob.Work also creates the missing INBOX user.bob.
    s.create_mailbox(&mbox("user.bob.Work"), &NewMailbox::default(), NOW)?;
    Ok(Vec::new())
}

fn check_bob_work(s: &Store, ok: bool) {
    if ok {
        assert!(s.lookup(&mbox("user.bob.Work")).unwrap().is_some());
        assert!(s.lookup(&mbox("user.bob")).unwrap().is_some());
    }
}

#[test]
fn create_mailbox_survives_power_cuts() {
    let calls = crash_sweep(DeleteMode::Delayed, create_bob_work, check_bob_work);
    assert!(calls > 2);
}

/// Regression (found by this sweep): when the
/// mailboxes.db commit fails at its second fsync (after the header naming
/// the new record was written), `Store::create_mailbox` reports the error
/// and removes the new mailbox's files, but the entry is in mailboxes.db
/// (twoskip keeps the written header): the mailbox is listed and cannot be
/// opened. Fails at `FailAt(20)`. Run with `--ignored` once fixed.
#[test]
fn create_mailbox_survives_io_errors() {
    let calls = crash_sweep(DeleteMode::Delayed, create_bob_work, check_bob_work);
    fail_sweep(DeleteMode::Delayed, create_bob_work, check_bob_work, calls);
}

#[test]
fn set_quota_survives_power_cuts_and_errors() {
    sweep(
        DeleteMode::Delayed,
        |s| {
            s.set_quota(&mbox("user.alice"), &[(QuotaResource::Storage, Some(1000))])?;
            Ok(Vec::new())
        },
        |s, ok| {
            let root = mbox("user.alice");
            if ok {
                let q = s.quota(&root).unwrap().expect("the root exists");
                assert_eq!(q.limit(QuotaResource::Storage), Some(1000));
            }
            // Usage is at most what the two mailboxes hold (an interrupted
            // SETQUOTA may have counted fewer; `quota -f` recounts).
            if let Some(q) = s.quota(&root).unwrap() {
                let mut used = 0;
                for name in ["user.alice", "user.alice.Trash"] {
                    let (_, mb) = s.open_mailbox(&mbox(name), LockKind::Shared).unwrap();
                    used += mb.index().quota_mailbox_used as i64;
                }
                assert!(q.used(QuotaResource::Storage) <= used + 10_000);
            }
        },
    );
}

fn delete_trash(s: &Store) -> Result<Vec<Kept>, Error> {
    s.delete_mailbox(&mbox("user.alice.Trash"), NOW)?;
    Ok(Vec::new())
}

fn check_deleted(s: &Store, ok: bool) {
    if ok {
        assert!(s.lookup(&mbox("user.alice.Trash")).unwrap().is_none());
    }
}

#[test]
fn delayed_delete_survives_power_cuts_and_errors() {
    sweep(DeleteMode::Delayed, delete_trash, check_deleted);
}

#[test]
fn immediate_delete_survives_power_cuts_and_errors() {
    sweep(DeleteMode::Immediate, delete_trash, check_deleted);
}

/// Regression (found by this sweep; fixed in `db/twoskip/engine.rs`):
/// `Twoskip::open` with `create` creates the file but never fsyncs its
/// directory, so the new file's name is not durable. `Store::open` on an
/// empty directory creates mailboxes.db this way; everything committed to
/// it afterwards is lost with the file at the next power cut, though each
/// commit reported success. Run with `--ignored` once the fix is in.
#[test]
fn new_mailboxes_db_survives_a_restart() {
    let site = Site::new(DeleteMode::Delayed);
    let s = site.open();
    s.create_mailbox(&mbox("user.alice"), &NewMailbox::default(), NOW)
        .unwrap();
    drop(s);
    site.sim.restart();
    let s = site.open();
    assert!(
        s.lookup(&mbox("user.alice")).unwrap().is_some(),
        "a created mailbox vanished at a clean restart"
    );
}

/// Regression (found by this sweep; fixed in `store/append.rs`): when the
/// messages are committed but updating the quota root's usage then fails,
/// `Store::append` returns the error although the messages are durable and
/// visible. A caller that retries (an LMTP client after a 4xx) delivers
/// them twice. Cyrus 3.6 logs a failed usage update and reports the append
/// as done (`mailbox_commit_quota`); `quota -f` repairs the count.
#[test]
fn a_failed_append_appends_nothing() {
    let calls = crash_sweep_on(DeleteMode::Delayed, true, |s| append_n(s, 3), |_, _| {});
    for n in 1..=calls {
        let mut site = Site::new(DeleteMode::Delayed);
        site.quota_root = true;
        prepare(&site);
        let s = site.open();
        site.sim.set_fault(Fault::FailAt(n));
        let r = append_n(&s, 3);
        site.sim.set_fault(Fault::None);
        let (_, mb) = s
            .open_mailbox(&mbox("user.alice"), LockKind::Shared)
            .unwrap();
        if r.is_err() {
            assert_eq!(
                mb.index().exists,
                2,
                "FailAt({n}): error returned, messages appended"
            );
        }
    }
}

#[test]
fn change_acl_survives_power_cuts_and_errors() {
    use cyrus_store::acl::{AclMode, Rights};
    sweep(
        DeleteMode::Delayed,
        |s| {
            s.change_acl(&mbox("user.alice.Trash"), NOW, |acl| {
                acl.set("bob", AclMode::Set, Rights::LOOKUP | Rights::READ)?;
                Ok(())
            })?;
            Ok(Vec::new())
        },
        |s, ok| {
            let lr = Rights::LOOKUP | Rights::READ;
            let e = s.lookup(&mbox("user.alice.Trash")).unwrap().unwrap();
            let bob = e.acl.as_ref().and_then(|a| a.get("bob"));
            // mailboxes.db holds the old ACL or the new one, never a mix.
            assert!(bob.is_none() || bob == Some(lr), "{bob:?}");
            assert!(e.acl.as_ref().unwrap().get("alice").is_some());
            if ok {
                assert_eq!(bob, Some(lr));
                let (_, mb) = s
                    .open_mailbox(&mbox("user.alice.Trash"), LockKind::Shared)
                    .unwrap();
                assert!(mb.header().acl.contains("bob\tlr\t"), "cyrus.header agrees");
            }
        },
    );
}

#[test]
fn set_annotations_survives_power_cuts_and_errors() {
    use cyrus_store::annotate::AnnotOwner;
    use cyrus_store::{AnnotChange, AnnotTarget};
    sweep(
        DeleteMode::Delayed,
        |s| {
            let e = s.lookup(&mbox("user.alice")).unwrap().unwrap();
            s.set_annotations(
                AnnotTarget::Mailbox(&e),
                &[AnnotChange {
                    entry: "/comment",
                    owner: AnnotOwner::Shared,
                    value: b"hello",
                }],
            )?;
            Ok(Vec::new())
        },
        |s, ok| {
            let e = s.lookup(&mbox("user.alice")).unwrap().unwrap();
            let v = s
                .annotation(AnnotTarget::Mailbox(&e), "/comment", AnnotOwner::Shared)
                .unwrap()
                .map(|v| v.value);
            assert!(v.is_none() || v.as_deref() == Some(&b"hello"[..]), "{v:?}");
            let (_, mb) = s
                .open_mailbox(&mbox("user.alice"), LockKind::Shared)
                .unwrap();
            let used = mb.index().quota_annot_used;
            // The usage follows the value (a cut between the two leaves it
            // low, which `quota -f` recounts; never above what is stored).
            assert!(used == 0 || (used == 5 && v.is_some()), "{used}");
            if ok {
                assert_eq!(v.as_deref(), Some(&b"hello"[..]));
                assert_eq!(used, 5);
            }
        },
    );
}

/// The two messages of user.alice, copied to user.alice.Trash.
fn copy_inbox_to_trash(s: &Store) -> Result<Vec<Kept>, Error> {
    let (src, dst) = (mbox("user.alice"), mbox("user.alice.Trash"));
    let pairs = s.copy_messages(
        &src,
        &[Uid(1), Uid(2)],
        &dst,
        NOW,
        cyrus_store::QuotaPolicy::Enforce,
    )?;
    assert_eq!(pairs.len(), 2);
    let (_, mb) = s.open_mailbox(&src, LockKind::Shared).unwrap();
    Ok(pairs
        .into_iter()
        .map(|(from, to)| Kept {
            mailbox: dst.clone(),
            uid: to,
            data: mb.read_message(from).unwrap(),
        })
        .collect())
}

/// All or nothing: Trash holds its one message plus none or both copies,
/// and the sources are untouched (`check_store` checks their bytes).
fn check_copy(s: &Store, ok: bool) {
    let (_, mb) = s
        .open_mailbox(&mbox("user.alice.Trash"), LockKind::Shared)
        .unwrap();
    let exists = mb.index().exists;
    if ok {
        assert_eq!(exists, 3);
    } else {
        assert!(exists == 1 || exists == 3, "partial copy: {exists}");
    }
    let (_, inbox) = s
        .open_mailbox(&mbox("user.alice"), LockKind::Shared)
        .unwrap();
    assert_eq!(inbox.index().exists, 2, "COPY leaves the source alone");
}

#[test]
fn copy_survives_power_cuts_and_errors() {
    sweep(DeleteMode::Delayed, copy_inbox_to_trash, check_copy);
}

#[test]
fn copy_under_a_quota_root_survives_power_cuts_and_errors() {
    let calls = crash_sweep_on(DeleteMode::Delayed, true, copy_inbox_to_trash, check_copy);
    fail_sweep_on(
        DeleteMode::Delayed,
        true,
        copy_inbox_to_trash,
        check_copy,
        calls,
    );
}

fn move_inbox_to_trash(s: &Store) -> Result<Vec<Kept>, Error> {
    let pairs = s.move_messages(
        &mbox("user.alice"),
        &[Uid(1), Uid(2)],
        &mbox("user.alice.Trash"),
        NOW,
    )?;
    assert_eq!(pairs.len(), 2);
    Ok(Vec::new())
}

/// A message moved is in the target, the source, or both; never lost.
fn check_move(s: &Store, ok: bool) {
    let (_, trash) = s
        .open_mailbox(&mbox("user.alice.Trash"), LockKind::Shared)
        .unwrap();
    let (_, inbox) = s
        .open_mailbox(&mbox("user.alice"), LockKind::Shared)
        .unwrap();
    let (t, i) = (trash.index().exists, inbox.index().exists);
    if ok {
        assert_eq!((t, i), (3, 0));
    } else {
        assert!(
            matches!((t, i), (1, 2) | (3, 2) | (3, 0)),
            "moved messages lost or split: trash {t}, inbox {i}"
        );
    }
}

/// The MOVE sweeps: as `crash_sweep`/`fail_sweep`, except that the
/// moved messages may leave user.alice (`check_move` says where they are).
#[test]
fn move_survives_power_cuts_and_errors() {
    let not_inbox = |kept: Vec<Kept>| -> Vec<Kept> {
        kept.into_iter()
            .filter(|k| k.mailbox != mbox("user.alice"))
            .collect()
    };
    let mut calls = 0;
    for n in 1..MAX_OPS {
        let site = Site::new(DeleteMode::Delayed);
        let kept = not_inbox(prepare(&site));
        let s = site.open();
        site.sim.set_fault(Fault::CrashAt(n));
        let ok = move_inbox_to_trash(&s).is_ok();
        let crashed = site.sim.is_down();
        drop(s);
        site.sim.restart();
        let s = site.open();
        check_store(&site, &s, &kept);
        check_move(&s, ok);
        still_usable(&s, "crash");
        if !crashed {
            assert!(ok, "no power cut and still an error at n={n}");
            calls = n;
            break;
        }
    }
    assert!(calls > 2, "MOVE made only {calls} filesystem calls");
    for n in 1..=calls {
        let site = Site::new(DeleteMode::Delayed);
        let kept = not_inbox(prepare(&site));
        let s = site.open();
        site.sim.set_fault(Fault::FailAt(n));
        let ok = move_inbox_to_trash(&s).is_ok();
        site.sim.set_fault(Fault::None);
        check_store(&site, &s, &kept);
        check_move(&s, ok);
        still_usable(&s, "fail");
        drop(s);
        site.sim.restart();
        let s = site.open();
        check_store(&site, &s, &kept);
        check_move(&s, ok);
    }
}

/// On one filesystem a copy is a hard link to the same file
/// (single-instance store), and expunging the original keeps the copy.
#[test]
fn copy_hard_links_and_keeps_guid_flags_and_dates() {
    let site = Site::new(DeleteMode::Delayed);
    prepare(&site);
    let s = site.open();
    let (src, dst) = (mbox("user.alice"), mbox("user.alice.Trash"));
    let pairs = s
        .copy_messages(
            &src,
            &[Uid(2), Uid(7)],
            &dst,
            NOW,
            cyrus_store::QuotaPolicy::Enforce,
        )
        .unwrap();
    assert_eq!(pairs, vec![(Uid(2), Uid(2))], "missing UIDs are skipped");
    let (_, a) = s.open_mailbox(&src, LockKind::Shared).unwrap();
    let (_, b) = s.open_mailbox(&dst, LockKind::Shared).unwrap();
    let (ra, rb) = (a.record(Uid(2)).unwrap(), b.record(Uid(2)).unwrap());
    assert_eq!(ra.guid, rb.guid);
    assert_eq!(ra.internaldate, rb.internaldate);
    assert_eq!(ra.system_flags, rb.system_flags);
    assert_eq!(a.read_cache(ra).unwrap(), b.read_cache(rb).unwrap());
    let md = site.fs.metadata(&b.message_path(Uid(2))).unwrap().unwrap();
    assert_eq!(md.nlink, 2, "hard-linked, not copied");
    assert!(rb.modseq > ra.modseq || b.index().highestmodseq == rb.modseq);
}

/// A copy that would go over the target's quota copies nothing.
#[test]
fn copy_over_quota_copies_nothing() {
    let mut site = Site::new(DeleteMode::Delayed);
    site.quota_root = true;
    prepare(&site);
    let s = site.open();
    s.set_quota(&mbox("user.alice"), &[(QuotaResource::Message, Some(4))])
        .unwrap();
    let r = s.copy_messages(
        &mbox("user.alice"),
        &[Uid(1), Uid(2)],
        &mbox("user.alice.Trash"),
        NOW,
        cyrus_store::QuotaPolicy::Enforce,
    );
    assert!(
        matches!(r, Err(Error::OverQuota(QuotaResource::Message))),
        "{r:?}"
    );
    let (_, mb) = s
        .open_mailbox(&mbox("user.alice.Trash"), LockKind::Shared)
        .unwrap();
    assert_eq!(mb.index().exists, 1);
}

/// A filesystem without hard links (as across partitions on different
/// devices): every `hard_link` fails with EXDEV, the rest is `SimFs`.
#[derive(Debug)]
struct NoLinks(SimFs);

impl cyrus_store::os::Fs for NoLinks {
    fn open(
        &self,
        path: &Path,
        mode: cyrus_store::os::OpenMode,
    ) -> std::io::Result<Box<dyn cyrus_store::os::File>> {
        self.0.open(path, mode)
    }
    fn rename(&self, from: &Path, to: &Path) -> std::io::Result<()> {
        self.0.rename(from, to)
    }
    fn remove_file(&self, path: &Path) -> std::io::Result<()> {
        self.0.remove_file(path)
    }
    fn remove_dir(&self, path: &Path) -> std::io::Result<()> {
        self.0.remove_dir(path)
    }
    fn create_dir_all(&self, path: &Path) -> std::io::Result<()> {
        self.0.create_dir_all(path)
    }
    fn sync_dir(&self, path: &Path) -> std::io::Result<()> {
        self.0.sync_dir(path)
    }
    fn hard_link(&self, _from: &Path, _to: &Path) -> std::io::Result<()> {
        Err(std::io::Error::from_raw_os_error(18)) // EXDEV
    }
    fn symlink(&self, target: &Path, link: &Path) -> std::io::Result<()> {
        self.0.symlink(target, link)
    }
    fn read_link(&self, path: &Path) -> std::io::Result<std::path::PathBuf> {
        self.0.read_link(path)
    }
    fn read_dir(&self, path: &Path) -> std::io::Result<Vec<String>> {
        self.0.read_dir(path)
    }
    fn metadata(&self, path: &Path) -> std::io::Result<Option<cyrus_store::os::Metadata>> {
        self.0.metadata(path)
    }
    fn file_id(&self, path: &Path) -> std::io::Result<cyrus_store::os::FileId> {
        self.0.file_id(path)
    }
}

fn site_without_links() -> Site {
    let mut site = Site::new(DeleteMode::Delayed);
    site.fs = Arc::new(NoLinks(site.sim.clone()));
    site
}

/// `check_copy`, and a copy that returned Ok is a file of its own.
fn check_unlinked_copy(s: &Store, ok: bool) {
    check_copy(s, ok);
    if ok {
        let (_, mb) = s
            .open_mailbox(&mbox("user.alice.Trash"), LockKind::Shared)
            .unwrap();
        let md = s.fs().metadata(&mb.message_path(Uid(2))).unwrap().unwrap();
        assert_eq!(md.nlink, 1, "a copy, not a link");
    }
}

/// Without hard links a copy writes its own durable file: all or nothing
/// across power cuts and I/O errors, and the copy is a separate file.
#[test]
fn copy_without_hard_links_copies_the_file_and_survives_power_cuts() {
    let calls = crash_sweep_with(
        &site_without_links,
        copy_inbox_to_trash,
        check_unlinked_copy,
    );
    assert!(calls > 2);
    fail_sweep_with(
        &site_without_links,
        copy_inbox_to_trash,
        check_unlinked_copy,
        calls,
    );
}

/// Regression: a `.tmp.<uid>` left by an interrupted copy is a hard link
/// to another mailbox's message; the next append with that UID must not
/// write through it.
#[test]
fn a_stale_copy_temporary_never_corrupts_the_source() {
    let site = Site::new(DeleteMode::Delayed);
    let kept = prepare(&site);
    let s = site.open();
    let (_, inbox) = s
        .open_mailbox(&mbox("user.alice"), LockKind::Shared)
        .unwrap();
    let (_, trash) = s
        .open_mailbox(&mbox("user.alice.Trash"), LockKind::Shared)
        .unwrap();
    let stale = trash.dir().join(".tmp.2");
    site.fs
        .hard_link(&inbox.message_path(Uid(1)), &stale)
        .unwrap();
    drop((inbox, trash));
    s.append(&mbox("user.alice.Trash"), &[req(message("other", 3))], NOW)
        .unwrap();
    check_store(&site, &s, &kept);
}

fn rename_trash_out_of_the_root(s: &Store) -> Result<Vec<Kept>, Error> {
    s.rename_mailbox(&mbox("user.alice.Trash"), &mbox("shared.Trash"), NOW)?;
    Ok(Vec::new())
}

/// A rename is whole or not at all in mailboxes.db, the mailbox opens
/// under whichever name it has, and the quota root it leaves is never
/// overcounted (usage leaves the old root before the rename commits).
fn check_rename(s: &Store, ok: bool) {
    let old = s.lookup(&mbox("user.alice.Trash")).unwrap().is_some();
    let new = s.lookup(&mbox("shared.Trash")).unwrap().is_some();
    assert!(old != new, "exactly one name: old {old}, new {new}");
    assert!(!ok || new, "an Ok rename is durable");
    let live = if new {
        "shared.Trash"
    } else {
        "user.alice.Trash"
    };
    let (_, mb) = s.open_mailbox(&mbox(live), LockKind::Shared).unwrap();
    assert_eq!(mb.index().exists, 1);
    drop(mb);
    let q = s.quota(&mbox("user.alice")).unwrap().expect("root exists");
    let mut used = 0i64;
    for name in ["user.alice", "user.alice.Trash"] {
        if let Ok((_, mb)) = s.open_mailbox(&mbox(name), LockKind::Shared) {
            used += mb.index().quota_mailbox_used as i64;
        }
    }
    assert!(q.used(QuotaResource::Storage) <= used, "usage overcounted");
}

#[test]
fn rename_across_quota_roots_survives_power_cuts_and_errors() {
    let calls = crash_sweep_on(
        DeleteMode::Delayed,
        true,
        rename_trash_out_of_the_root,
        check_rename,
    );
    fail_sweep_on(
        DeleteMode::Delayed,
        true,
        rename_trash_out_of_the_root,
        check_rename,
        calls,
    );
}

/// One LMTP delivery to three mailboxes through one staged message
/// (single-instance store). Every append that returned Ok is kept; the
/// others left their mailbox as it was.
fn deliver_staged(s: &Store) -> Result<Vec<Kept>, Error> {
    let data = message("staged", 3);
    let staged = s.stage_message(data.clone());
    let mut kept = Vec::new();
    for name in ["user.alice", "user.alice.Trash", "shared"] {
        let m = mbox(name);
        if let Ok(uid) = s.append_staged(
            &m,
            &staged,
            &["\\Flagged".into()],
            Some(NOW),
            NOW,
            cyrus_store::QuotaPolicy::Enforce,
        ) {
            kept.push(Kept {
                mailbox: m,
                uid,
                data: data.clone(),
            });
        }
    }
    Ok(kept)
}

fn check_staged(s: &Store, _ok: bool) {
    // (`shared` also gets the messages of `still_usable`.)
    for (name, before) in [("user.alice", 2), ("user.alice.Trash", 1)] {
        let (_, mb) = s.open_mailbox(&mbox(name), LockKind::Shared).unwrap();
        let exists = mb.index().exists;
        assert!(
            exists == before || exists == before + 1,
            "{name}: {exists} messages"
        );
    }
}

#[test]
fn staged_delivery_survives_power_cuts_and_errors() {
    sweep(DeleteMode::Delayed, deliver_staged, check_staged);
}
