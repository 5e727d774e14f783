//! `cyr_imapd`'s Cyrus service flags: `-T` (exit once no client has been
//! connected for that many seconds, status 0) and `-D` (run
//! `debug_command` with the program, our pid and the service name), and
//! the site files seen through the daemon (motd after the greeting,
//! telemetry file named `<service>-<pid>`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod daemon;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use daemon::TestSite;

fn wait_exit(d: &mut daemon::Daemon, within: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < within {
        if let Some(s) = d.child.try_wait().unwrap() {
            return Some(s);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

#[test]
fn reuse_timeout_exits_only_when_no_client_is_connected() {
    let site = TestSite::new(&["alice"]);
    let mut d = site.imapd(&["-T", "2"]);
    let s = TcpStream::connect(("127.0.0.1", d.port)).unwrap();
    let mut r = BufReader::new(s);
    let mut greeting = String::new();
    r.read_line(&mut greeting).unwrap();
    assert!(greeting.starts_with("* OK"), "{greeting}");
    // Connected (and logged in) for longer than -T: still serving.
    r.get_mut().write_all(b"a LOGIN alice x\r\n").unwrap();
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    assert!(line.starts_with("a OK"), "{line}");
    std::thread::sleep(Duration::from_secs(3));
    assert!(
        d.child.try_wait().unwrap().is_none(),
        "exited with a client"
    );
    r.get_mut().write_all(b"b NOOP\r\n").unwrap();
    line.clear();
    r.read_line(&mut line).unwrap();
    assert_eq!(line, "b OK Completed\r\n");
    drop(r);
    // The last client left: gone within -T (plus a poll), status 0.
    let status = wait_exit(&mut d, Duration::from_secs(6)).expect("exits after -T idle");
    assert!(status.success(), "{status:?}");
}

#[test]
fn debugger_flag_runs_debug_command() {
    let site = TestSite::new(&["alice"]);
    let out = site.root().join("debugger.out");
    let mut conf = std::fs::read_to_string(site.conf()).unwrap();
    conf.push_str(&format!(
        "debug_command: echo attach %s %d %s > {}\n",
        out.display()
    ));
    std::fs::write(site.conf(), conf).unwrap();
    let d = site.imapd(&["-D"]);
    // The command ran before the daemon started listening.
    let text = std::fs::read_to_string(&out).expect("debug_command ran");
    let words: Vec<&str> = text.split_whitespace().collect();
    assert_eq!(words.len(), 4, "{text}");
    assert_eq!(words[0], "attach");
    assert!(words[1].ends_with("cyr_imapd"), "{text}");
    assert_eq!(words[2], d.pid().to_string(), "our pid");
    assert_eq!(words[3], "imap", "the service name");
}

#[test]
fn motd_and_telemetry_through_the_daemon() {
    let site = TestSite::new(&["alice"]);
    let lib = site.root().join("lib");
    std::fs::create_dir_all(lib.join("msg")).unwrap();
    std::fs::write(lib.join("msg/motd"), "Read the notice\n").unwrap();
    std::fs::create_dir_all(lib.join("log/alice")).unwrap();
    let d = site.imapd(&[]);
    let mut c = TcpStream::connect(("127.0.0.1", d.port)).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut r = BufReader::new(c.try_clone().unwrap());
    let mut l = String::new();
    r.read_line(&mut l).unwrap();
    assert!(l.starts_with("* OK [CAPABILITY"), "{l}");
    l.clear();
    r.read_line(&mut l).unwrap();
    assert_eq!(l, "* OK [ALERT] Read the notice\r\n");
    c.write_all(b"a LOGIN alice topsecret\r\nb LOGOUT\r\n")
        .unwrap();
    let mut rest = String::new();
    while r.read_line(&mut rest).unwrap_or(0) > 0 {}
    assert!(rest.contains("b OK"), "{rest}");
    let file = lib.join(format!("log/alice/imap-{}", d.pid()));
    let log = std::fs::read_to_string(&file).expect("telemetry file <service>-<daemon pid>");
    assert!(log.starts_with("---------- alice "), "{log}");
    assert!(log.contains("* BYE"), "{log}");
    assert!(!log.contains("topsecret"), "{log}");
}
