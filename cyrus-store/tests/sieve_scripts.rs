//! Sieve script storage in Cyrus 3.6's layout: the `#sieve` mailbox, the
//! `.bc` files and the `defaultbc` link; limits; the fixture written by
//! real Cyrus; and the real Cyrus tools on the result.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use cyrus_store::mboxlist::MbKind;
use cyrus_store::mboxname::{MailboxName, UserId};
use cyrus_store::os::RealFs;
use cyrus_store::sieve::{SieveError, SieveLimits};
use cyrus_store::{Store, StoreOptions};
use support::{CyrusTools, Site};

fn alice() -> UserId {
    UserId::try_from("alice").unwrap()
}

fn site() -> Site {
    Site::with_sieve_user("alice")
}

fn names(store: &Store) -> Vec<(String, bool)> {
    store
        .sieve_list(&alice())
        .unwrap()
        .into_iter()
        .map(|s| (s.name, s.active))
        .collect()
}

#[test]
fn put_activate_rename_delete_in_cyrus_layout() {
    let s = site();
    let st = &s.store;
    let u = alice();
    let lim = SieveLimits::default();
    let now = 1_700_000_100;
    st.sieve_put(&u, "one", b"keep;\r\n", b"BC1", &lim, "localhost", now)
        .unwrap();
    st.sieve_put(&u, "two", b"discard;\r\n", b"BC2", &lim, "localhost", now)
        .unwrap();
    assert_eq!(
        names(st),
        vec![("one".into(), false), ("two".into(), false)]
    );
    assert_eq!(st.sieve_active(&u).unwrap(), None);

    // Layout: uuid dir named by the INBOX uniqueid, `#sieve` is mbtype f.
    let inbox = st.lookup(&MailboxName::user_inbox(&u)).unwrap().unwrap();
    let id = inbox.uniqueid.clone().unwrap();
    let dir = st.sieve_dir(&u).unwrap();
    let mut c = id.as_str().chars();
    let expect: PathBuf = s
        .root()
        .join("sieve/uuid")
        .join(c.next().unwrap().to_string())
        .join(c.next().unwrap().to_string())
        .join(id.as_str());
    assert_eq!(dir, expect);
    assert_eq!(std::fs::read(dir.join("one.bc")).unwrap(), b"BC1");
    let folder = MailboxName::from_internal("user.alice.#sieve").unwrap();
    let e = st.lookup(&folder).unwrap().unwrap();
    assert_eq!(e.mbtype.kind(), MbKind::Sieve);

    st.sieve_activate(&u, Some("two"), None, now).unwrap();
    assert_eq!(
        std::fs::read_link(dir.join("defaultbc")).unwrap(),
        Path::new("two.bc")
    );
    assert_eq!(
        st.sieve_active(&u).unwrap(),
        Some(("two".to_string(), Some(b"BC2".to_vec())))
    );
    assert_eq!(names(st), vec![("one".into(), false), ("two".into(), true)]);

    // Replacing the active script keeps it active; one message per name.
    st.sieve_put(&u, "two", b"stop;\r\n", b"BC2b", &lim, "localhost", now)
        .unwrap();
    assert_eq!(names(st), vec![("one".into(), false), ("two".into(), true)]);
    assert_eq!(st.sieve_get(&u, "two").unwrap(), b"stop;\r\n");
    assert_eq!(std::fs::read(dir.join("defaultbc")).unwrap(), b"BC2b");

    assert!(matches!(
        st.sieve_delete(&u, "two", now),
        Err(SieveError::Active)
    ));
    assert!(matches!(
        st.sieve_rename(&u, "two", "one", "localhost", now),
        Err(SieveError::AlreadyExists(_))
    ));
    assert!(matches!(
        st.sieve_rename(&u, "nope", "x", "localhost", now),
        Err(SieveError::NonExistent(_))
    ));
    st.sieve_rename(&u, "two", "renamed", "localhost", now)
        .unwrap();
    assert_eq!(
        std::fs::read_link(dir.join("defaultbc")).unwrap(),
        Path::new("renamed.bc")
    );
    assert!(!dir.join("two.bc").exists());
    assert_eq!(st.sieve_get(&u, "renamed").unwrap(), b"stop;\r\n");

    st.sieve_activate(&u, None, None, now).unwrap();
    assert!(std::fs::symlink_metadata(dir.join("defaultbc")).is_err());
    assert_eq!(st.sieve_active(&u).unwrap(), None);
    st.sieve_delete(&u, "renamed", now).unwrap();
    assert!(!dir.join("renamed.bc").exists());
    assert_eq!(names(st), vec![("one".into(), false)]);
    assert!(matches!(
        st.sieve_get(&u, "renamed"),
        Err(SieveError::NonExistent(_))
    ));
    assert!(matches!(
        st.sieve_get(&u, "a/b"),
        Err(SieveError::InvalidName)
    ));

    // Survives reopening the store.
    let opts = st.options().clone();
    let st2 = Store::open(Arc::new(RealFs::new()), opts).unwrap();
    assert_eq!(
        st2.sieve_list(&u).unwrap().len(),
        1,
        "scripts persist across reopen"
    );
}

#[test]
fn limits_on_size_and_count() {
    let s = site();
    let st = &s.store;
    let u = alice();
    let lim = SieveLimits {
        max_script_size: 10,
        max_scripts: 2,
    };
    assert!(matches!(
        st.sieve_put(&u, "big", &[b'#'; 11], b"", &lim, "h", 1),
        Err(SieveError::TooLarge(10))
    ));
    st.sieve_put(&u, "a", b"keep;", b"", &lim, "h", 1).unwrap();
    st.sieve_put(&u, "b", b"keep;", b"", &lim, "h", 1).unwrap();
    assert!(matches!(
        st.sieve_put(&u, "c", b"keep;", b"", &lim, "h", 1),
        Err(SieveError::TooManyScripts(2))
    ));
    // Replacing an existing script is not a new one.
    st.sieve_put(&u, "b", b"stop;", b"", &lim, "h", 1).unwrap();
    assert!(st.sieve_check_space(&u, "b", 10, &lim).is_ok());
    assert!(matches!(
        st.sieve_check_space(&u, "c", 1, &lim),
        Err(SieveError::TooManyScripts(2))
    ));
    assert!(matches!(
        st.sieve_check_space(&u, "", 1, &lim),
        Err(SieveError::InvalidName)
    ));
}

fn copy_tree(from: &Path, to: &Path) {
    let ok = std::process::Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

/// The layout real Cyrus 3.6 wrote: the script is found, active, and its
/// `defaultbc` (a symlink turned into a file by the copy) still resolves.
#[test]
fn reads_the_fixture_written_by_cyrus() {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/cyrus-3.6/basic");
    let dir = tempfile::tempdir().unwrap();
    for d in ["config", "spool", "sieve"] {
        copy_tree(&fixture.join(d), &dir.path().join(d));
    }
    std::process::Command::new("chmod")
        .args(["-R", "u+w"])
        .arg(dir.path())
        .status()
        .unwrap();
    let mut opts = StoreOptions::new(dir.path().join("config"), dir.path().join("spool"));
    opts.sieve_dir = dir.path().join("sieve");
    opts.hash_imap_spool = true;
    let st = Store::open(Arc::new(RealFs::new()), opts).unwrap();
    let u = alice();
    let list = st.sieve_list(&u).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].name, "fixture");
    assert!(list[0].active);
    let src = st.sieve_get(&u, "fixture").unwrap();
    assert!(src.starts_with(b"require [\"fileinto\",\"imap4flags\"];"));
    let (name, bc) = st.sieve_active(&u).unwrap().unwrap();
    assert_eq!(name, "fixture");
    assert!(bc.unwrap().starts_with(b"CyrSBytecode"));
    // A new version replaces the old message and stays active.
    st.sieve_put(
        &u,
        "fixture",
        b"keep;\r\n",
        b"OURS",
        &SieveLimits::default(),
        "localhost",
        1,
    )
    .unwrap();
    let list = st.sieve_list(&u).unwrap();
    assert_eq!((list.len(), list[0].active), (1, true));
    assert_eq!(st.sieve_active(&u).unwrap().unwrap().1.unwrap(), b"OURS");
}

/// Real Cyrus's tools accept the `#sieve` mailbox we wrote.
#[test]
fn cyrus_tools_accept_the_sieve_mailbox() {
    let Some(tools) = CyrusTools::find() else {
        return;
    };
    let s = site();
    let u = alice();
    s.store
        .sieve_put(
            &u,
            "t",
            b"keep;\r\n",
            b"",
            &SieveLimits::default(),
            "localhost",
            1,
        )
        .unwrap();
    s.store.sieve_activate(&u, Some("t"), None, 2).unwrap();
    let conf = s.write_imapd_conf();
    tools.adopt(s.root());
    let conf = conf.to_str().unwrap();
    let (rc, out, err) = tools.run("mbexamine", &["-C", conf, "user/alice/#sieve"]);
    assert_eq!(rc, 0, "{out}{err}");
    assert!(out.contains("SYSTEMFLAGS: FLAG_FLAGGED"), "{out}");
    assert!(out.contains("(\"APPLICATION\" \"SIEVE\""), "{out}");
    let (rc, out, err) = tools.run("reconstruct", &["-C", conf, "-n", "user/alice/#sieve"]);
    assert_eq!(rc, 0, "{out}{err}");
    assert!(
        !out.contains("nvalid") && !err.contains("rror"),
        "{out}{err}"
    );
}
