//! cyr_expire while cyr_imapd serves: a client with the mailbox selected
//! expunges, the purge repacks the index under it, and the session goes
//! on seeing the same mailbox (no phantom expunges, the remaining
//! message intact, further changes accepted).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod daemon;

use std::process::Command;

use cyrus_store::mboxname::MailboxName;
use cyrus_store::os::LockKind;
use cyrus_store::{AppendRequest, QuotaPolicy};
use daemon::{Imap, TestSite};

fn message(i: u32) -> Vec<u8> {
    format!("From: a@example.org\r\nSubject: live {i}\r\n\r\nbody {i}\r\n").into_bytes()
}

#[test]
fn purge_under_a_selected_session() {
    let site = TestSite::new(&["alice"]);
    let store = site.store();
    let inbox = MailboxName::from_internal("user.alice").unwrap();
    let msgs: Vec<_> = (1..=3)
        .map(|i| AppendRequest {
            data: message(i),
            flags: Vec::new(),
            internaldate: None,
        })
        .collect();
    store
        .append_with(&inbox, &msgs, 1_795_000_000, QuotaPolicy::Enforce)
        .unwrap();
    let d = site.imapd(&[]);
    let mut c = Imap::login(d.port, "alice");
    let r = c.cmd("SELECT INBOX");
    assert!(r.contains("* 3 EXISTS"), "{r}");
    let r = c.cmd("STORE 1:2 +FLAGS.SILENT (\\Deleted)");
    assert!(r.contains(" OK "), "{r}");
    let r = c.cmd("EXPUNGE");
    assert_eq!(r.matches("EXPUNGE\r\n").count(), 2, "{r}");
    let dir = {
        let (e, _) = store.open_mailbox(&inbox, LockKind::Shared).unwrap();
        store.mailbox_dir(&e).unwrap()
    };
    assert!(dir.join("1.").exists(), "delayed expunge keeps the file");

    let out = Command::new(env!("CARGO_BIN_EXE_cyr_expire"))
        .arg("-C")
        .arg(site.conf())
        .args(["-X", "0", "-v"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("expunged 2 out of 3 messages"), "{err}");
    assert!(!dir.join("1.").exists() && !dir.join("2.").exists());

    // The session saw the expunges already; the repack tells it nothing new.
    let r = c.cmd("NOOP");
    assert!(!r.contains("EXPUNGE") && !r.contains("EXISTS"), "{r}");
    let r = c.cmd("UID FETCH 1:* (FLAGS BODY.PEEK[TEXT])");
    assert!(
        r.lines()
            .any(|l| l.starts_with("* 1 FETCH (") && l.contains("UID 3 ")),
        "{r}"
    );
    assert!(r.contains("body 3"), "{r}");
    assert_eq!(r.matches(" FETCH (").count(), 1, "{r}");
    let r = c.cmd("STORE 1 +FLAGS (\\Flagged)");
    assert!(r.contains("\\Flagged") && r.contains(" OK "), "{r}");
    // A new session agrees.
    let mut c2 = Imap::login(d.port, "alice");
    let r = c2.cmd("SELECT INBOX");
    assert!(r.contains("* 1 EXISTS"), "{r}");
    let r = c2.cmd("FETCH 1 (UID FLAGS)");
    assert!(r.contains("UID 3") && r.contains("\\Flagged"), "{r}");
    c.cmd("LOGOUT");
    c2.cmd("LOGOUT");
    d.stop();
}
