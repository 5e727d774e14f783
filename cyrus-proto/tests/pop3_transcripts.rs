//! C:/S: transcripts under `tests/transcripts/pop3/`, run through the
//! POP3 session on a temporary store (no sockets).
//!
//! Format: `@` lines set the site up before the session or check it
//! after. Set-up: `@user bob` (INBOX, password `pass`), `@msg bob
//! <lines separated by |>` (a message appended, CRLF line ends),
//! `@starttls`, `@tls` (already under TLS), `@plaintext-needs-tls`,
//! `@imapflags` (`popuseimapflags`), `@minpoll <secs>`, `@lastlogin bob
//! <time>`, `@max-line <n>`, `@deny <user> <wildmat> <message>` (an
//! entry in `user_deny.db`). Checks: `@count bob <n>` (messages not
//! expunged), `@seen bob <uid> yes|no`, `@login bob <time>`
//! (`pop3_last_login`). Consecutive `C:` lines are sent as one packet and
//! answered by the `S:` lines that follow; both get CRLF appended; `…` in
//! an `S:` line matches any text. `#` lines are comments.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod lmtp_common;
mod transcript_match;

use std::sync::Arc;

use cyrus_proto::lmtp::CountingSessionIds;
use cyrus_proto::pop3::{Pop3Config, Pop3Session};
use cyrus_proto::runtime::{ConnInfo, Output, Session, Step};
use cyrus_proto::sasl::{
    random_mock_key, AuthzPolicy, PasswordFile, PlaintextPolicy, SaslConfig, Secret,
};
use cyrus_store::mailbox::SystemFlags;
use cyrus_store::os::LockKind;
use cyrus_store::{AppendRequest, Uid};
use lmtp_common::{name, now, tcp_peer, Site};
use transcript_match::{compare, text};

fn inbox(user: &str) -> cyrus_store::mboxname::MailboxName {
    name(&format!("user.{user}"))
}

fn run(path: &std::path::Path) {
    let src = std::fs::read_to_string(path).unwrap();
    let site = Site::new();
    let pw = PasswordFile::new(
        site.dir.path().join("passwd"),
        AuthzPolicy::new(vec![], vec![]),
    );
    let mut cfg = Pop3Config::default();
    let mut plaintext = PlaintextPolicy::Allowed;
    let mut tls = false;
    let mut checks = Vec::new();
    let mut script = Vec::new();
    let mut t = 1_795_350_000u32;
    for line in src.lines() {
        let Some(d) = line.strip_prefix('@') else {
            if !line.starts_with('#') {
                script.push(line.to_string());
            }
            continue;
        };
        let w: Vec<&str> = d.splitn(3, ' ').collect();
        match w[0] {
            "user" => {
                site.user(w[1]);
                pw.set_password(w[1], &Secret::new(b"pass".to_vec()), Some(4096))
                    .unwrap();
            }
            "msg" => {
                let data = format!("{}\r\n", w[2].replace('|', "\r\n"));
                t += 1;
                site.store
                    .append(
                        &inbox(w[1]),
                        &[AppendRequest {
                            data: data.into_bytes(),
                            flags: Vec::new(),
                            internaldate: Some(t),
                        }],
                        t,
                    )
                    .unwrap();
            }
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
            "lastlogin" => {
                let (_, mut mbox) = site
                    .store
                    .open_mailbox(&inbox(w[1]), LockKind::Exclusive)
                    .unwrap();
                mbox.set_pop3_last_login(w[2].parse().unwrap()).unwrap();
            }
            "starttls" => cfg.starttls = true,
            "tls" => tls = true,
            "plaintext-needs-tls" => plaintext = PlaintextPolicy::RequireEncryption,
            "imapflags" => cfg.use_imap_flags = true,
            "minpoll" => cfg.min_poll = w[1].parse().unwrap(),
            "max-line" => cfg.max_line = w[1].parse().unwrap(),
            "count" | "seen" | "login" => {
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
        service: "pop3".into(),
        peer: tcp_peer(),
        local: None,
        tls,
    };
    let mut s = Pop3Session::new(
        site.store.clone(),
        sasl,
        Arc::new(pw),
        Arc::new(cfg),
        Arc::new(CountingSessionIds::new("test")),
        &conn,
    );
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
    drop(s);
    for c in checks {
        let (_, mbox) = site
            .store
            .open_mailbox(&inbox(&c[1]), LockKind::Shared)
            .unwrap();
        let live = mbox.records().iter().filter(|r| !r.is_expunged()).count();
        match c[0].as_str() {
            "count" => assert_eq!(live.to_string(), c[2], "{}: {c:?}", path.display()),
            "login" => assert_eq!(
                mbox.index().pop3_last_login.to_string(),
                c[2],
                "{}: {c:?}",
                path.display()
            ),
            _ => {
                let (uid, want) = c[2].split_once(' ').unwrap();
                let rec = mbox.record(Uid(uid.parse().unwrap())).unwrap();
                assert_eq!(
                    rec.system_flags.contains(SystemFlags::SEEN),
                    want == "yes",
                    "{}: {c:?}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn transcripts() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts/pop3");
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
