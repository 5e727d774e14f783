//! SEARCH answers FROM/TO/CC/BCC/SUBJECT from `cyrus.cache` (as Cyrus's
//! `message_get_field` does), and still answers from the message file
//! when a cache entry is unusable.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod imap_support;

use cyrus_proto::imap::ImapSession;
use cyrus_store::mboxname::MailboxName;
use cyrus_store::os::LockKind;
use imap_support::{feed, greet, Site};

fn text(b: Vec<u8>) -> String {
    String::from_utf8(b).unwrap()
}

fn append(s: &mut ImapSession, msg: &str) {
    let mut cmd = format!("a APPEND INBOX {{{}+}}\r\n", msg.len()).into_bytes();
    cmd.extend_from_slice(msg.as_bytes());
    cmd.extend_from_slice(b"\r\n");
    assert!(text(feed(s, &cmd)).contains("a OK"));
}

fn session(site: &Site) -> ImapSession {
    let mut s = site.session(Site::config());
    greet(&mut s);
    feed(&mut s, b"l LOGIN alice pass\r\n");
    append(
        &mut s,
        "From: Ann <ann@example.org>\r\nSubject: =?UTF-8?Q?caf=C3=A9_menu?=\r\n\r\nbody\r\n",
    );
    append(
        &mut s,
        "From: Bob <bob@example.org>\r\nSubject: plain menu\r\n\r\nbody\r\n",
    );
    append(&mut s, "From: Cy <cy@example.org>\r\n\r\nno subject\r\n");
    feed(&mut s, b"s SELECT INBOX\r\n");
    s
}

fn search(s: &mut ImapSession, key: &str) -> String {
    let out = text(feed(s, format!("x UID SEARCH {key}\r\n").as_bytes()));
    out.lines().next().unwrap().to_string()
}

#[test]
fn subject_and_from_come_from_the_cache() {
    let site = Site::new();
    let mut s = session(&site);
    // The cached subject is RFC 2047-decoded; matching is case-folded.
    assert_eq!(
        search(&mut s, "CHARSET UTF-8 SUBJECT CAF\u{c9}"),
        "* SEARCH 1"
    );
    assert_eq!(search(&mut s, "SUBJECT menu"), "* SEARCH 1 2");
    // An empty key matches the messages that have a Subject field.
    assert_eq!(search(&mut s, "SUBJECT \"\""), "* SEARCH 1 2");
    assert_eq!(search(&mut s, "FROM bob"), "* SEARCH 2");
    assert_eq!(search(&mut s, "NOT SUBJECT menu"), "* SEARCH 3");
}

#[test]
fn the_message_file_is_not_read_for_cached_items() {
    let site = Site::new();
    let mut s = session(&site);
    // Replace message 2's file: SUBJECT and FROM still see what was
    // cached at APPEND, so they did not read the file.
    let name = MailboxName::from_internal("user.alice").unwrap();
    let (_, mbox) = site.store.open_mailbox(&name, LockKind::Shared).unwrap();
    let path = mbox.dir().join("2.");
    drop(mbox);
    std::fs::write(
        &path,
        "From: Zed <zed@example.org>\r\nSubject: other\r\n\r\nx\r\n",
    )
    .unwrap();
    assert_eq!(search(&mut s, "SUBJECT plain"), "* SEARCH 2");
    assert_eq!(search(&mut s, "FROM bob"), "* SEARCH 2");
    assert_eq!(search(&mut s, "FROM zed"), "* SEARCH");
}

#[test]
fn an_unusable_cache_entry_falls_back_to_the_message() {
    let site = Site::new();
    let mut s = session(&site);
    // Damage every byte of the cache after its generation number: each
    // entry's CRC (or its lengths) no longer check.
    let name = MailboxName::from_internal("user.alice").unwrap();
    let (_, mbox) = site.store.open_mailbox(&name, LockKind::Shared).unwrap();
    let path = mbox.dir().join("cyrus.cache");
    drop(mbox);
    let mut bytes = std::fs::read(&path).unwrap();
    for b in &mut bytes[4..] {
        *b ^= 0x5a;
    }
    std::fs::write(&path, &bytes).unwrap();
    assert_eq!(search(&mut s, "SUBJECT menu"), "* SEARCH 1 2");
    assert_eq!(search(&mut s, "FROM bob"), "* SEARCH 2");
    assert_eq!(search(&mut s, "SUBJECT \"\""), "* SEARCH 1 2");
}
