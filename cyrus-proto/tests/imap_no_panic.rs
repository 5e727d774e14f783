//! Hostile input: random bytes, random command-shaped lines, oversized
//! lines and literals must never panic or hang the session, and it must
//! keep answering afterwards.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod imap_support;

use imap_support::{feed, greet, Site};
use proptest::prelude::*;

const WORDS: &[&str] = &[
    "a1",
    "*",
    "LOGIN",
    "alice",
    "x",
    "SELECT",
    "INBOX",
    "FETCH",
    "EMAILID",
    "PREVIEW",
    "(LAZY)",
    "SAVEDATE",
    "STATUS",
    "(MAILBOXID",
    "(CHANGEDSINCE",
    "VANISHED)",
    "(UNCHANGEDSINCE",
    "ENABLE",
    "QRESYNC",
    "(QRESYNC",
    "1:*",
    "(",
    ")",
    "BODY[]",
    "BODY.PEEK[1.2.MIME]<0.5>",
    "STORE",
    "+FLAGS",
    "(\\Seen)",
    "SEARCH",
    "OR",
    "NOT",
    "UID",
    "APPEND",
    "{3}",
    "{2+}",
    "IDLE",
    "DONE",
    "AUTHENTICATE",
    "PLAIN",
    "=",
    "LIST",
    "\"\"",
    "%",
    "CREATE",
    "DELETE",
    "EXPUNGE",
    "CLOSE",
    "\r\n",
    " ",
    "\"",
    "\\",
    "{4294967295}",
    "~{1}",
];

fn session_with_mail() -> (Site, cyrus_proto::imap::ImapSession) {
    let site = Site::new();
    let mut s = site.session(Site::config());
    greet(&mut s);
    feed(&mut s, b"a LOGIN alice pass\r\n");
    feed(
        &mut s,
        b"b APPEND INBOX {36+}\r\nSubject: x\r\nContent-Type: text/plain\r\n\r\nhi\r\n",
    );
    feed(&mut s, b"c SELECT INBOX\r\n");
    (site, s)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_bytes_do_not_panic(chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..200), 0..8)) {
        let (_site, mut s) = session_with_mail();
        for c in &chunks {
            feed(&mut s, c);
        }
    }

    #[test]
    fn command_shaped_input_does_not_panic(words in proptest::collection::vec(0..WORDS.len(), 0..40)) {
        let (_site, mut s) = session_with_mail();
        let mut input = Vec::new();
        for w in words {
            input.extend_from_slice(WORDS[w].as_bytes());
            input.push(b' ');
        }
        input.extend_from_slice(b"\r\n");
        feed(&mut s, &input);
    }
}

#[test]
fn oversized_line_is_refused_and_session_continues() {
    let (_site, mut s) = session_with_mail();
    let mut line = b"z1 NOOP ".to_vec();
    line.extend(std::iter::repeat_n(b'x', 20_000));
    line.extend_from_slice(b"\r\n");
    let out = feed(&mut s, &line);
    assert_eq!(out, b"z1 BAD Line too long\r\n");
    assert_eq!(feed(&mut s, b"z2 NOOP\r\n"), b"z2 OK Completed\r\n");
}

#[test]
fn oversized_nonsync_literal_is_discarded() {
    let (_site, mut s) = session_with_mail();
    let n = 2 * 1024 * 1024;
    let mut out = feed(&mut s, format!("z1 APPEND INBOX {{{n}+}}\r\n").as_bytes());
    let chunk = vec![b'x'; 64 * 1024];
    for _ in 0..(n / chunk.len()) {
        out.extend(feed(&mut s, &chunk));
    }
    out.extend(feed(&mut s, b"\r\nz2 NOOP\r\n"));
    assert_eq!(
        String::from_utf8_lossy(&out),
        "z1 NO [TOOBIG] Literal too large\r\nz2 OK Completed\r\n"
    );
}

#[test]
fn oversized_sync_literal_is_refused_unread() {
    let (_site, mut s) = session_with_mail();
    let out = feed(&mut s, b"z1 APPEND INBOX {99999999}\r\nz2 NOOP\r\n");
    assert_eq!(
        String::from_utf8_lossy(&out),
        "z1 NO [TOOBIG] Literal too large\r\nz2 OK Completed\r\n"
    );
}
