//! reconstruct through the store: a lost `cyrus.header` rebuilt from
//! mailboxes.db, `-f` restoring a lost mailboxes.db entry, `-r`/`-u`
//! target selection, and real Cyrus 3.6 tools accepting the result.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;

use std::path::PathBuf;
use std::sync::Arc;

use cyrus_store::db::{self, OpenFlags};
use cyrus_store::mailbox::{Mailbox, HEADER_FILE, INDEX_FILE};
use cyrus_store::mboxlist;
use cyrus_store::os::{FsRef, LockKind, RealFs};
use cyrus_store::reconstruct::{self, Options, Selection};
use cyrus_store::{AppendRequest, NewMailbox, Store, StoreOptions};
use support::{fixture_message, mbox, CyrusTools, Site};

const NOW: u32 = 1_795_000_000;

fn opts() -> Options {
    Options {
        now: NOW + 100,
        ..Options::default()
    }
}

fn build(site: &Site) {
    let s = &site.store;
    for n in ["user.alice", "user.alice.Sent", "user.bob", "shared-news"] {
        s.create_mailbox(&mbox(n), &NewMailbox::default(), NOW)
            .unwrap();
    }
    let msgs: Vec<AppendRequest> = [
        "01-lmtp-alice-plain-ascii.eml",
        "03-lmtp-alice-rfc2047.eml",
        "05-lmtp-alice-multipart-mixed-pdf-rfc2231.eml",
        "06-lmtp-alice-nested-rfc822.eml",
    ]
    .iter()
    .map(|n| AppendRequest {
        data: fixture_message(n),
        flags: if n.starts_with("01") {
            vec!["\\Seen".into(), "$label1".into()]
        } else {
            vec!["\\Flagged".into()]
        },
        internaldate: Some(1_704_067_200),
    })
    .collect();
    s.append(&mbox("user.alice"), &msgs, NOW).unwrap();
    s.append(
        &mbox("user.alice.Sent"),
        &[AppendRequest {
            data: fixture_message("34-append-alice-Sent-reply.eml"),
            flags: vec!["\\Seen".into()],
            internaldate: None,
        }],
        NOW,
    )
    .unwrap();
}

fn dir_of(store: &Store, name: &str) -> PathBuf {
    store
        .mailbox_dir(&store.lookup(&mbox(name)).unwrap().unwrap())
        .unwrap()
}

fn fs() -> FsRef {
    Arc::new(RealFs::new())
}

#[test]
fn lost_header_is_rebuilt_from_mailboxes_db() {
    let site = Site::new();
    build(&site);
    let dir = dir_of(&site.store, "user.alice.Sent");
    let before = Mailbox::open(fs(), &dir, LockKind::Shared).unwrap();
    let want = before.header().clone();
    drop(before);
    std::fs::remove_file(dir.join(HEADER_FILE)).unwrap();
    let r = reconstruct::mailbox(&site.store, &mbox("user.alice.Sent"), &opts()).unwrap();
    assert_eq!(r.mailbox, "user/alice/Sent");
    assert!(
        r.findings[0].message.contains("cyrus.header is missing"),
        "{r:?}"
    );
    let mb = Mailbox::open(fs(), &dir, LockKind::Shared).unwrap();
    assert_eq!(mb.header().name, want.name);
    assert_eq!(mb.header().uniqueid, want.uniqueid);
    assert_eq!(mb.header().acl, want.acl);
    assert_eq!(mb.header().quotaroot, want.quotaroot);
    assert!(mb.header_crc_matches());
    assert_eq!(mb.index().exists, 1);
    drop(mb);
    assert!(
        reconstruct::mailbox(&site.store, &mbox("user.alice.Sent"), &opts())
            .unwrap()
            .is_clean()
    );
}

#[test]
fn targets_follow_r_and_u() {
    let site = Site::new();
    build(&site);
    let s = &site.store;
    let names = |args: &[&str], sel: Selection| -> Vec<String> {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        reconstruct::resolve_targets(s, &args, &sel)
            .unwrap()
            .iter()
            .map(|n| n.to_internal())
            .collect()
    };
    assert_eq!(names(&["user/alice"], Selection::default()), ["user.alice"]);
    let r = Selection {
        recursive: true,
        ..Selection::default()
    };
    assert_eq!(names(&["user/alice"], r), ["user.alice", "user.alice.Sent"]);
    let u = Selection {
        users: true,
        ..Selection::default()
    };
    assert_eq!(
        names(&["bob", "alice"], u),
        ["user.bob", "user.alice", "user.alice.Sent"]
    );
    assert_eq!(names(&[], Selection::default()).len(), 4);
}

#[test]
fn spool_scan_restores_a_lost_mailboxes_db_entry() {
    let site = Site::new();
    build(&site);
    let name = mbox("user.alice.Sent");
    let entry = site.store.lookup(&name).unwrap().unwrap();
    let root = site.root().to_path_buf();
    drop(site.store);
    // Lose the N record (the I record stays, as after a Cyrus delete).
    {
        let mut mdb = db::open(
            fs(),
            &root.join("lib/mailboxes.db"),
            cyrus_store::db::DbBackend::Twoskip,
            OpenFlags::default(),
        )
        .unwrap();
        mboxlist::update_entry(mdb.as_mut(), &name, None, 1).unwrap();
    }
    let store = Store::open(
        fs(),
        StoreOptions::new(root.join("lib"), root.join("spool")),
    )
    .unwrap();
    assert!(store.lookup(&name).unwrap().is_none());
    // -n finds it but adds nothing.
    let dry = Options {
        dry_run: true,
        ..opts()
    };
    let scan = reconstruct::scan_spool(&store, None, &dry).unwrap();
    assert_eq!(scan.discovered, std::slice::from_ref(&name));
    assert_eq!(scan.findings.len(), 1, "{:?}", scan.findings);
    assert!(store.lookup(&name).unwrap().is_none());
    let scan = reconstruct::scan_spool(&store, None, &opts()).unwrap();
    assert_eq!(scan.discovered, std::slice::from_ref(&name));
    let back = store.lookup(&name).unwrap().unwrap();
    assert_eq!(back.uniqueid, entry.uniqueid);
    assert_eq!(back.uidvalidity, entry.uidvalidity);
    assert_eq!(back.partition, entry.partition);
    assert_eq!(back.acl, entry.acl);
    assert_eq!(back.mbtype, entry.mbtype);
    assert!(reconstruct::scan_spool(&store, None, &opts())
        .unwrap()
        .findings
        .is_empty());
    // A directory gone from the spool is reported.
    let bob = dir_of(&store, "user.bob");
    std::fs::remove_dir_all(&bob).unwrap();
    let scan = reconstruct::scan_spool(&store, None, &opts()).unwrap();
    assert_eq!(scan.findings.len(), 1);
    assert_eq!(scan.findings[0].mailbox, "user/bob");
    assert!(scan.findings[0].message.contains("has no directory"));
}

#[test]
fn cyrus_tools_accept_a_reconstructed_mailbox() {
    let Some(tools) = CyrusTools::find() else {
        return;
    };
    let site = Site::new();
    build(&site);
    let s = &site.store;
    // Damage: alice's index gone, a message file of Sent gone, a stray file.
    let inbox = dir_of(s, "user.alice");
    let sent = dir_of(s, "user.alice.Sent");
    std::fs::remove_file(inbox.join(INDEX_FILE)).unwrap();
    std::fs::copy(sent.join("1."), sent.join("7.")).unwrap();
    std::fs::remove_file(sent.join("1.")).unwrap();
    std::fs::remove_file(inbox.join("cyrus.cache")).unwrap();
    for n in ["user.alice", "user.alice.Sent"] {
        let r = reconstruct::mailbox(s, &mbox(n), &opts()).unwrap();
        assert!(r.written, "{n}: {r:?}");
    }
    let conf = site.write_imapd_conf();
    let conf = conf.to_str().unwrap();
    tools.adopt(site.root());

    let (rc, out, err) = tools.run(
        "reconstruct",
        &["-C", conf, "-n", "-r", "-G", "-u", "alice"],
    );
    assert_eq!(rc, 0, "{err}");
    let mut lines: Vec<&str> = out
        .lines()
        .chain(err.lines())
        .filter(|l| !l.trim().is_empty())
        .collect();
    lines.sort_unstable();
    assert_eq!(lines, ["user/alice", "user/alice/Sent"], "{out}\n{err}");
    let (rc, out, err) = tools.run("chk_cyrus", &["-C", conf]);
    assert_eq!((rc, out.as_str()), (0, ""), "{err}");
    for (name, ext) in [
        ("user.alice", "user/alice"),
        ("user.alice.Sent", "user/alice/Sent"),
    ] {
        let dir = dir_of(s, name);
        let (rc, out, err) = tools.run("mbexamine", &["-C", conf, ext]);
        assert_eq!(rc, 0, "{err}");
        let mb = Mailbox::open(fs(), &dir, LockKind::Shared).unwrap();
        let ours = mb.mbexamine_report(ext, &dir.display().to_string());
        assert_eq!(out, String::from_utf8(ours).unwrap(), "{name}");
    }
}
