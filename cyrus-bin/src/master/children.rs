//! Starting, reaping and stopping master's child processes (START, EVENTS
//! and DAEMON commands), on the runtime master already has.
//!
//! Each child is the leader of its own process group, so stopping it
//! (SIGTERM, then SIGKILL after a grace period) also reaches whatever it
//! started, and a Ctrl-C on master's terminal reaches master alone, which
//! then stops its children in order. (Cyrus keeps children in its own
//! group and signals the whole group on shutdown; the effect is the same.)

use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::process::ExitStatusExt;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use rustix::pipe::{pipe_with, PipeFlags};
use rustix::process::{kill_process_group, Pid, Signal};
use tokio::io::AsyncReadExt;
use tokio::net::unix::pipe::Receiver;
use tokio::process::{Child, Command};

use super::commands::Launch;

/// How long a child has between SIGTERM and SIGKILL when master stops.
pub const STOP_GRACE: Duration = Duration::from_secs(10);

/// `EX_TEMPFAIL`: Cyrus's `decode_wait_status` counts this exit as "was
/// killed", not as a failure.
const EX_TEMPFAIL: i32 = 75;

/// Runs the program after making the write end of the readiness pipe,
/// passed in as standard input, its file descriptor 3 (Cyrus's
/// `STATUS_FD`), with standard input from /dev/null. A shell does the
/// descriptor shuffle so no `pre_exec` code (and no `unsafe`) is needed;
/// `exec` keeps the daemon's pid the one master started.
const FD3_SHIM: &str = "exec 3>&0 </dev/null; exec \"$0\" \"$@\"";

/// Starts `launch` with `env` added to master's environment. With
/// `status_fd`, that descriptor is the child's fd 3 (wait=y daemons).
pub fn spawn(
    launch: &Launch,
    env: &[(&str, &str)],
    status_fd: Option<OwnedFd>,
) -> io::Result<Child> {
    let mut cmd = match status_fd {
        None => {
            let mut c = Command::new(&launch.program);
            c.arg0(&launch.argv0).stdin(Stdio::null());
            c
        }
        Some(fd) => {
            let mut c = Command::new("/bin/sh");
            c.arg("-c")
                .arg(FD3_SHIM)
                .arg(&launch.program)
                .stdin(Stdio::from(fd));
            c
        }
    };
    cmd.args(&launch.args).process_group(0).kill_on_drop(false);
    for (k, v) in env {
        cmd.env(k, v);
    }
    // `cmd` (and with it master's copy of the status pipe's write end) is
    // dropped on return, so the reader sees EOF once the child closes it.
    cmd.spawn()
}

/// A pipe for a wait=y daemon's `ok\r\n`: master's read end and the write
/// end to give the child (both close-on-exec in master, so no other child
/// inherits them).
pub fn status_pipe() -> io::Result<(Receiver, OwnedFd)> {
    let (read, write) = pipe_with(PipeFlags::CLOEXEC)?;
    Ok((Receiver::from_owned_fd(read)?, write))
}

/// Reads what a daemon says on its status pipe: `Ok` when its first four
/// bytes are `ok\r\n` (Cyrus `spawn_waitdaemon`), else what it said.
pub async fn read_ready(rx: &mut Receiver) -> Result<(), String> {
    let mut buf = [0u8; 4];
    let mut got = 0;
    while got < buf.len() {
        match rx.read(&mut buf[got..]).await {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) => return Err(e.to_string()),
        }
    }
    match &buf[..got] {
        b"ok\r\n" => Ok(()),
        [] => Err("it closed fd 3 (or exited) without writing".into()),
        other => Err(format!("it wrote {:?}", String::from_utf8_lossy(other))),
    }
}

/// Sends `signal` to the process group `child` leads, if it still runs.
fn signal_group(child: &Child, signal: Signal) {
    if let Some(pid) = child
        .id()
        .and_then(|p| Pid::from_raw(i32::try_from(p).ok()?))
    {
        // ESRCH (already gone) is fine: there is nothing left to stop.
        let _ = kill_process_group(pid, signal);
    }
}

/// Stops `child` and its group: SIGTERM, then SIGKILL if it is still
/// there after `grace`; reaps it and returns how it ended.
pub async fn terminate(child: &mut Child, grace: Duration) -> Option<ExitStatus> {
    signal_group(child, Signal::TERM);
    match tokio::time::timeout(grace, child.wait()).await {
        Ok(status) => status.ok(),
        Err(_) => {
            signal_group(child, Signal::KILL);
            child.wait().await.ok()
        }
    }
}

/// Whether an exit counts as a failure, as Cyrus's `decode_wait_status`
/// decides: a non-zero status other than `EX_TEMPFAIL`, or death by a
/// signal.
pub fn failed(status: ExitStatus) -> bool {
    match status.code() {
        Some(0) | Some(EX_TEMPFAIL) => false,
        Some(_) => true,
        None => status.signal().is_some(),
    }
}

/// How a child ended, in Cyrus's words ("exited, status 1", "signaled to
/// death by signal 9").
pub fn describe(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(0), _) => "exited normally".into(),
        (Some(EX_TEMPFAIL), _) => format!("exited, status {EX_TEMPFAIL} (temporary failure)"),
        (Some(code), _) => format!("exited, status {code}"),
        (None, Some(sig)) => format!(
            "signaled to death by signal {sig}{}",
            if status.core_dumped() {
                " (core dumped)"
            } else {
                ""
            }
        ),
        (None, None) => format!("ended ({status})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn sh(script: &str) -> Launch {
        Launch {
            program: PathBuf::from("/bin/sh"),
            argv0: "sh".into(),
            args: vec!["-c".into(), script.into()],
            ours: false,
        }
    }

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
    }

    #[test]
    fn status_words_follow_cyrus() {
        let code = |c: i32| ExitStatus::from_raw(c << 8);
        assert!(!failed(code(0)));
        assert!(!failed(code(75)), "EX_TEMPFAIL is not a failure");
        assert!(failed(code(1)));
        assert!(failed(ExitStatus::from_raw(9)), "SIGKILL");
        assert_eq!(describe(code(1)), "exited, status 1");
        assert_eq!(describe(code(0)), "exited normally");
        assert_eq!(
            describe(ExitStatus::from_raw(9)),
            "signaled to death by signal 9"
        );
    }

    #[test]
    fn fd3_carries_ok_and_env_reaches_the_child() {
        rt().block_on(async {
            let (mut rx, tx) = status_pipe().expect("pipe");
            let mut child = spawn(
                &sh("[ \"$CYRUS_SERVICE\" = idled ] && printf 'ok\\r\\n' >&3; sleep 30"),
                &[("CYRUS_SERVICE", "idled")],
                Some(tx),
            )
            .expect("spawn");
            assert_eq!(read_ready(&mut rx).await, Ok(()));
            let status = terminate(&mut child, STOP_GRACE).await.expect("reaped");
            assert_eq!(status.signal(), Some(15), "SIGTERM ended it");
        });
    }

    #[test]
    fn silence_or_other_words_on_fd3_are_not_ready() {
        rt().block_on(async {
            let (mut rx, tx) = status_pipe().expect("pipe");
            let mut child = spawn(&sh("exit 3"), &[], Some(tx)).expect("spawn");
            let err = read_ready(&mut rx).await.expect_err("no ok");
            assert!(err.contains("without writing"), "{err}");
            assert_eq!(child.wait().await.expect("wait").code(), Some(3));

            let (mut rx, tx) = status_pipe().expect("pipe");
            let mut child = spawn(&sh("echo no >&3"), &[], Some(tx)).expect("spawn");
            let err = read_ready(&mut rx).await.expect_err("not ok");
            assert!(err.contains("no"), "{err}");
            child.wait().await.expect("wait");
        });
    }

    #[test]
    fn terminate_kills_what_ignores_sigterm() {
        rt().block_on(async {
            let dir = tempfile::tempdir().expect("tempdir");
            let mark = dir.path().join("trapped");
            let script = format!("trap '' TERM; touch {}; sleep 30", mark.display());
            let mut child = spawn(&sh(&script), &[], None).expect("spawn");
            // Signal only once the shell has its trap.
            while !mark.exists() {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            let status = terminate(&mut child, Duration::from_millis(200))
                .await
                .expect("reaped");
            assert_eq!(status.signal(), Some(9), "SIGKILL after the grace");
        });
    }
}
