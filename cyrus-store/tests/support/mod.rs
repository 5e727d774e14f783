//! Shared by the store-level integration tests: building a small site with
//! the public API, and running the real Cyrus 3.6 tools (Debian
//! `cyrus-common`) on it as the `cyrus` user.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use cyrus_store::mboxname::MailboxName;
use cyrus_store::os::{FsRef, RealFs};
use cyrus_store::{Store, StoreOptions};

/// The fixture messages written by real Cyrus's test scenario.
pub fn fixture_message(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/cyrus-3.6/basic/messages")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// An internal mailbox name.
pub fn mbox(s: &str) -> MailboxName {
    MailboxName::from_internal(s).expect(s)
}

/// A site on the real filesystem in a fresh temporary directory that the
/// `cyrus` user may enter.
pub struct Site {
    pub dir: tempfile::TempDir,
    pub store: Store,
}

impl Site {
    pub fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let opts = StoreOptions::new(dir.path().join("lib"), dir.path().join("spool"));
        let fs: FsRef = Arc::new(RealFs::new());
        let store = Store::open(fs, opts).unwrap();
        Site { dir, store }
    }

    /// A site whose sieve directory is inside it, with `user`'s INBOX.
    pub fn with_sieve_user(user: &str) -> Site {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut opts = StoreOptions::new(dir.path().join("lib"), dir.path().join("spool"));
        opts.sieve_dir = dir.path().join("sieve");
        let fs: FsRef = Arc::new(RealFs::new());
        let store = Store::open(fs, opts).unwrap();
        store
            .create_mailbox(
                &mbox(&format!("user.{user}")),
                &cyrus_store::NewMailbox::default(),
                1_700_000_000,
            )
            .unwrap();
        Site { dir, store }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes the `imapd.conf` Cyrus's tools read for this site.
    pub fn write_imapd_conf(&self) -> PathBuf {
        let r = self.root();
        let conf = r.join("imapd.conf");
        std::fs::write(
            &conf,
            format!(
                "configdirectory: {0}/lib\ndefaultpartition: default\npartition-default: {0}/spool\n\
                 unixhierarchysep: yes\naltnamespace: yes\nsievedir: {0}/sieve\n",
                r.display()
            ),
        )
        .unwrap();
        conf
    }
}

/// The real Cyrus tools, when installed.
pub struct CyrusTools {
    bin: PathBuf,
    as_cyrus: bool,
}

impl CyrusTools {
    /// `None` (with a notice on stderr) when the tools are not installed.
    pub fn find() -> Option<CyrusTools> {
        let bin = PathBuf::from("/usr/lib/cyrus/bin");
        if !bin.join("mbexamine").exists() {
            eprintln!("NOTICE: Cyrus tools not installed (Debian cyrus-common); skipping");
            return None;
        }
        let uid = Command::new("id").arg("-u").output().ok()?;
        let as_cyrus = String::from_utf8_lossy(&uid.stdout).trim() == "0";
        Some(CyrusTools { bin, as_cyrus })
    }

    /// Hands the site's files to the `cyrus` user (tools refuse root).
    pub fn adopt(&self, root: &Path) {
        if self.as_cyrus {
            let ok = Command::new("chown")
                .args(["-R", "cyrus:mail"])
                .arg(root)
                .status()
                .unwrap()
                .success();
            assert!(ok, "chown failed");
        }
    }

    /// Runs `tool args…`; returns (exit code, stdout, stderr).
    pub fn run(&self, tool: &str, args: &[&str]) -> (i32, String, String) {
        self.run_exe(&self.bin.join(tool), args)
    }

    /// Runs the Cyrus program at `exe` (one installed elsewhere, e.g.
    /// unpacked from a package) as [`CyrusTools::run`] does.
    pub fn run_exe(&self, exe: &Path, args: &[&str]) -> (i32, String, String) {
        let mut cmd = if self.as_cyrus {
            let mut c = Command::new("runuser");
            c.args(["-u", "cyrus", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        };
        let out = cmd.args(args).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}
