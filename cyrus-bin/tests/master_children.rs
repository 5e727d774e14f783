//! `cyr_master` running the START, EVENTS and DAEMON sections of a
//! cyrus.conf: shell scripts written by the test leave markers (files,
//! pids) that show what ran, in which order, and that nothing is left
//! running after SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long any one step may take before the test gives up (a bound on a
/// hang, not a timing assertion).
const PATIENCE: Duration = Duration::from_secs(60);

/// A site for cyr_master: imapd.conf, an empty store made by cyr_mkimap.
struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::write(
            root.join("imapd.conf"),
            format!(
                "configdirectory: {0}/lib\npartition-default: {0}/spool\nservername: test.example\n",
                root.display()
            ),
        )
        .expect("imapd.conf");
        let status = Command::new(env!("CARGO_BIN_EXE_cyr_mkimap"))
            .arg("-C")
            .arg(root.join("imapd.conf"))
            .stdout(Stdio::null())
            .status()
            .expect("cyr_mkimap");
        assert!(status.success());
        Site { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn path(&self, name: &str) -> PathBuf {
        self.root().join(name)
    }

    /// Writes `name.sh` with `body` and returns a `cmd=` running it.
    fn script(&self, name: &str, body: &str) -> String {
        let path = self.path(&format!("{name}.sh"));
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("script");
        format!("/bin/sh {}", path.display())
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap_or_default()
    }
}

/// A running cyr_master; stdout lines arrive on a channel, stderr is
/// collected. SIGTERMed and reaped when dropped.
struct Master {
    child: Child,
    lines: Receiver<String>,
    stderr: Arc<Mutex<String>>,
    stderr_thread: Option<JoinHandle<()>>,
    reaped: bool,
}

impl Master {
    fn start(site: &Site, cyrus_conf: &str) -> Master {
        let conf = site.path("cyrus.conf");
        std::fs::write(&conf, cyrus_conf).expect("cyrus.conf");
        let mut child = Command::new(env!("CARGO_BIN_EXE_cyr_master"))
            .arg("-C")
            .arg(site.path("imapd.conf"))
            .arg("-M")
            .arg(&conf)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cyr_master");
        let (tx, lines) = channel();
        let out = BufReader::new(child.stdout.take().expect("stdout"));
        std::thread::spawn(move || {
            for line in out.lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let collected = stderr.clone();
        let mut err = child.stderr.take().expect("stderr");
        let stderr_thread = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                collected
                    .lock()
                    .expect("lock")
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Master {
            child,
            lines,
            stderr,
            stderr_thread: Some(stderr_thread),
            reaped: false,
        }
    }

    /// The port of the first "cyr_master: <service> listening on" line,
    /// `None` if master's stdout ends first.
    fn listening(&self, service: &str) -> Option<u16> {
        let prefix = format!("cyr_master: {service} listening on ");
        loop {
            let line = self.lines.recv_timeout(PATIENCE).ok()?;
            if let Some(addr) = line.strip_prefix(&prefix) {
                return addr.rsplit(':').next().and_then(|p| p.parse().ok());
            }
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGTERM, the exit status, and everything master wrote on stderr.
    fn stop(self) -> (ExitStatus, String) {
        signal(self.pid(), "TERM");
        self.finish()
    }

    /// Waits for master to exit by itself.
    fn finish(mut self) -> (ExitStatus, String) {
        let status = self.child.wait().expect("wait");
        self.reaped = true;
        if let Some(t) = self.stderr_thread.take() {
            t.join().expect("stderr thread");
        }
        let err = self.stderr.lock().expect("lock").clone();
        (status, err)
    }
}

impl Drop for Master {
    fn drop(&mut self) {
        if !self.reaped {
            signal(self.pid(), "TERM");
            let _ = self.child.wait();
        }
    }
}

fn signal(pid: u32, sig: &str) {
    let _ = Command::new("kill")
        .args([&format!("-{sig}"), &pid.to_string()])
        .status();
}

/// Waits until `cond` holds; panics with `what` after [`PATIENCE`].
fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !cond() {
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Processes still running (zombies, already dead, excepted) whose
/// process group is `pgid`, with their command names.
fn group_members(pgid: u32) -> Vec<(u32, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid pgrp ...; comm may hold spaces, so split
        // after the last ')'.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.split_whitespace().collect())
            .unwrap_or_default();
        let comm = stat
            .split_once('(')
            .and_then(|(_, rest)| rest.rsplit_once(')'))
            .map_or("", |(comm, _)| comm);
        if fields.get(2).and_then(|g| g.parse::<u32>().ok()) == Some(pgid)
            && fields.first() != Some(&"Z")
        {
            found.push((pid, format!("{comm} {}", fields.first().unwrap_or(&"?"))));
        }
    }
    found
}

fn pid_in(text: &str) -> u32 {
    text.lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("no pid in {text:?}"))
}

fn imap_greeting(port: u16) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(PATIENCE)).expect("timeout");
    let mut line = String::new();
    BufReader::new(&mut s)
        .read_line(&mut line)
        .expect("greeting");
    let _ = s.write_all(b"a LOGOUT\r\n");
    line
}

#[test]
fn start_events_and_daemons_run_in_order_and_stop_with_master() {
    let site = Site::new();
    let r = site.root().display().to_string();
    // START is slow on purpose: a master that did not wait for it would
    // listen before the marker exists. It also checks that the entry
    // before it, `mkimap` (our cyr_mkimap, given our -C), made the
    // partition's stage directory the test removed.
    std::fs::remove_dir(site.path("spool/stage.")).expect("rmdir stage.");
    let start = site.script(
        "start",
        &format!("[ -d {r}/spool/stage. ] && echo yes > {r}/stage-seen; sleep 1; echo done > {r}/start-marker"),
    );
    let event = site.script("event", &format!("echo run >> {r}/event-count"));
    let daily = site.script("daily", &format!("echo run >> {r}/daily-count"));
    let failing_event = site.script("failing", "exit 3");
    let crash = site.script(
        "crash",
        &format!("echo $$ >> {r}/crash-pids; echo \"$CYRUS_SERVICE\" >> {r}/crash-lines; exit 1"),
    );
    // The sleep is a child of the script, in its process group.
    let long = site.script(
        "long",
        &format!("echo $$ > {r}/long-pid.tmp; mv {r}/long-pid.tmp {r}/long-pid; sleep 600"),
    );
    let master = Master::start(
        &site,
        &format!(
            "START {{\n  mkdirs cmd=\"mkimap\"\n  recover cmd=\"{start}\"\n  ghost cmd=\"no_such_tool_xyz -r\"\n}}\n\
             SERVICES {{\n  imap cmd=\"imapd\" listen=\"127.0.0.1:0\"\n}}\n\
             EVENTS {{\n  once cmd=\"{event}\" period=0\n  bad cmd=\"{failing_event}\"\n  \
             later cmd=\"{daily}\" at=0400\n}}\n\
             DAEMON {{\n  crash cmd=\"{crash}\"\n  long cmd=\"{long}\"\n  \
             spook cmd=\"no_such_daemon_xyz\"\n}}\n"
        ),
    );
    let port = master.listening("imap").expect("imap listens");
    assert_eq!(
        site.read("stage-seen"),
        "yes\n",
        "START entries ran in order"
    );
    assert_eq!(
        site.read("start-marker"),
        "done\n",
        "START finished before the service listened"
    );
    assert!(imap_greeting(port).starts_with("* OK"));

    // The crashing daemon is restarted (after a back-off of a second).
    wait_for("two runs of the crashing daemon", || {
        site.read("crash-lines").lines().count() >= 2
    });
    assert!(site.read("crash-lines").lines().all(|l| l == "crash"));
    wait_for("the long daemon's pid", || site.path("long-pid").exists());
    let long_pid = pid_in(&site.read("long-pid"));
    wait_for("the long daemon's sleep", || {
        group_members(long_pid).len() >= 2
    });
    // The period=0 event ran once, and not again though a second has
    // passed; the at=0400 one waits for 04:00 (it would run now only if
    // master had started at 04:00:00 exactly).
    wait_for("the event", || !site.read("event-count").is_empty());
    assert_eq!(site.read("event-count"), "run\n");
    assert!(!site.path("daily-count").exists());

    let (status, err) = master.stop();
    assert!(status.success(), "{status:?}\n{err}");
    assert_eq!(site.read("event-count"), "run\n", "no event ran again");
    assert!(
        err.contains("START ghost: no_such_tool_xyz not available"),
        "{err}"
    );
    assert!(
        err.contains("DAEMON spook: no_such_daemon_xyz not available"),
        "{err}"
    );
    assert!(err.contains("event bad pid"), "{err}");
    assert!(err.contains("exited, status 3"), "{err}");
    assert!(err.contains("daemon crash pid"), "{err}");
    assert!(err.contains("restarting in 1s"), "{err}");
    // Nothing master started is left: not the long daemon's shell nor its
    // sleep, not the last crashing daemon.
    assert_eq!(group_members(long_pid), Vec::<(u32, String)>::new());
    let last_crash = pid_in(&site.read("crash-pids"));
    assert!(!Path::new(&format!("/proc/{last_crash}")).exists());
}

#[test]
fn a_failing_start_command_stops_master_before_it_serves() {
    let site = Site::new();
    let r = site.root().display().to_string();
    let fail = site.script("fail", "exit 1");
    let after = site.script("after", &format!("touch {r}/after-marker"));
    let master = Master::start(
        &site,
        &format!(
            "START {{\n  broken cmd=\"{fail}\"\n  after cmd=\"{after}\"\n}}\n\
             SERVICES {{\n  imap cmd=\"imapd\" listen=\"127.0.0.1:0\"\n}}\n"
        ),
    );
    // Cyrus's master: "can't run startup", exit 1, nothing served.
    assert_eq!(master.listening("imap"), None, "no service listened");
    let (status, err) = master.finish();
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(err.contains("START broken"), "{err}");
    assert!(err.contains("exited, status 1"), "{err}");
    assert!(err.contains("can't run startup"), "{err}");
    assert!(
        !site.path("after-marker").exists(),
        "later START entries do not run"
    );
}

/// A free loopback port (the listener is closed again at once).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind")
        .port()
}

#[test]
fn a_wait_daemon_gates_the_services_until_it_writes_ok() {
    let site = Site::new();
    let r = site.root().display().to_string();
    let waitd = site.script(
        "waitd",
        &format!(
            "echo $$ > {r}/waitd-pid.tmp; mv {r}/waitd-pid.tmp {r}/waitd-pid\n\
             while [ ! -e {r}/go ]; do sleep 0.05; done\n\
             echo ok-sent > {r}/waitd-log\n\
             printf 'ok\\r\\n' >&3\n\
             exec sleep 600"
        ),
    );
    let port = free_port();
    let master = Master::start(
        &site,
        &format!(
            "SERVICES {{\n  imap cmd=\"imapd\" listen=\"127.0.0.1:{port}\"\n}}\n\
             DAEMON {{\n  waitd cmd=\"{waitd}\" wait=y\n}}\n"
        ),
    );
    wait_for("the wait daemon to start", || {
        site.path("waitd-pid").exists()
    });
    let waitd_pid = pid_in(&site.read("waitd-pid"));
    let refused = TcpStream::connect(("127.0.0.1", port)).expect_err("nothing listens yet");
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
    std::fs::write(site.path("go"), "").expect("go");
    assert_eq!(master.listening("imap"), Some(port));
    assert_eq!(
        site.read("waitd-log"),
        "ok-sent\n",
        "ok came before the service"
    );
    assert!(imap_greeting(port).starts_with("* OK"));

    let (status, err) = master.stop();
    assert!(status.success(), "{status:?}\n{err}");
    assert_eq!(
        group_members(waitd_pid),
        Vec::<(u32, String)>::new(),
        "wait daemon stopped"
    );
}

#[test]
fn a_wait_daemon_that_does_not_say_ok_stops_master() {
    let site = Site::new();
    let mute = site.script("mute", "echo not-ok >&3");
    let master = Master::start(
        &site,
        &format!(
            "SERVICES {{\n  imap cmd=\"imapd\" listen=\"127.0.0.1:0\"\n}}\n\
             DAEMON {{\n  mute cmd=\"{mute}\" wait=yes\n}}\n"
        ),
    );
    assert_eq!(master.listening("imap"), None);
    let (status, err) = master.finish();
    assert!(!status.success());
    assert!(err.contains("unable to spawn waitdaemon mute"), "{err}");
    // Cyrus reads four bytes and compares them with "ok\r\n".
    assert!(err.contains("it wrote \"not-\""), "{err}");
}

#[test]
fn sigterm_while_start_or_a_wait_daemon_holds_master_up_stops_it_cleanly() {
    for section in ["START", "DAEMON"] {
        let site = Site::new();
        let r = site.root().display().to_string();
        let stuck = site.script(
            "stuck",
            &format!(
                "echo $$ > {r}/stuck-pid.tmp; mv {r}/stuck-pid.tmp {r}/stuck-pid; exec sleep 600"
            ),
        );
        let wait = if section == "DAEMON" { " wait=y" } else { "" };
        let master = Master::start(
            &site,
            &format!(
                "{section} {{\n  stuck cmd=\"{stuck}\"{wait}\n}}\n\
                 SERVICES {{\n  imap cmd=\"imapd\" listen=\"127.0.0.1:0\"\n}}\n"
            ),
        );
        wait_for("the stuck command to start", || {
            site.path("stuck-pid").exists()
        });
        let pid = pid_in(&site.read("stuck-pid"));
        let (status, err) = master.stop();
        assert!(status.success(), "{section}: {status:?}\n{err}");
        assert_eq!(
            group_members(pid),
            Vec::<(u32, String)>::new(),
            "{section}: the command was stopped"
        );
    }
}
