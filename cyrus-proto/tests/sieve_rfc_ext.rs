//! RFC examples for variables (5229), imap4flags (5232), vacation (5230,
//! 6131), date/index (5260) and editheader (5293).

#[path = "sieve/common.rs"]
mod common;

use common::*;
use cyrus_proto::sieve::{Action, Script};

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
