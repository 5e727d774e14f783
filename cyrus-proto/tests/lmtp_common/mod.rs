//! Shared set-up for the LMTP tests: a temporary store with users,
//! mailboxes, quotas and Sieve scripts, a recording `Sendmail`, and
//! sessions over it.
#![allow(dead_code, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use cyrus_proto::lmtp::{
    CountingSessionIds, LmtpConfig, LmtpSession, OutgoingMessage, Sendmail, SessionIds,
};
use cyrus_proto::runtime::{ConnInfo, Output, PeerAddr, Session};
use cyrus_proto::sieve::{CompileOptions, Script};
use cyrus_store::acl::Acl;
use cyrus_store::mboxname::MailboxName;
use cyrus_store::os::{FsRef, LockKind, RealFs};
use cyrus_store::quota::QuotaResource;
use cyrus_store::{AppendRequest, NewMailbox, Store, StoreOptions};

/// The fixed clock of the transcripts: Sun, 22 Nov 2026 13:31:16 +0000.
pub fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_354_276)
}

/// Records outgoing mail.
#[derive(Default)]
pub struct Recorder {
    pub sent: Mutex<Vec<OutgoingMessage>>,
}

impl Sendmail for Recorder {
    fn send(&self, msg: &OutgoingMessage) -> Result<(), String> {
        self.sent.lock().unwrap().push(msg.clone());
        Ok(())
    }
}

/// A temporary site.
pub struct Site {
    pub dir: tempfile::TempDir,
    pub store: Arc<Store>,
    pub opts: StoreOptions,
    pub sendmail: Arc<Recorder>,
}

pub fn name(s: &str) -> MailboxName {
    MailboxName::from_internal(s).expect(s)
}

impl Site {
    pub fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let mut opts = StoreOptions::new(dir.path().join("lib"), dir.path().join("spool"));
        opts.sieve_dir = dir.path().join("sieve");
        let store = Arc::new(Self::open_store(&opts));
        Site {
            dir,
            store,
            opts,
            sendmail: Arc::new(Recorder::default()),
        }
    }

    pub fn open_store(opts: &StoreOptions) -> Store {
        let fs: FsRef = Arc::new(RealFs::new());
        Store::open(fs, opts.clone()).unwrap()
    }

    /// Creates a mailbox; `acl` as a Cyrus ACL string or default.
    pub fn mailbox(&self, internal: &str, acl: Option<&str>) {
        let req = NewMailbox {
            acl: acl.map(|a| {
                Acl::parse(&a.split(' ').map(|w| format!("{w}\t")).collect::<String>()).unwrap()
            }),
            ..NewMailbox::default()
        };
        self.store
            .create_mailbox(&name(internal), &req, 1_700_000_000)
            .unwrap();
    }

    pub fn user(&self, user: &str) {
        self.mailbox(&format!("user.{user}"), None);
    }

    pub fn quota(&self, root: &str, res: QuotaResource, limit: i64) {
        self.store
            .set_quota(&name(root), &[(res, Some(limit))])
            .unwrap();
    }

    pub fn fill(&self, mailbox: &str, count: usize) {
        for i in 0..count {
            let req = AppendRequest {
                data: format!("Subject: filler {i}\r\n\r\nx\r\n").into_bytes(),
                ..AppendRequest::default()
            };
            self.store
                .append(&name(mailbox), &[req], 1_700_000_000)
                .unwrap();
        }
    }

    /// Installs `source` as `user`'s active script.
    pub fn sieve(&self, user: &str, source: &str) {
        let script = Script::compile(source, &CompileOptions::default()).unwrap();
        let u = cyrus_store::mboxname::UserId::try_from(user).unwrap();
        let lim = cyrus_store::sieve::SieveLimits::default();
        self.store
            .sieve_put(
                &u,
                "test",
                source.as_bytes(),
                &script.to_bytes(),
                &lim,
                "localhost",
                1,
            )
            .unwrap();
        self.store
            .sieve_activate(&u, Some("test"), None, 1)
            .unwrap();
    }

    /// The live messages of a mailbox, in UID order.
    pub fn messages(&self, mailbox: &str) -> Vec<Vec<u8>> {
        messages_in(&self.store, mailbox)
    }

    pub fn session(&self, cfg: LmtpConfig, peer: PeerAddr) -> LmtpSession {
        self.session_sending(cfg, peer, self.sendmail.clone())
    }

    /// A session whose outgoing mail (vacation, redirect, notify) goes to
    /// `sendmail` instead of the site's recorder.
    pub fn session_sending(
        &self,
        cfg: LmtpConfig,
        peer: PeerAddr,
        sendmail: Arc<dyn Sendmail>,
    ) -> LmtpSession {
        let ids: Arc<dyn SessionIds> = Arc::new(CountingSessionIds::new("test"));
        let conn = ConnInfo {
            service: "lmtp".into(),
            peer,
            local: None,
            tls: false,
        };
        LmtpSession::new(Arc::clone(&self.store), Arc::new(cfg), sendmail, ids, &conn)
    }
}

pub fn messages_in(store: &Store, mailbox: &str) -> Vec<Vec<u8>> {
    let (_, mbox) = store
        .open_mailbox(&name(mailbox), LockKind::Shared)
        .unwrap();
    mbox.records()
        .iter()
        .filter(|r| !r.is_expunged())
        .map(|r| mbox.read_message(r.uid).unwrap())
        .collect()
}

pub fn tcp_peer() -> PeerAddr {
    PeerAddr::Tcp(SocketAddr::from(([127, 0, 0, 1], 40000)))
}

/// Feeds `input` and returns what the session sent.
pub fn feed(s: &mut LmtpSession, input: &[u8]) -> String {
    let mut out = Output::new();
    s.input(input, now(), &mut out);
    String::from_utf8_lossy(&out.sent_bytes()).into_owned()
}

pub fn greet(s: &mut LmtpSession) -> String {
    let mut out = Output::new();
    s.greeting(now(), &mut out);
    String::from_utf8_lossy(&out.sent_bytes()).into_owned()
}
