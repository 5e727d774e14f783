//! `cyr_timsieved` with the real `sieve-connect` (Debian package): over
//! STARTTLS it uploads, lists, activates, downloads and deletes scripts;
//! then `cyr_lmtpd` delivers with Python's `smtplib.LMTP` and the uploaded
//! active script files the message into a folder. Skipped, with a notice,
//! when sieve-connect or python3 is missing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod daemon;
use daemon::{have, Daemon};

use std::path::{Path, PathBuf};
use std::process::Command;

use cyrus_store::mboxname::{MailboxName, UserId};
use cyrus_store::os::{LockKind, RealFs};
use cyrus_store::{NewMailbox, Store};

/// Runs sieve-connect as zoe; returns (exit code, stdout+stderr).
fn sieve_connect(port: u16, args: &[&str]) -> (i32, String) {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "exec sieve-connect -s 127.0.0.1 -p {port} -u zoe --notlsverify --noclearchan --passwordfd 3 {} 3<<EOF\nsecret\nEOF\n",
            args.join(" ")
        ))
        .output()
        .expect("sieve-connect");
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn site(dir: &Path) -> (PathBuf, Store) {
    let r = dir.display();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    std::fs::write(dir.join("server.crt"), cert.cert.pem()).unwrap();
    std::fs::write(dir.join("server.key"), cert.key_pair.serialize_pem()).unwrap();
    let conf = dir.join("imapd.conf");
    std::fs::write(
        &conf,
        format!(
            "configdirectory: {r}/lib\npartition-default: {r}/spool\nsievedir: {r}/sieve\n\
             servername: sieve.example\nsasl_pwcheck_method: alwaystrue\nallowplaintext: yes\n\
             sasl_mech_list: PLAIN LOGIN\nunixhierarchysep: yes\naltnamespace: yes\n\
             tls_server_cert: {r}/server.crt\ntls_server_key: {r}/server.key\n"
        ),
    )
    .unwrap();
    let opts =
        cyrus_bin::config::store_options(&cyrus_bin::config::ImapdConf::load(&conf).unwrap())
            .unwrap();
    let store = Store::open(std::sync::Arc::new(RealFs::new()), opts).unwrap();
    for m in ["user.zoe", "user.zoe.Lists"] {
        store
            .create_mailbox(
                &MailboxName::from_internal(m).unwrap(),
                &NewMailbox::default(),
                1_795_000_000,
            )
            .unwrap();
    }
    (conf, store)
}

fn count(store: &Store, mailbox: &str) -> usize {
    let (_, mbox) = store
        .open_mailbox(
            &MailboxName::from_internal(mailbox).unwrap(),
            LockKind::Shared,
        )
        .unwrap();
    mbox.records().iter().filter(|r| !r.is_expunged()).count()
}

#[test]
fn sieve_connect_manages_scripts_and_lmtp_follows_them() {
    if !have("sieve-connect") || !have("python3") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (conf, store) = site(dir.path());
    let script = dir.path().join("lists.sieve");
    std::fs::write(
        &script,
        "require [\"fileinto\", \"imap4flags\"];\r\nif header :contains \"subject\" \"[list]\" {\r\n  fileinto :flags \"\\\\Flagged\" \"Lists\";\r\n}\r\n",
    )
    .unwrap();
    let other = dir.path().join("other.sieve");
    std::fs::write(&other, "keep;\r\n").unwrap();
    let bad = dir.path().join("bad.sieve");
    std::fs::write(&bad, "fileinto \"x\";\r\n").unwrap();

    let timsieved = Daemon::start(env!("CARGO_BIN_EXE_cyr_timsieved"), &conf, &[]);
    let sport = timsieved.port;
    let s = |a: &str, f: &Path, n: &str| {
        sieve_connect(
            sport,
            &[a, "--localsieve", f.to_str().unwrap(), "--remotesieve", n],
        )
    };
    let (rc, out) = s("--upload", &script, "lists");
    assert_eq!(rc, 0, "upload: {out}");
    let (rc, out) = s("--upload", &other, "other");
    assert_eq!(rc, 0, "upload other: {out}");
    let (rc, out) = s("--upload", &bad, "bad");
    assert_ne!(rc, 0, "a script that does not compile is refused: {out}");
    assert!(out.contains("line 1"), "the error names the line: {out}");
    let (rc, out) = sieve_connect(sport, &["--activate", "--remotesieve", "lists"]);
    assert_eq!(rc, 0, "activate: {out}");
    let (rc, out) = sieve_connect(sport, &["--list"]);
    assert_eq!(rc, 0, "list: {out}");
    assert!(out.contains("lists") && out.contains("other"), "{out}");
    assert!(!out.contains("bad"), "{out}");
    let back = dir.path().join("back.sieve");
    let (rc, out) = s("--download", &back, "lists");
    assert_eq!(rc, 0, "download: {out}");
    assert_eq!(
        std::fs::read(&back).unwrap(),
        std::fs::read(&script).unwrap()
    );
    let (rc, out) = sieve_connect(sport, &["--delete", "--remotesieve", "other"]);
    assert_eq!(rc, 0, "delete: {out}");
    let (rc, out) = sieve_connect(sport, &["--delete", "--remotesieve", "lists"]);
    assert_ne!(rc, 0, "the active script cannot be deleted: {out}");
    let (_, out) = sieve_connect(sport, &["--list"]);
    assert!(out.contains("lists") && !out.contains("other"), "{out}");
    assert!(timsieved.stop().success());

    // Stored where Cyrus 3.6 keeps it.
    let zoe = UserId::try_from("zoe").unwrap();
    let sdir = store.sieve_dir(&zoe).unwrap();
    assert!(sdir.starts_with(dir.path().join("sieve/uuid")));
    assert_eq!(
        std::fs::read_link(sdir.join("defaultbc")).unwrap(),
        Path::new("lists.bc")
    );
    assert_eq!(count(&store, "user.zoe.#sieve"), 1);

    // A delivery is filed by the uploaded script.
    let lmtpd = Daemon::start(env!("CARGO_BIN_EXE_cyr_lmtpd"), &conf, &["-a"]);
    let lport = lmtpd.port;
    let py = format!(
        "import smtplib\n\
         c = smtplib.LMTP('127.0.0.1', {lport})\n\
         c.sendmail('a@example.org', ['zoe'], 'Subject: [list] news\\r\\nMessage-ID: <l1@x>\\r\\n\\r\\nhi\\r\\n')\n\
         c.sendmail('a@example.org', ['zoe'], 'Subject: private\\r\\nMessage-ID: <p1@x>\\r\\n\\r\\nhi\\r\\n')\n\
         c.quit()\n"
    );
    let out = Command::new("python3").args(["-c", &py]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(lmtpd.stop().success());
    assert_eq!(count(&store, "user.zoe.Lists"), 1, "filed by the script");
    assert_eq!(count(&store, "user.zoe"), 1, "the other one kept");
    let (_, mbox) = store
        .open_mailbox(
            &MailboxName::from_internal("user.zoe.Lists").unwrap(),
            LockKind::Shared,
        )
        .unwrap();
    let flagged = mbox.records()[0]
        .system_flags
        .contains(cyrus_store::mailbox::SystemFlags::FLAGGED);
    assert!(flagged, ":flags applied");
}
