//! Test support: the sample `imapd.conf` and `cyrus.conf` from Cyrus's
//! install guide, read from the shared reference material at test time.
#![cfg(test)]

use std::path::PathBuf;

fn installing_txt() -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/reference/seeds/installing.txt");
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn block(text: &str, first: &str, last: &str) -> String {
    let start = text.find(first).unwrap_or_else(|| panic!("no {first:?}"));
    let rest = &text[start..];
    let end = rest.find(last).unwrap_or_else(|| panic!("no {last:?}")) + last.len();
    format!("{}\n", &rest[..end])
}

/// The guide's `normal.conf` for imapd.conf.
pub(crate) fn normal_imapd_conf() -> String {
    block(
        &installing_txt(),
        "# Suggested minimal imapd.conf",
        "tls_session_timeout: 1440",
    )
}

/// The guide's `normal.conf` for cyrus.conf.
pub(crate) fn normal_cyrus_conf() -> String {
    let text = installing_txt();
    let start = text
        .find("# standard standalone server implementation")
        .expect("cyrus.conf sample");
    let rest = &text[start..];
    let daemon = rest.find("DAEMON {").expect("DAEMON section");
    let close = rest[daemon..].find("\n}").expect("end of DAEMON") + daemon + 2;
    format!("{}\n", &rest[..close])
}
