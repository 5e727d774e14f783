//! RFC examples for variables (5229), imap4flags (5232), vacation (5230,
//! 6131), date/index (5260), editheader (5293), mailbox (5490), include
//! (6609), duplicate (7352), special-use (8579), mailboxid (9042),
//! environment (5183), encoded-character (5228 §2.4.2.4), ihave (5463).

#[path = "sieve/common.rs"]
mod common;

use common::*;
use cyrus_proto::sieve::{Action, DuplicateId, Script};

#[test]
fn rfc5229_list_id_match_variables() {
    let s = r#"require ["fileinto", "variables"];
        if header :matches "List-ID" "*<*@*" {
            fileinto "INBOX.lists.${2}"; stop;
        }"#;
    let m =
        "List-ID: Sieve discussion <sieve.ietf.org>\nList-ID: x <ietf-mta-filters@imc.org>\n\nx\n";
    // The first List-ID has no '@'; the second matches.
    assert_eq!(eval(s, m), vec![fileinto("INBOX.lists.ietf-mta-filters")]);
}

#[test]
fn rfc5229_subject_captures_and_text() {
    let s = r#"require ["variables", "fileinto", "relational", "comparator-i;ascii-numeric"];
        if header :matches "Subject" "[*] *" {
            fileinto "${1}/${2}";
        }
        set "honorific" "Mr";
        set "first_name" "Wile";
        set "last_name" "Coyote";
        set "vacation" text:
Dear ${HONORIFIC} ${last_name},
I'm out, please leave a message after the meep.
.
;
        if allof (string :matches "${vacation}" "Dear Mr Coyote,?*I'm out, * after the meep.*",
                  string :count "eq" :comparator "i;ascii-numeric" "${vacation}" "1") {
            discard;
        }"#;
    let m = "Subject: [acme-users] [fwd] version 1.0 is out\n\nx\n";
    assert_eq!(
        eval(s, m),
        vec![
            fileinto("acme-users/[fwd] version 1.0 is out"),
            Action::Discard
        ]
    );
}

#[test]
fn rfc5229_string_test_and_modifiers() {
    let s = r#"require "variables";
        set "state" "${state} pending";
        if string :matches " ${state} " "* pending *" { discard; }"#;
    assert_eq!(eval(s, MSG), vec![Action::Discard]);
    let s = r#"require ["variables", "fileinto"];
        set :lower :upperfirst "b" "juMBlEd lETteRS";
        set :length "c" "${b}";
        set :quotewildcard "d" "Ya*?\\";
        fileinto "${b}-${c}-${d}";"#;
    assert_eq!(
        eval(s, MSG),
        vec![fileinto("Jumbled letters-15-Ya\\*\\?\\\\")]
    );
    let s = r#"require ["variables", "relational"];
        if string :count "eq" ["a", "", "b"] "2" { discard; }"#;
    assert_eq!(eval(s, MSG), vec![Action::Discard]);
    // Without "variables", ${...} is literal.
    let s = r#"require "fileinto"; fileinto "${x}";"#;
    assert_eq!(eval(s, MSG), vec![fileinto("${x}")]);
}

#[test]
fn rfc5229_address_matches_captures() {
    let s = r#"require ["variables", "fileinto"];
        if address :matches ["To", "Cc"] ["coyote@**.com", "wile@**.com"] {
            fileinto "${0}|${1}|${2}";
        }"#;
    assert_eq!(
        eval(s, "To: coyote@ACME.Example.COM\n\nx\n"),
        vec![fileinto("coyote@ACME.Example.COM||ACME.Example")]
    );
}

#[test]
fn rfc5232_imap4flags_example() {
    let s = r#"require ["fileinto", "imap4flags", "variables"];
        if size :over 1K {
            addflag "MyFlags" "Big";
            if header :is "From" "boss@company.example.com" {
                addflag "MyFlags" "\\Flagged";
            }
            fileinto :flags "${MyFlags}" "Big messages";
        }
        if header :is "From" "grandma@example.net" {
            addflag "MyFlags" ["\\Answered", "$MDNSent"];
            fileinto :flags "${MyFlags}" "GrandMa";
        }
        if header :contains "Subject" "Make money fast" {
            setflag "MyFlags" "\\Deleted";
            fileinto :flags "${MyFlags}" "Junk";
        }"#;
    let big = format!("From: boss@company.example.com\n\n{}\n", "x".repeat(2000));
    assert_eq!(
        eval(s, &big),
        vec![fileinto_flags("Big messages", &["Big", "\\Flagged"])]
    );
    let gm = "From: grandma@example.net\nSubject: Make money fast\n\nhi\n";
    assert_eq!(
        eval(s, gm),
        vec![
            fileinto_flags("GrandMa", &["\\Answered", "$MDNSent"]),
            fileinto_flags("Junk", &["\\Deleted"])
        ]
    );
}

#[test]
fn rfc5232_internal_variable_and_hasflag() {
    let s = r#"require ["imap4flags", "fileinto"];
        setflag "\\Seen";
        addflag ["\\Flagged", "\\seen"];
        if hasflag :is "\\flagged" { fileinto "flagged"; }
        removeflag "\\Seen";"#;
    // fileinto took the flags at its time; the implicit keep is cancelled.
    assert_eq!(
        eval(s, MSG),
        vec![fileinto_flags("flagged", &["\\Seen", "\\Flagged"])]
    );
    let s = r#"require "imap4flags"; addflag "$Work \\Seen";"#;
    assert_eq!(eval(s, MSG), vec![keep_flags(&["$Work", "\\Seen"])]);
    let s = r#"require ["imap4flags", "variables", "relational"];
        set "MyVar" "Fun Lots";
        if hasflag :contains "MyVar" "Fun" { addflag "a"; }
        if hasflag :count "eq" "MyVar" "2" { addflag "b"; }
        if hasflag :is "MyVar" "lots" { addflag "c"; }"#;
    assert_eq!(eval(s, MSG), vec![keep_flags(&["a", "b", "c"])]);
    let s = r#"require ["imapflags"]; keep :flags "\\Answered";"#;
    assert_eq!(
        eval(s, MSG),
        vec![Action::Keep {
            flags: vec!["\\Answered".into()],
            implicit: false
        }]
    );
}

fn vacation(actions: &[Action]) -> Option<&cyrus_proto::sieve::Vacation> {
    actions.iter().find_map(|a| match a {
        Action::Vacation(v) => Some(v),
        _ => None,
    })
}

#[test]
fn rfc5230_vacation_examples() {
    let s = r#"require "vacation";
        if header :contains "subject" "cyrus" {
            vacation "I'm out -- send mail to cyrus-bugs";
        } else {
            vacation "I'm out -- call me at +1 304 555 0123";
        }"#;
    let a = eval(s, MSG);
    let v = vacation(&a).expect("a reply");
    assert_eq!(v.body, "I'm out -- call me at +1 304 555 0123");
    assert_eq!(v.to, "sender@example.org");
    assert_eq!(v.subject, "Auto: I have a present for you");
    assert_eq!(v.seconds, 7 * 86_400);
    assert_eq!(
        v.in_reply_to.as_deref(),
        Some("<1234@local.machine.example>")
    );
    assert_eq!(a.last(), Some(&implicit_keep()));

    let s = r#"require "vacation";
        vacation :days 23 :addresses ["tjs@example.edu", "ts4z@landru.example.edu"]
            :subject "Gone fishing" :from "tjs@example.edu" :handle "fish"
            "I'm away until October 19.  If it's an emergency, call 911, I guess." ;"#;
    let m = "From: x@example.org\nTo: ts4z@landru.example.edu\nSubject: hi\n\nbody\n";
    let a = eval(s, m);
    let v = vacation(&a).expect("a reply to an :addresses recipient");
    assert_eq!(v.seconds, 23 * 86_400);
    assert_eq!(v.subject, "Gone fishing");
    assert_eq!(v.from.as_deref(), Some("tjs@example.edu"));
    assert_eq!(v.handle, "fish");
    // Not addressed to us: no reply (RFC 5230 §4.5).
    let m = "From: x@example.org\nTo: someone@else.org\n\nbody\n";
    assert!(vacation(&eval(s, m)).is_none());
    // Mailing lists and bulk mail get no reply (RFC 5230 §4.6).
    let m = "To: me@example.com\nList-Id: <l.example.org>\n\nbody\n";
    assert!(vacation(&eval(s, m)).is_none());
    let m = "To: me@example.com\nAuto-Submitted: auto-replied\n\nbody\n";
    assert!(vacation(&eval(s, m)).is_none());
}

#[test]
fn rfc6131_vacation_seconds_and_mime() {
    let s = r#"require ["vacation", "vacation-seconds"];
        vacation :seconds 1800 :mime text:
Content-Type: text/plain

back soon
.
;"#;
    let a = eval(s, MSG);
    let v = vacation(&a).expect("reply");
    assert!(v.mime);
    // Clamped to the 3-day minimum, as Cyrus does by default.
    assert_eq!(v.seconds, 3 * 86_400);
    assert!(Script::compile(
        r#"require "vacation"; vacation :seconds 5 "x";"#,
        &Default::default()
    )
    .is_err());
}

const DATE_MSG: &str = "Received: from a by b; Mon, 26 Feb 2007 10:00:00 +0000\n\
Received: from c by d; Sun, 25 Feb 2007 09:00:00 +0000\n\
From: boss@example.com\n\
Date: Mon, 26 Feb 2007 10:30:00 -0500\n\
Subject: report\n\
\n\
x\n";

#[test]
fn rfc5260_date_examples() {
    let s = r#"require ["date", "relational", "fileinto"];
        if allof(header :is "from" "boss@example.com",
                 date :value "ge" :originalzone "date" "hour" "09",
                 date :value "lt" :originalzone "date" "hour" "17")
        { fileinto "urgent"; }"#;
    assert_eq!(eval(s, DATE_MSG), vec![fileinto("urgent")]);
    // In UTC the message was sent at 15:30.
    let s = r#"require ["date", "fileinto"];
        if date :is :zone "+0000" "date" "hour" "15" { fileinto "utc"; }"#;
    assert_eq!(eval(s, DATE_MSG), vec![fileinto("utc")]);
    let s = r#"require ["date", "relational", "vacation"];
        if allof(currentdate :value "ge" "date" "2007-06-30",
                 currentdate :value "le" "date" "2007-07-07")
        { vacation :days 7 "I'm away during the first week in July."; }"#;
    assert!(vacation(&eval(s, MSG)).is_some());
    let s = r#"require ["date", "variables", "fileinto"];
        if currentdate :matches "month" "*" { set "month" "${1}"; }
        if currentdate :matches "year"  "*" { set "year" "${1}"; }
        fileinto "${month}-${year}";"#;
    assert_eq!(eval(s, MSG), vec![fileinto("07-2007")]);
    let s = r#"require ["date", "variables", "editheader"];
        if currentdate :matches "std11" "*" { addheader "Processing-date" "${0}"; }"#;
    assert_eq!(
        eval(s, MSG)[0],
        Action::AddHeader {
            name: "Processing-date".into(),
            value: "Sun, 1 Jul 2007 12:00:00 +0000".into(),
            last: false
        }
    );
    let s =
        r#"require ["date", "fileinto"]; if currentdate :is "weekday" "0" { fileinto "sunday"; }"#;
    assert_eq!(eval(s, MSG), vec![fileinto("sunday")]);
}

#[test]
fn rfc5260_index_examples() {
    let s = r#"require ["date", "index", "fileinto"];
        if date :index 2 "received" "date" "2007-02-25" { fileinto "second"; }
        if date :last :index 1 "received" "date" "2007-02-25" { fileinto "last"; }
        if header :index 1 :contains "received" "from a" { fileinto "first"; }
        if header :index 3 :contains "received" "" { fileinto "none"; }"#;
    assert_eq!(
        eval(s, DATE_MSG),
        vec![fileinto("second"), fileinto("last"), fileinto("first")]
    );
    assert!(Script::compile(
        r#"require "date"; if date :index 1 "date" "year" "2007" {}"#,
        &Default::default()
    )
    .is_err());
}

#[test]
fn rfc5293_editheader() {
    let s = r#"require ["editheader"];
        if not header :contains "X-Sieve-Filtered" ["<kim@job.example.com>", "<kim@home.example.com>"] {
            addheader "X-Sieve-Filtered" "<kim@job.example.com>";
            redirect "kim@home.example.com";
        }"#;
    let o = eval_full(s, MSG, &TestHost::default()).expect("should succeed");
    assert_eq!(
        o.actions,
        vec![
            Action::AddHeader {
                name: "X-Sieve-Filtered".into(),
                value: "<kim@job.example.com>".into(),
                last: false
            },
            redirect("kim@home.example.com"),
        ]
    );
    let h = o.edited_headers.expect("edited");
    assert_eq!(h[0].name, "X-Sieve-Filtered");

    let m = "X-Spam: yes\nReceived: r1\nX-Spam: no\nX-Spam: yes maybe\n\nx\n";
    let s = r#"require ["editheader", "fileinto"];
        deleteheader :contains "X-Spam" "yes";
        deleteheader "Received";
        if header :is "X-Spam" "no" { fileinto "clean"; }
        addheader :last "X-Done" "1";
        if exists "x-done" { keep; }"#;
    let o = eval_full(s, m, &TestHost::default()).expect("should succeed");
    assert_eq!(
        o.actions,
        vec![
            Action::DeleteHeader {
                name: "X-Spam".into(),
                occurrence: 3
            },
            Action::DeleteHeader {
                name: "X-Spam".into(),
                occurrence: 1
            },
            fileinto("clean"),
            Action::AddHeader {
                name: "X-Done".into(),
                value: "1".into(),
                last: true
            },
            explicit_keep(),
        ]
    );
    let names: Vec<_> = o
        .edited_headers
        .expect("should succeed")
        .iter()
        .map(|h| h.name.clone())
        .collect();
    assert_eq!(names, vec!["Received", "X-Spam", "X-Done"]);
    let s = r#"require "editheader"; deleteheader :index 1 :last "X-Spam";"#;
    let o = eval_full(s, m, &TestHost::default()).expect("should succeed");
    assert_eq!(
        o.actions[0],
        Action::DeleteHeader {
            name: "X-Spam".into(),
            occurrence: 3
        }
    );
    assert!(Script::compile(
        r#"require "editheader"; addheader "Bad:Name" "v";"#,
        &Default::default()
    )
    .is_err());
}

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
