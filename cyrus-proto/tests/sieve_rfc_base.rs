//! RFC examples for the base language (RFC 5228) and the small action
//! extensions: copy (RFC 3894), reject/ereject (RFC 5429), subaddress
//! (RFC 5233), relational (RFC 5231), body (RFC 5173).

#[path = "sieve/common.rs"]
mod common;

use common::*;
use cyrus_proto::sieve::Action;

#[test]
fn rfc5228_3_1_if_elsif_else() {
    let s = r#"
        require "fileinto";
        if header :contains "from" "coyote" {
            discard;
        } elsif header :contains ["subject"] ["$$$"] {
            discard;
        } else {
            fileinto "INBOX";
        }"#;
    assert_eq!(eval(s, MSG), vec![Action::Discard]);
    let m = MSG
        .replace("coyote@desert", "road@desert")
        .replace("Coyote", "Road");
    assert_eq!(eval(s, &m), vec![fileinto("INBOX")]);
    let m = m.replace("a present", "$$$ for");
    assert_eq!(eval(s, &m), vec![Action::Discard]);
}

#[test]
fn rfc5228_empty_script_keeps() {
    assert_eq!(eval("", MSG), vec![implicit_keep()]);
    assert_eq!(eval("# nothing\n/* at all */", MSG), vec![implicit_keep()]);
}

#[test]
fn rfc5228_stop_and_keep() {
    assert_eq!(eval("keep; stop; discard;", MSG), vec![explicit_keep()]);
    assert_eq!(eval("stop; discard;", MSG), vec![implicit_keep()]);
}

#[test]
fn rfc5228_address_envelope_exists_size() {
    let s = r#"if address :is :all "from" "coyote@desert.example.org" { discard; }"#;
    assert_eq!(eval(s, MSG), vec![Action::Discard]);
    let s = r#"if address :domain :is "from" "DESERT.example.org" { discard; }"#;
    assert_eq!(eval(s, MSG), vec![Action::Discard]);
    let s = r#"if address :localpart :is "from" "coyote" { discard; }"#;
    assert_eq!(eval(s, MSG), vec![Action::Discard]);
    let s = r#"require "envelope"; if envelope :all :is "from" "sender@example.org" { discard; }"#;
    assert_eq!(eval(s, MSG), vec![Action::Discard]);
    let s = r#"if exists ["From","Date"] { discard; }"#;
    assert_eq!(eval(s, MSG), vec![Action::Discard]);
    let s = r#"if exists ["From","X-Nope"] { discard; }"#;
    assert_eq!(eval(s, MSG), vec![implicit_keep()]);
    let s = r#"if size :over 100K { discard; }"#;
    assert_eq!(eval(s, MSG), vec![implicit_keep()]);
    let s = r#"if size :under 1K { discard; }"#;
    assert_eq!(eval(s, MSG), vec![Action::Discard]);
    let s =
        r#"if not true { discard; } if anyof (false, allof (true, not false)) { stop; } discard;"#;
    assert_eq!(eval(s, MSG), vec![implicit_keep()]);
}

#[test]
fn rfc5228_2_7_1_matches_escapes() {
    let s = r#"if header :matches "Subject" "I have a * for ?ou" { discard; }"#;
    assert_eq!(eval(s, MSG), vec![Action::Discard]);
    let s = r#"if header :matches "Subject" "I have a \\* for you" { discard; }"#;
    assert_eq!(eval(s, MSG), vec![implicit_keep()]);
    let s =
        r#"if header :is :comparator "i;octet" "Subject" "i have a present for you" { discard; }"#;
    assert_eq!(eval(s, MSG), vec![implicit_keep()]);
    let s = r#"if header :is "Subject" "i have a PRESENT for you" { discard; }"#;
    assert_eq!(eval(s, MSG), vec![Action::Discard]);
}

#[test]
fn rfc5228_9_extended_example() {
    let s = r#"
#
# Example Sieve Filter
# Declare any optional features or extension used by the script
#
require ["fileinto"];

#
# Handle messages from known mailing lists
# Move messages from IETF filter discussion list to filter mailbox
#
if header :is "Sender" "owner-ietf-mta-filters@imc.org"
        {
        fileinto "filter";  # move to "filter" mailbox
        }
#
# Keep all messages to or from people in my company
#
elsif address :DOMAIN :is ["From", "To"] "example.com"
        {
        keep;               # keep in "In" mailbox
        }

#
# Try and catch unsolicited email.  If a message is not to me,
# or it contains a subject known to be spam, file it away.
#
elsif anyof (NOT address :all :contains
               ["To", "Cc", "Bcc"] "me@example.com",
             header :matches "subject"
               ["*make*money*fast*", "*university*dipl*mas*"])
        {
        fileinto "spam";   # move to "spam" mailbox
        }
else
        {
        # Move all other (non-company) mail to "personal"
        # mailbox.
        fileinto "personal";
        }
"#;
    let base = "From: a@else.org\nTo: me@example.org\nSubject: hi\n\nbody\n";
    assert_eq!(eval(s, base), vec![fileinto("spam")]);
    let m = base.replace("me@example.org", "me@example.com");
    assert_eq!(eval(s, &m), vec![explicit_keep()]);
    let m = base.replace("To: me@example.org", "To: x@other.org, me@example.com.au");
    assert_eq!(eval(s, &m), vec![fileinto("personal")]);
    let m = m.replace("Subject: hi", "Subject: MAKE MONEY FAST now");
    assert_eq!(eval(s, &m), vec![fileinto("spam")]);
    let m = format!("Sender: owner-ietf-mta-filters@imc.org\n{base}");
    assert_eq!(eval(s, &m), vec![fileinto("filter")]);
}

#[test]
fn rfc5228_4_2_redirect_and_dedup() {
    let s = r#"redirect "bart@example.com"; redirect "bart@example.com";"#;
    assert_eq!(eval(s, MSG), vec![redirect("bart@example.com")]);
    let s = r#"require "fileinto"; fileinto "A"; fileinto "A"; keep;"#;
    assert_eq!(eval(s, MSG), vec![fileinto("A"), explicit_keep()]);
}

#[test]
fn rfc5228_redirect_limit_is_runtime_error() {
    let s = (1..=6)
        .map(|i| format!("redirect \"u{i}@example.com\";"))
        .collect::<String>();
    let e = eval_full(&s, MSG, &TestHost::default()).expect_err("should fail");
    assert!(e.message.contains("redirect"));
    assert_eq!(e.fallback(), implicit_keep());
}

#[test]
fn rfc3894_copy() {
    let s = r#"require ["copy", "fileinto"]; fileinto :copy "incoming"; redirect :copy "a@example.com";"#;
    let mut f = fileinto("incoming");
    if let Action::FileInto { copy, .. } = &mut f {
        *copy = true;
    }
    assert_eq!(
        eval(s, MSG),
        vec![
            f,
            Action::Redirect {
                address: "a@example.com".into(),
                copy: true,
                options: Default::default()
            },
            implicit_keep()
        ]
    );
    assert!(cyrus_proto::sieve::Script::compile(
        r#"require "fileinto"; fileinto :copy "x";"#,
        &Default::default()
    )
    .is_err());
}

#[test]
fn rfc5429_reject_and_ereject() {
    let s = "require [\"reject\"];\r\nif header :contains \"from\" \"coyote@desert.example.org\" {\r\n   reject text:\r\nI am not taking mail from you, and I don't\r\nwant your birdseed, either!\r\n.\r\n   ;\r\n}\r\n";
    assert_eq!(
        eval(s, MSG),
        vec![Action::Reject {
            reason: "I am not taking mail from you, and I don't\r\nwant your birdseed, either!\r\n"
                .into()
        }]
    );
    let s = r#"require ["ereject"];
        if address :domain :is "from" "desert.example.org" {
            ereject "I don't want mail from this domain";
        }"#;
    assert_eq!(
        eval(s, MSG),
        vec![Action::Ereject {
            reason: "I don't want mail from this domain".into()
        }]
    );
    // Cyrus: reject cannot be combined with keep/fileinto/redirect.
    let s = r#"require ["reject"]; keep; reject "no";"#;
    assert!(eval_full(s, MSG, &TestHost::default()).is_err());
}

#[test]
fn rfc5233_subaddress() {
    let s = r#"
        require ["envelope", "subaddress", "fileinto"];
        if envelope :user "to" "postmaster" { fileinto "inbox.postmaster"; stop; }
        if envelope :detail :is "to" "mta-filters" { fileinto "inbox.ietf-mta-filters"; stop; }
        if address :user "to" "ken" { fileinto "inbox.ken"; stop; }
        "#;
    let m = |to: &str| {
        let raw = "To: x@example.org\n\nb\n".replace("\n", "\r\n");
        cyrus_proto::sieve::ParsedMessage::parse(raw.as_bytes(), Some("s@example.org"), Some(to))
    };
    let run = |to: &str| {
        compile(s)
            .evaluate(&m(to), &TestHost::default(), &options())
            .expect("should succeed")
            .actions
    };
    assert_eq!(
        run("postmaster+foo@example.org"),
        vec![fileinto("inbox.postmaster")]
    );
    assert_eq!(
        run("me+mta-filters@example.org"),
        vec![fileinto("inbox.ietf-mta-filters")]
    );
    assert_eq!(run("me@example.org"), vec![implicit_keep()]);
    // RFC 5233 §4: ":detail" "" matches "ken+@example.org" but not "ken@example.org".
    let d = r#"require "subaddress"; if address :detail "to" "" { discard; }"#;
    assert_eq!(
        eval(d, "To: ken+@example.org\n\nx\n"),
        vec![Action::Discard]
    );
    assert_eq!(eval(d, "To: ken@example.org\n\nx\n"), vec![implicit_keep()]);
    assert_eq!(
        eval(s, "To: Ken <ken+sieve@example.org>\n\nx\n"),
        vec![fileinto("inbox.ken")]
    );
}

const REL_MSG: &str = "Received: ...\n\
Received: ...\n\
Subject: example\n\
To: foo@example.com, baz@example.com\n\
CC: qux@example.com\n\
\n\
RFC 5231 example\n";

#[test]
fn rfc5231_relational_examples() {
    let t = |test: &str| {
        let s = format!(
            "require [\"relational\", \"comparator-i;ascii-numeric\"]; if {test} {{ discard; }}"
        );
        eval(&s, REL_MSG) == vec![Action::Discard]
    };
    assert!(t(
        r#"address :count "ge" :comparator "i;ascii-numeric" ["to", "cc"] ["3"]"#
    ));
    assert!(!t(
        r#"address :count "ge" :comparator "i;ascii-numeric" ["to"] ["3"]"#
    ));
    assert!(t(
        r#"header :count "ge" :comparator "i;ascii-numeric" ["received", "subject"] ["3"]"#
    ));
    assert!(!t(
        r#"header :count "ge" :comparator "i;ascii-numeric" ["to", "cc"] ["3"]"#
    ));
    assert!(t(
        r#"address :value "gt" :all :comparator "i;ascii-casemap" ["to"] ["baz@example.com"]"#
    ));
    assert!(t(r#"header :value "lt" "subject" "f""#));
    assert!(t(
        r#"header :count "eq" :comparator "i;ascii-numeric" "x-none" "0""#
    ));
}

#[test]
fn rfc5231_x_priority() {
    let s = r#"require ["relational", "comparator-i;ascii-numeric", "fileinto"];
        if header :value "lt" :comparator "i;ascii-numeric" ["x-priority"] ["3"] { fileinto "Urgent"; }"#;
    assert_eq!(eval(s, "X-Priority: 1\n\nx\n"), vec![fileinto("Urgent")]);
    assert_eq!(eval(s, "X-Priority: 10\n\nx\n"), vec![implicit_keep()]);
    // No digits: positive infinity (RFC 4790 §9.1).
    assert_eq!(eval(s, "X-Priority: high\n\nx\n"), vec![implicit_keep()]);
}

const BODY_MSG: &str = "From: a@example.org\n\
To: me@example.com\n\
Subject: body test\n\
MIME-Version: 1.0\n\
Content-Type: multipart/mixed; boundary=\"XX\"\n\
\n\
preamble\n\
--XX\n\
Content-Type: text/plain\n\
\n\
The missile launch coordinates are in the project schedule.\n\
--XX\n\
Content-Type: audio/mp3\n\
Content-Transfer-Encoding: base64\n\
\n\
SUQzAwAAAAAA\n\
--XX\n\
Content-Type: text/html\n\
Content-Transfer-Encoding: quoted-printable\n\
\n\
<p>MAKE MONEY =\n\
FAST</p>\n\
--XX--\n";

#[test]
fn rfc5173_body() {
    let s = r#"require "body"; if body :raw :contains "MAKE MONEY FAST" { discard; }"#;
    // The raw body has a soft line break, so the phrase is not there raw.
    assert_eq!(eval(s, BODY_MSG), vec![implicit_keep()]);
    let s = r#"require "body"; if body :text :contains "MAKE MONEY FAST" { discard; }"#;
    assert_eq!(eval(s, BODY_MSG), vec![Action::Discard]);
    let s = r#"require ["body", "fileinto"];
        if body :content "text" :contains ["missile", "coordinates"] { fileinto "secrets"; }"#;
    assert_eq!(eval(s, BODY_MSG), vec![fileinto("secrets")]);
    let s = r#"require ["body", "fileinto"];
        if body :content "audio/mp3" :contains "" { fileinto "jukebox"; }"#;
    assert_eq!(eval(s, BODY_MSG), vec![fileinto("jukebox")]);
    let s = r#"require ["body", "fileinto"];
        if body :text :contains "project schedule" { fileinto "project/schedule"; }"#;
    assert_eq!(eval(s, BODY_MSG), vec![fileinto("project/schedule")]);
    let s = r#"require ["body", "fileinto"];
        if body :content "image" :contains "" { fileinto "pics"; }"#;
    assert_eq!(eval(s, BODY_MSG), vec![implicit_keep()]);
    let s = r#"require "body"; if body :raw :contains "--XX--" { discard; }"#;
    assert_eq!(eval(s, BODY_MSG), vec![Action::Discard]);
}

#[test]
fn rfc6009_redirect_dsn_and_deliverby() {
    use cyrus_proto::sieve::{ByTime, DeliverBy, RedirectOptions, Script};
    let s = r#"require ["redirect-dsn", "redirect-deliverby"];
        redirect :notify "success,failure" :ret "hdrs" :bytimerelative 600 :bymode "notify" :bytrace "a@example.com";"#;
    assert_eq!(
        eval(s, MSG),
        vec![Action::Redirect {
            address: "a@example.com".into(),
            copy: false,
            options: RedirectOptions {
                notify: Some("SUCCESS,FAILURE".into()),
                ret: Some("HDRS".into()),
                deliver_by: Some(DeliverBy {
                    time: ByTime::Relative(600),
                    mode: Some("notify".into()),
                    trace: true
                }),
            },
        }]
    );
    let bad = |s: &str| Script::compile(s, &Default::default()).is_err();
    assert!(bad(r#"redirect :notify "NEVER" "a@example.com";"#));
    assert!(bad(
        r#"require "redirect-dsn"; redirect :notify "sometimes" "a@example.com";"#
    ));
    assert!(bad(
        r#"require "redirect-deliverby"; redirect :bytrace "a@example.com";"#
    ));
    assert!(bad(
        r#"require "redirect-deliverby"; redirect :bytimerelative 1 :bytimeabsolute "2030-01-01T00:00:00Z" "a@example.com";"#
    ));
}

#[test]
fn rfc5173_body_charsets_are_decoded() {
    let raw = b"Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\nUn caf\xe9 cr\xe8me.\r\n";
    let msg = cyrus_proto::sieve::ParsedMessage::parse(
        raw,
        Some("a@example.org"),
        Some("me@example.com"),
    );
    let s = compile(r#"require "body"; if body :text :contains "café crème" { discard; }"#);
    let out = s
        .evaluate(&msg, &TestHost::default(), &options())
        .expect("runs");
    assert_eq!(out.actions, vec![Action::Discard]);
}
