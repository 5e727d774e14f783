//! C:/S: transcripts under `tests/transcripts/lmtp/`, run through the
//! LMTP machine and store handler on a temporary store (no sockets).
//!
//! Format: `@` lines set the site up before the session starts
//! (`@user alice`, `@mailbox user.alice.Archive <acl>`, `@quota <root>
//! STORAGE|MESSAGE <limit>`, `@fill <mailbox> <n>`, `@sieve <user>
//! <script>`, `@max-size <n>`, `@tcp` for an untrusted TCP peer,
//! `@over-quota-perm`, `@starttls`), or check the store after it (`@expect <mailbox>
//! <count>`, `@contains <mailbox> <index> <text>`). Consecutive `C:` lines
//! are sent as one packet (pipelining) and answered by the `S:` lines
//! that follow; `C:` lines get CRLF appended. `#` lines are comments.
#![allow(clippy::unwrap_used)]

mod lmtp_common;

use cyrus_proto::lmtp::LmtpConfig;
use cyrus_proto::runtime::PeerAddr;
use cyrus_store::quota::QuotaResource;
use lmtp_common::{feed, greet, tcp_peer, Site};

fn run(path: &std::path::Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let site = Site::new();
    let mut cfg = LmtpConfig {
        version: "3.6.1".into(),
        ..LmtpConfig::default()
    };
    let mut peer = PeerAddr::Unix;
    let mut checks = Vec::new();
    let mut script = Vec::new();
    for line in text.lines() {
        let Some(d) = line.strip_prefix('@') else {
            if !line.starts_with('#') && !line.is_empty() {
                script.push(line.to_string());
            }
            continue;
        };
        let w: Vec<&str> = d.splitn(3, ' ').collect();
        match w[0] {
            "user" => site.user(w[1]),
            "mailbox" => site.mailbox(w[1], w.get(2).copied()),
            "quota" => {
                let (res, lim) = w[2].split_once(' ').unwrap();
                let res = match res {
                    "STORAGE" => QuotaResource::Storage,
                    _ => QuotaResource::Message,
                };
                site.quota(w[1], res, lim.parse().unwrap());
            }
            "fill" => site.fill(w[1], w[2].parse().unwrap()),
            "sieve" => site.sieve(w[1], w[2]),
            "max-size" => cfg.max_message_size = Some(w[1].parse().unwrap()),
            "tcp" => peer = tcp_peer(),
            "over-quota-perm" => cfg.over_quota_perm_failure = true,
            "starttls" => cfg.starttls = true,
            "expect" | "contains" => checks.push(d.to_string()),
            other => panic!("{}: unknown directive {other}", path.display()),
        }
    }
    let mut s = site.session(cfg, peer);
    let mut got = greet(&mut s);
    let mut want = String::new();
    let mut pending = String::new();
    for line in &script {
        if let Some(c) = line.strip_prefix("C:") {
            if !got.is_empty() || !want.is_empty() {
                assert_eq!(got, want, "{}: before {line:?}", path.display());
                got.clear();
                want.clear();
            }
            pending.push_str(c.strip_prefix(' ').unwrap_or(c));
            pending.push_str("\r\n");
        } else if let Some(r) = line.strip_prefix("S: ") {
            if !pending.is_empty() {
                got = feed(&mut s, pending.as_bytes());
                pending.clear();
            }
            want.push_str(r);
            want.push_str("\r\n");
        } else {
            panic!("{}: bad line {line:?}", path.display());
        }
    }
    if !pending.is_empty() {
        got = feed(&mut s, pending.as_bytes());
    }
    assert_eq!(got, want, "{}: at end", path.display());
    for c in checks {
        let w: Vec<&str> = c.splitn(4, ' ').collect();
        let msgs = site.messages(w[1]);
        match w[0] {
            "expect" => assert_eq!(
                msgs.len(),
                w[2].parse::<usize>().unwrap(),
                "{}: {c}",
                path.display()
            ),
            _ => {
                let m = String::from_utf8_lossy(&msgs[w[2].parse::<usize>().unwrap()]).into_owned();
                let needle = w[3].replace("\\r\\n", "\r\n").replace("\\t", "\t");
                assert!(m.contains(&needle), "{}: {c}\n{m}", path.display());
            }
        }
    }
}

#[test]
fn transcripts() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts/lmtp");
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
