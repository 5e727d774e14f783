//! Golden tests against the Cyrus 3.6 fixture: the script alice stored
//! with ManageSieve must compile to the program Cyrus's bytecode dump
//! shows, file message 41 into Archive, and keep every other message.

#[path = "sieve/common.rs"]
mod common;

use std::path::{Path, PathBuf};

use common::*;
use cyrus_proto::sieve::{
    Command, Comparator, CompileOptions, Match, MatchKind, ParsedMessage, Script, Test,
};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/cyrus-3.6/basic")
}

/// The script body of the GETSCRIPT reply: `{n}\r\n` then n bytes.
fn fixture_script() -> Option<String> {
    let raw = std::fs::read(fixtures().join("expected/managesieve/getscript.txt")).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (len_line, rest) = text.split_once("\r\n")?;
    let n: usize = len_line
        .trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .trim_end_matches('+')
        .parse()
        .ok()?;
    rest.get(..n).map(str::to_string)
}

fn alice_message(name: &str) -> ParsedMessage {
    let raw = std::fs::read(fixtures().join("messages").join(name)).expect("fixture message");
    ParsedMessage::parse(&raw, Some("sender@example.org"), Some("alice@localhost"))
}

#[test]
fn fixture_script_compiles_like_cyrus() {
    let Some(src) = fixture_script() else {
        eprintln!("fixtures not present; skipping");
        return;
    };
    let script =
        Script::compile(&src, &CompileOptions::default()).expect("fixture script compiles");
    // Cyrus's dump: IF HEADER Contains (ascii-casemap) HEADERS [subject]
    // PATTERNS [[list]]; FILEINTO COPY(0) FLAGS{0} CREATE(0) FOLDER Archive.
    let p = script.program();
    assert_eq!(p.commands.len(), 1);
    let Command::If {
        branches,
        otherwise,
    } = &p.commands[0]
    else {
        panic!("expected if, got {:?}", p.commands[0]);
    };
    assert!(otherwise.is_none());
    assert_eq!(
        branches[0].0,
        Test::Header {
            m: Match {
                comparator: Comparator::AsciiCasemap,
                kind: MatchKind::Contains
            },
            names: vec!["subject".into()],
            keys: vec!["[list]".into()],
            index: None,
        }
    );
    assert_eq!(
        branches[0].1,
        vec![Command::FileInto {
            mailbox: "Archive".into(),
            flags: None,
            copy: false,
            create: false,
            special_use: None,
            mailbox_id: None
        }]
    );
    let back =
        Script::from_bytes(&script.to_bytes(), &CompileOptions::default()).expect("round trip");
    assert_eq!(back, script);
}

#[test]
fn fixture_decompiled_script_compiles() {
    let Ok(dump) =
        std::fs::read_to_string(fixtures().join("expected/sieve/alice.fixture.bc.sieved-s.txt"))
    else {
        return;
    };
    // `sieved -s` prints the decompiled source; it may be preceded by
    // nothing else, so compile it whole when it looks like a script.
    if dump.trim_start().starts_with("require") {
        Script::compile(&dump, &CompileOptions::default()).expect("decompiled script compiles");
    }
}

#[test]
fn fixture_messages_filed_as_cyrus_did() {
    let Some(src) = fixture_script() else {
        return;
    };
    let script = Script::compile(&src, &CompileOptions::default()).expect("compiles");
    let host = TestHost::default();
    let opts = options();
    let out = script
        .evaluate(&alice_message("41-lmtp-alice-sieve-list.eml"), &host, &opts)
        .expect("runs");
    assert_eq!(out.actions, vec![fileinto("Archive")]);

    let mut others = 0;
    for entry in std::fs::read_dir(fixtures().join("messages")).expect("messages dir") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if !name.ends_with(".eml") || name.starts_with("41-") {
            continue;
        }
        let out = script
            .evaluate(&alice_message(&name), &host, &opts)
            .expect("runs");
        assert_eq!(out.actions, vec![implicit_keep()], "{name} should be kept");
        others += 1;
    }
    assert!(others >= 30);
}

#[test]
fn fixture_script_rejected_without_imap4flags() {
    let Some(src) = fixture_script() else {
        return;
    };
    let mut opts = CompileOptions::default();
    opts.extensions
        .remove(cyrus_proto::sieve::Extension::Imap4Flags);
    let e = Script::compile(&src, &opts).expect_err("should fail");
    assert_eq!(e.to_string(), "1:9: unsupported extension \"imap4flags\"");
}

/// Our SIEVE capability lists a subset of Cyrus 3.6's, in Cyrus's order.
#[test]
fn capability_order_matches_cyrus() {
    let Ok(session) = std::fs::read_to_string(fixtures().join("expected/managesieve/session.txt"))
    else {
        return;
    };
    let Some(line) = session.lines().find(|l| l.starts_with("\"SIEVE\"")) else {
        return;
    };
    let cyrus: Vec<&str> = line
        .trim_start_matches("\"SIEVE\"")
        .trim()
        .trim_matches('"')
        .split(' ')
        .collect();
    let ours = cyrus_proto::sieve::supported_extensions().capability_string();
    let mut at = 0;
    for name in ours.split(' ') {
        let pos = cyrus
            .iter()
            .position(|c| *c == name)
            .unwrap_or_else(|| panic!("{name} not advertised by Cyrus"));
        assert!(pos >= at, "{name} out of Cyrus's order");
        at = pos;
    }
}

/// The path LMTP takes: load the stored compiled form, evaluate, and on
/// a runtime error fall back to an implicit keep.
#[test]
fn lmtp_flow_from_stored_bytes() {
    let Some(src) = fixture_script() else {
        return;
    };
    let stored = Script::compile(&src, &CompileOptions::default())
        .expect("compiles")
        .to_bytes();
    let script = Script::from_bytes(&stored, &CompileOptions::default()).expect("loads");
    let out = script
        .evaluate(
            &alice_message("41-lmtp-alice-sieve-list.eml"),
            &TestHost::default(),
            &options(),
        )
        .expect("runs");
    assert_eq!(out.actions, vec![fileinto("Archive")]);

    // A script that fails at run time yields exactly one implicit keep.
    let bad = Script::compile(
        r#"require "ihave"; if header :contains "subject" "[list]" { error "boom"; }"#,
        &CompileOptions::default(),
    )
    .expect("compiles");
    let actions = match bad.evaluate(
        &alice_message("41-lmtp-alice-sieve-list.eml"),
        &TestHost::default(),
        &options(),
    ) {
        Ok(o) => o.actions,
        Err(e) => vec![e.fallback()],
    };
    assert_eq!(actions, vec![implicit_keep()]);

    // Damaged bytes are refused, never trusted.
    let mut damaged = stored.clone();
    let last = damaged.len() - 1;
    damaged[last] ^= 1;
    assert!(Script::from_bytes(&damaged, &CompileOptions::default()).is_err());
    assert!(Script::from_bytes(b"CyrSBytecode\0\0\0\x1f", &CompileOptions::default()).is_err());
}

/// The `.bc` real Cyrus wrote is recognised as Cyrus bytecode (so LMTP
/// knows to recompile from the `#sieve` source), never misread.
#[test]
fn cyrus_bytecode_is_recognised_not_run() {
    let path = fixtures().join("sieve/uuid/1/h/1h27n4nb8groy211tvj675ss/fixture.bc");
    let Ok(bc) = std::fs::read(&path) else {
        return;
    };
    match Script::from_bytes(&bc, &CompileOptions::default()) {
        Err(cyrus_proto::sieve::LoadError::CyrusBytecode { version }) => assert_eq!(version, 0x1f),
        other => panic!("unexpected {other:?}"),
    }
    for n in 0..bc.len() {
        let _ = Script::from_bytes(&bc[..n], &CompileOptions::default());
    }
}
