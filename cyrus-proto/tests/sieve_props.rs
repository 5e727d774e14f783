//! Property tests: arbitrary input never panics the parser, the loader
//! or the interpreter, and the compiled form round-trips.

#[path = "sieve/common.rs"]
mod common;

use common::*;
use cyrus_proto::sieve::{CompileOptions, ParsedMessage, Script};
use proptest::prelude::*;

fn string_lit() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 \\[\\]*?@.${}:-]{0,12}"
        .prop_map(|s| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")))
}

fn test_expr(depth: u32) -> BoxedStrategy<String> {
    let leaf = prop_oneof![
        Just("true".to_string()),
        Just("false".to_string()),
        (string_lit(), string_lit()).prop_map(|(a, b)| format!("header :contains {a} {b}")),
        (string_lit(), string_lit())
            .prop_map(|(a, b)| format!("address :domain :matches {a} [{b}, \"x\"]")),
        (0u64..5000).prop_map(|n| format!("size :over {n}K")),
        (string_lit(), string_lit()).prop_map(|(a, b)| format!(
            "string :count \"ge\" :comparator \"i;ascii-numeric\" {a} {b}"
        )),
        string_lit().prop_map(|a| format!("body :text :contains {a}")),
        string_lit().prop_map(|a| format!("currentdate :zone \"+0100\" \"date\" {a}")),
        string_lit().prop_map(|a| format!("hasflag {a}")),
        Just("duplicate :seconds 60".to_string()),
    ];
    if depth == 0 {
        return leaf.boxed();
    }
    prop_oneof![
        leaf,
        test_expr(depth - 1).prop_map(|t| format!("not {t}")),
        proptest::collection::vec(test_expr(depth - 1), 1..3)
            .prop_map(|ts| format!("anyof ({})", ts.join(", "))),
        proptest::collection::vec(test_expr(depth - 1), 1..3)
            .prop_map(|ts| format!("allof ({})", ts.join(", "))),
    ]
    .boxed()
}

fn command(depth: u32) -> BoxedStrategy<String> {
    let leaf = prop_oneof![
        Just("keep;".to_string()),
        Just("discard;".to_string()),
        Just("stop;".to_string()),
        string_lit().prop_map(|s| format!("fileinto :copy {s};")),
        string_lit().prop_map(|s| format!("fileinto :flags [{s}] :create {s};")),
        Just("redirect \"a@example.com\";".to_string()),
        ("[a-z_][a-z0-9_]{0,6}", string_lit())
            .prop_map(|(a, b)| format!("set :lower \"{a}\" {b};")),
        string_lit().prop_map(|s| format!("addflag {s};")),
        string_lit().prop_map(|s| format!("addheader \"X-Test\" {s};")),
        string_lit().prop_map(|s| format!("deleteheader :index 1 \"X-Test\" {s};")),
        string_lit().prop_map(|s| format!(
            "vacation :days 5 :subject {s} text:\r\nline\r\n..dot\r\n.\r\n;"
        )),
    ];
    if depth == 0 {
        return leaf.boxed();
    }
    prop_oneof![
        leaf,
        (
            test_expr(1),
            proptest::collection::vec(command(depth - 1), 0..3),
            proptest::collection::vec(command(depth - 1), 0..2)
        )
            .prop_map(|(t, a, b)| format!(
                "if {t} {{ {} }} else {{ {} }}",
                a.join(" "),
                b.join(" ")
            )),
    ]
    .boxed()
}

fn script() -> impl Strategy<Value = String> {
    proptest::collection::vec(command(2), 0..6).prop_map(|cmds| {
        format!(
            "require [\"fileinto\", \"copy\", \"imap4flags\", \"mailbox\", \"variables\", \"relational\", \
             \"comparator-i;ascii-numeric\", \"body\", \"date\", \"duplicate\", \"editheader\", \"vacation\"];\n{}",
            cmds.join("\n")
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic_the_parser(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let src = String::from_utf8_lossy(&bytes);
        let _ = Script::compile(&src, &CompileOptions::default());
        let _ = Script::from_bytes(&bytes, &CompileOptions::default());
    }

    #[test]
    fn random_tokens_never_panic_the_parser(
        parts in proptest::collection::vec(prop_oneof![
            Just("if"), Just("{"), Just("}"), Just("("), Just(")"), Just("["), Just("]"), Just(","),
            Just(";"), Just(":is"), Just(":index"), Just("\"a\""), Just("text:\n.\n"), Just("1K"),
            Just("anyof"), Just("not"), Just("header"), Just("require"), Just("\"variables\""),
            Just("set"), Just("fileinto"), Just("/*"), Just("*/"), Just("#"), Just("\n"), Just("${hex:41}"),
        ], 0..40)
    ) {
        let _ = Script::compile(&parts.join(" "), &CompileOptions::default());
    }

    #[test]
    fn compiled_form_round_trips(src in script()) {
        let s = match Script::compile(&src, &CompileOptions::default()) {
            Ok(s) => s,
            Err(e) => return Err(TestCaseError::fail(format!("{e}\n{src}"))),
        };
        let bytes = s.to_bytes();
        let back = Script::from_bytes(&bytes, &CompileOptions::default()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&back, &s);
        prop_assert_eq!(back.to_bytes(), bytes);
        // And it runs without panicking.
        let msg = message(MSG);
        let _ = s.evaluate(&msg, &TestHost::default(), &options());
    }

    #[test]
    fn corrupted_compiled_form_never_panics(src in script(), flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8), cut in any::<usize>()) {
        let Ok(s) = Script::compile(&src, &CompileOptions::default()) else { return Ok(()); };
        let mut bytes = s.to_bytes();
        for (i, v) in flips {
            let len = bytes.len();
            bytes[i % len] ^= v;
        }
        let _ = Script::from_bytes(&bytes, &CompileOptions::default());
        let n = cut % (bytes.len() + 1);
        let _ = Script::from_bytes(&bytes[..n], &CompileOptions::default());
        // Corrupt the body but keep the checksum valid, to reach the tree decoder.
        let mut body = s.to_bytes();
        if body.len() > 28 {
            let len = body.len();
            body[28 + (cut % (len - 28))] ^= 0x5a;
            let sum = fnv1a32(&body[28..]);
            body[24..28].copy_from_slice(&sum.to_be_bytes());
            let _ = Script::from_bytes(&body, &CompileOptions::default());
        }
    }

    #[test]
    fn random_messages_never_panic_the_interpreter(raw in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let s = compile(r#"require ["body", "variables", "date", "relational", "envelope", "subaddress", "duplicate", "editheader"];
            if anyof (header :matches "subject" "*a*b*", address :detail "to" "x", body :contains "z",
                      date :value "ge" "date" "year" "2000", envelope :user "from" "q", duplicate) { keep; }
            deleteheader "subject"; addheader "X-A" "b";"#);
        let m = ParsedMessage::parse(&raw, Some(""), None);
        let _ = s.evaluate(&m, &TestHost::default(), &options());
    }
}

fn fnv1a32(data: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in data {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}
