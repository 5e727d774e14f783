//! cyr_expire run as a site's cron would run it: on sites made through
//! the store (with expunge, deletion and delivery times set in the
//! past), and on two copies of the site real Cyrus 3.6 wrote, one
//! expired by Debian's `cyr_expire` and one by ours, which must then
//! look the same to Cyrus's own tools.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::PathBuf;

use cyrus_bin::config::ImapdConf;
use cyrus_bin::tools::{now, open_store};
use cyrus_store::duplicate::{DuplicateKey, DuplicateMark};
use cyrus_store::mailbox::{ExpungeMode, FlagOp, SystemFlags};
use cyrus_store::mboxname::MailboxName;
use cyrus_store::os::LockKind;
use cyrus_store::quota::QuotaResource;
use cyrus_store::{AppendRequest, NewMailbox, QuotaPolicy, Store, Uid};
use support::{CyrusTools, Site};

const DAY: u32 = 86_400;

fn text(v: &[u8]) -> String {
    String::from_utf8_lossy(v).into_owned()
}

fn store(site: &Site) -> Store {
    open_store(&ImapdConf::load(&site.conf()).unwrap()).unwrap()
}

fn name(n: &str) -> MailboxName {
    MailboxName::from_internal(n).unwrap()
}

fn message(i: usize) -> Vec<u8> {
    format!(
        "From: a@example.org\r\nTo: alice@localhost\r\nSubject: m{i}\r\n\
         Date: Mon, 1 Jan 2024 10:00:0{} +0000\r\nMessage-ID: <m{i}@example.org>\r\n\r\nbody {i}\r\n",
        i % 10
    )
    .into_bytes()
}

/// A fresh site with alice (quota root, INBOX with `n` messages) and
/// `user.alice.Old`.
fn site_with_messages(n: usize) -> (Site, Store) {
    let site = Site::fresh("");
    let s = store(&site);
    let t = now() - 30 * DAY;
    for m in ["user.alice", "user.alice.Old"] {
        s.create_mailbox(&name(m), &NewMailbox::default(), t)
            .unwrap();
    }
    s.set_quota(
        &name("user.alice"),
        &[(QuotaResource::Storage, Some(100_000))],
    )
    .unwrap();
    let msgs: Vec<_> = (1..=n)
        .map(|i| AppendRequest {
            data: message(i),
            flags: Vec::new(),
            internaldate: Some(t),
        })
        .collect();
    s.append_with(&name("user.alice"), &msgs, t, QuotaPolicy::Enforce)
        .unwrap();
    (site, s)
}

/// `\Deleted` then delayed expunge of `uids` in `mailbox` at time
/// `when`, as IMAP EXPUNGE does it (quota given back).
fn expunge_at(s: &Store, mailbox: &str, uids: &[u32], when: u32) {
    let (_, mut mbox) = s.open_mailbox(&name(mailbox), LockKind::Exclusive).unwrap();
    let uids: Vec<Uid> = uids.iter().map(|&u| Uid(u)).collect();
    mbox.store_flags(&uids, FlagOp::Add, SystemFlags::DELETED, &[], when)
        .unwrap();
    assert_eq!(
        s.expunge_deleted(&mut mbox, Some(&uids), ExpungeMode::Delayed, when)
            .unwrap(),
        uids
    );
}

fn mailbox_dir(site: &Site, mailbox: &str) -> PathBuf {
    let (rc, out, err) = site.run("cyr_mbpath", &[mailbox], b"");
    assert_eq!(rc, 0, "{err}");
    PathBuf::from(text(&out).trim())
}

/// The UIDs of every index record of `mailbox`, expunged ones included
/// (mbexamine, like Cyrus's, shows only the live ones).
fn examined_uids(site: &Site, mailbox: &str) -> Vec<u32> {
    let s = store(site);
    let (_, mbox) = s.open_mailbox(&name(mailbox), LockKind::Shared).unwrap();
    mbox.records().iter().map(|r| r.uid.0).collect()
}

/// Real Cyrus's `reconstruct -n` and `mbexamine -q` find nothing wrong
/// with `mailboxes` (when the tools are installed).
fn cyrus_accepts(site: &Site, mailboxes: &[&str]) {
    let Some(tools) = CyrusTools::find() else {
        return;
    };
    let mut args = vec!["-n", "-G"];
    args.extend_from_slice(mailboxes);
    let (rc, out, err) = tools.run(site, "reconstruct", &args);
    assert_eq!(rc, 0, "{err}");
    let report = text(&[out, err.into_bytes()].concat());
    let want: String = mailboxes.iter().map(|m| format!("{m}\n")).collect();
    assert_eq!(report, want, "reconstruct -n found problems");
    for m in mailboxes {
        let (rc, out, err) = tools.run(site, "mbexamine", &["-q", m]);
        assert_eq!(rc, 0, "{err}");
        assert!(text(&out).contains("CORRECT"), "{m}: {}", text(&out));
    }
    let (rc, out, err) = tools.run(site, "quota", &["-f", "-n", "-q"]);
    assert_eq!((rc, text(&out).as_str(), err.as_str()), (0, "", ""));
}

#[test]
fn expunged_messages_are_purged_by_age() {
    let (site, s) = site_with_messages(5);
    let t = now();
    expunge_at(&s, "user.alice", &[1, 2], t - 3 * DAY);
    expunge_at(&s, "user.alice", &[4], t);
    let dir = mailbox_dir(&site, "user/alice");
    for u in 1..=5 {
        assert!(dir.join(format!("{u}.")).exists());
    }
    let hms_before = s
        .open_mailbox(&name("user.alice"), LockKind::Shared)
        .unwrap()
        .1
        .index()
        .highestmodseq;

    // -X 1: the expunges of three days ago go, today's stays.
    let (rc, _, err) = site.run("cyr_expire", &["-X", "1", "-v"], b"");
    assert_eq!(rc, 0, "{err}");
    assert!(
        err.contains("Expunging deleted messages in mailboxes older than 1.00 days\n\n"),
        "{err}"
    );
    assert!(
        err.contains("cleaning up expunged messages in user.alice\n\n"),
        "{err}"
    );
    assert!(
        err.contains("\nExpired 0 and expunged 2 out of 5 messages from 2 mailboxes\n\n"),
        "{err}"
    );
    assert!(!dir.join("1.").exists() && !dir.join("2.").exists());
    for u in [3, 4, 5] {
        assert!(dir.join(format!("{u}.")).exists(), "{u}. went");
    }
    assert_eq!(examined_uids(&site, "user.alice"), [3, 4, 5]);
    let (_, mbox) = s
        .open_mailbox(&name("user.alice"), LockKind::Shared)
        .unwrap();
    // The purged records' modseqs are history now (QRESYNC VANISHED
    // cannot go below it).
    assert!(mbox.index().deletedmodseq > cyrus_store::Modseq(0));
    assert!(mbox.index().deletedmodseq <= hms_before);
    assert_eq!(mbox.index().exists, 2);
    // The untouched message is intact.
    assert_eq!(mbox.read_message(Uid(5)).unwrap(), message(5));
    drop(mbox);
    cyrus_accepts(&site, &["user/alice"]);

    // -X 0: today's expunge goes too.
    let (rc, _, err) = site.run("cyr_expire", &["-X", "0"], b"");
    assert_eq!((rc, err.as_str()), (0, ""));
    assert!(!dir.join("4.").exists());
    assert_eq!(examined_uids(&site, "user.alice"), [3, 5]);
    cyrus_accepts(&site, &["user/alice", "user/alice/Old"]);

    // -x skips the pass.
    expunge_at(&s, "user.alice", &[3], t - 3 * DAY);
    let (rc, _, err) = site.run("cyr_expire", &["-X", "0", "-x"], b"");
    assert_eq!((rc, err.as_str()), (0, ""));
    assert_eq!(examined_uids(&site, "user.alice"), [3, 5]);
    // -u picks the user, -p a name prefix.
    let (rc, _, err) = site.run("cyr_expire", &["-X", "0", "-u", "bob"], b"");
    assert_eq!((rc, err.as_str()), (0, ""));
    assert_eq!(examined_uids(&site, "user.alice"), [3, 5]);
    let (rc, _, err) = site.run("cyr_expire", &["-X", "0", "-p", "user/alice/Old"], b"");
    assert_eq!((rc, err.as_str()), (0, ""));
    assert_eq!(examined_uids(&site, "user.alice"), [3, 5]);
    let (rc, _, err) = site.run("cyr_expire", &["-X", "0", "-u", "alice"], b"");
    assert_eq!((rc, err.as_str()), (0, ""));
    assert_eq!(examined_uids(&site, "user.alice"), [5]);
}

#[test]
fn expire_annotation_expunges_old_messages() {
    let (site, s) = site_with_messages(2);
    let entry = s.lookup(&name("user.alice")).unwrap().unwrap();
    s.set_annotations(
        cyrus_store::AnnotTarget::Mailbox(&entry),
        &[cyrus_store::AnnotChange {
            entry: "/vendor/cmu/cyrus-imapd/expire",
            owner: cyrus_store::annotate::AnnotOwner::Shared,
            value: b"30",
        }],
    )
    .unwrap();
    let before = s.quota(&name("user.alice")).unwrap().unwrap();
    // The messages' Date is in 2024: older than 30 days.
    let (rc, _, err) = site.run("cyr_expire", &["-X", "0", "-v"], b"");
    assert_eq!(rc, 0, "{err}");
    assert!(
        err.contains("expiring messages in user.alice older than 30.00 days\n\n"),
        "{err}"
    );
    assert!(
        err.contains("Expired 2 and expunged 2 out of 2 messages from 2 mailboxes"),
        "{err}"
    );
    assert!(examined_uids(&site, "user.alice").is_empty());
    let after = s.quota(&name("user.alice")).unwrap().unwrap();
    assert!(after.used(QuotaResource::Storage) < before.used(QuotaResource::Storage));
    cyrus_accepts(&site, &["user/alice"]);

    // deliver.db entries into alice's INBOX live as long as its
    // annotation says (30 days); others by -E.
    let t = now();
    let id = entry
        .uniqueid
        .as_ref()
        .unwrap()
        .as_str()
        .as_bytes()
        .to_vec();
    for (msgid, to) in [(&b"<a@x>"[..], &id[..]), (b"<b@x>", b"other-mailbox")] {
        s.duplicate_mark(
            &DuplicateKey::new(msgid, to, b"").unwrap(),
            DuplicateMark {
                mark: i64::from(t - 5 * DAY),
                uid: 1,
            },
        )
        .unwrap();
    }
    let (rc, _, err) = site.run("cyr_expire", &["-E", "3", "-v"], b"");
    assert_eq!(rc, 0, "{err}");
    assert!(err.ends_with("purged 1 out of 2 entries\n"), "{err}");
    let (_, dump, _) = site.run("cyr_ctl_deliver", &["-d"], b"");
    assert!(text(&dump).contains("<a@x>") && !text(&dump).contains("<b@x>"));

    // -a ignores the annotation.
    s.append_with(
        &name("user.alice"),
        &[AppendRequest {
            data: message(7),
            flags: Vec::new(),
            internaldate: None,
        }],
        now(),
        QuotaPolicy::Enforce,
    )
    .unwrap();
    let (rc, _, err) = site.run("cyr_expire", &["-X", "0", "-a"], b"");
    assert_eq!((rc, err.as_str()), (0, ""));
    assert_eq!(examined_uids(&site, "user.alice"), [3]);
}

#[test]
fn deleted_mailboxes_are_removed_by_age() {
    let (site, s) = site_with_messages(1);
    let t = now();
    for m in ["user.alice.Young", "user.alice.Old.Sub"] {
        s.create_mailbox(&name(m), &NewMailbox::default(), t - 30 * DAY)
            .unwrap();
    }
    for m in ["user.alice.Young", "user.alice.Old.Sub"] {
        s.append_with(
            &name(m),
            &[AppendRequest {
                data: message(3),
                flags: Vec::new(),
                internaldate: None,
            }],
            t,
            QuotaPolicy::Enforce,
        )
        .unwrap();
    }
    let old_dir = mailbox_dir(&site, "user/alice/Old/Sub");
    s.delete_mailbox(&name("user.alice.Old.Sub"), t - 10 * DAY)
        .unwrap();
    s.delete_mailbox(&name("user.alice.Young"), t - 60).unwrap();
    let old = format!("DELETED.user.alice.Old.Sub.{:X}", t - 10 * DAY);
    let young = format!("DELETED.user.alice.Young.{:X}", t - 60);
    assert!(s.lookup(&name(&old)).unwrap().is_some());
    // As Cyrus 3.6 leaves a deleted mailbox: its header names it and no
    // quota root (alice's root was given its usage back).
    let (_, mbox) = s.open_mailbox(&name(&old), LockKind::Shared).unwrap();
    assert_eq!(
        (mbox.header().name.as_str(), &mbox.header().quotaroot),
        (old.as_str(), &None)
    );
    drop(mbox);
    let usage = s
        .quota(&name("user.alice"))
        .unwrap()
        .unwrap()
        .used(QuotaResource::Storage);
    // Cyrus's tools agree the deleted mailboxes are sound and outside the
    // quota root.
    cyrus_accepts(&site, &["user/alice"]);

    let (rc, _, err) = site.run("cyr_expire", &["-D", "7", "-v"], b"");
    assert_eq!(rc, 0, "{err}");
    assert!(
        err.contains(&format!("Cleaning up {old}\n\nRemoving: {old}\n\n")),
        "{err}"
    );
    assert!(err.contains("Removed 1 deleted mailboxes\n\n"), "{err}");
    assert!(!err.contains(&format!("Removing: {young}")), "{err}");
    // Its tombstone (mtime: the deletion ten days ago) went too.
    assert!(
        err.contains("Removing stale tombstone for user.alice.Old.Sub\n\n"),
        "{err}"
    );
    assert!(s.lookup(&name(&old)).unwrap().is_none());
    assert!(!old_dir.exists(), "files of {old} remain");
    assert!(s.lookup(&name(&young)).unwrap().is_some());
    let (_, dump, _) = site.run("cyr_mboxlist", &["-d"], b"");
    assert!(!text(&dump).contains(&old), "{}", text(&dump));
    assert!(text(&dump).contains(&young), "{}", text(&dump));
    // Quota usage was given back at deletion; removal does not take it
    // again.
    assert_eq!(
        s.quota(&name("user.alice"))
            .unwrap()
            .unwrap()
            .used(QuotaResource::Storage),
        usage
    );
    let (rc, out, err) = site.run("cyr_quota", &["-f", "-n", "-q"], b"");
    assert_eq!((rc, text(&out).as_str(), err.as_str()), (0, "", ""));
    cyrus_accepts(&site, &["user/alice"]);

    let (rc, _, err) = site.run("cyr_expire", &["-D", "0"], b"");
    assert_eq!((rc, err.as_str()), (0, ""));
    assert!(s.lookup(&name(&young)).unwrap().is_none());
}

#[test]
fn deliver_db_entries_are_pruned_by_age() {
    let site = Site::fresh("");
    let s = store(&site);
    let t = now();
    let key = |id: &str| DuplicateKey::new(id.as_bytes(), b"mailbox-uniqueid", b"date").unwrap();
    for (id, age) in [("<old@x>", 5 * DAY), ("<young@x>", DAY), ("<new@x>", 0)] {
        s.duplicate_mark(
            &key(id),
            DuplicateMark {
                mark: i64::from(t - age),
                uid: 1,
            },
        )
        .unwrap();
    }
    let (rc, _, err) = site.run("cyr_expire", &["-E", "3", "-v"], b"");
    assert_eq!(rc, 0, "{err}");
    assert!(
        err.ends_with("duplicate_prune: purged 1 out of 3 entries\n"),
        "{err}"
    );
    let (_, out, _) = site.run("cyr_ctl_deliver", &["-d"], b"");
    let dump = text(&out);
    assert!(
        !dump.contains("<old@x>") && dump.contains("<young@x>"),
        "{dump}"
    );
    assert!(dump.ends_with("got 2 entries\n"), "{dump}");
    // -E 0 prunes nothing (Cyrus: only a positive age prunes).
    let (rc, _, err) = site.run("cyr_expire", &["-E", "0", "-v"], b"");
    assert_eq!(rc, 0);
    assert!(!err.contains("duplicate_prune"), "{err}");
    let (rc, _, err) = site.run("cyr_expire", &["-E", "12h", "-v"], b"");
    assert_eq!(rc, 0);
    assert!(
        err.ends_with("duplicate_prune: purged 1 out of 2 entries\n"),
        "{err}"
    );
    // Real ctl_deliver reads what is left the same way.
    if let Some(tools) = CyrusTools::find() {
        let (rc, real, err) = tools.run(&site, "ctl_deliver", &["-d"]);
        assert_eq!(rc, 0, "{err}");
        let (_, ours, _) = site.run("cyr_ctl_deliver", &["-d"], b"");
        let body = |v: &[u8]| text(v).lines().skip(1).collect::<Vec<_>>().join("\n");
        assert_eq!(body(&ours), body(&real));
        assert!(body(&real).contains("<new@x>"));
    }
}

#[test]
fn usage_errors() {
    let site = Site::fresh("");
    let (rc, _, err) = site.run("cyr_expire", &[], b"");
    assert_eq!(rc, 64);
    assert!(err.starts_with("Missing arguments.\n"), "{err}");
    let (rc, _, _) = site.run("cyr_expire", &["-X", "3w"], b"");
    assert_ne!(rc, 0);
    let (rc, _, _) = site.run("cyr_expire", &["-X", "1", "-p", "user", "-u", "bob"], b"");
    assert_ne!(rc, 0);
    let (rc, _, err) = site.run("cyr_expire", &["-A", "7"], b"");
    assert_eq!(rc, 0);
    assert!(err.contains("-A is not supported"), "{err}");
}

/// `mbexamine` text with what legitimately differs between two runs at
/// different seconds blanked: the repack time shows nowhere, but a
/// mailbox both tools repacked may differ in nothing else.
fn examine_all(tools: &CyrusTools, site: &Site) -> String {
    let mut out = String::new();
    for m in [
        "shared-news",
        "user/alice",
        "user/alice/Archive",
        "user/alice/Archive/2024",
        "user/alice/Drafts",
        "user/alice/Sent",
        "user/bob",
        "user/bob/Work",
    ] {
        let (rc, o, err) = tools.run(site, "mbexamine", &[m]);
        assert_eq!(rc, 0, "{m}: {err}");
        out.push_str(&text(&site.normalise(&o)));
    }
    out
}

#[test]
fn differential_against_cyrus_cyr_expire() {
    let Some(tools) = CyrusTools::find() else {
        return;
    };
    let theirs = Site::fixture_copy();
    let ours = Site::fixture_copy();
    let args = ["-X", "0", "-D", "0", "-E", "3", "-v"];
    let (rc, _, their_err) = tools.run(&theirs, "cyr_expire", &args);
    assert_eq!(rc, 0, "{their_err}");
    let (rc, _, our_err) = ours.run("cyr_expire", &args, b"");
    assert_eq!(rc, 0, "{our_err}");
    // Ours adds the duplicate_prune totals Cyrus only logs.
    let our_err: String = our_err
        .lines()
        .filter(|l| !l.starts_with("duplicate_prune:"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(our_err, their_err);
    assert!(their_err.contains("expunged 7 out of"), "{their_err}");

    assert_eq!(examine_all(&tools, &ours), examine_all(&tools, &theirs));
    // The spools are the same files, and every index and cache the same
    // bytes, but for the repack time (and so the header CRC) of the
    // mailboxes both repacked a second or so apart.
    let files = |site: &Site| {
        let mut v: Vec<_> = walk(&site.root().join("spool"))
            .into_iter()
            .map(|p| p.strip_prefix(site.root()).unwrap().to_path_buf())
            .collect();
        v.sort();
        v
    };
    let (mine, want) = (files(&ours), files(&theirs));
    assert_eq!(mine, want);
    let mut repacked = 0;
    for f in &mine {
        let n = f.file_name().unwrap().to_str().unwrap();
        if n != "cyrus.index" && n != "cyrus.cache" {
            continue;
        }
        let mut a = std::fs::read(ours.root().join(f)).unwrap();
        let mut b = std::fs::read(theirs.root().join(f)).unwrap();
        if n == "cyrus.index" {
            if a[0..4] != [0, 0, 0, 0] {
                repacked += 1;
            }
            for v in [&mut a, &mut b] {
                v[92..96].fill(0);
                v[156..160].fill(0);
            }
        }
        assert!(a == b, "{} differs", f.display());
    }
    assert!(repacked > 0, "nothing was repacked");
    for (tool, args) in [
        ("ctl_mboxlist", &["-d"][..]),
        ("quota", &[][..]),
        ("ctl_deliver", &["-d"][..]),
    ] {
        let (rc, a, err) = tools.run(&ours, tool, args);
        assert_eq!(rc, 0, "{tool}: {err}");
        let (rc, b, err) = tools.run(&theirs, tool, args);
        assert_eq!(rc, 0, "{tool}: {err}");
        assert!(!a.is_empty(), "{tool}");
        let strip = |v: &[u8], site: &Site| {
            text(&site.normalise(v))
                .lines()
                .filter(|l| !l.starts_with("it is NOW") && !l.contains("\"mtime\""))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(strip(&a, &ours), strip(&b, &theirs), "{tool}");
    }
    let (rc, out, err) = tools.run(&ours, "reconstruct", &["-n", "-G", "-u", "alice", "bob"]);
    assert_eq!(rc, 0, "{err}");
    let (_, want, want_err) =
        tools.run(&theirs, "reconstruct", &["-n", "-G", "-u", "alice", "bob"]);
    assert_eq!(
        text(&[out, err.into_bytes()].concat()),
        text(&[want, want_err.into_bytes()].concat())
    );
}

/// Every file below `dir`.
fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
