//! QRESYNC and per-user `\Seen` against the store's own state: after a
//! repack has forgotten expunged records (`deletedmodseq`), QRESYNC must
//! answer conservatively; a non-owner's `\Seen` lands in their seen.db in
//! Cyrus's record format and leaves the index alone.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod imap_support;

use cyrus_store::acl::Acl;
use cyrus_store::mailbox::{ExpungeMode, SystemFlags};
use cyrus_store::mboxname::{MailboxName, UserId};
use cyrus_store::os::LockKind;
use cyrus_store::{AppendRequest, NewMailbox, Uid};
use imap_support::{feed, greet, Site, NOW};

fn text(b: Vec<u8>) -> String {
    String::from_utf8(b).unwrap()
}

fn msg(flags: &[&str]) -> AppendRequest {
    AppendRequest {
        data: b"Subject: x\r\n\r\nhi\r\n".to_vec(),
        flags: flags.iter().map(|f| f.to_string()).collect(),
        internaldate: None,
    }
}

#[test]
fn qresync_after_repack_reports_every_known_uid_that_is_gone() {
    let site = Site::new();
    let inbox = MailboxName::from_internal("user.alice").unwrap();
    let del = &["\\Deleted"][..];
    site.store
        .append(
            &inbox,
            &[msg(&[]), msg(del), msg(&[]), msg(del), msg(&[])],
            NOW as u32,
        )
        .unwrap();
    {
        let (_, mut mbox) = site
            .store
            .open_mailbox(&inbox, LockKind::Exclusive)
            .unwrap();
        assert_eq!(
            mbox.expunge(None, ExpungeMode::Delayed, NOW as u32)
                .unwrap(),
            vec![Uid(2), Uid(4)]
        );
        mbox.expire_expunged(NOW as u32, NOW as u32).unwrap();
        assert!(mbox.index().deletedmodseq.0 > 2);
        assert!(mbox.records().iter().all(|r| !r.is_expunged()));
    }
    let mut s = site.session(Site::config());
    greet(&mut s);
    feed(&mut s, b"a LOGIN alice pass\r\n");
    feed(&mut s, b"b ENABLE QRESYNC\r\n");
    // The records are gone, so the UIDs cannot be told by MODSEQ: every
    // known UID that is not live is reported.
    let out = text(feed(
        &mut s,
        b"c SELECT INBOX (QRESYNC (1795000001 2 1:10))\r\n",
    ));
    assert!(out.contains("* VANISHED (EARLIER) 2,4\r\n"), "{out}");
    // Sequence-match data shows 1 and 2 (UIDs 1, 3) intact: only 4 left.
    let out = text(feed(
        &mut s,
        b"d SELECT INBOX (QRESYNC (1795000001 2 1:10 (1:2 1,3)))\r\n",
    ));
    assert!(out.contains("* VANISHED (EARLIER) 4\r\n"), "{out}");
    let out = text(feed(
        &mut s,
        b"e UID FETCH 1:* (UID) (CHANGEDSINCE 2 VANISHED)\r\n",
    ));
    assert!(out.starts_with("* VANISHED (EARLIER) 2,4\r\n"), "{out}");
}

#[test]
fn a_non_owner_keeps_seen_in_their_seen_db() {
    let site = Site::new();
    let shared = MailboxName::from_internal("user.alice.shared").unwrap();
    let acl = Acl::parse("alice\tlrswipkxtecdan\tbob\tlrswi\t").unwrap();
    site.store
        .create_mailbox(
            &shared,
            &NewMailbox {
                acl: Some(acl),
                ..Default::default()
            },
            NOW as u32,
        )
        .unwrap();
    site.store
        .append(&shared, &[msg(&[]), msg(&["\\Seen"]), msg(&[])], NOW as u32)
        .unwrap();
    let mut bob = site.session(Site::config());
    greet(&mut bob);
    feed(&mut bob, b"a LOGIN bob pass\r\n");
    let out = text(feed(&mut bob, b"b SELECT \"Other Users/alice/shared\"\r\n"));
    assert!(out.contains("* 3 RECENT\r\n* FLAGS"), "{out}");
    assert!(out.contains("* OK [UNSEEN 1] Ok"), "{out}");
    feed(&mut bob, b"c STORE 1,3 +FLAGS (\\Seen)\r\n");
    feed(&mut bob, b"d STORE 2 FLAGS ()\r\n");

    let (entry, mbox) = site.store.open_mailbox(&shared, LockKind::Shared).unwrap();
    let id = entry.uniqueid.unwrap();
    let sd = site
        .store
        .seen(&UserId::try_from("bob").unwrap(), &id)
        .unwrap()
        .unwrap();
    assert_eq!(sd.seenuids.to_string(), "1,3");
    assert_eq!(sd.lastuid, Uid(3));
    assert!(String::from_utf8(sd.encode()).unwrap().starts_with("1 "));
    // alice's \Seen (the index bit) is untouched by bob.
    let seen: Vec<bool> = mbox
        .records()
        .iter()
        .map(|r| r.system_flags.contains(SystemFlags::SEEN))
        .collect();
    assert_eq!(seen, vec![false, true, false]);
    drop(mbox);
    // Alice has no seen.db record for her own folder.
    assert!(site
        .store
        .seen(&UserId::try_from("alice").unwrap(), &id)
        .unwrap()
        .is_none());
    // bob's \Recent mark holds for his next session.
    let mut bob2 = site.session(Site::config());
    greet(&mut bob2);
    feed(&mut bob2, b"a LOGIN bob pass\r\n");
    let out = text(feed(
        &mut bob2,
        b"b EXAMINE \"Other Users/alice/shared\"\r\n",
    ));
    assert!(out.contains("* 0 RECENT\r\n"), "{out}");
    assert!(out.contains("* OK [UNSEEN 2] Ok"), "{out}");
}
