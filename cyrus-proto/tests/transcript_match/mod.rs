//! Matching a session's replies against the `S:` lines of a C:/S:
//! transcript, shared by the transcript tests of every protocol.
#![allow(dead_code)]

use cyrus_proto::runtime::{Output, Step};

/// Whether `actual` matches `expected`, where `…` in `expected` stands
/// for any run of characters.
pub fn glob_match(expected: &str, actual: &str) -> bool {
    let parts: Vec<&str> = expected.split('…').collect();
    if parts.len() == 1 {
        return expected == actual;
    }
    let mut rest = actual;
    for (i, p) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(p) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(p);
        } else {
            let Some(pos) = rest.find(p) else {
                return false;
            };
            rest = &rest[pos + p.len()..];
        }
    }
    true
}

/// What a session step sent, with `<starttls>` and `<close>` markers for
/// the steps that send nothing.
pub fn text(out: &Output) -> String {
    let mut s = String::from_utf8_lossy(&out.sent_bytes()).into_owned();
    if out.steps().contains(&Step::StartTls) {
        s.push_str("<starttls>\r\n");
    }
    if out.closes() {
        s.push_str("<close>\r\n");
    }
    s
}

/// Asserts that the reply `got` has the `S:` lines `want`, line by line
/// under [`glob_match`]; `at` says where in the transcript.
pub fn compare(path: &std::path::Path, got: &str, want: &[String], at: &str) {
    let got_lines: Vec<&str> = got.split_inclusive("\r\n").collect();
    assert_eq!(
        got_lines.len(),
        want.len(),
        "{}: {at}: got\n{got}\nwant\n{}",
        path.display(),
        want.concat()
    );
    for (g, w) in got_lines.iter().zip(want) {
        assert!(
            glob_match(w.trim_end_matches("\r\n"), g.trim_end_matches("\r\n")),
            "{}: {at}: got {g:?}, want {w:?}\nwhole reply:\n{got}",
            path.display()
        );
    }
}
