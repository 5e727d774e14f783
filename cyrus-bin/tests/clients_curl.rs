//! curl's IMAP client against `cyr_imapd`: LIST, FETCH by UID (whole
//! message and `;SECTION=HEADER`), a custom `UID SEARCH`, APPEND with
//! `-T`, over STARTTLS (`--ssl-reqd`) and over imaps. Each answer is
//! compared with the bytes in the store.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod daemon;

use std::process::Command;

use cyrus_store::mboxname::MailboxName;
use cyrus_store::AppendRequest;
use daemon::{have, TestSite};

const FIRST: &[u8] = b"From: Ann <ann@example.org>\r\nTo: alice@example.org\r\n\
Subject: first note\r\nMessage-ID: <curl-1@example.org>\r\n\r\nHello from the first message.\r\n";
const SECOND: &[u8] = b"From: Bob <bob@example.org>\r\nTo: alice@example.org\r\n\
Subject: second note\r\nMessage-ID: <curl-2@example.org>\r\n\r\nThe second body.\r\n";
const UPLOAD: &[u8] = b"From: Curl <curl@example.org>\r\nTo: alice@example.org\r\n\
Subject: uploaded by curl\r\nMessage-ID: <curl-3@example.org>\r\n\r\nAppended with -T.\r\n";

/// Runs curl with `args` (plus `-s -S` and alice's credentials); returns
/// stdout, failing the test on a non-zero exit.
fn curl(args: &[&str]) -> Vec<u8> {
    let out = Command::new("curl")
        .args(["-s", "-S", "--max-time", "20", "-u", "alice:secret"])
        .args(args)
        .output()
        .expect("run curl");
    assert!(
        out.status.success(),
        "curl {args:?}: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn header_of(msg: &[u8]) -> &[u8] {
    let end = msg.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    &msg[..end]
}

#[test]
fn curl_lists_fetches_searches_and_appends() {
    if !have("curl") {
        return;
    }
    let site = TestSite::new(&["alice"]);
    site.store()
        .append(
            &MailboxName::from_internal("user.alice").unwrap(),
            &[
                AppendRequest {
                    data: FIRST.to_vec(),
                    flags: vec![],
                    internaldate: Some(1_795_000_000),
                },
                AppendRequest {
                    data: SECOND.to_vec(),
                    flags: vec![],
                    internaldate: Some(1_795_000_100),
                },
            ],
            1_795_000_000,
        )
        .unwrap();
    let plain = site.imapd(&[]);
    let tls = site.imapd(&["-s"]);
    let base = format!("imap://127.0.0.1:{}", plain.port);

    // The root URL lists the mailboxes.
    let list = String::from_utf8(curl(&[&format!("{base}/")])).unwrap();
    assert!(
        list.lines()
            .any(|l| l.starts_with("* LIST ") && l.ends_with(" INBOX")),
        "{list}"
    );

    // A UID fetches the whole message, byte for byte.
    assert_eq!(curl(&[&format!("{base}/INBOX;UID=1")]), FIRST);
    assert_eq!(curl(&[&format!("{base}/INBOX;UID=2")]), SECOND);
    // SECTION=HEADER: the header with its blank line.
    assert_eq!(
        curl(&[&format!("{base}/INBOX;UID=2;SECTION=HEADER")]),
        header_of(SECOND)
    );

    // A custom command on the selected mailbox.
    let found = String::from_utf8(curl(&[
        &format!("{base}/INBOX"),
        "-X",
        "UID SEARCH SUBJECT second",
    ]))
    .unwrap();
    assert_eq!(found.trim_end(), "* SEARCH 2", "{found}");

    // -T appends the file to the mailbox.
    let upload = site.root().join("upload.eml");
    std::fs::write(&upload, UPLOAD).unwrap();
    curl(&["-T", upload.to_str().unwrap(), &format!("{base}/INBOX")]);
    let stored = site.messages("user.alice");
    assert_eq!(stored.len(), 3, "the upload is the third message");
    assert_eq!(stored[2], (3, UPLOAD.to_vec()));
    let found = String::from_utf8(curl(&[
        &format!("{base}/INBOX"),
        "-X",
        "UID SEARCH HEADER Message-ID curl-3",
    ]))
    .unwrap();
    assert_eq!(found.trim_end(), "* SEARCH 3", "{found}");

    // STARTTLS on the plain port: --ssl-reqd fails unless it happened.
    assert_eq!(
        curl(&["--ssl-reqd", "-k", &format!("{base}/INBOX;UID=3")]),
        UPLOAD
    );
    // imaps: TLS from the first byte.
    assert_eq!(
        curl(&[
            "-k",
            &format!("imaps://127.0.0.1:{}/INBOX;UID=1;SECTION=HEADER", tls.port)
        ]),
        header_of(FIRST)
    );
    let list =
        String::from_utf8(curl(&["-k", &format!("imaps://127.0.0.1:{}/", tls.port)])).unwrap();
    assert!(list.contains("INBOX"), "{list}");
}
