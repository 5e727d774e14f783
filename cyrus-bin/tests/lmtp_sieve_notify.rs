//! `cyr_lmtpd` carries out Sieve `vacation :fcc` and enotify `notify
//! "mailto:…"` through the configured `sendmail` command (here a shell
//! script that records its arguments and input), and files the `:fcc`
//! copies in the owner's mailbox. Delivery by Python's `smtplib.LMTP`;
//! skipped, with a notice, when python3 is missing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod daemon;
use daemon::{have, Daemon, TestSite};

use std::io::Write;
use std::path::Path;
use std::process::Command;

use cyrus_proto::sieve::{CompileOptions, Script};
use cyrus_store::mboxname::{MailboxName, UserId};
use cyrus_store::NewMailbox;

/// Writes a fake `sendmail` that stores invocation n as `<dir>/args<n>`
/// and `<dir>/msg<n>`.
fn fake_sendmail(dir: &Path) -> std::path::PathBuf {
    let out = dir.join("sent");
    std::fs::create_dir_all(&out).unwrap();
    let prog = dir.join("fake-sendmail");
    std::fs::write(
        &prog,
        format!(
            "#!/bin/sh\nn=$(ls {0} | grep -c '^msg')\necho \"$@\" > {0}/args$n\ncat > {0}/msg$n\n",
            out.display()
        ),
    )
    .unwrap();
    Command::new("chmod").arg("+x").arg(&prog).status().unwrap();
    prog
}

fn header<'a>(msg: &'a str, name: &str) -> Option<&'a str> {
    let head = msg.split("\r\n\r\n").next().unwrap();
    head.split("\r\n").find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[test]
fn vacation_and_notify_go_through_sendmail_with_fcc_copies() {
    if !have("python3") {
        return;
    }
    let site = TestSite::new(&["alice"]);
    let prog = fake_sendmail(site.root());
    let mut conf = std::fs::OpenOptions::new()
        .append(true)
        .open(site.conf())
        .unwrap();
    writeln!(conf, "sendmail: {}", prog.display()).unwrap();
    drop(conf);
    let store = site.store();
    store
        .create_mailbox(
            &MailboxName::from_internal("user.alice.Sent").unwrap(),
            &NewMailbox::default(),
            1_795_000_000,
        )
        .unwrap();
    let source = "require [\"vacation\", \"enotify\", \"fcc\", \"imap4flags\"];\r\n\
         notify :message \"mail from alice's friend\" :fcc \"Sent\" \"mailto:pager@example.com\";\r\n\
         vacation :days 1 :subject \"Away\" :fcc \"Sent\" :flags \"\\\\Seen\" \"Back on Monday.\";\r\n";
    let script = Script::compile(source, &CompileOptions::default()).unwrap();
    let alice = UserId::try_from("alice").unwrap();
    store
        .sieve_put(
            &alice,
            "away",
            source.as_bytes(),
            &script.to_bytes(),
            &cyrus_store::sieve::SieveLimits::default(),
            "clients.example",
            1,
        )
        .unwrap();
    store.sieve_activate(&alice, Some("away"), None, 1).unwrap();

    let lmtpd = Daemon::start(env!("CARGO_BIN_EXE_cyr_lmtpd"), &site.conf(), &["-a"]);
    let py = format!(
        "import smtplib\n\
         c = smtplib.LMTP('127.0.0.1', {})\n\
         c.sendmail('friend@example.org', ['alice'], 'From: friend@example.org\\r\\nTo: alice\\r\\nSubject: hello\\r\\nMessage-ID: <h1@x>\\r\\n\\r\\nhi\\r\\n')\n\
         c.sendmail('robot@example.org', ['alice'], 'From: robot@example.org\\r\\nSubject: report\\r\\nAuto-Submitted: auto-generated\\r\\nMessage-ID: <r1@x>\\r\\n\\r\\nhi\\r\\n')\n\
         c.quit()\n",
        lmtpd.port
    );
    let out = Command::new("python3").args(["-c", &py]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(lmtpd.stop().success());

    let sent = site.root().join("sent");
    let read = |f: &str| std::fs::read_to_string(sent.join(f)).unwrap();
    // The friend's message: one notification, one vacation reply. The
    // robot's: neither (auto-submitted mail gets no notification, and
    // vacation does not answer it).
    let mut names: Vec<String> = std::fs::read_dir(&sent)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("msg"))
        .collect();
    names.sort();
    assert_eq!(names, vec!["msg0", "msg1"]);
    let notify = read("msg0");
    assert_eq!(read("args0").trim(), "-i -f <> -- pager@example.com");
    assert_eq!(header(&notify, "Auto-Submitted"), Some("auto-notified"));
    assert_eq!(header(&notify, "To"), Some("<pager@example.com>"));
    assert_eq!(header(&notify, "From"), Some("<alice@clients.example>"));
    assert_eq!(header(&notify, "Subject"), Some("mail from alice's friend"));
    assert!(notify.contains("\r\nSubject: hello\r\n"), "{notify}");
    let vacation = read("msg1");
    assert_eq!(read("args1").trim(), "-i -f <> -- friend@example.org");
    assert_eq!(header(&vacation, "Subject"), Some("Away"));

    // Both copies in Sent, exactly as sent; the vacation copy \Seen.
    let copies = site.messages("user.alice.Sent");
    assert_eq!(copies.len(), 2);
    assert_eq!(copies[0].1, notify.as_bytes());
    assert_eq!(copies[1].1, vacation.as_bytes());
    let (_, mbox) = store
        .open_mailbox(
            &MailboxName::from_internal("user.alice.Sent").unwrap(),
            cyrus_store::os::LockKind::Shared,
        )
        .unwrap();
    let seen: Vec<bool> = mbox
        .records()
        .iter()
        .map(|r| {
            r.system_flags
                .contains(cyrus_store::mailbox::SystemFlags::SEEN)
        })
        .collect();
    assert_eq!(seen, vec![false, true]);
    assert_eq!(site.messages("user.alice").len(), 2, "both kept");
}
