//! Two sessions on one store: what one does reaches the other only at
//! the times RFC 3501 allows (EXPUNGE never during FETCH, STORE or
//! SEARCH; at once during IDLE), and IDLE wakes report changes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod imap_support;

use cyrus_proto::imap::ImapSession;
use cyrus_proto::runtime::{Output, Session};
use cyrus_proto::sasl::PlaintextPolicy;
use imap_support::{feed, greet, now, Site};

fn logged_in(site: &Site) -> ImapSession {
    let mut s = site.session(Site::config());
    greet(&mut s);
    feed(&mut s, b"a LOGIN alice pass\r\n");
    s
}

fn text(b: Vec<u8>) -> String {
    String::from_utf8(b).unwrap()
}

const MSG: &[u8] = b"b APPEND INBOX {18+}\r\nSubject: x\r\n\r\nhi\r\n\r\n";

#[test]
fn expunge_is_deferred_during_fetch_and_sent_in_idle() {
    let site = Site::new();
    let mut a = logged_in(&site);
    let mut b = logged_in(&site);
    feed(&mut b, MSG);
    feed(&mut b, MSG);
    feed(&mut a, b"s SELECT INBOX\r\n");
    feed(&mut b, b"s SELECT INBOX\r\n");
    feed(&mut b, b"t STORE 1 +FLAGS.SILENT (\\Deleted)\r\n");
    assert_eq!(
        text(feed(&mut b, b"e EXPUNGE\r\n")),
        "* 1 EXPUNGE\r\ne OK [HIGHESTMODSEQ 5] Completed\r\n"
    );

    // FETCH may not announce the expunge: message 1 keeps its number.
    let out = text(feed(&mut a, b"f FETCH 1:* (UID)\r\n"));
    assert_eq!(out, "* 2 FETCH (UID 2)\r\nf OK Completed\r\n");
    // UID FETCH may (after its responses, which still use the old numbers).
    let out = text(feed(&mut a, b"u UID FETCH 1:* (FLAGS)\r\n"));
    assert_eq!(
        out,
        "* 2 FETCH (FLAGS (\\Recent) UID 2)\r\n* 1 EXPUNGE\r\nu OK Completed\r\n"
    );

    // IDLE: a new message is reported when the runtime wakes us.
    assert_eq!(text(feed(&mut a, b"i IDLE\r\n")), "+ idling\r\n");
    let mut out = Output::new();
    a.wake(now(), &mut out);
    assert!(out.sent_bytes().is_empty());
    feed(&mut b, MSG);
    feed(&mut b, b"x STORE 1 +FLAGS (\\Flagged)\r\n");
    let mut out = Output::new();
    a.wake(now(), &mut out);
    assert_eq!(
        text(out.sent_bytes()),
        "* 1 FETCH (FLAGS (\\Recent \\Flagged))\r\n* 2 EXISTS\r\n* 1 RECENT\r\n"
    );
    assert!(a.poll_interval().is_some());
    assert_eq!(text(feed(&mut a, b"DONE\r\n")), "i OK Completed\r\n");
    assert!(a.poll_interval().is_none());
}

#[test]
fn logout_closes_and_ignores_the_rest() {
    let site = Site::new();
    let mut a = logged_in(&site);
    let mut out = Output::new();
    a.input(b"z LOGOUT\r\ny NOOP\r\n", now(), &mut out);
    assert!(out.closes());
    assert_eq!(
        text(out.sent_bytes()),
        "* BYE LOGOUT received\r\nz OK Completed\r\n"
    );
}

#[test]
fn plaintext_refused_without_tls_under_allowplaintext_no() {
    let site = Site::new();
    let mut s = site.session_with(Site::config(), PlaintextPolicy::RequireEncryption);
    assert_eq!(
        text(greet(&mut s)),
        "* OK [CAPABILITY IMAP4rev1 LITERAL+ ID ENABLE LOGINDISABLED SASL-IR] localhost Cyrus IMAP 3.6.1-rs server ready\r\n"
    );
    assert_eq!(
        text(feed(&mut s, b"a LOGIN alice pass\r\n")),
        "a NO Login only available under a layer\r\n"
    );
    assert_eq!(
        text(feed(&mut s, b"b AUTHENTICATE PLAIN AGFsaWNlAHBhc3M=\r\n")),
        "b NO Encryption required for requested authentication mechanism\r\n"
    );
    assert_eq!(
        text(feed(&mut s, b"c SELECT INBOX\r\n")),
        "c BAD Please login first\r\n"
    );
}

#[test]
fn append_refuses_bare_newlines_and_nul() {
    let site = Site::new();
    let mut s = logged_in(&site);
    assert_eq!(
        text(feed(
            &mut s,
            b"a APPEND INBOX {16+}\r\nSubject: x\n\nhi\r\n\r\n"
        )),
        "a NO Message contains bare newlines\r\n"
    );
    assert_eq!(
        text(feed(&mut s, b"b APPEND INBOX {5+}\r\nx\0y\r\n\r\n")),
        // A literal may not carry NUL (RFC 3501 CHAR8): the grammar
        // refuses it before the message check.
        "b BAD Invalid arguments\r\n"
    );
}

#[test]
fn starttls_drops_plaintext_pipelined_after_it() {
    use cyrus_proto::runtime::Step;
    let site = Site::new();
    let mut config = Site::config();
    config.starttls = true;
    let mut s = site.session_with(config, PlaintextPolicy::RequireEncryption);
    assert!(text(greet(&mut s)).contains(" ENABLE STARTTLS LOGINDISABLED SASL-IR]"));
    let mut out = Output::new();
    s.input(b"a STARTTLS\r\nb LOGIN alice pass\r\n", now(), &mut out);
    assert_eq!(
        out.steps(),
        &[
            Step::Send(b"a OK Begin TLS negotiation now\r\n".to_vec()),
            Step::StartTls
        ]
    );
    s.tls_started();
    let caps = text(feed(&mut s, b"c CAPABILITY\r\n"));
    assert!(
        !caps.contains("STARTTLS") && caps.contains("AUTH=PLAIN"),
        "{caps}"
    );
    assert!(text(feed(&mut s, b"d LOGIN alice pass\r\n")).starts_with("d OK [CAPABILITY"));
    let mut out = Output::new();
    s.input(b"e COMPRESS DEFLATE\r\n", now(), &mut out);
    assert_eq!(
        out.steps(),
        &[
            Step::Send(b"e OK DEFLATE active\r\n".to_vec()),
            Step::Compress
        ]
    );
    assert_eq!(
        text(feed(&mut s, b"f COMPRESS DEFLATE\r\n")),
        "f NO DEFLATE active via COMPRESS\r\n"
    );
}

#[test]
fn the_sieve_script_store_is_not_an_imap_mailbox() {
    let site = Site::new();
    let alice = cyrus_store::mboxname::UserId::try_from("alice").unwrap();
    site.store
        .sieve_put(
            &alice,
            "vacation",
            b"keep;\r\n",
            b"",
            &cyrus_store::sieve::SieveLimits::default(),
            "localhost",
            1_795_000_000,
        )
        .unwrap();
    // The script is stored as a message in `user.alice.#sieve`.
    assert_eq!(site.store.sieve_list(&alice).unwrap().len(), 1);
    let mut s = logged_in(&site);
    let list = text(feed(&mut s, b"l LIST \"\" \"*\"\r\n"));
    assert!(list.contains("INBOX"), "{list}");
    assert!(!list.contains("sieve"), "{list}");
    let sel = text(feed(&mut s, b"s SELECT \"#sieve\"\r\n"));
    assert!(sel.starts_with("s NO [NONEXISTENT]"), "{sel}");
    let st = text(feed(&mut s, b"t STATUS \"#sieve\" (MESSAGES)\r\n"));
    assert!(st.starts_with("t NO"), "{st}");
}

#[test]
fn login_autocreates_the_inbox_when_autocreate_quota_is_set() {
    let site = Site::with_options(|o| {
        o.autocreate_quota = Some(1000);
        o.autocreate_quota_messages = None;
    });
    let carol = cyrus_store::mboxname::UserId::try_from("carol").unwrap();
    let inbox = cyrus_store::mboxname::MailboxName::user_inbox(&carol);
    assert!(site.store.lookup(&inbox).unwrap().is_none());
    let mut s = site.session(Site::config());
    greet(&mut s);
    let r = text(feed(&mut s, b"a LOGIN carol pass\r\n"));
    assert!(r.starts_with("a OK"), "{r}");
    let r = text(feed(&mut s, b"b SELECT INBOX\r\n"));
    assert!(r.contains("b OK [READ-WRITE]"), "{r}");
    let r = text(feed(&mut s, b"c GETQUOTAROOT INBOX\r\n"));
    assert!(r.contains("* QUOTA INBOX (STORAGE 0 1000)"), "{r}");

    // Without autocreate_quota, nothing is created.
    let site = Site::new();
    let mut s = site.session(Site::config());
    greet(&mut s);
    feed(&mut s, b"a LOGIN carol pass\r\n");
    let r = text(feed(&mut s, b"b SELECT INBOX\r\n"));
    assert!(r.starts_with("b NO"), "{r}");
    assert!(site.store.lookup(&inbox).unwrap().is_none());
}

#[test]
fn expunge_gives_quota_usage_back() {
    let site = Site::new();
    let inbox = cyrus_store::mboxname::MailboxName::from_internal("user.alice").unwrap();
    site.store
        .set_quota(
            &inbox,
            &[(cyrus_store::quota::QuotaResource::Message, Some(10))],
        )
        .unwrap();
    let mut s = logged_in(&site);
    feed(&mut s, MSG);
    feed(&mut s, MSG);
    let r = text(feed(&mut s, b"q GETQUOTAROOT INBOX\r\n"));
    assert!(r.contains("MESSAGE 2 10"), "{r}");
    feed(&mut s, b"s SELECT INBOX\r\n");
    feed(&mut s, b"t STORE 1 +FLAGS (\\Deleted)\r\n");
    let r = text(feed(&mut s, b"e EXPUNGE\r\n"));
    assert!(r.contains("* 1 EXPUNGE"), "{r}");
    let r = text(feed(&mut s, b"q GETQUOTAROOT INBOX\r\n"));
    assert!(r.contains("MESSAGE 1 10"), "{r}");
    feed(&mut s, b"t STORE 1 +FLAGS (\\Deleted)\r\n");
    feed(&mut s, b"c CLOSE\r\n");
    let q = site.store.quota(&inbox).unwrap().unwrap();
    assert_eq!(q.used(cyrus_store::quota::QuotaResource::Message), 0);
}
