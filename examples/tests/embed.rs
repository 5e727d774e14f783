//! Runs the `embed` example's logic against a temporary directory, twice
//! (the second run reopens the store and appends to the existing mailbox).

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

#[path = "../embed_lib.rs"]
mod embed_lib;

#[test]
fn embed_example_appends_and_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let report = embed_lib::run(dir.path()).unwrap();
    assert!(report.contains("UID:      1\n"), "{report}");
    assert!(report.contains("bytes identical: true"), "{report}");
    assert!(report.contains("flags:    (\\Seen $Demo)"), "{report}");
    assert!(
        report.contains(
            "ENVELOPE: (\"Tue, 1 Jul 2025 10:00:00 +0000\" \"Hello from an embedded cyrus-store\" \
             ((\"Alice\" NIL \"alice\" \"example.org\"))"
        ),
        "{report}"
    );
    let again = embed_lib::run(dir.path()).unwrap();
    assert!(again.contains("UID:      2\n"), "{again}");
    assert!(again.contains("2 message(s)"), "{again}");
}
