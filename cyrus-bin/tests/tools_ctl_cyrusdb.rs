//! cyr_ctl_cyrusdb as cyrus.conf runs it: `-r` in START (stale stage
//! files go, `db/skipstamp` is written) and `-c` as a periodic EVENT
//! (archive copies rotate through `db.backup1/` and `db.backup2/`, and
//! open with our `cyr_dbtool` and Cyrus's).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::{Duration, SystemTime};

use cyrus_bin::config::ImapdConf;
use cyrus_bin::tools::{now, open_store};
use cyrus_store::mboxname::MailboxName;
use cyrus_store::NewMailbox;
use support::{CyrusTools, Site};

fn text(v: &[u8]) -> String {
    String::from_utf8_lossy(v).into_owned()
}

fn site_with(mailboxes: &[&str]) -> Site {
    let site = Site::fresh("");
    let s = open_store(&ImapdConf::load(&site.conf()).unwrap()).unwrap();
    for m in mailboxes {
        s.create_mailbox(
            &MailboxName::from_internal(m).unwrap(),
            &NewMailbox::default(),
            now(),
        )
        .unwrap();
    }
    site
}

#[test]
fn recover_cleans_stage_and_writes_skipstamp() {
    let site = site_with(&["user.alice"]);
    let stage = site.root().join("spool/stage.");
    std::fs::create_dir_all(&stage).unwrap();
    let (old, fresh) = (stage.join("4242-0"), stage.join("4243-0"));
    std::fs::write(&old, b"left by a crashed delivery").unwrap();
    std::fs::write(&fresh, b"a delivery in progress").unwrap();
    std::fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(SystemTime::now() - Duration::from_secs(2 * 3600))
        .unwrap();
    let before = now();
    let (rc, _, err) = site.run("cyr_ctl_cyrusdb", &["-r", "-x"], b"");
    assert_eq!((rc, err.as_str()), (0, ""));
    assert!(old.exists(), "-x keeps stage files");
    let (rc, _, err) = site.run("cyr_ctl_cyrusdb", &["-r", "-v"], b"");
    assert_eq!(rc, 0, "{err}");
    assert!(err.contains("removed 1 stale stage files"), "{err}");
    assert!(!old.exists() && fresh.exists());
    let stamp = std::fs::read(site.root().join("lib/db/skipstamp")).unwrap();
    assert_eq!(stamp.len(), 4);
    let t = u32::from_be_bytes(stamp.try_into().unwrap());
    assert!((before..=now()).contains(&t), "{t}");

    // A clean-shutdown marker keeps the stamp and is consumed.
    let marker = site.root().join("lib/db/skipcleanshutdown");
    std::fs::write(site.root().join("lib/db/skipstamp"), 7u32.to_be_bytes()).unwrap();
    std::fs::write(&marker, b"").unwrap();
    let (rc, _, err) = site.run("cyr_ctl_cyrusdb", &["-r"], b"");
    assert_eq!((rc, err.as_str()), (0, ""));
    assert!(!marker.exists());
    assert_eq!(
        std::fs::read(site.root().join("lib/db/skipstamp")).unwrap(),
        7u32.to_be_bytes()
    );
}

#[test]
fn recover_reports_a_damaged_database() {
    let site = site_with(&["user.alice"]);
    let deliver = site.root().join("lib/deliver.db");
    let mut bytes = b"\xa1\x02\x8b\x0dtwoskip file\0\0\0\0".to_vec();
    bytes.extend_from_slice(&[0xff; 80]);
    std::fs::write(&deliver, bytes).unwrap();
    let (rc, _, err) = site.run("cyr_ctl_cyrusdb", &["-r"], b"");
    assert_ne!(rc, 0);
    assert!(err.contains("deliver.db"), "{err}");
}

#[test]
fn usage_errors() {
    let site = Site::fresh("");
    for args in [&[][..], &["-r", "-c"][..], &["-c", "-x"][..]] {
        let (rc, _, _) = site.run("cyr_ctl_cyrusdb", args, b"");
        assert_ne!(rc, 0, "{args:?}");
    }
}

#[test]
fn checkpoint_rotates_archive_copies() {
    let site = site_with(&["user.alice", "user.bob"]);
    let lib = site.root().join("lib");
    let (rc, _, err) = site.run("cyr_ctl_cyrusdb", &["-c"], b"");
    assert_eq!((rc, err.as_str()), (0, ""));
    let b1 = lib.join("db.backup1");
    assert!(b1.join("mailboxes.db").exists());
    assert!(!lib.join("db.backup2").exists());
    // The quota database is a quotalegacy tree: not archived (as Cyrus).
    assert!(!b1.join("quotas.db").exists());
    let first = std::fs::read(b1.join("mailboxes.db")).unwrap();

    let s = open_store(&ImapdConf::load(&site.conf()).unwrap()).unwrap();
    s.create_mailbox(
        &MailboxName::from_internal("user.carol").unwrap(),
        &NewMailbox::default(),
        now(),
    )
    .unwrap();
    let (rc, _, err) = site.run("cyr_ctl_cyrusdb", &["-c", "-v"], b"");
    assert_eq!(rc, 0, "{err}");
    assert!(err.contains("archived "), "{err}");
    let b2 = lib.join("db.backup2");
    assert_eq!(std::fs::read(b2.join("mailboxes.db")).unwrap(), first);
    let live = lib.join("mailboxes.db");
    let show = |path: &std::path::Path| {
        let (rc, out, err) = site.run(
            "cyr_dbtool",
            &[path.to_str().unwrap(), "twoskip", "show"],
            b"",
        );
        assert_eq!(rc, 0, "{err}");
        text(&out)
    };
    let copy = show(&b1.join("mailboxes.db"));
    assert_eq!(copy, show(&live));
    assert!(copy.contains("user\u{1f}carol"), "{copy}");
    assert!(!show(&b2.join("mailboxes.db")).contains("carol"));

    if let Some(tools) = CyrusTools::find() {
        let (rc, out, err) = tools.run(
            &site,
            "cyr_dbtool",
            &[b1.join("mailboxes.db").to_str().unwrap(), "twoskip", "show"],
        );
        assert_eq!(rc, 0, "{err}");
        assert_eq!(text(&out), copy);
    }
    // A third checkpoint drops the oldest copy.
    let (rc, _, _) = site.run("cyr_ctl_cyrusdb", &["-c"], b"");
    assert_eq!(rc, 0);
    assert_ne!(std::fs::read(b2.join("mailboxes.db")).unwrap(), first);
}
