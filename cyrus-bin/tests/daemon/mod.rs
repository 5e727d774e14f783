//! Shared by the real-client tests (curl, mbsync): a fresh site in a
//! temporary directory with a self-signed certificate and `alwaystrue`
//! passwords, and `cyr_imapd` serving it on a free loopback port.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

mod spawn;
pub use spawn::Daemon;

use cyrus_store::mboxname::MailboxName;
use cyrus_store::os::{LockKind, RealFs};
use cyrus_store::{NewMailbox, Store};

/// A site: `etc/imapd.conf`, `lib/`, `spool/`, `etc/server.{crt,key}`.
pub struct TestSite {
    pub dir: tempfile::TempDir,
}

impl TestSite {
    /// A new site with `user.<u>` for each of `users`.
    pub fn new(users: &[&str]) -> TestSite {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        std::fs::create_dir_all(r.join("etc")).unwrap();
        let cert = rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()])
            .unwrap();
        std::fs::write(r.join("etc/server.crt"), cert.cert.pem()).unwrap();
        std::fs::write(r.join("etc/server.key"), cert.key_pair.serialize_pem()).unwrap();
        std::fs::write(
            r.join("etc/imapd.conf"),
            format!(
                "configdirectory: {0}/lib\npartition-default: {0}/spool\n\
                 servername: clients.example\nallowplaintext: yes\n\
                 sasl_pwcheck_method: alwaystrue\n\
                 tls_server_cert: {0}/etc/server.crt\ntls_server_key: {0}/etc/server.key\n",
                r.display()
            ),
        )
        .unwrap();
        let site = TestSite { dir };
        let store = site.store();
        for u in users {
            store
                .create_mailbox(
                    &MailboxName::from_internal(&format!("user.{u}")).unwrap(),
                    &NewMailbox::default(),
                    1_795_000_000,
                )
                .unwrap();
        }
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn conf(&self) -> PathBuf {
        self.root().join("etc/imapd.conf")
    }

    pub fn cert(&self) -> PathBuf {
        self.root().join("etc/server.crt")
    }

    /// The store, opened in this process (the daemon may run meanwhile:
    /// locks are per open file).
    pub fn store(&self) -> Store {
        let conf = cyrus_bin::config::ImapdConf::load(&self.conf()).unwrap();
        let opts = cyrus_bin::config::store_options(&conf).unwrap();
        Store::open(Arc::new(RealFs::new()), opts).unwrap()
    }

    /// Every message of `mailbox` (internal name), in UID order, with its
    /// flags as Cyrus names them.
    pub fn messages(&self, mailbox: &str) -> Vec<(u32, Vec<u8>)> {
        let store = self.store();
        let (_, mb) = store
            .open_mailbox(
                &MailboxName::from_internal(mailbox).unwrap(),
                LockKind::Shared,
            )
            .unwrap();
        mb.records()
            .iter()
            .filter(|r| !r.is_expunged())
            .map(|r| (r.uid.0, mb.read_message(r.uid).unwrap()))
            .collect()
    }

    /// Starts `cyr_imapd` on a free port (`-s`: implicit TLS).
    pub fn imapd(&self, extra: &[&str]) -> Daemon {
        Daemon::start(env!("CARGO_BIN_EXE_cyr_imapd"), &self.conf(), extra)
    }
}

/// Whether `tool` is on PATH; prints why a test is skipped when not.
pub fn have(tool: &str) -> bool {
    let ok = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("NOTICE: {tool} not installed (.ci/run installs it); skipping");
    }
    ok
}

/// A minimal line-based IMAP client for checks (no literals sent).
pub struct Imap {
    r: BufReader<std::net::TcpStream>,
    n: u32,
}

impl Imap {
    /// Connects and logs in as `user`.
    pub fn login(port: u16, user: &str) -> Imap {
        let s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(20)))
            .unwrap();
        let mut c = Imap {
            r: BufReader::new(s),
            n: 0,
        };
        let mut greeting = String::new();
        c.r.read_line(&mut greeting).unwrap();
        assert!(greeting.starts_with("* OK"), "{greeting}");
        let ok = c.cmd(&format!("LOGIN {user} secret"));
        assert!(ok.contains(" OK "), "{ok}");
        c
    }

    /// Sends one command; returns everything up to and including its
    /// tagged completion (literals are read as they come).
    pub fn cmd(&mut self, command: &str) -> String {
        use std::io::{Read, Write};
        self.n += 1;
        let tag = format!("t{}", self.n);
        self.r
            .get_mut()
            .write_all(format!("{tag} {command}\r\n").as_bytes())
            .unwrap();
        let mut all = String::new();
        loop {
            let mut line = String::new();
            self.r.read_line(&mut line).unwrap();
            assert!(!line.is_empty(), "connection closed after {all}");
            all.push_str(&line);
            // A literal: `{n}` at the end of the line.
            if let Some(n) = line
                .trim_end()
                .strip_suffix('}')
                .and_then(|l| l.rsplit_once('{'))
                .and_then(|(_, n)| n.parse::<usize>().ok())
            {
                let mut buf = vec![0; n];
                self.r.read_exact(&mut buf).unwrap();
                all.push_str(&String::from_utf8_lossy(&buf));
                continue;
            }
            if line.starts_with(&format!("{tag} ")) {
                return all;
            }
        }
    }
}
