//! One standalone daemon (`cyr_imapd`, `cyr_lmtpd`, `cyr_timsieved`) on
//! a free loopback port: `-C conf --listen 127.0.0.1:0`, the port read
//! from the first line it prints. Stopped (SIGTERM, then waited for) when
//! dropped, so a failing assertion never leaves it running.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};

/// A running daemon.
pub struct Daemon {
    pub child: Child,
    pub port: u16,
    reaped: bool,
}

impl Daemon {
    pub fn start(bin: &str, conf: &Path, extra: &[&str]) -> Daemon {
        let mut child = Command::new(bin)
            .arg("-C")
            .arg(conf)
            .args(extra)
            .args(["--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn daemon");
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        out.read_line(&mut line).expect("read");
        let port = line
            .trim()
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        Daemon {
            child,
            port,
            reaped: false,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGTERM and the exit status.
    pub fn stop(mut self) -> ExitStatus {
        self.terminate().expect("wait")
    }

    fn terminate(&mut self) -> std::io::Result<ExitStatus> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let status = self.child.wait();
        self.reaped = true;
        status
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if !self.reaped {
            let _ = self.terminate();
        }
    }
}
