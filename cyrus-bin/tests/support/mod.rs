//! Shared by the tool tests: a scratch copy of the Cyrus 3.6 fixture
//! site, fresh sites, running our binaries, and running the real Cyrus
//! tools (Debian `cyrus-common`) as the `cyrus` user when installed.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The fixture site written by real Cyrus.
pub fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/cyrus-3.6/basic")
}

/// An expected output of a Cyrus tool, as bytes.
pub fn expected(rel: &str) -> Vec<u8> {
    let p = fixture().join("expected").join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A site in a temporary directory: `lib/`, `spool/`, `sieve/`,
/// `etc/imapd.conf`.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    /// A writable copy of the fixture site.
    pub fn fixture_copy() -> Site {
        let site = Site::empty();
        let r = site.root();
        for (from, to) in [("config", "lib"), ("spool", "spool"), ("sieve", "sieve")] {
            let ok = Command::new("cp")
                .arg("-a")
                .arg(fixture().join(from))
                .arg(r.join(to))
                .status()
                .unwrap()
                .success();
            assert!(ok, "cp {from}");
        }
        let ok = Command::new("chmod")
            .args(["-R", "u+w"])
            .arg(r)
            .status()
            .unwrap()
            .success();
        assert!(ok);
        let text = std::fs::read_to_string(fixture().join("etc/imapd.conf")).unwrap();
        site.write_conf(&text.replace("@ROOT@", r.to_str().unwrap()));
        site
    }

    /// An empty directory the `cyrus` user may enter, with `etc/`.
    pub fn empty() -> Site {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::create_dir_all(dir.path().join("etc")).unwrap();
        Site { dir }
    }

    /// A new site: the fixture's configuration plus `extra` lines, its
    /// directories made by `cyr_mkimap`.
    pub fn fresh(extra: &str) -> Site {
        let site = Site::empty();
        let r = site.root().to_str().unwrap().to_string();
        let text = std::fs::read_to_string(fixture().join("etc/imapd.conf")).unwrap();
        site.write_conf(&format!("{}{extra}", text.replace("@ROOT@", &r)));
        let (rc, _, err) = site.run("cyr_mkimap", &[], b"");
        assert_eq!(rc, 0, "{err}");
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn conf(&self) -> PathBuf {
        self.root().join("etc/imapd.conf")
    }

    fn write_conf(&self, text: &str) {
        std::fs::write(self.conf(), text).unwrap();
    }

    /// Replaces the site root in `out` with `@ROOT@`, as the fixture does.
    pub fn normalise(&self, out: &[u8]) -> Vec<u8> {
        let root = self.root().to_str().unwrap().as_bytes();
        let mut v = Vec::with_capacity(out.len());
        let mut i = 0;
        while i < out.len() {
            if out[i..].starts_with(root) {
                v.extend_from_slice(b"@ROOT@");
                i += root.len();
            } else {
                v.push(out[i]);
                i += 1;
            }
        }
        v
    }

    /// Runs our `tool` with `-C <conf>` first; returns (code, stdout, stderr).
    pub fn run(&self, tool: &str, args: &[&str], stdin: &[u8]) -> (i32, Vec<u8>, String) {
        let conf = self.conf();
        let mut all = vec!["-C", conf.to_str().unwrap()];
        all.extend_from_slice(args);
        run_bin(tool, &all, stdin)
    }
}

/// The path of one of our binaries.
pub fn bin(tool: &str) -> PathBuf {
    // Cargo builds every binary of the package for its integration tests;
    // they sit next to each other.
    let me = PathBuf::from(env!("CARGO_BIN_EXE_cyr_mkimap"));
    me.with_file_name(tool)
}

/// Runs one of our binaries with `args`.
pub fn run_bin(tool: &str, args: &[&str], stdin: &[u8]) -> (i32, Vec<u8>, String) {
    let mut child = Command::new(bin(tool))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The real Cyrus tools, when installed.
pub struct CyrusTools {
    bin: PathBuf,
    as_cyrus: bool,
}

impl CyrusTools {
    /// `None` (with a notice) when the tools are not installed.
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

    /// Hands the site's files to the `cyrus` user (the tools refuse root).
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

    /// Runs `tool -C <conf> args…`; returns (exit code, stdout, stderr).
    pub fn run(&self, site: &Site, tool: &str, args: &[&str]) -> (i32, Vec<u8>, String) {
        self.adopt(site.root());
        let exe = self.bin.join(tool);
        let mut cmd = if self.as_cyrus {
            let mut c = Command::new("runuser");
            c.args(["-u", "cyrus", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let out = cmd.arg("-C").arg(site.conf()).args(args).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            out.stdout,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}
