//! C:/S: transcripts under `tests/transcripts/lmtp/`, run through the
//! LMTP machine and store handler on a temporary store (no sockets).
//!
//! Format: `@` lines set the site up before the session starts
//! (`@user alice`, `@mailbox user.alice.Archive <acl>`, `@quota <root>
//! STORAGE|MESSAGE <limit>`, `@fill <mailbox> <n>`, `@sieve <user>
//! <script>`, `@max-size <n>`, `@tcp` for an untrusted TCP peer,
//! `@over-quota-perm`, `@starttls`, `@sasl` to offer AUTH with password
//! `pass` for every `@user`, `@fuzzy` for `lmtp_fuzzy_mailbox_match`,
//! `@catchall <user>`, `@deny <user> <wildmat> <message>` for an entry in
//! `user_deny.db`), or check the store after it (`@expect <mailbox>
//! <count>`, `@contains <mailbox> <index> <text>`). Consecutive `C:` lines
//! are sent as one packet (pipelining) and answered by the `S:` lines
//! that follow; `C:` lines get CRLF appended. `#` lines are comments.
#![allow(clippy::unwrap_used)]

mod lmtp_common;

use std::sync::Arc;

use cyrus_proto::lmtp::{LmtpConfig, LmtpSasl};
use cyrus_proto::runtime::PeerAddr;
use cyrus_proto::sasl::{
    random_mock_key, AuthzPolicy, PasswordFile, PlaintextPolicy, SaslConfig, Secret,
};
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
    let mut sasl = false;
    let mut users = Vec::new();
    for line in text.lines() {
        let Some(d) = line.strip_prefix('@') else {
            if !line.starts_with('#') && !line.is_empty() {
                script.push(line.to_string());
            }
            continue;
        };
        let w: Vec<&str> = d.splitn(3, ' ').collect();
        match w[0] {
            "user" => {
                site.user(w[1]);
                users.push(w[1].to_string());
            }
            "sasl" => sasl = true,
            "fuzzy" => cfg.fuzzy_mailbox_match = true,
            "catchall" => cfg.catchall_mailbox = Some(w[1].to_string()),
            "deny" => {
                let (wild, msg) = w[2].split_once(' ').unwrap();
                let path = site.opts.config_dir.join("user_deny.db");
                let mut db = cyrus_store::db::open(
                    site.store.fs().clone(),
                    &path,
                    cyrus_store::db::DbBackend::Flat,
                    cyrus_store::db::OpenFlags {
                        create: true,
                        ..Default::default()
                    },
                )
                .unwrap();
                db.begin().unwrap();
                db.store(w[1].as_bytes(), format!("2\t{wild}\t{msg}").as_bytes())
                    .unwrap();
                db.commit().unwrap();
            }
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
    if sasl {
        let pw = PasswordFile::new(
            site.dir.path().join("passwd"),
            AuthzPolicy::new(vec![], vec![]),
        );
        for u in &users {
            pw.set_password(u, &Secret::new(b"pass".to_vec()), Some(4096))
                .unwrap();
        }
        s = s.with_sasl(Some(LmtpSasl {
            config: Arc::new(SaslConfig::new(
                Some("PLAIN LOGIN"),
                PlaintextPolicy::Allowed,
                random_mock_key(),
            )),
            auth: Arc::new(pw),
        }));
    }
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
