//! COPY, MOVE, RENAME and APPEND where a transcript cannot set the scene:
//! rights granted by another user's ACL, a quota root, a small
//! APPENDLIMIT, and a second session watching a MOVE.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod imap_support;

use cyrus_proto::imap::{ImapSession, Limits};
use cyrus_store::acl::Acl;
use cyrus_store::mboxname::MailboxName;
use cyrus_store::quota::QuotaResource;
use cyrus_store::NewMailbox;
use imap_support::{feed, greet, Site, NOW};

fn login(site: &Site, user: &str) -> ImapSession {
    let mut s = site.session(Site::config());
    greet(&mut s);
    let out = feed(&mut s, format!("a LOGIN {user} pass\r\n").as_bytes());
    assert!(text(out).contains("a OK"));
    s
}

fn text(b: Vec<u8>) -> String {
    String::from_utf8_lossy(&b).into_owned()
}

fn run(s: &mut ImapSession, cmd: &str) -> String {
    text(feed(s, format!("{cmd}\r\n").as_bytes()))
}

fn name(s: &str) -> MailboxName {
    MailboxName::from_internal(s).unwrap()
}

/// bob's mailbox `user.bob.<leaf>` with `acl` (bob keeps all rights).
fn bob_box(site: &Site, leaf: &str, alice_rights: &str) {
    let acl = Acl::parse(&format!("bob\tlrswipkxtecdan\talice\t{alice_rights}\t")).unwrap();
    site.store
        .create_mailbox(
            &name(&format!("user.bob.{leaf}")),
            &NewMailbox {
                acl: Some(acl),
                ..NewMailbox::default()
            },
            NOW as u32,
        )
        .unwrap();
}

const APPEND: &str = "x APPEND INBOX {18+}\r\nSubject: x\r\n\r\nhi\r\n";

#[test]
fn copy_and_move_follow_the_rights() {
    let site = Site::new();
    bob_box(&site, "ro", "lr");
    bob_box(&site, "drop", "lrsi");
    bob_box(&site, "blind", "li");
    let mut a = login(&site, "alice");
    assert!(run(&mut a, APPEND).contains("x OK [APPENDUID"));
    run(&mut a, "s SELECT INBOX");
    // Reading is not inserting.
    let r = run(&mut a, "c1 COPY 1 \"Other Users/bob/ro\"");
    assert!(r.contains("c1 NO [NOPERM]"), "{r}");
    // Insert without read: copied, but no COPYUID (Cyrus tells only
    // those who may read the target).
    let r = run(&mut a, "c2 COPY 1 \"Other Users/bob/blind\"");
    assert!(
        r.contains("c2 OK Completed") && !r.contains("COPYUID"),
        "{r}"
    );
    let r = run(&mut a, "c4 COPY 1 \"Other Users/bob/drop\"");
    assert!(r.contains("c4 OK [COPYUID "), "{r}");
    // MOVE out of a mailbox needs `e` there.
    run(&mut a, "s2 SELECT \"Other Users/bob/drop\"");
    let r = run(&mut a, "m1 MOVE 1 INBOX");
    assert!(r.contains("m1 NO [NOPERM]"), "{r}");
    // A mailbox the user cannot see is missing.
    let r = run(&mut a, "c3 COPY 1 \"Other Users/bob\"");
    assert!(r.contains("c3 NO [TRYCREATE]"), "{r}");
    // RENAME needs `x` on the old name.
    let r = run(&mut a, "r1 RENAME \"Other Users/bob/ro\" Mine");
    assert!(r.contains("r1 NO [NOPERM]"), "{r}");
    let mut b = login(&site, "bob");
    let r = run(&mut b, "s SELECT drop");
    assert!(r.contains("s OK"), "{r}");
    let r = run(&mut b, "f FETCH 1 (BODY.PEEK[HEADER.FIELDS (Subject)])");
    assert!(r.contains("Subject: x"), "{r}");
}

#[test]
fn copy_over_quota_is_refused_with_overquota() {
    let site = Site::new();
    let mut a = login(&site, "alice");
    assert!(run(&mut a, APPEND).contains("x OK"));
    assert!(run(&mut a, APPEND).contains("x OK"));
    run(&mut a, "c CREATE Archive");
    site.store
        .set_quota(&name("user.alice"), &[(QuotaResource::Message, Some(3))])
        .unwrap();
    run(&mut a, "s SELECT INBOX");
    let r = run(&mut a, "c1 COPY 1:2 Archive");
    assert!(r.contains("c1 NO [OVERQUOTA]"), "{r}");
    let r = run(&mut a, "c2 STATUS Archive (MESSAGES)");
    assert!(r.contains("MESSAGES 0"), "nothing copied: {r}");
    let r = run(&mut a, "c3 COPY 1 Archive");
    assert!(r.contains("c3 OK [COPYUID"), "{r}");
    // MOVE inside one quota root needs no room.
    let r = run(&mut a, "m1 MOVE 2 Archive");
    assert!(r.contains("m1 OK"), "{r}");
    let q = site.store.quota(&name("user.alice")).unwrap().unwrap();
    assert_eq!(q.used(QuotaResource::Message), 3);
}

#[test]
fn append_over_appendlimit_is_toobig() {
    let site = Site::new();
    let mut config = Site::config();
    config.limits = Limits {
        max_line: 8 * 1024,
        max_literal: 64,
    };
    let mut s = site.session(config);
    greet(&mut s);
    feed(&mut s, b"a LOGIN alice pass\r\n");
    let r = text(feed(&mut s, b"b CAPABILITY\r\n"));
    assert!(r.contains("APPENDLIMIT=64"), "{r}");
    // A synchronising literal over the limit is refused before it is sent.
    let r = text(feed(&mut s, b"c APPEND INBOX {65}\r\n"));
    assert!(r.contains("c NO [TOOBIG]"), "{r}");
    // A CATENATE that grows past it is refused too.
    let part = "y".repeat(40);
    let r = text(feed(
        &mut s,
        format!("d APPEND INBOX CATENATE (TEXT {{40+}}\r\n{part} TEXT {{40+}}\r\n{part})\r\n")
            .as_bytes(),
    ));
    assert!(r.contains("d NO [TOOBIG]"), "{r}");
    let r = text(feed(&mut s, b"e STATUS INBOX (MESSAGES)\r\n"));
    assert!(r.contains("MESSAGES 0"), "{r}");
}

#[test]
fn another_session_sees_a_move_as_expunge_and_exists() {
    let site = Site::new();
    let mut a = login(&site, "alice");
    assert!(run(&mut a, APPEND).contains("x OK"));
    run(&mut a, "c CREATE Trash");
    let mut w = login(&site, "alice");
    run(&mut w, "s SELECT Trash");
    run(&mut a, "s SELECT INBOX");
    let r = run(&mut a, "m UID MOVE 1 Trash");
    assert!(
        r.contains("* OK [COPYUID ") && r.contains("* 1 EXPUNGE"),
        "{r}"
    );
    let r = run(&mut w, "n NOOP");
    assert!(r.contains("* 1 EXISTS"), "{r}");
}

#[test]
fn rename_of_the_selected_mailbox_keeps_it_selected() {
    let site = Site::new();
    let mut a = login(&site, "alice");
    run(&mut a, "c CREATE Work");
    run(&mut a, "s SELECT Work");
    let r = run(&mut a, "r RENAME Work Play");
    assert!(r.contains("r OK"), "{r}");
    let r = run(&mut a, "n FETCH 1:* FLAGS");
    assert!(r.contains("n OK"), "{r}");
    assert!(site
        .store
        .lookup(&name("user.alice.Play"))
        .unwrap()
        .is_some());
    assert!(site
        .store
        .lookup(&name("user.alice.Work"))
        .unwrap()
        .is_none());
}

#[test]
fn rename_keeps_uidvalidity_and_messages_of_the_whole_subtree() {
    let site = Site::new();
    let mut a = login(&site, "alice");
    run(&mut a, "c1 CREATE Work");
    run(&mut a, "c2 CREATE Work/Sub");
    let append = "x APPEND Work/Sub {18+}\r\nSubject: x\r\n\r\nhi\r\n";
    assert!(run(&mut a, append).contains("x OK"));
    let before = run(&mut a, "s1 STATUS Work/Sub (UIDVALIDITY UIDNEXT MESSAGES)");
    let r = run(&mut a, "r RENAME Work Play");
    assert!(r.starts_with("* OK rename Work Play\r\n"), "{r}");
    let after = run(&mut a, "s2 STATUS Play/Sub (UIDVALIDITY UIDNEXT MESSAGES)");
    let counts = |s: &str| {
        s.split_once('(')
            .unwrap()
            .1
            .split_once(')')
            .unwrap()
            .0
            .to_string()
    };
    assert_eq!(counts(&before), counts(&after));
    assert!(after.contains("MESSAGES 1"), "{after}");
    let r = run(&mut a, "s3 STATUS Work/Sub (MESSAGES)");
    assert!(r.contains("s3 NO [NONEXISTENT]"), "{r}");
}
