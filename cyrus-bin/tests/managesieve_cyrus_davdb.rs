//! A site moving between our `cyr_timsieved` and real Cyrus 3.6's
//! `timsieved` (Debian `cyrus-common`, run by its `master`) keeps its
//! Sieve scripts: Cyrus lists, reads and activates scripts only through
//! the user's `dav.db`, so this checks that our daemon keeps that index
//! the way Cyrus reads it, and that what Cyrus then writes reads back
//! through our daemon. Skipped, with a notice, when Cyrus is not
//! installed or the test does not run as root (Cyrus's master starts as
//! root and drops to `cyrus`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod daemon;
use daemon::Daemon;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const MASTER: &str = "/usr/lib/cyrus/bin/master";
const TIMSIEVED: &str = "/usr/lib/cyrus/bin/timsieved";

fn base64(b: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in b.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                s.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// A minimal ManageSieve client: each command returns the response
/// lines up to and including the final `OK`/`NO`/`BYE`, a literal as one
/// element.
struct Sieve {
    r: BufReader<TcpStream>,
    w: TcpStream,
}

impl Sieve {
    /// Connects and authenticates (`PLAIN`) as alice/pass.
    fn login(port: u16) -> Sieve {
        let w = TcpStream::connect(("127.0.0.1", port)).unwrap();
        w.set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
        let mut s = Sieve {
            r: BufReader::new(w.try_clone().unwrap()),
            w,
        };
        let greeting = s.response();
        assert!(greeting.last().unwrap().starts_with("OK"), "{greeting:?}");
        let auth = s.cmd(&format!(
            "AUTHENTICATE \"PLAIN\" \"{}\"",
            base64(b"\0alice\0pass")
        ));
        assert!(auth.last().unwrap().starts_with("OK"), "{auth:?}");
        s
    }

    fn response(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        loop {
            let mut line = String::new();
            assert!(self.r.read_line(&mut line).unwrap() > 0, "closed: {out:?}");
            let line = line.trim_end_matches(['\r', '\n']).to_string();
            if let Some(n) = line
                .strip_prefix('{')
                .and_then(|l| l.strip_suffix('}'))
                .and_then(|n| n.trim_end_matches('+').parse::<usize>().ok())
            {
                let mut buf = vec![0; n];
                self.r.read_exact(&mut buf).unwrap();
                out.push(String::from_utf8(buf).unwrap());
                // The rest of the line the literal ends (empty here).
                let mut rest = String::new();
                self.r.read_line(&mut rest).unwrap();
                assert_eq!(rest, "\r\n");
                continue;
            }
            let done = ["OK", "NO", "BYE"].iter().any(|p| line.starts_with(p));
            out.push(line);
            if done {
                return out;
            }
        }
    }

    fn cmd(&mut self, c: &str) -> Vec<String> {
        self.w.write_all(c.as_bytes()).unwrap();
        self.w.write_all(b"\r\n").unwrap();
        self.response()
    }

    /// A command that must answer `OK`.
    fn ok(&mut self, c: &str) -> Vec<String> {
        let r = self.cmd(c);
        assert!(r.last().unwrap().starts_with("OK"), "{c}: {r:?}");
        r
    }

    fn put(&mut self, name: &str, script: &str) {
        self.ok(&format!(
            "PUTSCRIPT \"{name}\" {{{}+}}\r\n{script}",
            script.len()
        ));
    }

    /// LISTSCRIPTS, sorted, without the final OK.
    fn list(&mut self) -> Vec<String> {
        let mut l = self.ok("LISTSCRIPTS");
        l.pop();
        l.sort();
        l
    }
}

/// The site: one `imapd.conf` both servers read.
fn write_conf(root: &Path, auth: &str) -> PathBuf {
    let r = root.display();
    let conf = root.join("imapd.conf");
    std::fs::write(
        &conf,
        format!(
            "configdirectory: {r}/lib\ndefaultpartition: default\npartition-default: {r}/spool\n\
             sievedir: {r}/sieve\nservername: localhost\nunixhierarchysep: yes\naltnamespace: yes\n\
             allowplaintext: yes\nsasl_mech_list: PLAIN\nproc_path: {r}/lib/proc\n\
             mboxname_lockpath: {r}/lib/lock\nsieveusehomedir: false\nsyslog_prefix: davdb-test\n\
             {auth}"
        ),
    )
    .unwrap();
    conf
}

/// Real Cyrus's `master` running only `timsieved` on a free port.
struct RealTimsieved {
    master: Child,
    port: u16,
    log: PathBuf,
}

impl Drop for RealTimsieved {
    fn drop(&mut self) {
        // Our own child, by its pid; master stops its timsieved children.
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.master.id().to_string())
            .status();
        let _ = self.master.wait();
    }
}

fn run(cmd: &mut Command) {
    let st = cmd.status().unwrap();
    assert!(st.success(), "{cmd:?}: {st}");
}

impl RealTimsieved {
    /// Switches the site to a private sasldb with alice/pass, hands its
    /// files to `cyrus`, and starts master.
    fn start(root: &Path) -> RealTimsieved {
        let sasldb = root.join("sasldb2");
        let conf = write_conf(
            root,
            &format!(
                "sasl_pwcheck_method: auxprop\nsasl_auxprop_plugin: sasldb\nsasl_sasldb_path: {}\n",
                sasldb.display()
            ),
        );
        let mut p = Command::new("saslpasswd2")
            .arg("-f")
            .arg(&sasldb)
            .args(["-u", "localhost", "-p", "-c", "alice"])
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        p.stdin.take().unwrap().write_all(b"pass").unwrap();
        assert!(p.wait().unwrap().success());
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let cyrus_conf = root.join("cyrus.conf");
        std::fs::write(
            &cyrus_conf,
            format!(
                "START {{\n}}\nSERVICES {{\n  sieve cmd=\"timsieved -C {}\" \
                 listen=\"127.0.0.1:{port}\" prefork=0 maxchild=5\n}}\nEVENTS {{\n}}\n",
                conf.display()
            ),
        )
        .unwrap();
        run(Command::new("chown").args(["-R", "cyrus:mail"]).arg(root));
        run(Command::new("chmod").arg("640").arg(&sasldb));
        let log = root.join("master.log");
        let master = Command::new(MASTER)
            .arg("-C")
            .arg(&conf)
            .arg("-M")
            .arg(&cyrus_conf)
            .arg("-p")
            .arg(root.join("master.pid"))
            .arg("-L")
            .arg(&log)
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        let me = RealTimsieved { master, port, log };
        // Readiness, not timing: wait until the port accepts.
        for _ in 0..600 {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return me;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!(
            "Cyrus master did not listen: {}",
            std::fs::read_to_string(&me.log).unwrap_or_default()
        );
    }
}

fn cyrus_usable() -> bool {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let sasl = Command::new("sh")
        .args(["-c", "command -v saslpasswd2"])
        .output()
        .is_ok_and(|o| o.status.success());
    let ok = root && sasl && Path::new(MASTER).exists() && Path::new(TIMSIEVED).exists();
    if !ok {
        eprintln!("NOTICE: Cyrus master/timsieved or saslpasswd2 missing, or not root; skipping");
    }
    ok
}

#[test]
fn real_cyrus_timsieved_serves_scripts_our_daemon_stored() {
    if !cyrus_usable() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::set_permissions(root, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let conf = write_conf(root, "sasl_pwcheck_method: alwaystrue\n");
    {
        let opts =
            cyrus_bin::config::store_options(&cyrus_bin::config::ImapdConf::load(&conf).unwrap())
                .unwrap();
        let store =
            cyrus_store::Store::open(std::sync::Arc::new(cyrus_store::os::RealFs::new()), opts)
                .unwrap();
        store
            .create_mailbox(
                &cyrus_store::mboxname::MailboxName::from_internal("user.alice").unwrap(),
                &cyrus_store::NewMailbox::default(),
                1_795_000_000,
            )
            .unwrap();
    }

    // Our daemon: new, replaced, renamed, deleted and activated scripts.
    let ours = Daemon::start(env!("CARGO_BIN_EXE_cyr_timsieved"), &conf, &[]);
    let mut c = Sieve::login(ours.port);
    c.put("vacation", "keep;\r\n");
    c.put("main", "discard;\r\n");
    c.ok("SETACTIVE \"main\"");
    c.put("main", "stop;\r\n");
    c.put("draft", "keep;\r\n");
    c.ok("RENAMESCRIPT \"draft\" \"filed\"");
    c.put("gone", "keep;\r\n");
    c.ok("DELETESCRIPT \"gone\"");
    let ours_list = c.list();
    assert_eq!(ours_list, ["\"filed\"", "\"main\" ACTIVE", "\"vacation\""]);
    c.cmd("LOGOUT");
    assert!(ours.stop().success());

    // Real Cyrus sees the same scripts, contents and active one.
    let real = RealTimsieved::start(root);
    let mut c = Sieve::login(real.port);
    assert_eq!(
        c.list(),
        ours_list,
        "{}",
        std::fs::read_to_string(&real.log).unwrap_or_default()
    );
    assert_eq!(c.ok("GETSCRIPT \"main\""), ["stop;\r\n", "OK"]);
    assert_eq!(c.ok("GETSCRIPT \"filed\""), ["keep;\r\n", "OK"]);
    assert!(c.cmd("GETSCRIPT \"gone\"")[0].starts_with("NO"));
    // Cyrus finds the replaced script by its row, so a replacement there
    // does not make a second "main".
    c.put("main", "keep;\r\n");
    c.ok("SETACTIVE \"vacation\"");
    c.put("third", "stop;\r\n");
    assert_eq!(
        c.list(),
        ["\"filed\"", "\"main\"", "\"third\"", "\"vacation\" ACTIVE"]
    );
    c.cmd("LOGOUT");
    drop(real);

    // And back: our daemon reads what Cyrus wrote, and its next change
    // is again what Cyrus lists.
    let conf = write_conf(root, "sasl_pwcheck_method: alwaystrue\n");
    let ours = Daemon::start(env!("CARGO_BIN_EXE_cyr_timsieved"), &conf, &[]);
    let mut c = Sieve::login(ours.port);
    assert_eq!(
        c.list(),
        ["\"filed\"", "\"main\"", "\"third\"", "\"vacation\" ACTIVE"]
    );
    assert_eq!(c.ok("GETSCRIPT \"main\""), ["keep;\r\n", "OK"]);
    c.ok("DELETESCRIPT \"third\"");
    c.ok("SETACTIVE \"\"");
    c.cmd("LOGOUT");
    assert!(ours.stop().success());

    let real = RealTimsieved::start(root);
    let mut c = Sieve::login(real.port);
    assert_eq!(c.list(), ["\"filed\"", "\"main\"", "\"vacation\""]);
    c.cmd("LOGOUT");
    drop(real);
}
