//! `cyr_master` as an administrator runs it: a site made with `cyr_mkimap`
//! and `cyr_passwd`, a cyrus.conf naming `imapd` on a loopback port, Python's
//! imaplib as the client, and SIGTERM to stop it.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn run_ok(cmd: &mut Command, stdin: &str) {
    let mut child = cmd.stdin(Stdio::piped()).spawn().expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write");
    assert!(child.wait().expect("wait").success(), "{cmd:?}");
}

#[test]
fn master_serves_imap_to_imaplib_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let conf = root.join("imapd.conf");
    std::fs::write(
        &conf,
        format!(
            "configdirectory: {0}/lib\npartition-default: {0}/spool\nservername: test.example\n\
             allowplaintext: yes\nsasl_pwcheck_method: auxprop\nautocreate_quota: 0\nautocreate_post: yes\n",
            root.display()
        ),
    )
    .expect("imapd.conf");
    let master_conf = root.join("cyrus.conf");
    std::fs::write(
        &master_conf,
        "START {\n  recover cmd=\"ctl_cyrusdb -r\"\n}\nSERVICES {\n  imap cmd=\"imapd\" listen=\"127.0.0.1:0\" prefork=0 maxchild=10\n  lmtp cmd=\"lmtpd -a\" listen=\"127.0.0.1:0\"\n  pop3 cmd=\"pop3d\" listen=\"127.0.0.1:0\"\n  http cmd=\"httpd\" listen=\"127.0.0.1:0\"\n}\n",
    )
    .expect("cyrus.conf");
    run_ok(
        Command::new(env!("CARGO_BIN_EXE_cyr_mkimap"))
            .arg("-C")
            .arg(&conf),
        "",
    );
    run_ok(
        Command::new(env!("CARGO_BIN_EXE_cyr_passwd"))
            .arg("-C")
            .arg(&conf)
            .arg("alice"),
        "wonderland\n",
    );
    // The INBOX: created by the first delivery (autocreate_post, autocreate_quota 0).
    let mut deliver = Command::new(env!("CARGO_BIN_EXE_cyr_deliver"));
    deliver.arg("-C").arg(&conf).arg("alice");
    let created = deliver
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin
                .take()
                .expect("stdin")
                .write_all(b"From: bob@example.org\nSubject: welcome\n\nHello Alice\n")?;
            c.wait_with_output()
        })
        .expect("cyr_deliver");
    assert!(
        created.status.success(),
        "cyr_deliver with autocreate_post: {}",
        String::from_utf8_lossy(&created.stderr)
    );

    let mut master = Command::new(env!("CARGO_BIN_EXE_cyr_master"))
        .arg("-C")
        .arg(&conf)
        .arg("-M")
        .arg(&master_conf)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cyr_master");
    let mut out = BufReader::new(master.stdout.take().expect("stdout"));
    let (mut port, mut lmtp_port, mut pop3_port) = (None, None, None);
    let deadline = Instant::now() + Duration::from_secs(30);
    while (port.is_none() || lmtp_port.is_none() || pop3_port.is_none())
        && Instant::now() < deadline
    {
        let mut line = String::new();
        if out.read_line(&mut line).expect("read") == 0 {
            break;
        }
        let parse = |addr: &str| addr.rsplit(':').next().and_then(|p| p.parse::<u16>().ok());
        if let Some(addr) = line.trim().strip_prefix("cyr_master: imap listening on ") {
            port = parse(addr);
        }
        if let Some(addr) = line.trim().strip_prefix("cyr_master: lmtp listening on ") {
            lmtp_port = parse(addr);
        }
        if let Some(addr) = line.trim().strip_prefix("cyr_master: pop3 listening on ") {
            pop3_port = parse(addr);
        }
    }
    let pop3_port = pop3_port.expect("cyr_master reports the POP3 port");
    let port = port.expect("cyr_master reports the IMAP port");
    let lmtp_port = lmtp_port.expect("cyr_master reports the LMTP port");

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/imap_smoke.py");
    let client = Command::new("python3")
        .arg(&script)
        .arg(port.to_string())
        .arg(lmtp_port.to_string())
        .output()
        .expect("python3");
    let stdout = String::from_utf8_lossy(&client.stdout);
    assert!(
        client.status.success(),
        "imaplib client failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&client.stderr)
    );
    assert!(stdout.contains("OK login"), "{stdout}");
    assert!(stdout.contains("OK append-fetch"), "{stdout}");
    assert!(stdout.contains("OK lmtp-idle"), "{stdout}");

    // The same mailbox over POP3 (`pop3 cmd="pop3d"`).
    let pop = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/pop3_client.py"))
        .args([&pop3_port.to_string(), "login", "alice", "wonderland"])
        .output()
        .expect("python3");
    let pop_out = String::from_utf8_lossy(&pop.stdout);
    assert!(
        pop.status.success() && pop_out.contains("Mailbox locked and ready"),
        "poplib against cyr_master:\n{pop_out}\n{}",
        String::from_utf8_lossy(&pop.stderr)
    );

    // SIGTERM: orderly shutdown, exit status 0.
    let pid = master.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill")
        .success());
    let status = master.wait().expect("wait");
    assert!(status.success(), "cyr_master exit: {status:?}");
    let mut err = String::new();
    std::io::Read::read_to_string(&mut master.stderr.take().expect("stderr"), &mut err)
        .expect("stderr");
    assert!(
        err.contains("service http"),
        "unbuilt services are reported: {err}"
    );
}
