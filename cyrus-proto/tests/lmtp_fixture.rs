//! Golden: the fixture's LMTP deliveries (messages 01–33 of
//! `shared/fixtures/cyrus-3.6/basic/messages`, sent as smtplib does)
//! get the reply classes real Cyrus 3.6 gave (MANIFEST.tsv), and the
//! fixture's Sieve script files message 41 into Archive.
#![allow(clippy::unwrap_used)]

mod lmtp_common;

use std::path::PathBuf;

use cyrus_proto::lmtp::LmtpConfig;
use cyrus_proto::runtime::PeerAddr;
use lmtp_common::{feed, greet, Site};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/cyrus-3.6/basic")
}

/// smtplib's DATA encoding: CRLF line ends, dot-stuffing, final CRLF.
fn smtplib_data(msg: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(msg).replace("\r\n", "\n");
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let line = line.strip_suffix('\n').unwrap_or(line);
        if line.starts_with('.') {
            out.push('.');
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str(".\r\n");
    out.into_bytes()
}

fn site() -> Option<Site> {
    if !fixture().exists() {
        eprintln!("fixture missing; skipped");
        return None;
    }
    let site = Site::new();
    site.user("alice");
    site.user("bob");
    site.mailbox("user.alice.Archive", Some("alice lrswipkxtecdan"));
    site.mailbox("user.bob.Work", Some("bob lrswipkxtecdan"));
    site.mailbox("shared-news", Some("anyone lr bob lrswipkxtecdan"));
    Some(site)
}

#[test]
fn manifest_reply_classes() {
    let Some(site) = site() else { return };
    let manifest = std::fs::read_to_string(fixture().join("messages/MANIFEST.tsv")).unwrap();
    let mut s = site.session(LmtpConfig::default(), PeerAddr::Unix);
    greet(&mut s);
    feed(&mut s, b"LHLO fixture.example\r\n");
    let mut rows: Vec<(String, String, String)> = Vec::new();
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() >= 5 && cols[1] == "LMTP" {
            rows.push((cols[0].into(), cols[2].into(), cols[4].into()));
        } else if let Some(last) = rows.last_mut() {
            // A multi-line reply continues on the next manifest lines.
            last.2.push('\n');
            last.2.push_str(line);
        }
    }
    let mut i = 0;
    while i < rows.len() {
        // Rows for the same file form one transaction (message 30).
        let file = rows[i].0.clone();
        let group: Vec<_> = rows[i..]
            .iter()
            .take_while(|r| r.0 == file)
            .cloned()
            .collect();
        i += group.len();
        let mut input = b"MAIL FROM:<fixture@example.org>\r\n".to_vec();
        for (_, rcpt, _) in &group {
            input.extend_from_slice(format!("{rcpt}\r\n").as_bytes());
        }
        let got = feed(&mut s, &input);
        let accepted = group.iter().filter(|r| r.2.starts_with("250")).count();
        if got.matches("250 2.1.5 ok").count() < group.len() {
            // Refused at RCPT (message 33, shared folder without `p`).
            assert!(group[0].2.starts_with("550"), "{file}: {got}");
            assert!(got.contains("550 5.7.1 Permission denied"), "{file}: {got}");
            feed(&mut s, b"RSET\r\n");
            continue;
        }
        let raw = std::fs::read(fixture().join("messages").join(&file)).unwrap();
        feed(&mut s, b"DATA\r\n");
        let got = feed(&mut s, &smtplib_data(&raw));
        for (_, _, want) in &group {
            let class = &want[..want.find(" SESSIONID").unwrap_or(want.len())];
            assert!(got.contains(class), "{file}: want {class:?}, got {got:?}");
        }
        assert_eq!(got.matches("250 2.1.5 Success").count(), accepted, "{file}");
    }
    // UIDs 1–25 of the fixture INBOX: 01–27 minus two rejected and two
    // duplicates, 28 duplicate, 29 (alice+Archive → INBOX), 30; plus 41,
    // which stays in INBOX here because no Sieve script is installed.
    assert_eq!(site.messages("user.alice").len(), 26);
    assert_eq!(site.messages("user.alice.Archive").len(), 0);
    // 30, 31, 32 (bob+Work → INBOX).
    assert_eq!(site.messages("user.bob").len(), 3);
    assert_eq!(site.messages("user.bob.Work").len(), 0);
    let bare_lf = &site.messages("user.alice")[10];
    assert!(!bare_lf.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r'));
}

#[test]
fn fixture_sieve_script_files_message_41_into_archive() {
    let Some(site) = site() else { return };
    let get =
        std::fs::read_to_string(fixture().join("expected/managesieve/getscript.txt")).unwrap();
    // `{100}\r\n<script>\r\nOK`: the literal's body.
    let (head, rest) = get.split_once('\n').unwrap();
    let n: usize = head
        .trim()
        .trim_start_matches('{')
        .trim_end_matches(['}', '+'])
        .parse()
        .unwrap();
    let source = &rest.as_bytes()[..n];
    site.sieve("alice", std::str::from_utf8(source).unwrap());
    let raw = std::fs::read(fixture().join("messages/41-lmtp-alice-sieve-list.eml")).unwrap();
    let mut s = site.session(LmtpConfig::default(), PeerAddr::Unix);
    greet(&mut s);
    let mut input = b"LHLO fixture.example\r\nMAIL FROM:<fixture@example.org>\r\nRCPT TO:<alice@localhost>\r\nDATA\r\n".to_vec();
    input.extend_from_slice(&smtplib_data(&raw));
    let got = feed(&mut s, &input);
    assert!(
        got.ends_with("250 2.1.5 Success SESSIONID=<test-2>\r\n"),
        "{got}"
    );
    assert_eq!(site.messages("user.alice").len(), 0);
    let archived = site.messages("user.alice.Archive");
    assert_eq!(archived.len(), 1);
    assert!(String::from_utf8_lossy(&archived[0]).contains("Subject: [list] weekly digest"));
}

#[test]
fn sieve_redirect_and_vacation_go_to_sendmail() {
    let site = Site::new();
    site.user("alice");
    site.sieve(
        "alice",
        "require [\"vacation\"]; redirect \"elsewhere@example.net\"; vacation :days 3 \"away\";",
    );
    let mut s = site.session(LmtpConfig::default(), PeerAddr::Unix);
    greet(&mut s);
    let msg = b"MAIL FROM:<friend@example.org>\r\nRCPT TO:<alice@localhost>\r\nDATA\r\nFrom: friend@example.org\r\nTo: alice@localhost\r\nSubject: hi\r\n\r\nhello\r\n.\r\n";
    let got = feed(&mut s, msg);
    assert!(
        got.ends_with("250 2.1.5 Success SESSIONID=<test-1>\r\n"),
        "{got}"
    );
    // Redirect cancels the implicit keep; vacation does not keep either.
    assert_eq!(site.messages("user.alice").len(), 0);
    let sent = site.sendmail.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert_eq!(sent[0].to, vec!["elsewhere@example.net".to_string()]);
    assert_eq!(sent[1].to, vec!["friend@example.org".to_string()]);
    assert_eq!(sent[1].from, "");
    assert!(String::from_utf8_lossy(&sent[1].data).contains("\r\n\r\naway\r\n"));
    // A second message from the same sender within :days gets no reply.
    let msg2 = b"MAIL FROM:<friend@example.org>\r\nRCPT TO:<alice@localhost>\r\nDATA\r\nFrom: friend@example.org\r\nTo: alice@localhost\r\nSubject: again\r\nMessage-ID: <2@x>\r\n\r\nhello\r\n.\r\n";
    feed(&mut s, msg2);
    assert_eq!(
        site.sendmail.sent.lock().unwrap().len(),
        3,
        "only the redirect"
    );
}

#[test]
fn sieve_flags_with_imap4flags() {
    let site = Site::new();
    site.user("alice");
    site.sieve(
        "alice",
        "require [\"imap4flags\"]; addflag \"\\\\Flagged\"; keep;",
    );
    let mut s = site.session(LmtpConfig::default(), PeerAddr::Unix);
    greet(&mut s);
    let got = feed(
        &mut s,
        b"MAIL FROM:<a@b>\r\nRCPT TO:<alice@localhost>\r\nDATA\r\nSubject: f\r\n\r\nx\r\n.\r\n",
    );
    assert!(
        got.ends_with("250 2.1.5 Success SESSIONID=<test-1>\r\n"),
        "{got}"
    );
    let (_, mbox) = site
        .store
        .open_mailbox(
            &lmtp_common::name("user.alice"),
            cyrus_store::os::LockKind::Shared,
        )
        .unwrap();
    let rec = &mbox.records()[0];
    assert!(rec
        .system_flags
        .contains(cyrus_store::mailbox::SystemFlags::FLAGGED));
}

#[test]
fn sieve_runtime_error_keeps_the_message() {
    let site = Site::new();
    site.user("alice");
    // Six redirects exceed the limit of five: a runtime error.
    let many: String = (0..6)
        .map(|i| format!("redirect \"r{i}@example.net\";"))
        .collect();
    site.sieve("alice", &many);
    let mut s = site.session(LmtpConfig::default(), PeerAddr::Unix);
    greet(&mut s);
    let got = feed(
        &mut s,
        b"MAIL FROM:<a@b>\r\nRCPT TO:<alice@localhost>\r\nDATA\r\nSubject: e\r\n\r\nx\r\n.\r\n",
    );
    assert!(
        got.ends_with("250 2.1.5 Success SESSIONID=<test-1>\r\n"),
        "{got}"
    );
    assert_eq!(site.messages("user.alice").len(), 1);
    assert!(site.sendmail.sent.lock().unwrap().is_empty());
    // Cyrus flags the fallback delivery `$SieveFailed`.
    let (_, mbox) = site
        .store
        .open_mailbox(
            &cyrus_store::mboxname::MailboxName::from_internal("user.alice").unwrap(),
            cyrus_store::os::LockKind::Shared,
        )
        .unwrap();
    let names = mbox.header().user_flag_names(&mbox.records()[0].user_flags);
    assert_eq!(names, vec!["$SieveFailed"]);
}
