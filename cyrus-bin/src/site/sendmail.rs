//! Outgoing mail (Sieve redirect, vacation) through the local MTA's
//! `sendmail` command, as Cyrus does (`sendmail` option, default
//! `/usr/sbin/sendmail`).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use cyrus_proto::lmtp::{OutgoingMessage, Sendmail};

/// Runs `<sendmail> -i -f <from> -- <to>…` with the message on stdin.
#[derive(Debug, Clone)]
pub struct SendmailCommand {
    program: PathBuf,
}

impl SendmailCommand {
    /// Uses `program` (the `sendmail` option).
    pub fn new(program: impl Into<PathBuf>) -> Self {
        SendmailCommand {
            program: program.into(),
        }
    }
}

impl Sendmail for SendmailCommand {
    fn send(&self, msg: &OutgoingMessage) -> Result<(), String> {
        let from = if msg.from.is_empty() { "<>" } else { &msg.from };
        let mut child = Command::new(&self.program)
            .arg("-i")
            .arg("-f")
            .arg(from)
            .arg("--")
            .args(&msg.to)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("{}: {e}", self.program.display()))?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(&msg.data)
                .map_err(|e| format!("{}: {e}", self.program.display()))?;
        }
        let out = child
            .wait_with_output()
            .map_err(|e| format!("{}: {e}", self.program.display()))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{} exited with {}: {}",
                self.program.display(),
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cyrus_proto::lmtp::OutgoingKind;

    #[test]
    fn hands_the_message_to_the_command() {
        let dir = tempfile::tempdir().expect("tempdir");
        let script = dir.path().join("fake-sendmail");
        let out = dir.path().join("out");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\necho \"$@\" > {0}.args\ncat > {0}\n",
                out.display()
            ),
        )
        .expect("script");
        std::process::Command::new("chmod")
            .arg("+x")
            .arg(&script)
            .status()
            .expect("chmod");
        let s = SendmailCommand::new(&script);
        let msg = OutgoingMessage {
            kind: OutgoingKind::Redirect,
            from: "alice@example.org".into(),
            to: vec!["bob@example.org".into()],
            data: b"Subject: x\r\n\r\nbody\r\n".to_vec(),
        };
        s.send(&msg).expect("send");
        assert_eq!(std::fs::read(&out).expect("out"), msg.data);
        let args = std::fs::read_to_string(format!("{}.args", out.display())).expect("args");
        assert_eq!(args.trim(), "-i -f alice@example.org -- bob@example.org");
        assert!(SendmailCommand::new("/nonexistent/sendmail")
            .send(&msg)
            .is_err());
    }
}
