//! POP3 sessions next to other writers: the maildrop is not kept locked,
//! so a delivery during a session succeeds (and shows at the next login,
//! not in this one), and QUIT skips a DELEted message that IMAP expunged
//! meanwhile.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod lmtp_common;

use std::sync::Arc;

use cyrus_proto::lmtp::CountingSessionIds;
use cyrus_proto::pop3::{Pop3Config, Pop3Session};
use cyrus_proto::runtime::{ConnInfo, Output, Session};
use cyrus_proto::sasl::{random_mock_key, AlwaysTrue, AuthzPolicy, PlaintextPolicy, SaslConfig};
use cyrus_store::mailbox::{FlagOp, SystemFlags};
use cyrus_store::os::LockKind;
use cyrus_store::{AppendRequest, Uid};
use lmtp_common::{name, now, tcp_peer, Site};

fn session(site: &Site) -> Pop3Session {
    let mut s = Pop3Session::new(
        site.store.clone(),
        Arc::new(SaslConfig::new(
            Some("PLAIN"),
            PlaintextPolicy::Allowed,
            random_mock_key(),
        )),
        Arc::new(AlwaysTrue::new(AuthzPolicy::new(vec![], vec![]))),
        Arc::new(Pop3Config::default()),
        Arc::new(CountingSessionIds::new("t")),
        &ConnInfo {
            service: "pop3".into(),
            peer: tcp_peer(),
            local: None,
            tls: false,
        },
    );
    let mut out = Output::new();
    s.greeting(now(), &mut out);
    s
}

fn say(s: &mut Pop3Session, line: &str) -> String {
    let mut out = Output::new();
    s.input(format!("{line}\r\n").as_bytes(), now(), &mut out);
    String::from_utf8(out.sent_bytes()).unwrap()
}

fn append(site: &Site, subject: &str) {
    site.store
        .append(
            &name("user.bob"),
            &[AppendRequest {
                data: format!("Subject: {subject}\r\n\r\nx\r\n").into_bytes(),
                ..AppendRequest::default()
            }],
            1_795_354_000,
        )
        .unwrap();
}

#[test]
fn other_writers_go_on_during_a_session() {
    let site = Site::new();
    site.user("bob");
    append(&site, "one");
    append(&site, "two");
    let mut s = session(&site);
    assert!(say(&mut s, "USER bob").starts_with("+OK"));
    assert!(say(&mut s, "PASS x").starts_with("+OK Mailbox locked and ready"));

    // A delivery while the session is open: the session keeps its map.
    append(&site, "three");
    assert_eq!(say(&mut s, "STAT"), "+OK 2 38\r\n");

    // IMAP expunges message 2 while POP3 has DELEted it.
    assert_eq!(say(&mut s, "DELE 1"), "+OK message deleted\r\n");
    assert_eq!(say(&mut s, "DELE 2"), "+OK message deleted\r\n");
    {
        let inbox = name("user.bob");
        let (_, mut mbox) = site
            .store
            .open_mailbox(&inbox, LockKind::Exclusive)
            .unwrap();
        mbox.store_flags(&[Uid(2)], FlagOp::Add, SystemFlags::DELETED, &[], 1)
            .unwrap();
        site.store
            .expunge_deleted(&mut mbox, None, Default::default(), 1)
            .unwrap();
    }
    assert_eq!(say(&mut s, "QUIT"), "+OK\r\n");

    let (_, mbox) = site
        .store
        .open_mailbox(&name("user.bob"), LockKind::Shared)
        .unwrap();
    let live: Vec<u32> = mbox
        .records()
        .iter()
        .filter(|r| !r.is_expunged())
        .map(|r| r.uid.0)
        .collect();
    assert_eq!(live, vec![3]);
    drop(mbox);

    let mut s = session(&site);
    say(&mut s, "USER bob");
    say(&mut s, "PASS x");
    assert_eq!(say(&mut s, "STAT"), "+OK 1 21\r\n");
}
