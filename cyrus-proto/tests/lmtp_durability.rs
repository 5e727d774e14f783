//! Durability: a `250` after DATA is only sent once the message is
//! durable. Power is cut (simulated filesystem) at every mutating
//! operation of a delivery run; after the restart, every message a
//! recipient got `250` for is in its mailbox.
#![allow(clippy::unwrap_used)]

mod lmtp_common;

use std::sync::Arc;

use cyrus_proto::lmtp::{CountingSessionIds, LmtpConfig, LmtpSession, SessionIds};
use cyrus_proto::runtime::{ConnInfo, Output, PeerAddr, Session};
use cyrus_store::os::{Fault, FsRef, SimFs};
use cyrus_store::{NewMailbox, Store, StoreOptions};
use lmtp_common::{messages_in, name, now, Recorder};

const USERS: [&str; 2] = ["alice", "bob"];

fn opts() -> StoreOptions {
    let mut o = StoreOptions::new("/site/lib", "/site/spool");
    o.sieve_dir = "/nonexistent/sieve".into();
    o
}

fn fresh_site() -> Arc<SimFs> {
    let sim = Arc::new(SimFs::new());
    let fs: FsRef = sim.clone();
    let store = Store::open(fs, opts()).unwrap();
    for u in USERS {
        store
            .create_mailbox(&name(&format!("user.{u}")), &NewMailbox::default(), 1)
            .unwrap();
    }
    sim.sync_all();
    sim
}

/// Delivers 3 messages to both users; returns (subject, user) pairs
/// answered 250.
fn run(sim: &Arc<SimFs>) -> Vec<(String, String)> {
    let fs: FsRef = sim.clone();
    let Ok(store) = Store::open(fs, opts()) else {
        return Vec::new();
    };
    let ids: Arc<dyn SessionIds> = Arc::new(CountingSessionIds::new("t"));
    let conn = ConnInfo {
        service: "lmtp".into(),
        peer: PeerAddr::Unix,
        local: None,
        tls: false,
    };
    let mut s = LmtpSession::new(
        Arc::new(store),
        Arc::new(LmtpConfig::default()),
        Arc::new(Recorder::default()),
        ids,
        &conn,
    );
    let mut ok = Vec::new();
    for i in 0..3 {
        let subject = format!("durable {i}");
        let input = format!(
            "MAIL FROM:<x@example.org>\r\nRCPT TO:<alice@localhost>\r\nRCPT TO:<bob@localhost>\r\n\
             DATA\r\nSubject: {subject}\r\nMessage-ID: <{i}@x>\r\n\r\nbody\r\n.\r\n"
        );
        let mut out = Output::new();
        s.input(input.as_bytes(), now(), &mut out);
        let text = String::from_utf8(out.sent_bytes()).unwrap();
        let replies: Vec<&str> = text.lines().collect();
        // MAIL, 2×RCPT, 354, then one line per accepted recipient.
        let data_replies = &replies[replies.len().saturating_sub(2)..];
        if replies.iter().filter(|l| *l == &"250 2.1.5 ok").count() == 2 {
            for (u, r) in USERS.iter().zip(data_replies) {
                if r.starts_with("250 ") {
                    ok.push((subject.clone(), u.to_string()));
                }
            }
        }
    }
    ok
}

#[test]
fn every_250_survives_a_power_cut() {
    let sim = fresh_site();
    let before = sim.op_count();
    let all = run(&sim);
    assert_eq!(all.len(), 6, "no fault: everything delivered");
    let total = sim.op_count() - before;
    assert!(total > 10);
    eprintln!("{total} mutating operations");
    for n in 1..=total + 1 {
        let sim = fresh_site();
        let base = sim.op_count();
        sim.set_fault(Fault::CrashAt(base + n));
        let acked = run(&sim);
        sim.restart();
        let fs: FsRef = sim.clone();
        let store = Store::open(fs, opts()).unwrap();
        for (subject, user) in &acked {
            let msgs = messages_in(&store, &format!("user.{user}"));
            assert!(
                msgs.iter().any(
                    |m| String::from_utf8_lossy(m).contains(&format!("Subject: {subject}\r\n"))
                ),
                "crash at op {n}: {user} was told 250 for {subject:?} but it is gone"
            );
        }
    }
}

#[test]
fn sessions_in_the_same_second_get_distinct_message_ids() {
    let site = lmtp_common::Site::new();
    site.user("alice");
    for _ in 0..2 {
        let mut s = site.session(LmtpConfig::default(), PeerAddr::Unix);
        let got = lmtp_common::feed(
            &mut s,
            b"MAIL FROM:<a@b>\r\nRCPT TO:<alice@localhost>\r\nDATA\r\nSubject: no id\r\n\r\nx\r\n.\r\n",
        );
        assert!(
            got.ends_with("250 2.1.5 Success SESSIONID=<test-1>\r\n"),
            "{got}"
        );
    }
    assert_eq!(site.messages("user.alice").len(), 2);
}
