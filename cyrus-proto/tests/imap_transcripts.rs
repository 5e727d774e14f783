//! Transcript tests: every `tests/transcripts/imap/*.txt` is run through
//! the IMAP session (machine + handlers) on a temporary store, no
//! sockets. Lines: `C: ` client line (CRLF added), `S: ` expected server
//! line (`…` matches anything), `#` comments. The greeting is checked
//! against the `S:` lines before the first `C:`. `== name` switches to
//! another session (greeted silently; the first is `main`), and
//! `!create <internal name> <id> <rights>...` creates a mailbox with that
//! ACL through the store API.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod imap_support;

use std::path::Path;

use imap_support::{feed, glob_match, greet, Site};

fn run(path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).unwrap();
    let site = Site::new();
    let mut s = site.session(Site::config());
    let mut current = String::from("main");
    let mut others: std::collections::HashMap<String, cyrus_proto::imap::ImapSession> =
        std::collections::HashMap::new();
    let mut actual = String::from_utf8_lossy(&greet(&mut s)).into_owned();
    let mut expected: Vec<String> = Vec::new();
    let mut pending_c = false;
    let check = |actual: &mut String, expected: &mut Vec<String>, at: usize| {
        let got: Vec<&str> = actual
            .strip_suffix("\r\n")
            .map(|a| a.split("\r\n").collect())
            .unwrap_or_else(|| {
                if actual.is_empty() {
                    vec![]
                } else {
                    vec![actual.as_str()]
                }
            });
        let ok = got.len() == expected.len()
            && got
                .iter()
                .zip(expected.iter())
                .all(|(g, e)| glob_match(e, g));
        let r = if ok {
            Ok(())
        } else {
            Err(format!(
                "{}:{at}: expected\n{}\ngot\n{}",
                path.display(),
                expected.join("\n"),
                got.join("\n")
            ))
        };
        actual.clear();
        expected.clear();
        r
    };
    for (n, line) in text.lines().enumerate() {
        if let Some(c) = line.strip_prefix("C: ").or(line.strip_prefix("C:")) {
            if !pending_c {
                check(&mut actual, &mut expected, n)?;
            }
            pending_c = true;
            let out = feed(&mut s, format!("{c}\r\n").as_bytes());
            actual.push_str(&String::from_utf8_lossy(&out));
        } else if let Some(name) = line.strip_prefix("== ") {
            if !pending_c {
                check(&mut actual, &mut expected, n)?;
            }
            pending_c = true;
            let next = others.remove(name).unwrap_or_else(|| {
                let mut t = site.session(Site::config());
                greet(&mut t);
                t
            });
            others.insert(
                std::mem::replace(&mut current, name.to_string()),
                std::mem::replace(&mut s, next),
            );
        } else if let Some(args) = line.strip_prefix("!create ") {
            let mut w = args.split(' ');
            let name =
                cyrus_store::mboxname::MailboxName::from_internal(w.next().unwrap()).unwrap();
            let acl: Vec<&str> = w.collect();
            let acl = cyrus_store::acl::Acl::parse(&(acl.join("\t") + "\t")).unwrap();
            let nm = cyrus_store::NewMailbox {
                acl: Some(acl),
                ..Default::default()
            };
            site.store
                .create_mailbox(&name, &nm, imap_support::NOW as u32)
                .unwrap();
        } else if let Some(e) = line.strip_prefix("S: ").or(line.strip_prefix("S:")) {
            pending_c = false;
            expected.push(e.to_string());
        }
    }
    check(&mut actual, &mut expected, text.lines().count())
}

#[test]
fn transcripts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts/imap");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let failures: Vec<String> = files.iter().filter_map(|f| run(f).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
