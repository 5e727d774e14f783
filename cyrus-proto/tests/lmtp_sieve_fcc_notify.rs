//! Sieve `:fcc` (RFC 8580) and enotify `mailto:` (RFC 5435/5436) carried
//! out at LMTP delivery: what goes to the MTA and the copies filed.
#![allow(clippy::unwrap_used)]

mod lmtp_common;

use std::sync::Arc;

use cyrus_proto::lmtp::{LmtpConfig, OutgoingKind, OutgoingMessage, Sendmail};
use cyrus_proto::runtime::PeerAddr;
use cyrus_store::mailbox::SystemFlags;
use cyrus_store::os::LockKind;
use lmtp_common::{feed, greet, name, Site};

const MSG: &[u8] = b"MAIL FROM:<friend@example.org>\r\nRCPT TO:<alice@localhost>\r\nDATA\r\n\
From: Friend <friend@example.org>\r\nTo: alice@localhost\r\nSubject: lunch?\r\n\
Message-ID: <m1@example.org>\r\n\r\nhello\r\n.\r\n";

fn deliver(site: &Site, msg: &[u8]) -> String {
    let mut s = site.session(LmtpConfig::default(), PeerAddr::Unix);
    greet(&mut s);
    feed(&mut s, msg)
}

fn sent(site: &Site) -> Vec<OutgoingMessage> {
    site.sendmail.sent.lock().unwrap().clone()
}

/// The flags (system `\Seen` and user flags) of each message of `mailbox`.
fn flags_of(site: &Site, mailbox: &str) -> Vec<(bool, Vec<String>)> {
    let (_, mbox) = site
        .store
        .open_mailbox(&name(mailbox), LockKind::Shared)
        .unwrap();
    mbox.records()
        .iter()
        .map(|r| {
            (
                r.system_flags.contains(SystemFlags::SEEN),
                mbox.header()
                    .user_flag_names(&r.user_flags)
                    .into_iter()
                    .map(String::from)
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn vacation_fcc_files_the_reply_that_was_sent() {
    let site = Site::new();
    site.user("alice");
    site.mailbox("user.alice.Sent", Some("alice lrswipkxtecdan"));
    site.sieve(
        "alice",
        "require [\"vacation\", \"fcc\", \"imap4flags\"];\
         vacation :days 3 :fcc \"Sent\" :flags [\"\\\\Seen\", \"$Vacation\"] \"I am away\";",
    );
    let got = deliver(&site, MSG);
    assert!(
        got.ends_with("250 2.1.5 Success SESSIONID=<test-1>\r\n"),
        "{got}"
    );
    let out = sent(&site);
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(out[0].kind, OutgoingKind::Vacation);
    // The implicit keep still happens (vacation does not cancel it).
    assert_eq!(site.messages("user.alice").len(), 1);
    let copies = site.messages("user.alice.Sent");
    assert_eq!(
        copies,
        vec![out[0].data.clone()],
        "the copy is the sent reply"
    );
    assert_eq!(
        flags_of(&site, "user.alice.Sent"),
        vec![(true, vec!["$Vacation".to_string()])]
    );
    // No second reply within :days, so no second copy.
    let again = String::from_utf8_lossy(MSG).replace("<m1@example.org>", "<m2@example.org>");
    deliver(&site, again.as_bytes());
    assert_eq!(sent(&site).len(), 1);
    assert_eq!(site.messages("user.alice.Sent").len(), 1);
}

#[test]
fn vacation_fcc_create_makes_the_mailbox() {
    let site = Site::new();
    site.user("alice");
    site.sieve(
        "alice",
        "require [\"vacation\", \"fcc\", \"mailbox\"];\
         vacation :fcc \"Auto Replies\" :create \"away\";",
    );
    deliver(&site, MSG);
    assert_eq!(site.messages("user.alice.Auto Replies").len(), 1);
}

#[test]
fn vacation_fcc_without_create_to_a_missing_mailbox_loses_nothing() {
    let site = Site::new();
    site.user("alice");
    site.sieve(
        "alice",
        "require [\"vacation\", \"fcc\"]; vacation :fcc \"Nowhere\" \"away\";",
    );
    let got = deliver(&site, MSG);
    assert!(
        got.ends_with("250 2.1.5 Success SESSIONID=<test-1>\r\n"),
        "{got}"
    );
    assert_eq!(sent(&site).len(), 1, "the reply is still sent");
    assert_eq!(site.messages("user.alice").len(), 1);
    assert!(site
        .store
        .lookup(&name("user.alice.Nowhere"))
        .unwrap()
        .is_none());
}

/// An MTA that refuses everything.
struct Refusing;

impl Sendmail for Refusing {
    fn send(&self, _: &OutgoingMessage) -> Result<(), String> {
        Err("refused".into())
    }
}

#[test]
fn no_copy_when_the_reply_was_not_sent() {
    let site = Site::new();
    site.user("alice");
    site.mailbox("user.alice.Sent", Some("alice lrswipkxtecdan"));
    site.sieve(
        "alice",
        "require [\"vacation\", \"fcc\", \"enotify\"];\
         vacation :fcc \"Sent\" \"away\"; notify :fcc \"Sent\" \"mailto:me@example.net\";",
    );
    let mut s = site.session_sending(LmtpConfig::default(), PeerAddr::Unix, Arc::new(Refusing));
    greet(&mut s);
    let got = feed(&mut s, MSG);
    assert!(
        got.ends_with("250 2.1.5 Success SESSIONID=<test-1>\r\n"),
        "{got}"
    );
    assert_eq!(site.messages("user.alice").len(), 1);
    assert!(site.messages("user.alice.Sent").is_empty());
}

fn header<'a>(msg: &'a str, name: &str) -> Option<&'a str> {
    let head = msg.split("\r\n\r\n").next().unwrap();
    head.split("\r\n").find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[test]
fn notify_mailto_sends_an_rfc5436_notification() {
    let site = Site::new();
    site.user("alice");
    site.sieve(
        "alice",
        "require [\"enotify\"];\
         notify :importance \"1\" \"mailto:alm@example.com?from=evil@example.net&cc=boss%40example.com\";",
    );
    let got = deliver(&site, MSG);
    assert!(
        got.ends_with("250 2.1.5 Success SESSIONID=<test-1>\r\n"),
        "{got}"
    );
    // notify does not cancel the implicit keep.
    assert_eq!(site.messages("user.alice").len(), 1);
    let out = sent(&site);
    assert_eq!(out.len(), 1, "{out:?}");
    let n = &out[0];
    assert_eq!(n.kind, OutgoingKind::Notify);
    assert_eq!(n.from, "", "null envelope sender");
    assert_eq!(n.to, vec!["alm@example.com", "boss@example.com"]);
    let text = String::from_utf8(n.data.clone()).unwrap();
    assert_eq!(header(&text, "Auto-Submitted"), Some("auto-notified"));
    // The URI may not set From: the script owner's address is used.
    assert_eq!(header(&text, "From"), Some("<alice@localhost>"));
    assert_eq!(header(&text, "To"), Some("<alm@example.com>"));
    assert_eq!(header(&text, "Cc"), Some("<boss@example.com>"));
    assert_eq!(
        header(&text, "Subject"),
        Some("[SIEVE] New mail notification")
    );
    assert_eq!(header(&text, "Importance"), Some("high"));
    let body = text.split_once("\r\n\r\n").unwrap().1;
    assert!(
        body.contains("From: Friend <friend@example.org>\r\n"),
        "{body}"
    );
    assert!(body.contains("Subject: lunch?\r\n"), "{body}");
}

#[test]
fn notify_message_from_and_fcc() {
    let site = Site::new();
    site.user("alice");
    site.mailbox("user.alice.Notes", Some("alice lrswipkxtecdan"));
    site.sieve(
        "alice",
        "require [\"enotify\", \"fcc\", \"variables\"];\
         if header :matches \"subject\" \"*\" { set \"s\" \"${1}\"; }\
         notify :from \"sieve@example.com\" :message \"New: ${s}\" :fcc \"Notes\"\
         \"mailto:alm@example.com?subject=ignored&body=Look%20at%20it\";",
    );
    deliver(&site, MSG);
    let out = sent(&site);
    assert_eq!(out.len(), 1);
    let text = String::from_utf8(out[0].data.clone()).unwrap();
    // RFC 5436 §2.3/§2.5: :from and :message win over the URI.
    assert_eq!(header(&text, "From"), Some("<sieve@example.com>"));
    assert_eq!(header(&text, "Subject"), Some("New: lunch?"));
    assert!(text.ends_with("\r\n\r\nLook at it\r\n"), "{text}");
    assert_eq!(site.messages("user.alice.Notes"), vec![out[0].data.clone()]);
    assert_eq!(site.messages("user.alice").len(), 1);
}

#[test]
fn no_notification_about_auto_submitted_mail() {
    let site = Site::new();
    site.user("alice");
    site.sieve(
        "alice",
        "require [\"enotify\"]; notify \"mailto:alm@example.com\";",
    );
    let msg = b"MAIL FROM:<list@example.org>\r\nRCPT TO:<alice@localhost>\r\nDATA\r\n\
From: list@example.org\r\nSubject: auto\r\nAuto-Submitted: auto-generated\r\n\r\nx\r\n.\r\n";
    deliver(&site, msg);
    assert!(sent(&site).is_empty());
    assert_eq!(site.messages("user.alice").len(), 1);
    // "Auto-Submitted: no" is ordinary mail.
    let msg = b"MAIL FROM:<p@example.org>\r\nRCPT TO:<alice@localhost>\r\nDATA\r\n\
From: p@example.org\r\nSubject: person\r\nAuto-Submitted: no\r\n\r\nx\r\n.\r\n";
    deliver(&site, msg);
    assert_eq!(sent(&site).len(), 1);
    // Two notifications in the same second have different Message-IDs.
    deliver(&site, msg);
    let out = sent(&site);
    let id = |m: &OutgoingMessage| {
        header(std::str::from_utf8(&m.data).unwrap(), "Message-ID").map(str::to_string)
    };
    assert_eq!(out.len(), 2);
    assert!(id(&out[0]).is_some());
    assert_ne!(id(&out[0]), id(&out[1]));
}

#[test]
fn unsupported_method_at_run_time_keeps_the_message() {
    let site = Site::new();
    site.user("alice");
    site.sieve(
        "alice",
        "require [\"enotify\", \"variables\", \"fileinto\"]; set \"m\" \"xmpp\";\
         notify \"${m}:alm@example.com\"; discard;",
    );
    let got = deliver(&site, MSG);
    assert!(
        got.ends_with("250 2.1.5 Success SESSIONID=<test-1>\r\n"),
        "{got}"
    );
    assert!(sent(&site).is_empty());
    assert_eq!(site.messages("user.alice").len(), 1, "never lose mail");
    assert_eq!(flags_of(&site, "user.alice")[0].1, vec!["$SieveFailed"]);
}

#[test]
fn rfc8580_notify_example_files_a_seen_copy() {
    // RFC 8580's example, with the mailbox as the default (alternate)
    // namespace names it: "Sent" where the RFC writes "INBOX.Sent".
    let site = Site::new();
    site.user("alice");
    site.mailbox("user.alice.Sent", Some("alice lrswipkxtecdan"));
    site.sieve(
        "alice",
        r#"require ["enotify", "fcc", "imap4flags"];
        notify :fcc "Sent" :flags "\\Seen"
               :message "You got mail!" "mailto:ken@example.com";"#,
    );
    deliver(&site, MSG);
    let out = sent(&site);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].to, vec!["ken@example.com"]);
    let text = String::from_utf8(out[0].data.clone()).unwrap();
    assert_eq!(header(&text, "Subject"), Some("You got mail!"));
    assert_eq!(site.messages("user.alice.Sent"), vec![out[0].data.clone()]);
    assert_eq!(flags_of(&site, "user.alice.Sent"), vec![(true, vec![])]);
}
