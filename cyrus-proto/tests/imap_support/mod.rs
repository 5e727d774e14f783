//! Shared by the IMAP tests: a temporary store with users, and an IMAP
//! session over it with `alwaystrue` authentication.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use cyrus_proto::imap::{ImapConfig, ImapSession, Limits};
use cyrus_proto::runtime::{ConnInfo, Output, PeerAddr, Session};
use cyrus_proto::sasl::{random_mock_key, AlwaysTrue, AuthzPolicy, PlaintextPolicy, SaslConfig};
use cyrus_store::mboxname::MailboxName;
use cyrus_store::os::{FsRef, RealFs};
use cyrus_store::{NewMailbox, Store, StoreOptions};

/// The fixed clock of transcript tests (2026-11-18T20:26:40Z).
pub const NOW: u64 = 1_795_000_000;

/// A store in a temporary directory with `user.alice` and `user.bob`.
pub struct Site {
    pub dir: tempfile::TempDir,
    pub store: Arc<Store>,
}

impl Site {
    pub fn new() -> Site {
        Site::with_options(|_| {})
    }

    /// A site whose store options `tune` adjusts.
    pub fn with_options(tune: impl FnOnce(&mut StoreOptions)) -> Site {
        let dir = tempfile::tempdir().unwrap();
        let mut opts = StoreOptions::new(dir.path().join("lib"), dir.path().join("spool"));
        // `cyrus` is the admin, as on the anchor server.
        opts.acl.admins = vec!["cyrus".into()];
        tune(&mut opts);
        let fs: FsRef = Arc::new(RealFs::new());
        let store = Store::open(fs, opts).unwrap();
        for u in ["user.alice", "user.bob"] {
            store
                .create_mailbox(
                    &MailboxName::from_internal(u).unwrap(),
                    &NewMailbox::default(),
                    NOW as u32,
                )
                .unwrap();
        }
        Site {
            dir,
            store: Arc::new(store),
        }
    }

    pub fn config() -> ImapConfig {
        ImapConfig {
            limits: Limits {
                max_line: 8 * 1024,
                max_literal: 1024 * 1024,
            },
            ..ImapConfig::default()
        }
    }

    pub fn session(&self, config: ImapConfig) -> ImapSession {
        self.session_with(config, PlaintextPolicy::Allowed)
    }

    pub fn session_with(&self, config: ImapConfig, plaintext: PlaintextPolicy) -> ImapSession {
        let sasl = SaslConfig::new(Some("PLAIN LOGIN"), plaintext, random_mock_key());
        ImapSession::new(
            self.store.clone(),
            Arc::new(sasl),
            Arc::new(AlwaysTrue::new(AuthzPolicy::new(vec![], vec![]))),
            config,
            ConnInfo {
                service: "imap".into(),
                peer: PeerAddr::Unix,
                local: None,
                tls: false,
            },
        )
    }
}

pub fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(NOW)
}

/// Feeds `input` and returns what the session sent.
pub fn feed(s: &mut ImapSession, input: &[u8]) -> Vec<u8> {
    let mut out = Output::new();
    s.input(input, now(), &mut out);
    out.sent_bytes()
}

/// The greeting.
pub fn greet(s: &mut ImapSession) -> Vec<u8> {
    let mut out = Output::new();
    s.greeting(now(), &mut out);
    out.sent_bytes()
}

/// A fixture message written by real Cyrus's test scenario.
pub fn fixture_message(name: &str) -> Vec<u8> {
    std::fs::read(fixture_dir().join("messages").join(name)).unwrap()
}

pub fn fixture_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/cyrus-3.6/basic")
}

#[path = "../transcript_match/mod.rs"]
mod transcript_match;
#[allow(unused_imports)] // not every test binary matches transcripts
pub use transcript_match::glob_match;
