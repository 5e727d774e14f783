//! Crash test: `kill -9` of `cyr_lmtpd` during a delivery storm (four
//! parallel senders, two recipients per message) on a copy of the site
//! real Cyrus 3.6 wrote. After the kill every recipient that got `250`
//! has its message (a 250 means the message was on stable storage), the
//! restarted daemon delivers again, our `cyr_reconstruct -n` finds
//! nothing to fix, and real Cyrus's `reconstruct -n` says what it said on
//! the untouched fixture (when installed).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)] // this test needs only start and the pid
#[path = "daemon/spawn.rs"]
mod spawn;
mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cyrus_store::mboxname::MailboxName;
use cyrus_store::os::{LockKind, RealFs};
use cyrus_store::Store;
use spawn::Daemon;
use support::{CyrusTools, Site};

fn start(site: &Site) -> Daemon {
    Daemon::start(env!("CARGO_BIN_EXE_cyr_lmtpd"), &site.conf(), &["-a"])
}

/// One sender: transactions until the connection breaks; records each
/// (Message-ID, user) that got 250.
fn sender(port: u16, t: usize, acked: Arc<Mutex<Vec<(String, String)>>>, n: Arc<AtomicUsize>) {
    let Ok(s) = TcpStream::connect(("127.0.0.1", port)) else {
        return;
    };
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut w = s.try_clone().unwrap();
    let mut r = BufReader::new(s);
    let mut line = String::new();
    let read = |r: &mut BufReader<TcpStream>, line: &mut String| -> bool {
        line.clear();
        matches!(r.read_line(line), Ok(n) if n > 0)
    };
    if !read(&mut r, &mut line) || w.write_all(b"LHLO storm.example\r\n").is_err() {
        return;
    }
    loop {
        if !read(&mut r, &mut line) {
            return;
        }
        if line.starts_with("250 ") {
            break;
        }
    }
    for i in 0.. {
        let id = format!("<storm-{t}-{i}@example.org>");
        let body = format!(
            "MAIL FROM:<storm@example.org>\r\nRCPT TO:<alice>\r\nRCPT TO:<bob>\r\nDATA\r\n\
             Subject: storm {t} {i}\r\nMessage-ID: {id}\r\n\r\n{}\r\n.\r\n",
            "x".repeat(200 + i % 700)
        );
        if w.write_all(body.as_bytes()).is_err() {
            return;
        }
        // MAIL, RCPT, RCPT, DATA(354), then one reply per recipient.
        for _ in 0..4 {
            if !read(&mut r, &mut line) {
                return;
            }
        }
        for user in ["alice", "bob"] {
            if !read(&mut r, &mut line) {
                return;
            }
            if line.starts_with("250 ") {
                acked.lock().unwrap().push((id.clone(), user.to_string()));
                n.fetch_add(1, Ordering::SeqCst);
            }
        }
    }
}

fn message_ids(store: &Store, mailbox: &str) -> Vec<String> {
    let (_, mbox) = store
        .open_mailbox(
            &MailboxName::from_internal(mailbox).unwrap(),
            LockKind::Shared,
        )
        .unwrap();
    mbox.records()
        .iter()
        .filter(|r| !r.is_expunged())
        .map(|r| {
            let raw = mbox.read_message(r.uid).unwrap();
            let text = String::from_utf8_lossy(&raw).into_owned();
            text.lines()
                .find_map(|l| l.strip_prefix("Message-ID: ").map(str::to_string))
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn kill_9_during_a_delivery_storm_loses_no_acknowledged_message() {
    let site = Site::fixture_copy();
    let daemon = start(&site);
    let port = daemon.port;
    let acked = Arc::new(Mutex::new(Vec::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let (a, n) = (acked.clone(), count.clone());
            std::thread::spawn(move || sender(port, t, a, n))
        })
        .collect();
    let started = Instant::now();
    while count.load(Ordering::SeqCst) < 40 && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(5));
    }
    // SIGKILL in the middle of the storm.
    let pid = daemon.pid().to_string();
    assert!(Command::new("kill")
        .args(["-9", &pid])
        .status()
        .unwrap()
        .success());
    drop(daemon);
    for t in threads {
        t.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 40, "the storm ran: {} acks", acked.len());

    // "Restart": a fresh process opens the store; every acknowledged
    // recipient has its message, exactly once.
    let opts = cyrus_bin::config::store_options(
        &cyrus_bin::config::ImapdConf::load(&site.conf()).unwrap(),
    )
    .unwrap();
    let store = Store::open(Arc::new(RealFs::new()), opts).unwrap();
    for (user, mailbox) in [("alice", "user.alice"), ("bob", "user.bob")] {
        let have = message_ids(&store, mailbox);
        for (id, _) in acked.iter().filter(|(_, u)| u == user) {
            assert_eq!(
                have.iter().filter(|h| *h == id).count(),
                1,
                "{id} acknowledged for {user} but not stored once"
            );
        }
    }
    drop(store);

    // The indexes are intact: our reconstruct finds at most the message
    // file of an append cut before its index commit (never acknowledged,
    // invisible, overwritten by the next append to that mailbox).
    let (rc, out, err) = site.run(
        "cyr_reconstruct",
        &["-n", "-q", "-r", "-u", "alice", "bob"],
        b"",
    );
    assert_eq!(rc, 0, "{err}");
    for l in String::from_utf8_lossy(&out).lines() {
        assert!(l.contains("has no record"), "unexpected repair: {l}");
    }

    // The restarted daemon delivers (reusing the uncommitted UIDs).
    let restarted = start(&site);
    let port = restarted.port;
    let py = format!(
        "import smtplib\nc = smtplib.LMTP('127.0.0.1', {port})\n\
         r = c.sendmail('a@example.org', ['alice', 'bob'], 'Subject: after\\r\\nMessage-ID: <after@x>\\r\\n\\r\\nhi\\r\\n')\n\
         assert r == {{}}, r\nc.quit()\n"
    );
    let out = Command::new("python3").args(["-c", &py]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    drop(restarted);
    let (rc, out, err) = site.run(
        "cyr_reconstruct",
        &["-n", "-q", "-r", "-u", "alice", "bob"],
        b"",
    );
    assert_eq!(rc, 0, "{err}");
    assert_eq!(String::from_utf8_lossy(&out), "", "nothing to repair");

    // Real Cyrus: reconstruct -n reports only the mailboxes it walked,
    // as on the untouched fixture.
    let Some(tools) = CyrusTools::find() else {
        return;
    };
    let (rc, out, err) = tools.run(
        &site,
        "reconstruct",
        &["-n", "-r", "-G", "-u", "alice", "bob"],
    );
    assert_eq!(rc, 0, "{err}");
    let both = String::from_utf8_lossy(&[out, err.into_bytes()].concat()).into_owned();
    let expected = String::from_utf8_lossy(&support::expected("reconstruct-n.txt")).into_owned();
    assert_eq!(both.trim(), expected.trim());
}
