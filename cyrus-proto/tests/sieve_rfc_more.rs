//! RFC examples for mailbox (5490), special-use (8579), mailboxid (9042),
//! include (6609), duplicate (7352), environment (5183),
//! encoded-character (5228 §2.4.2.4), ihave (5463), regex, enotify
//! (5435), mboxmetadata/servermetadata (5490), fcc (8580), extlists
//! (6134) and Cyrus's snooze.

#[path = "sieve/common.rs"]
mod common;

use common::*;
use cyrus_proto::sieve::{Action, DuplicateId, Script};

#[test]
fn rfc5490_mailbox() {
    let s = r#"require ["fileinto", "mailbox"];
        if mailboxexists "Partners" { fileinto "Partners"; } else { fileinto :create "INBOX.new"; }"#;
    let host = TestHost {
        mailboxes: vec!["Partners".into()],
        ..Default::default()
    };
    assert_eq!(eval_with(s, MSG, &host), vec![fileinto("Partners")]);
    let a = eval(s, MSG);
    assert!(
        matches!(&a[0], Action::FileInto { mailbox, create: true, .. } if mailbox == "INBOX.new")
    );
}

#[test]
fn rfc8579_special_use() {
    let s = r#"require ["fileinto", "special-use"];
        if specialuse_exists "\\Junk" { fileinto :specialuse "\\Junk" "Spam"; }"#;
    let host = TestHost {
        special_uses: vec![("Junk".into(), "\\Junk".into())],
        ..Default::default()
    };
    let a = eval_with(s, MSG, &host);
    assert!(
        matches!(&a[0], Action::FileInto { mailbox, special_use: Some(u), .. } if mailbox == "Spam" && u == "\\Junk")
    );
    assert_eq!(eval(s, MSG), vec![implicit_keep()]);
    let s = r#"require "special-use"; if specialuse_exists "Junk" "\\Junk" { discard; }"#;
    assert_eq!(eval_with(s, MSG, &host), vec![Action::Discard]);
}

#[test]
fn rfc9042_mailboxid() {
    let s = r#"require ["fileinto", "mailboxid"];
        if header :contains ["from"] "coyote" {
            fileinto :mailboxid "F6352ae03-b7f5-463c-896f-d8b48ee3" "INBOX.harassment";
        }
        if mailboxidexists "F6352ae03-b7f5-463c-896f-d8b48ee3" { keep; }"#;
    let host = TestHost {
        mailbox_ids: vec!["F6352ae03-b7f5-463c-896f-d8b48ee3".into()],
        ..Default::default()
    };
    let a = eval_with(s, MSG, &host);
    assert!(
        matches!(&a[0], Action::FileInto { mailbox_id: Some(id), .. } if id == "F6352ae03-b7f5-463c-896f-d8b48ee3")
    );
    assert_eq!(a[1], explicit_keep());
}

#[test]
fn rfc6609_include() {
    let mut host = TestHost::default();
    host.personal.insert(
        "always_allow".into(),
        r#"require "fileinto"; if header :contains "from" "boss" { fileinto "boss"; }"#.into(),
    );
    host.global.insert("spam_tests".into(), r#"require ["fileinto", "include"]; if header :contains "subject" "spam" { fileinto "spam"; return; } discard;"#.into());
    let s = r#"require ["include"];
        include :personal "always_allow";
        include :global "spam_tests";
        include :optional "missing";"#;
    assert_eq!(
        eval_with(s, "From: boss@x.org\nSubject: spam\n\nx\n", &host),
        vec![fileinto("boss"), fileinto("spam")]
    );
    assert_eq!(
        eval_with(s, "From: a@x.org\nSubject: hi\n\nx\n", &host),
        vec![Action::Discard]
    );
    assert!(eval_full(r#"require "include"; include "missing";"#, MSG, &host).is_err());

    // Global variables (RFC 6609 §3.3) and :once.
    host.personal.insert(
        "setter".into(),
        r#"require ["include", "variables"]; global "test"; set "test" "${test}x";"#.into(),
    );
    let s = r#"require ["include", "variables", "fileinto"];
        global "test";
        set "test" "a";
        include "setter";
        include "setter";
        include :once "setter";
        fileinto "${test}";"#;
    assert_eq!(eval_with(s, MSG, &host), vec![fileinto("axx")]);
    // Recursion is a runtime error.
    host.personal.insert(
        "loop".into(),
        r#"require "include"; include "loop";"#.into(),
    );
    assert!(eval_full(r#"require "include"; include "loop";"#, MSG, &host).is_err());
}

#[test]
fn rfc7352_duplicate() {
    let s = r#"require ["duplicate", "fileinto", "mailbox"];
        if duplicate { fileinto :create "Trash/Duplicate"; }"#;
    let id = DuplicateId {
        handle: String::new(),
        value: "<1234@local.machine.example>".into(),
    };
    let a = eval(s, MSG);
    assert_eq!(
        a,
        vec![
            Action::TrackDuplicate {
                id: id.clone(),
                seconds: 7 * 86_400
            },
            implicit_keep()
        ]
    );
    let host = TestHost {
        seen: vec![id],
        ..Default::default()
    };
    let a = eval_with(s, MSG, &host);
    assert!(matches!(&a[0], Action::FileInto { mailbox, .. } if mailbox == "Trash/Duplicate"));

    let s = r#"require ["duplicate", "variables"];
        if header :matches "subject" "ALERT: *" {
            if duplicate :seconds 60 :uniqueid "${1}" { discard; }
        }
        if duplicate :header "X-Event-ID" :handle "notifier" { discard; }"#;
    let m = "Subject: ALERT: disk full\nX-Event-ID: 42\n\nx\n";
    assert_eq!(
        eval(s, m),
        vec![
            Action::TrackDuplicate {
                id: DuplicateId {
                    handle: String::new(),
                    value: "disk full".into()
                },
                seconds: 60
            },
            Action::TrackDuplicate {
                id: DuplicateId {
                    handle: "notifier".into(),
                    value: "42".into()
                },
                seconds: 7 * 86_400
            },
            implicit_keep(),
        ]
    );
}

#[test]
fn rfc5183_environment() {
    let s = r#"require ["environment", "fileinto"];
        if environment :is "location" "MDA" { fileinto "mda"; }
        if environment :contains "remote-host" "example" { fileinto "remote"; }
        if environment :is "phase" "during" { keep; }"#;
    let mut host = TestHost::default();
    host.env
        .insert("remote-host".into(), "mx.example.net".into());
    assert_eq!(
        eval_with(s, MSG, &host),
        vec![fileinto("mda"), fileinto("remote"), explicit_keep()]
    );
}

#[test]
fn rfc5228_encoded_character() {
    let s = r#"require ["encoded-character", "fileinto"];
        fileinto "${hex:49 4E 42 4F 58}.${unicode:263A}";"#;
    assert_eq!(eval(s, MSG), vec![fileinto("INBOX.\u{263A}")]);
    let s = r#"require "fileinto"; fileinto "${hex:41}";"#;
    assert_eq!(eval(s, MSG), vec![fileinto("${hex:41}")]);
}

#[test]
fn rfc5463_ihave() {
    let s = r#"require ["ihave", "fileinto"];
        if ihave "x-frobnicate" { frobnicate "now"; } else { fileinto "plain"; }
        if ihave "vacation" { vacation "away"; }
        if not ihave ["body", "x-nope"] { keep; }"#;
    let a = eval(s, MSG);
    assert_eq!(a[0], fileinto("plain"));
    assert!(vacation(&a).is_some());
    assert_eq!(a[2], explicit_keep());
    let s = r#"require "ihave"; error "giving up";"#;
    assert!(eval_full(s, MSG, &TestHost::default())
        .expect_err("should fail")
        .message
        .contains("giving up"));
}

#[test]
fn rfc_regex_extension() {
    let s = r#"require ["regex", "variables", "fileinto"];
        if header :regex "subject" "^\\[([a-z-]+)\\] (.*)$" { fileinto "lists.${1}"; }"#;
    assert_eq!(
        eval(s, "Subject: [Acme-Users] hello\n\nx\n"),
        vec![fileinto("lists.Acme-Users")]
    );
    assert!(Script::compile(
        r#"require "regex"; if header :regex "s" "(" {}"#,
        &Default::default()
    )
    .is_err());
}

fn notify(method: &str, importance: &str, message: Option<&str>) -> Action {
    Action::Notify {
        method: method.into(),
        from: None,
        importance: importance.into(),
        options: vec![],
        message: message.map(str::to_string),
        fcc: None,
    }
}

#[test]
fn rfc5435_enotify_examples() {
    let s = r#"require ["enotify", "fileinto", "variables"];
        if header :contains "from" "boss@example.org" {
            notify :importance "1"
                :message "This is probably very important"
                            "mailto:alm@example.com";
            # Don't send any further notifications
            stop;
        }
        if header :contains "to" "sievemailinglist@example.org" {
            # :matches is used to get the value of the Subject header
            if header :matches "Subject" "*" {
                set "subject" "${1}";
            }
            # :matches is used to get the value of the From header
            if header :matches "From" "*" {
                set "from" "${1}";
            }
            notify :importance "3"
                :message "[SIEVE] ${from}: ${subject}"
                "mailto:alm@example.com";
            fileinto "INBOX.sieve";
        }"#;
    let m = "From: boss@example.org\nSubject: x\n\nb\n";
    assert_eq!(
        eval(s, m),
        vec![
            notify(
                "mailto:alm@example.com",
                "1",
                Some("This is probably very important")
            ),
            implicit_keep()
        ]
    );
    let m = "From: ann@example.net\nTo: sievemailinglist@example.org\nSubject: Is it ready?\n\nb\n";
    assert_eq!(
        eval(s, m),
        vec![
            notify(
                "mailto:alm@example.com",
                "3",
                Some("[SIEVE] ann@example.net: Is it ready?")
            ),
            fileinto("INBOX.sieve")
        ]
    );
    let s = r#"require ["enotify", "variables"];
        set :encodeurl "body_param" "Safe body&evil=evilbody";
        notify "mailto:tim@example.com?body=${body_param}";"#;
    assert_eq!(
        eval(s, MSG)[0],
        notify(
            "mailto:tim@example.com?body=Safe%20body%26evil%3Devilbody",
            "2",
            None
        )
    );
    let s = r#"require ["enotify"];
        if allof (valid_notify_method "mailto:tim@example.com",
                  not valid_notify_method "xmpp:tim@example.com",
                  notify_method_capability "mailto:tim@example.com" "Online" ["yes", "maybe"]) {
            discard;
        }"#;
    assert_eq!(eval(s, MSG), vec![Action::Discard]);
    assert!(Script::compile(
        r#"require "enotify"; notify "xmpp:a@b.c";"#,
        &Default::default()
    )
    .is_err());
    assert!(Script::compile(
        r#"require "enotify"; notify :importance "5" "mailto:a@b.c";"#,
        &Default::default()
    )
    .is_err());
}

#[test]
fn rfc5490_metadata() {
    let mut host = TestHost::default();
    host.metadata.insert(
        (
            "INBOX".into(),
            "/private/vendor/vendor.isode/auto-replies".into(),
        ),
        "on".into(),
    );
    host.metadata.insert(
        (
            "".into(),
            "/private/vendor/vendor.isode/notification-uri".into(),
        ),
        "mailto:ken@example.com".into(),
    );
    let s = r#"require ["mboxmetadata", "vacation"];
        if metadata :is "INBOX" "/private/vendor/vendor.isode/auto-replies" "on" {
            vacation text:
I'm away on holidays till March 2009.
Expect a delay.
.
;
        }"#;
    assert!(vacation(&eval_with(s, MSG, &host)).is_some());
    assert!(vacation(&eval(s, MSG)).is_none());
    let s = r#"require ["servermetadata", "variables", "enotify"];
        if servermetadata :matches "/private/vendor/vendor.isode/notification-uri" "*" {
            set "notif_uri" "${0}";
        }
        if not string :is "${notif_uri}" "none" {
            notify "${notif_uri}";
        }
        if allof (servermetadataexists "/private/vendor/vendor.isode/notification-uri",
                  not servermetadataexists "/shared/nope") { keep; }"#;
    assert_eq!(
        eval_with(s, MSG, &host),
        vec![notify("mailto:ken@example.com", "2", None), explicit_keep()]
    );
    let s = r#"require "mboxmetadata"; if metadataexists "INBOX" "/private/vendor/vendor.isode/auto-replies" { discard; }"#;
    assert_eq!(eval_with(s, MSG, &host), vec![Action::Discard]);
}

#[test]
fn rfc8580_fcc() {
    let s = r#"require ["enotify", "fcc", "imap4flags"];
        notify :fcc "INBOX.Sent" :flags "\\Seen" :message "You got mail!" "mailto:ken@example.com";"#;
    let a = eval(s, MSG);
    let Action::Notify { fcc: Some(f), .. } = &a[0] else {
        panic!("expected notify with fcc: {a:?}");
    };
    assert_eq!(f.mailbox, "INBOX.Sent");
    assert_eq!(f.flags, vec!["\\Seen".to_string()]);
    let s = r#"require ["vacation", "fcc"];
        vacation :days 7 :from "hemingway@example.com" :fcc "INBOX.Sent" "Gone Fishin'";"#;
    let v = vacation(&eval(s, MSG)).expect("reply").clone();
    assert_eq!(v.fcc.map(|f| f.mailbox).as_deref(), Some("INBOX.Sent"));
    let e = Script::compile(
        r#"require ["vacation", "fcc", "mailbox"]; vacation :create "x";"#,
        &Default::default(),
    )
    .expect_err("companion without :fcc");
    assert!(e.to_string().contains("requires :fcc"));
}

#[test]
fn rfc6134_extlists() {
    let mut host = TestHost::default();
    host.lists.insert(
        ":addrbook:default".into(),
        vec![
            "coyote@desert.example.org".into(),
            "sender@example.org".into(),
        ],
    );
    host.lists.insert(
        "tag:example.com,2010-05-28:mylist".into(),
        vec!["a@example.com".into(), "B <b@example.com>".into()],
    );
    let s = r#"require ["envelope", "extlists", "fileinto"];
        if envelope :list "from" ":addrbook:default" { fileinto "known"; }
        if address :all :list "from" ":addrbook:default" { addr_ok; }"#;
    // `addr_ok` is not a command: this must fail to compile.
    assert!(Script::compile(s, &Default::default()).is_err());
    let s = r#"require ["envelope", "extlists", "fileinto"];
        if envelope :list "from" ":addrbook:default" { fileinto "known"; }
        if address :all :list "from" ":addrbook:default" { fileinto "known-header"; }
        if address :all :list "from" ":addrbook:nope" { fileinto "never"; }
        if allof (valid_ext_list ":addrbook:default", not valid_ext_list ":addrbook:nope") { keep; }"#;
    assert_eq!(
        eval_with(s, MSG, &host),
        vec![fileinto("known"), fileinto("known-header"), explicit_keep()]
    );
    let s = r#"require ["extlists"]; redirect :list "tag:example.com,2010-05-28:mylist";"#;
    assert_eq!(
        eval_with(s, MSG, &host),
        vec![redirect("a@example.com"), redirect("b@example.com")]
    );
    assert!(eval_full(
        r#"require "extlists"; redirect :list "missing";"#,
        MSG,
        &host
    )
    .is_err());
}

#[test]
fn cyrus_snooze() {
    use cyrus_proto::sieve::SnoozeArgs;
    let s = r#"require ["vnd.cyrus.snooze", "imap4flags", "mailbox"];
        if header :contains "subject" "present" {
            snooze :mailbox "Later" :create :addflags "$Snoozed" :weekdays ["5", "1"] :tzid "Europe/Paris" ["17:00", "08:30"];
        }"#;
    assert_eq!(
        eval(s, MSG),
        vec![Action::Snooze(SnoozeArgs {
            mailbox: Some("Later".into()),
            mailbox_id: None,
            create: true,
            special_use: None,
            add_flags: vec!["$Snoozed".into()],
            remove_flags: vec![],
            weekdays: vec!["1".into(), "5".into()],
            tzid: Some("Europe/Paris".into()),
            times: vec!["08:30:00".into(), "17:00:00".into()],
        })]
    );
    assert!(Script::compile(r#"require "snooze"; snooze "25:00";"#, &Default::default()).is_err());
    assert!(Script::compile(
        r#"require "snooze"; snooze :weekdays "7" "10:00";"#,
        &Default::default()
    )
    .is_err());
}

#[test]
fn cyrus_legacy_notify_and_denotify() {
    let legacy = |id: Option<&str>, priority: &str| Action::LegacyNotify {
        id: id.map(str::to_string),
        method: "mailto".into(),
        options: vec!["alm@example.com".into()],
        priority: priority.into(),
        message: Some("boss mail: $subject$".into()),
    };
    let s = r#"require ["notify"];
        notify :id "boss" :high :method "mailto" :options ["alm@example.com"] :message "boss mail: $subject$";
        notify :id "other" :method "mailto" :options "alm@example.com" :message "boss mail: $subject$";
        if header :contains "subject" "present" { denotify :is "other"; }"#;
    assert_eq!(
        eval(s, MSG),
        vec![legacy(Some("boss"), "1"), implicit_keep()]
    );
    let s = r#"require ["notify"];
        notify :id "a" :low :method "mailto" :options "alm@example.com" :message "boss mail: $subject$";
        notify :id "b" :high :method "mailto" :options "alm@example.com" :message "boss mail: $subject$";
        denotify :low;"#;
    assert_eq!(eval(s, MSG), vec![legacy(Some("b"), "1"), implicit_keep()]);
    // With "enotify" required, `notify` is RFC 5435's.
    assert!(Script::compile(
        r#"require ["notify", "enotify"]; notify :id "x";"#,
        &Default::default()
    )
    .is_err());
    assert!(Script::compile(r#"require "notify"; denotify :is;"#, &Default::default()).is_err());
}
