//! Malformed scripts (`tests/sieve/bad/*.sieve`): each must be rejected
//! with `line:column: message`, where the first line `# error: TEXT`
//! names a substring of the message.

use std::path::Path;

use cyrus_proto::sieve::{CompileOptions, Script};

#[test]
fn every_bad_script_is_rejected_with_a_position() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sieve/bad");
    let mut n = 0;
    let mut failures = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("bad dir")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.extension().and_then(|e| e.to_str()) != Some("sieve") {
            continue;
        }
        let src = std::fs::read_to_string(&path).expect("read");
        let want = src
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# error: "))
            .unwrap_or_else(|| panic!("{} lacks a '# error:' line", path.display()));
        let err = match Script::compile(&src, &CompileOptions::default()) {
            Ok(_) => {
                failures.push(format!("{} compiled but should not", path.display()));
                continue;
            }
            Err(e) => e,
        };
        let shown = err.to_string();
        if std::env::var_os("SIEVE_SHOW").is_some() {
            eprintln!(
                "{}: {shown}",
                path.file_name().and_then(|n| n.to_str()).unwrap_or("")
            );
        }
        let (pos, _) = shown.split_once(": ").expect("position prefix");
        let (line, col) = pos.split_once(':').expect("line:col");
        let line: usize = line.parse().expect("line number");
        let _: usize = col.parse().expect("column number");
        assert!(
            line >= 1 && line <= src.lines().count() + 1,
            "{}: bad line in {shown}",
            path.display()
        );
        // ManageSieve sends the message on one line.
        if shown.contains('\n') {
            failures.push(format!("{}: multi-line message {shown:?}", path.display()));
        }
        if !shown.contains(want) {
            failures.push(format!("{}: got {shown:?}, want {want:?}", path.display()));
        }
        n += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(n >= 30, "only {n} bad scripts");
}
