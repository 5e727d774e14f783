//! C:/S: transcripts under `tests/transcripts/managesieve/`, run through
//! the ManageSieve session on a temporary store (no sockets).
//!
//! Format: `@` lines set the site up (`@user alice` makes the INBOX and
//! the password `pass`; `@max-scripts n`, `@max-size n`, `@starttls`,
//! `@tls` for a connection already under TLS, `@plaintext-needs-tls`) or
//! check it after the session (`@active <user> <name>|-`, `@scripts
//! <user> <n>`, `@bc <user> <name>` for a compiled file in the user's
//! sieve directory). Consecutive `C:` lines are sent as one packet and
//! answered by the `S:` lines that follow; both get CRLF appended; `…` in
//! an `S:` line matches any text. `#` lines are comments.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod lmtp_common;
mod transcript_match;

use std::sync::Arc;

use cyrus_proto::managesieve::{ManageSieveConfig, ManageSieveSession};
use cyrus_proto::runtime::{ConnInfo, Output, PeerAddr, Session, Step};
use cyrus_proto::sasl::{
    random_mock_key, AuthzPolicy, PasswordFile, PlaintextPolicy, SaslConfig, Secret,
};
use cyrus_store::mboxname::UserId;
use lmtp_common::{now, tcp_peer, Site};
use transcript_match::{compare, text};

fn run(path: &std::path::Path) {
    let src = std::fs::read_to_string(path).unwrap();
    let site = Site::new();
    let pw = PasswordFile::new(
        site.dir.path().join("passwd"),
        AuthzPolicy::new(vec![], vec![]),
    );
    let mut cfg = ManageSieveConfig {
        version: "3.6.1".into(),
        ..ManageSieveConfig::default()
    };
    let mut plaintext = PlaintextPolicy::Allowed;
    let mut tls = false;
    let mut checks = Vec::new();
    let mut script = Vec::new();
    for line in src.lines() {
        let Some(d) = line.strip_prefix('@') else {
            if !line.starts_with('#') {
                script.push(line.to_string());
            }
            continue;
        };
        let w: Vec<&str> = d.split(' ').collect();
        match w[0] {
            "user" => {
                site.user(w[1]);
                pw.set_password(w[1], &Secret::new(b"pass".to_vec()), Some(4096))
                    .unwrap();
            }
            "max-scripts" => cfg.limits.max_scripts = w[1].parse().unwrap(),
            "max-size" => cfg.limits.max_script_size = w[1].parse().unwrap(),
            "starttls" => cfg.starttls = true,
            "tls" => tls = true,
            "plaintext-needs-tls" => plaintext = PlaintextPolicy::RequireEncryption,
            "active" | "scripts" | "bc" => {
                checks.push(w.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            }
            other => panic!("{}: unknown directive {other}", path.display()),
        }
    }
    let sasl = Arc::new(SaslConfig::new(
        Some("PLAIN LOGIN SCRAM-SHA-1 SCRAM-SHA-256"),
        plaintext,
        random_mock_key(),
    ));
    let conn = ConnInfo {
        service: "sieve".into(),
        peer: tcp_peer(),
        local: None,
        tls,
    };
    let mut s =
        ManageSieveSession::new(site.store.clone(), sasl, Arc::new(pw), Arc::new(cfg), &conn);
    let _ = PeerAddr::Unix;
    let mut out = Output::new();
    s.greeting(now(), &mut out);
    let mut got = text(&out);
    let mut want: Vec<String> = Vec::new();
    let mut pending = String::new();
    let mut last = "greeting".to_string();
    for line in &script {
        if let Some(c) = line.strip_prefix("C:") {
            if !want.is_empty() || !got.is_empty() {
                compare(path, &got, &want, &last);
                got.clear();
                want.clear();
            }
            pending.push_str(c.strip_prefix(' ').unwrap_or(c));
            pending.push_str("\r\n");
            last = line.clone();
        } else if let Some(r) = line.strip_prefix("S:") {
            if !pending.is_empty() {
                let mut out = Output::new();
                s.input(pending.as_bytes(), now(), &mut out);
                if out.steps().contains(&Step::StartTls) {
                    s.tls_started();
                    s.after_tls(&mut out);
                }
                got = text(&out);
                pending.clear();
            }
            want.push(format!("{}\r\n", r.strip_prefix(' ').unwrap_or(r)));
        } else if !line.is_empty() {
            panic!("{}: bad line {line:?}", path.display());
        }
    }
    if !pending.is_empty() {
        let mut out = Output::new();
        s.input(pending.as_bytes(), now(), &mut out);
        got = text(&out);
    }
    compare(path, &got, &want, "end");
    for c in checks {
        let user = UserId::try_from(c[1].as_str()).unwrap();
        match c[0].as_str() {
            "active" => {
                let active = site.store.sieve_active(&user).unwrap().map(|a| a.0);
                let want = (c[2] != "-").then(|| c[2].clone());
                assert_eq!(active, want, "{}: {c:?}", path.display());
                let flagged: Vec<String> = site
                    .store
                    .sieve_list(&user)
                    .unwrap()
                    .into_iter()
                    .filter(|s| s.active)
                    .map(|s| s.name)
                    .collect();
                assert_eq!(
                    flagged,
                    want.into_iter().collect::<Vec<_>>(),
                    "{}: {c:?}",
                    path.display()
                );
            }
            "scripts" => assert_eq!(
                site.store.sieve_list(&user).unwrap().len(),
                c[2].parse::<usize>().unwrap(),
                "{}: {c:?}",
                path.display()
            ),
            _ => {
                let dir = site.store.sieve_dir(&user).unwrap();
                assert!(
                    dir.join(format!("{}.bc", c[2])).exists(),
                    "{}: {c:?}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn transcripts() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts/managesieve");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty());
    for p in paths {
        run(&p);
    }
}
