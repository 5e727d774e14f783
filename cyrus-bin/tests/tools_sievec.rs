//! `cyr_sievec` compiles like Cyrus `sievec`: a good script gives exit 0
//! and a compiled file LMTP loads; errors say `Unable to parse script:`
//! with the line and exit 1; usage errors print the syntax line; `-C`
//! restricts the extensions to `sieve_extensions`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use cyrus_proto::sieve::{CompileOptions, Script};

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cyr_sievec"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn compiles_and_reports_errors_like_sievec() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.sieve");
    std::fs::write(
        &good,
        "require \"fileinto\";\nif header :contains \"subject\" \"x\" { fileinto \"A\"; }\n",
    )
    .unwrap();
    let out = dir.path().join("good.bc");
    let (rc, err) = run(&[good.to_str().unwrap(), out.to_str().unwrap()]);
    assert_eq!((rc, err.as_str()), (0, ""));
    let bytes = std::fs::read(&out).unwrap();
    Script::from_bytes(&bytes, &CompileOptions::default()).expect("loads");

    let bad = dir.path().join("bad.sieve");
    std::fs::write(&bad, "keep;\nfileinto \"x\";\n").unwrap();
    let bad_out = dir.path().join("bad.bc");
    let (rc, err) = run(&[bad.to_str().unwrap(), bad_out.to_str().unwrap()]);
    assert_eq!(rc, 1);
    assert!(err.starts_with("Unable to parse script: line 2: "), "{err}");
    assert!(!bad_out.exists(), "nothing written on error");

    let (rc, err) = run(&[good.to_str().unwrap()]);
    assert_eq!(rc, 1);
    assert!(
        err.contains("Syntax: ") && err.contains("<filename> <outputfile>"),
        "{err}"
    );
    let (rc, err) = run(&["/nonexistent/x", out.to_str().unwrap()]);
    assert_eq!(
        (rc, err.trim()),
        (1, "Unable to open /nonexistent/x for reading")
    );

    // -C: only the configured extensions may be required.
    let conf = dir.path().join("imapd.conf");
    std::fs::write(&conf, "sieve_extensions: vacation\n").unwrap();
    let (rc, err) = run(&[
        "-C",
        conf.to_str().unwrap(),
        good.to_str().unwrap(),
        out.to_str().unwrap(),
    ]);
    assert_eq!(rc, 1, "fileinto is not enabled: {err}");
    assert!(err.starts_with("Unable to parse script: line 1: "), "{err}");
}

/// Real `sievec` agrees on which scripts compile (when installed).
#[test]
fn agrees_with_real_sievec() {
    let real = std::path::Path::new("/usr/lib/cyrus/bin/sievec");
    if !real.exists() {
        eprintln!("NOTICE: Cyrus sievec not installed; skipping");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("imapd.conf");
    std::fs::write(
        &conf,
        format!(
            "configdirectory: {0}\nsievedir: {0}\n",
            dir.path().display()
        ),
    )
    .unwrap();
    let cases = [
        ("keep;", true),
        ("require \"fileinto\"; fileinto \"a\";", true),
        ("fileinto \"a\";", false),
        ("if header :is \"a\" \"b\" { keep; }", true),
        ("if header :is \"a\" { keep; }", false),
        ("if foo { keep; }", false),
        ("require \"vacation\"; vacation :days 3 \"away\";", true),
        ("keep", false),
        ("require [\"variables\"]; set \"a\" \"b\";", true),
    ];
    for (i, (src, ok)) in cases.iter().enumerate() {
        let f = dir.path().join(format!("{i}.sieve"));
        std::fs::write(&f, src).unwrap();
        let o = dir.path().join(format!("{i}.bc"));
        let ours = run(&[f.to_str().unwrap(), o.to_str().unwrap()]).0 == 0;
        let theirs = Command::new(real)
            .args(["-C", conf.to_str().unwrap()])
            .arg(&f)
            .arg(dir.path().join(format!("{i}.cyrus.bc")))
            .output()
            .unwrap();
        let theirs_ok = theirs.status.success();
        assert_eq!(ours, *ok, "ours on {src:?}");
        assert_eq!(
            theirs_ok,
            *ok,
            "real sievec on {src:?}: {}",
            String::from_utf8_lossy(&theirs.stderr)
        );
    }
}
