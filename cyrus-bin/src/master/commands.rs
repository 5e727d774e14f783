//! Which program a START, EVENTS or DAEMON `cmd` runs.
//!
//! Cyrus (`master.c` `get_executable`) looks the first word up in its
//! libexec directory, then its sbin directory, and runs an absolute path as
//! given. Our programs are installed as `cyr_<name>` side by side, so:
//! 1. a word whose base name, less any `cyr_` prefix, is `<name>` and a
//!    `cyr_<name>` executable next to the running `cyr_master` → that one
//!    (`ctl_cyrusdb`, `cyr_expire`, `/usr/lib/cyrus/bin/tls_prune`);
//! 2. an absolute path (or any word with a `/`) → as given;
//! 3. else the first executable of that name on `PATH`.
//!
//! Our programs are told the `imapd.conf` master reads: `-C <path>` is put
//! right after the program word unless the command has a `-C` already.
//! Cyrus 3.6's master passes nothing (its children read the default
//! `imapd.conf` unless the `cmd` says `-C`); we do, so that a master
//! started with `-C` (tests, `--dev`) has its tools work on the same site.
//! Other programs get their command exactly as written.

use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::entries::CommandLine;

/// A command ready to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    /// The executable.
    pub program: PathBuf,
    /// `argv[0]`: the word as the entry wrote it (as Cyrus's `execv`).
    pub argv0: String,
    /// The arguments.
    pub args: Vec<String>,
    /// True when `program` is one of ours.
    pub ours: bool,
}

/// Finds programs for commands.
#[derive(Debug, Clone)]
pub struct Resolver {
    our_dir: Option<PathBuf>,
    imapd_conf: PathBuf,
    path: Option<OsString>,
}

impl Resolver {
    /// Resolves next to the running executable and on this process's
    /// `PATH`; our programs get `-C imapd_conf`.
    pub fn new(imapd_conf: &Path) -> Resolver {
        let our_dir = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(Path::to_path_buf));
        Resolver::with(our_dir, imapd_conf, std::env::var_os("PATH"))
    }

    /// Resolves with our programs in `our_dir` and the given `PATH` value.
    pub fn with(our_dir: Option<PathBuf>, imapd_conf: &Path, path: Option<OsString>) -> Resolver {
        Resolver {
            our_dir,
            imapd_conf: imapd_conf.to_path_buf(),
            path,
        }
    }

    /// What `cmd` runs; `None` when no such program is installed.
    pub fn resolve(&self, cmd: &CommandLine) -> Option<Launch> {
        let word = cmd.program();
        if let Some(ours) = self.ours(word) {
            let mut args = Vec::with_capacity(cmd.args().len() + 2);
            if !cmd.args().iter().any(|a| a == "-C") {
                args.push("-C".to_string());
                args.push(self.imapd_conf.display().to_string());
            }
            args.extend(cmd.args().iter().cloned());
            return Some(Launch {
                program: ours,
                argv0: word.to_string(),
                args,
                ours: true,
            });
        }
        let program = if word.contains('/') {
            Some(PathBuf::from(word)).filter(|p| executable(p))
        } else {
            self.path.as_ref().and_then(|path| {
                std::env::split_paths(path)
                    .map(|dir| dir.join(word))
                    .find(|p| executable(p))
            })
        }?;
        Some(Launch {
            program,
            argv0: word.to_string(),
            args: cmd.args().to_vec(),
            ours: false,
        })
    }

    fn ours(&self, word: &str) -> Option<PathBuf> {
        let dir = self.our_dir.as_ref()?;
        let base = Path::new(word).file_name()?.to_str()?;
        let base = base.strip_prefix("cyr_").unwrap_or(base);
        if base.is_empty() {
            return None;
        }
        Some(dir.join(format!("cyr_{base}"))).filter(|p| executable(p))
    }
}

/// A regular file someone may execute.
fn executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::CyrusConf;

    fn cmd(text: &str) -> CommandLine {
        let conf = CyrusConf::parse(
            Path::new("c"),
            &format!("EVENTS {{\n e cmd=\"{text}\"\n}}\n"),
        )
        .expect("parse");
        let (plans, _) = super::super::entries::plan_children(&conf);
        plans.events[0].cmd.clone()
    }

    fn make(path: &Path, mode: u32) {
        std::fs::write(path, "#!/bin/sh\n").expect("write");
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }

    #[test]
    fn ours_then_absolute_then_path() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ours = dir.path().join("ours");
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&ours).expect("mkdir");
        std::fs::create_dir_all(&bin).expect("mkdir");
        make(&ours.join("cyr_expire"), 0o755);
        make(&ours.join("cyr_ctl_cyrusdb"), 0o755);
        make(&ours.join("cyr_idled"), 0o644); // not executable
        make(&bin.join("tls_prune"), 0o755);
        make(&bin.join("idled"), 0o755);
        let conf = Path::new("/etc/test-imapd.conf");
        let r = Resolver::with(Some(ours.clone()), conf, Some(bin.clone().into_os_string()));

        let l = r.resolve(&cmd("ctl_cyrusdb -r")).expect("ours");
        assert_eq!(l.program, ours.join("cyr_ctl_cyrusdb"));
        assert_eq!(l.args, ["-C", "/etc/test-imapd.conf", "-r"]);
        assert_eq!(l.argv0, "ctl_cyrusdb");
        assert!(l.ours);
        // With the prefix, and through a Cyrus install path.
        let l = r.resolve(&cmd("cyr_expire -E 3")).expect("ours");
        assert_eq!(l.program, ours.join("cyr_expire"));
        let l = r
            .resolve(&cmd("/usr/lib/cyrus/bin/cyr_expire -C /other.conf -E 3"))
            .expect("ours");
        assert_eq!(l.program, ours.join("cyr_expire"));
        assert_eq!(l.args, ["-C", "/other.conf", "-E", "3"], "its own -C kept");

        // Not ours: PATH, arguments untouched.
        let l = r.resolve(&cmd("tls_prune -v")).expect("on PATH");
        assert_eq!(l.program, bin.join("tls_prune"));
        assert_eq!(l.args, ["-v"]);
        assert!(!l.ours);
        let l = r
            .resolve(&cmd("idled"))
            .expect("non-executable cyr_idled skipped");
        assert_eq!(l.program, bin.join("idled"));
        let l = r.resolve(&cmd("/bin/sh -c true")).expect("absolute");
        assert_eq!(l.program, PathBuf::from("/bin/sh"));
        assert_eq!(l.args, ["-c", "true"]);

        assert_eq!(r.resolve(&cmd("notifyd")), None);
        assert_eq!(r.resolve(&cmd("/nonexistent/prog")), None);
        let no_path = Resolver::with(None, conf, None);
        assert_eq!(no_path.resolve(&cmd("tls_prune")), None);
    }
}
