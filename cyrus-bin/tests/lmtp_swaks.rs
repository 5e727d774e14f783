//! The MTA side with a real client: `swaks --protocol LMTP --pipeline`
//! (Debian package) against `cyr_lmtpd` over TCP and over a unix socket,
//! one transaction with recipients of mixed outcome: delivered (250),
//! unknown user (550 5.1.1 at RCPT), over quota at RCPT (452 4.2.2) and
//! over quota when appending (250 at RCPT, 452 4.2.2 after DATA).
//! Skipped, with a notice, when swaks is missing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use cyrus_store::mboxname::MailboxName;
use cyrus_store::os::{LockKind, RealFs};
use cyrus_store::quota::QuotaResource;
use cyrus_store::{AppendRequest, NewMailbox, Store};

struct Daemon(Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(conf: &Path, listen: &str) -> (Daemon, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cyr_lmtpd"))
        .arg("-C")
        .arg(conf)
        .args(["-a", "--listen", listen])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let addr = line.trim().rsplit(' ').next().unwrap().to_string();
    (Daemon(child), addr)
}

/// Whether swaks is installed; says so when it is not.
fn have_swaks() -> bool {
    let there = Command::new("sh")
        .args(["-c", "command -v swaks"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !there {
        eprintln!("NOTICE: swaks not installed; skipping");
    }
    there
}

fn mbox(s: &str) -> MailboxName {
    MailboxName::from_internal(s).unwrap()
}

fn count(store: &Store, m: &str) -> usize {
    let (_, b) = store.open_mailbox(&mbox(m), LockKind::Shared).unwrap();
    b.records().iter().filter(|r| !r.is_expunged()).count()
}

fn site(dir: &Path) -> (std::path::PathBuf, Store) {
    let conf = dir.join("imapd.conf");
    std::fs::write(
        &conf,
        format!(
            "configdirectory: {0}/lib\npartition-default: {0}/spool\nservername: mx.example\n",
            dir.display()
        ),
    )
    .unwrap();
    let opts =
        cyrus_bin::config::store_options(&cyrus_bin::config::ImapdConf::load(&conf).unwrap())
            .unwrap();
    let store = Store::open(std::sync::Arc::new(RealFs::new()), opts).unwrap();
    for u in ["alice", "bob", "carol"] {
        store
            .create_mailbox(&mbox(&format!("user.{u}")), &NewMailbox::default(), 1)
            .unwrap();
    }
    let filler = |m: &str, n: usize| {
        for i in 0..n {
            let req = AppendRequest {
                data: format!("Subject: filler {i}\r\n\r\nx\r\n").into_bytes(),
                ..AppendRequest::default()
            };
            store.append(&mbox(m), &[req], 1).unwrap();
        }
    };
    filler("user.bob", 2);
    filler("user.carol", 1);
    for m in ["user.bob", "user.carol"] {
        store
            .set_quota(&mbox(m), &[(QuotaResource::Message, Some(1))])
            .unwrap();
    }
    (conf, store)
}

fn swaks(target: &[&str]) -> String {
    let out = Command::new("swaks")
        .args(target)
        .args([
            "--protocol",
            "LMTP",
            "--pipeline",
            "--from",
            "sender@example.org",
            "--to",
            "alice@mx.example,nobody@mx.example,bob@mx.example,carol@mx.example",
            "--header",
            "Subject: swaks mixed",
            "--timeout",
            "20",
        ])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

/// The server's replies (`<-` lines, `<**` for errors) from swaks'
/// transcript.
fn replies(transcript: &str) -> Vec<String> {
    transcript
        .lines()
        .filter_map(|l| l.strip_prefix("<**").or_else(|| l.strip_prefix("<-")))
        .map(|l| l.trim().to_string())
        .collect()
}

fn check(transcript: &str) {
    let r = replies(transcript);
    let pos = |p: &str| {
        r.iter()
            .position(|l| l.starts_with(p))
            .unwrap_or_else(|| panic!("no {p:?} in\n{transcript}"))
    };
    // RCPT replies in order: alice ok, nobody unknown, bob over quota,
    // carol ok; after DATA one reply per accepted recipient: alice
    // delivered, carol over quota.
    let rcpt = pos("250 2.1.0");
    let after: Vec<&String> = r[rcpt + 1..].iter().collect();
    let codes: Vec<&str> = after
        .iter()
        .filter(|l| !l.starts_with("550-"))
        .map(|l| l.get(..9).unwrap_or(l))
        .collect();
    assert_eq!(
        &codes[..7],
        &[
            "250 2.1.5",
            "550 5.1.1",
            "452 4.2.2",
            "250 2.1.5",
            "354 go ah",
            "250 2.1.5",
            "452 4.2.2"
        ],
        "{transcript}"
    );
}

#[test]
fn swaks_pipelined_mixed_recipients_over_tcp_and_unix_socket() {
    if !have_swaks() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (conf, store) = site(dir.path());
    let (_tcp, addr) = start(&conf, "127.0.0.1:0");
    let (host, port) = addr.rsplit_once(':').unwrap();
    let t = swaks(&["--server", host, "--port", port]);
    assert!(t.contains("PIPELINING"), "{t}");
    check(&t);
    assert_eq!(count(&store, "user.alice"), 1);
    assert_eq!(count(&store, "user.bob"), 2);
    assert_eq!(count(&store, "user.carol"), 1);

    let sock = dir.path().join("lmtp.sock");
    let (_unix, _) = start(&conf, sock.to_str().unwrap());
    let t = swaks(&["--socket", sock.to_str().unwrap()]);
    check(&t);
    assert_eq!(count(&store, "user.alice"), 2);
}

/// Single-instance store: one message to three recipients on one
/// partition is one file with three links, one per mailbox, and the
/// stage file is gone once the transaction is answered.
#[test]
fn swaks_three_recipients_share_one_message_file() {
    use std::os::unix::fs::MetadataExt;

    if !have_swaks() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (conf, store) = site(dir.path());
    for u in ["dave", "erin", "frank"] {
        store
            .create_mailbox(&mbox(&format!("user.{u}")), &NewMailbox::default(), 1)
            .unwrap();
    }
    let (_tcp, addr) = start(&conf, "127.0.0.1:0");
    let (host, port) = addr.rsplit_once(':').unwrap();
    let out = Command::new("swaks")
        .args(["--server", host, "--port", port, "--protocol", "LMTP"])
        .args(["--from", "sender@example.org"])
        .args(["--to", "dave@mx.example,erin@mx.example,frank@mx.example"])
        .args(["--header", "Subject: one file", "--timeout", "20"])
        .output()
        .unwrap();
    let t = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        replies(&t)
            .iter()
            .filter(|l| l.starts_with("250 2.1.5 Success SESSIONID"))
            .count(),
        3,
        "{t}"
    );
    let mut inodes = Vec::new();
    for u in ["dave", "erin", "frank"] {
        let (_, b) = store
            .open_mailbox(&mbox(&format!("user.{u}")), LockKind::Shared)
            .unwrap();
        let rec = &b.records()[0];
        let data = b.read_message(rec.uid).unwrap();
        assert!(data.windows(17).any(|w| w == b"Subject: one file"));
        let m = std::fs::metadata(b.message_path(rec.uid)).unwrap();
        assert_eq!(m.nlink(), 3, "{u}: one file linked into three mailboxes");
        inodes.push(m.ino());
    }
    assert!(inodes.windows(2).all(|w| w[0] == w[1]), "{inodes:?}");
    let stage = dir.path().join("spool/stage.");
    assert_eq!(
        std::fs::read_dir(stage).unwrap().count(),
        0,
        "stage file left"
    );
}
