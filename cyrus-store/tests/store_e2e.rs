//! The store driven through its public API, as an embedding program or a
//! protocol front-end would: create mailboxes, append, quota, delete, and
//! reopen to check that everything is still there.

#![allow(clippy::unwrap_used)]

mod support;

use cyrus_store::mailbox::SystemFlags;
use cyrus_store::mboxname::MailboxName;
use cyrus_store::os::LockKind;
use cyrus_store::quota::QuotaResource;
use cyrus_store::{AppendRequest, Error, NewMailbox, Store};
use support::{fixture_message, mbox, Site};

const NOW: u32 = 1_795_000_000;

#[test]
fn create_append_reopen() {
    let site = Site::new();
    let s = &site.store;
    let inbox = mbox("user.alice");
    let e = s
        .create_mailbox(&inbox, &NewMailbox::default(), NOW)
        .unwrap();
    assert_eq!(
        e.acl.as_ref().unwrap().to_cyrus_string(),
        "alice\tlrswipkxtecdan\t"
    );
    let sent = s
        .create_mailbox(&mbox("user.alice.Sent"), &NewMailbox::default(), NOW)
        .unwrap();
    assert_eq!(sent.acl, e.acl, "a child copies its parent's ACL");
    assert!(matches!(
        s.create_mailbox(&inbox, &NewMailbox::default(), NOW),
        Err(Error::Exists(_))
    ));

    let m1 = fixture_message("01-lmtp-alice-plain-ascii.eml");
    let m2 = fixture_message("05-lmtp-alice-multipart-mixed-pdf-rfc2231.eml");
    let uids = s
        .append(
            &inbox,
            &[
                AppendRequest {
                    data: m1.clone(),
                    flags: vec!["\\Seen".into(), "$Forwarded".into()],
                    internaldate: Some(1_704_000_000),
                },
                AppendRequest {
                    data: m2.clone(),
                    ..Default::default()
                },
            ],
            NOW,
        )
        .unwrap();
    assert_eq!(uids.iter().map(|u| u.0).collect::<Vec<_>>(), vec![1, 2]);

    // A fresh Store over the same files sees the same state.
    let opts = s.options().clone();
    let fs = s.fs().clone();
    drop(site.store);
    let s2 = Store::open(fs, opts).unwrap();
    let (_, mb) = s2.open_mailbox(&inbox, LockKind::Shared).unwrap();
    assert_eq!(mb.index().exists, 2);
    assert_eq!(mb.index().last_uid.0, 2);
    assert_eq!(mb.index().quota_mailbox_used, (m1.len() + m2.len()) as u64);
    let r1 = &mb.records()[0];
    assert!(r1.system_flags.contains(SystemFlags::SEEN));
    assert_eq!(r1.internaldate, 1_704_000_000);
    assert_eq!(
        mb.header().user_flags.first().and_then(|f| f.as_deref()),
        Some("$Forwarded")
    );
    assert_eq!(mb.read_message(r1.uid).unwrap(), m1);
    let cache = mb.read_cache(&mb.records()[1]).unwrap();
    let parsed = cyrus_store::message::parse(&m2).cache_items();
    assert_eq!(
        cache.0[1],
        parsed.bodystructure(),
        "BODYSTRUCTURE cached as parsed"
    );
    let names: Vec<String> = s2
        .all_mailboxes()
        .unwrap()
        .iter()
        .map(|e| e.name.to_internal())
        .collect();
    assert_eq!(names, ["user.alice", "user.alice.Sent"]);
}

#[test]
fn quota_is_counted_and_enforced() {
    let site = Site::new();
    let s = &site.store;
    let inbox = mbox("user.bob");
    s.create_mailbox(&inbox, &NewMailbox::default(), NOW)
        .unwrap();
    let big = fixture_message("12-lmtp-alice-200k.eml");
    s.append(
        &inbox,
        &[AppendRequest {
            data: big.clone(),
            ..Default::default()
        }],
        NOW,
    )
    .unwrap();
    // A new root counts what is already there.
    let q = s
        .set_quota(
            &inbox,
            &[
                (QuotaResource::Storage, Some(300)),
                (QuotaResource::Message, Some(10)),
            ],
        )
        .unwrap();
    assert_eq!(q.used(QuotaResource::Storage), big.len() as i64);
    assert_eq!(q.used(QuotaResource::Message), 1);
    assert_eq!(q.used(QuotaResource::NumFolders), 1);
    // Children created later are under the root too.
    let work = mbox("user.bob.Work");
    s.create_mailbox(&work, &NewMailbox::default(), NOW)
        .unwrap();
    let (_, mb) = s.open_mailbox(&work, LockKind::Shared).unwrap();
    assert_eq!(mb.header().quotaroot.as_deref(), Some("user.bob"));
    drop(mb);
    // 200 KB used of 300 KiB: another 200 KB does not fit, nothing is stored.
    let err = s
        .append(
            &work,
            &[AppendRequest {
                data: big.clone(),
                ..Default::default()
            }],
            NOW,
        )
        .unwrap_err();
    assert!(
        matches!(err, Error::OverQuota(QuotaResource::Storage)),
        "{err}"
    );
    let (_, mb) = s.open_mailbox(&work, LockKind::Shared).unwrap();
    assert_eq!(mb.index().exists, 0);
    drop(mb);
    let small = fixture_message("01-lmtp-alice-plain-ascii.eml");
    s.append(
        &work,
        &[AppendRequest {
            data: small.clone(),
            ..Default::default()
        }],
        NOW,
    )
    .unwrap();
    let q = s.quota(&inbox).unwrap().unwrap();
    assert_eq!(
        q.used(QuotaResource::Storage),
        (big.len() + small.len()) as i64
    );
    assert_eq!(q.used(QuotaResource::Message), 2);
    assert_eq!(q.used(QuotaResource::NumFolders), 2);
}

#[test]
fn delayed_delete_keeps_files_and_leaves_a_tombstone() {
    let site = Site::new();
    let s = &site.store;
    s.create_mailbox(&mbox("user.carol"), &NewMailbox::default(), NOW)
        .unwrap();
    let doomed = mbox("user.carol.ToDelete");
    s.create_mailbox(&doomed, &NewMailbox::default(), NOW)
        .unwrap();
    s.append(
        &doomed,
        &[AppendRequest {
            data: fixture_message("37-append-alice-ToDelete.eml"),
            ..Default::default()
        }],
        NOW,
    )
    .unwrap();
    s.delete_mailbox(&doomed, 0x6B02_EEA4).unwrap();
    assert!(s.lookup(&doomed).unwrap().is_none());
    let deleted = MailboxName::from_internal("DELETED.user.carol.ToDelete.6B02EEA4").unwrap();
    let (entry, mb) = s.open_mailbox(&deleted, LockKind::Shared).unwrap();
    assert_eq!(mb.index().exists, 1, "the message stays for cyr_expire -D");
    // The files stay in their uuid directory; the header names the
    // deleted mailbox and no quota root, as the fixture's
    // DELETED.user.alice.ToDelete.6B02EEA4 written by Cyrus 3.6 does.
    assert_eq!(mb.header().name, "DELETED.user.carol.ToDelete.6B02EEA4");
    assert_eq!(mb.header().quotaroot, None);
    assert_eq!(entry.name, deleted);
    assert!(matches!(
        s.open_mailbox(&doomed, LockKind::Shared),
        Err(Error::NonExistent(_))
    ));
}

#[test]
fn missing_ancestors_become_real_mailboxes() {
    let site = Site::new();
    let s = &site.store;
    s.create_mailbox(&mbox("user.dave"), &NewMailbox::default(), NOW)
        .unwrap();
    s.create_mailbox(&mbox("user.dave.a.b.c"), &NewMailbox::default(), NOW)
        .unwrap();
    for n in ["user.dave.a", "user.dave.a.b", "user.dave.a.b.c"] {
        assert!(s.lookup(&mbox(n)).unwrap().is_some(), "{n}");
        s.open_mailbox(&mbox(n), LockKind::Shared).unwrap();
    }
    let shared = s
        .create_mailbox(&mbox("shared-news"), &NewMailbox::default(), NOW)
        .unwrap();
    assert_eq!(
        shared.acl.unwrap().to_cyrus_string(),
        "anyone\tlrs\t",
        "defaultacl"
    );
}

#[test]
fn rename_moves_a_tree_and_keeps_its_messages() {
    let site = Site::new();
    let s = &site.store;
    s.create_mailbox(&mbox("user.erin"), &NewMailbox::default(), NOW)
        .unwrap();
    s.create_mailbox(&mbox("user.erin.Projects"), &NewMailbox::default(), NOW)
        .unwrap();
    s.create_mailbox(
        &mbox("user.erin.Projects.2024"),
        &NewMailbox::default(),
        NOW,
    )
    .unwrap();
    let msg = fixture_message("01-lmtp-alice-plain-ascii.eml");
    s.append(
        &mbox("user.erin.Projects.2024"),
        &[AppendRequest {
            data: msg.clone(),
            ..Default::default()
        }],
        NOW,
    )
    .unwrap();
    let moved = s
        .rename_mailbox(
            &mbox("user.erin.Projects"),
            &mbox("user.erin.Archive"),
            NOW + 1,
        )
        .unwrap();
    assert_eq!(moved.len(), 2);
    assert!(s.lookup(&mbox("user.erin.Projects")).unwrap().is_none());
    assert!(s
        .lookup(&mbox("user.erin.Projects.2024"))
        .unwrap()
        .is_none());
    let (entry, mb) = s
        .open_mailbox(&mbox("user.erin.Archive.2024"), LockKind::Shared)
        .unwrap();
    assert_eq!(mb.header().name, "user.erin.Archive.2024");
    assert_eq!(mb.read_message(mb.records()[0].uid).unwrap(), msg);
    assert!(entry.uniqueid.is_some());
    drop(mb);
    assert!(matches!(
        s.rename_mailbox(
            &mbox("user.erin.Archive"),
            &mbox("user.erin.Archive.sub"),
            NOW
        ),
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        s.rename_mailbox(&mbox("user.erin.Nope"), &mbox("user.erin.X"), NOW),
        Err(Error::NonExistent(_))
    ));
}

/// RENAME into another quota root moves the usage along (Cyrus
/// `mailbox_changequotaroot`), for the mailbox and its children.
#[test]
fn rename_moves_usage_between_quota_roots() {
    let site = Site::new();
    let s = &site.store;
    for n in [
        "user.alice",
        "user.alice.Work",
        "user.alice.Work.Sub",
        "user.bob",
    ] {
        s.create_mailbox(&mbox(n), &NewMailbox::default(), 1_700_000_000)
            .unwrap();
    }
    let msg = b"Subject: q\r\n\r\nbody\r\n".to_vec();
    for n in ["user.alice.Work", "user.alice.Work.Sub"] {
        s.append(
            &mbox(n),
            &[AppendRequest {
                data: msg.clone(),
                ..AppendRequest::default()
            }],
            1_700_000_001,
        )
        .unwrap();
    }
    s.set_quota(&mbox("user.alice"), &[(QuotaResource::Storage, Some(100))])
        .unwrap();
    s.set_quota(&mbox("user.bob"), &[(QuotaResource::Storage, Some(100))])
        .unwrap();
    s.rename_mailbox(
        &mbox("user.alice.Work"),
        &mbox("user.bob.Work"),
        1_700_000_002,
    )
    .unwrap();
    let a = s.quota(&mbox("user.alice")).unwrap().unwrap();
    let b = s.quota(&mbox("user.bob")).unwrap().unwrap();
    let two = 2 * msg.len() as i64;
    assert_eq!(a.used(QuotaResource::Storage), 0);
    assert_eq!(a.used(QuotaResource::Message), 0);
    assert_eq!(a.used(QuotaResource::NumFolders), 1);
    assert_eq!(b.used(QuotaResource::Storage), two);
    assert_eq!(b.used(QuotaResource::Message), 2);
    assert_eq!(b.used(QuotaResource::NumFolders), 3);
    let (_, mb) = s
        .open_mailbox(&mbox("user.bob.Work.Sub"), LockKind::Shared)
        .unwrap();
    assert_eq!(mb.header().quotaroot.as_deref(), Some("user.bob"));
}

/// A delivery to several mailboxes writes the message once per partition
/// and hard-links it into each mailbox (single-instance store); each copy
/// keeps its own flags, and the stage file goes with the staged message.
#[test]
fn staged_message_is_linked_into_every_mailbox() {
    use std::os::unix::fs::MetadataExt;

    use cyrus_store::QuotaPolicy;

    let site = Site::new();
    let s = &site.store;
    let names = ["user.alice", "user.bob", "user.bob.Lists"];
    for n in names {
        s.create_mailbox(&mbox(n), &NewMailbox::default(), NOW)
            .unwrap();
    }
    s.set_quota(&mbox("user.bob"), &[(QuotaResource::Storage, Some(3))])
        .unwrap();
    let data = fixture_message("01-lmtp-alice-plain-ascii.eml");
    let staged = s.stage_message(data.clone());
    let mut files = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let flags = if i == 1 {
            vec!["\\Flagged".to_string()]
        } else {
            vec![]
        };
        let uid = s
            .append_staged(
                &mbox(n),
                &staged,
                &flags,
                Some(1_704_000_000),
                NOW,
                QuotaPolicy::Enforce,
            )
            .unwrap();
        let (_, mb) = s.open_mailbox(&mbox(n), LockKind::Shared).unwrap();
        let rec = mb.record(uid).unwrap().clone();
        assert_eq!(mb.read_message(uid).unwrap(), data);
        assert_eq!(rec.internaldate, 1_704_000_000);
        assert_eq!(rec.size as usize, data.len());
        assert_eq!(rec.guid, cyrus_store::Guid::of(&data));
        assert_eq!(
            rec.system_flags.contains(SystemFlags::FLAGGED),
            i == 1,
            "{n}"
        );
        files.push(mb.message_path(uid));
    }
    let stage_dir = site.root().join("spool/stage.");
    assert_eq!(
        std::fs::read_dir(&stage_dir).unwrap().count(),
        1,
        "one stage file"
    );
    let ino = std::fs::metadata(&files[0]).unwrap().ino();
    for f in &files {
        let m = std::fs::metadata(f).unwrap();
        assert_eq!(m.ino(), ino, "{} is not the same file", f.display());
        assert_eq!(m.nlink(), 4, "three mailboxes and the stage file");
    }
    drop(staged);
    assert_eq!(
        std::fs::read_dir(&stage_dir).unwrap().count(),
        0,
        "stage file removed"
    );
    assert_eq!(std::fs::metadata(&files[0]).unwrap().nlink(), 3);
    // Quota is counted per mailbox, as for any append (limits in KiB).
    let q = s.quota(&mbox("user.bob")).unwrap().unwrap();
    assert_eq!(q.used(QuotaResource::Storage), 2 * data.len() as i64);
    // The same staged message refused by a full quota root leaves nothing.
    let big = s.stage_message(vec![b'x'; 4000]);
    assert!(matches!(
        s.append_staged(
            &mbox("user.bob"),
            &big,
            &[],
            None,
            NOW,
            QuotaPolicy::Enforce
        ),
        Err(Error::OverQuota(QuotaResource::Storage))
    ));
    drop(big);
    assert_eq!(std::fs::read_dir(&stage_dir).unwrap().count(), 0);
}

/// Stage files a crash left behind are removed once they are old; a
/// fresh one (a delivery in progress) is kept.
#[test]
fn clean_stage_removes_only_old_files() {
    let site = Site::new();
    let s = &site.store;
    let dir = site.root().join("spool/stage.");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("1-0"), b"left by a crash").unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert_eq!(s.clean_stage(now - 3600).unwrap(), 0, "fresh file kept");
    assert_eq!(s.clean_stage(now + 10).unwrap(), 1);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

/// Appends from many threads to one mailbox (which share group commits)
/// all land, with distinct UIDs; a quota root still refuses exactly the
/// appends over its limit, each caller getting its own answer.
#[test]
fn concurrent_appends_share_commits_and_keep_quota_per_caller() {
    use std::sync::Arc;

    let site = Site::new();
    let s = Arc::new(site.store);
    let inbox = mbox("user.alice");
    s.create_mailbox(&inbox, &NewMailbox::default(), NOW)
        .unwrap();
    s.set_quota(&inbox, &[(QuotaResource::Message, Some(20))])
        .unwrap();
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let (s, inbox) = (s.clone(), inbox.clone());
            std::thread::spawn(move || {
                (0..4)
                    .map(|i| {
                        let req = AppendRequest {
                            data: format!("Subject: t{t} m{i}\r\n\r\nbody\r\n").into_bytes(),
                            ..Default::default()
                        };
                        s.append(&inbox, &[req], NOW)
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let results: Vec<_> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    let mut uids: Vec<u32> = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|u| u[0].0)
        .collect();
    uids.sort_unstable();
    assert_eq!(uids, (1..=20).collect::<Vec<_>>());
    let refused = results
        .iter()
        .filter(|r| matches!(r, Err(Error::OverQuota(QuotaResource::Message))))
        .count();
    assert_eq!(refused, 12, "{results:?}");
    let (_, mb) = s.open_mailbox(&inbox, LockKind::Shared).unwrap();
    assert_eq!(mb.index().exists, 20);
    let q = s.quota(&inbox).unwrap().unwrap();
    assert_eq!(q.used(QuotaResource::Message), 20);
}

/// deliver.db marks from many threads (one transaction per group) are
/// all there afterwards.
#[test]
fn concurrent_duplicate_marks_are_all_recorded() {
    use std::sync::Arc;

    use cyrus_store::duplicate::{DuplicateKey, DuplicateMark};

    let site = Site::new();
    let s = Arc::new(site.store);
    let key = |t: u32, i: u32| {
        DuplicateKey::new(format!("<{t}.{i}@x>").as_bytes(), b"uniqueid", b"date").unwrap()
    };
    let threads: Vec<_> = (0..6)
        .map(|t| {
            let s = s.clone();
            std::thread::spawn(move || {
                for i in 0..10 {
                    let m = DuplicateMark {
                        mark: i64::from(t * 100 + i),
                        uid: u64::from(i),
                    };
                    s.duplicate_mark(&key(t, i), m).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    for t in 0..6 {
        for i in 0..10 {
            let m = s.duplicate_check(&key(t, i)).unwrap().expect("marked");
            assert_eq!(m.mark, i64::from(t * 100 + i));
        }
    }
    assert_eq!(s.duplicate_check(&key(9, 9)).unwrap(), None);
}

/// Message files above `last_uid` (left by a batch cut before its index
/// commit) are gone after the next append, which reuses the first UIDs:
/// nothing is left for `reconstruct` to take for a lost message.
#[test]
fn an_append_removes_files_an_interrupted_batch_left() {
    let site = Site::new();
    let s = &site.store;
    let inbox = mbox("user.alice");
    s.create_mailbox(&inbox, &NewMailbox::default(), NOW)
        .unwrap();
    let req = |n: u32| AppendRequest {
        data: format!("Subject: {n}\r\n\r\nbody\r\n").into_bytes(),
        ..Default::default()
    };
    s.append(&inbox, &[req(1)], NOW).unwrap();
    let dir = {
        let (_, mb) = s.open_mailbox(&inbox, LockKind::Shared).unwrap();
        mb.dir().to_path_buf()
    };
    for uid in 2..=4 {
        std::fs::write(dir.join(format!("{uid}.")), b"never acknowledged").unwrap();
    }
    std::fs::write(dir.join("6."), b"not in the run").unwrap();
    let uids = s.append(&inbox, &[req(2)], NOW).unwrap();
    assert_eq!(uids[0].0, 2);
    let (_, mb) = s.open_mailbox(&inbox, LockKind::Shared).unwrap();
    assert_eq!(mb.read_message(uids[0]).unwrap(), req(2).data);
    assert!(!dir.join("3.").exists() && !dir.join("4.").exists());
    assert!(dir.join("6.").exists(), "only the run after last_uid goes");
}
