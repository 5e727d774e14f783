//! A real client: Python's `smtplib.LMTP` (and a raw pipelining socket
//! client) against `LmtpSession` served by the shared runtime on TCP
//! (trusted, like `lmtpd -a`) and on a unix socket; then the stored
//! messages are checked through the Store API.
#![allow(clippy::unwrap_used)]

mod lmtp_common;

use std::sync::Arc;
use std::time::Duration;

use cyrus_proto::lmtp::{LmtpConfig, LmtpSession, RandomSessionIds, SessionIds};
use cyrus_proto::runtime::{Bridge, ConnInfo, ListenAddr, Notifier, Server, ServiceSpec, TlsMode};
use lmtp_common::Site;

const CLIENT: &str = r#"
import json, smtplib, socket, sys
target = sys.argv[1]
out = {}
if target.startswith('/'):
    c = smtplib.LMTP(target)
else:
    host, port = target.rsplit(':', 1)
    c = smtplib.LMTP(host, int(port))
code, msg = c.ehlo('client.example')
out['lhlo'] = [code, msg.decode()]
c.mail('sender@example.org')
rc = []
for r in ['alice@localhost', 'nobody@localhost', 'bob+Work@localhost']:
    rc.append(c.rcpt(r)[0])
out['rcpt'] = rc
code, msg = c.data(b'Subject: via smtplib\r\nMessage-ID: <py-1@example.org>\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\n.leading dot\r\nbare\nlf\r\n')
# smtplib reads one reply after DATA; LMTP sends one per accepted recipient.
replies = [[code, msg.decode()]]
replies.append(list(c.getreply()))
replies[-1][1] = replies[-1][1].decode()
out['data'] = replies
c.quit()

# Pipelined: everything in one write, then read all replies.
if target.startswith('/'):
    s = socket.socket(socket.AF_UNIX); s.connect(target)
else:
    s = socket.create_connection((host, int(port)))
f = s.makefile('rb')
greeting = f.readline()
s.sendall(b'LHLO pipe.example\r\nMAIL FROM:<p@example.org>\r\nRCPT TO:<alice@localhost>\r\n'
          b'RCPT TO:<bob@localhost>\r\nDATA\r\nSubject: pipelined\r\n\r\nbody\r\n.\r\nQUIT\r\n')
lines = []
while True:
    l = f.readline()
    if not l:
        break
    lines.append(l.decode().rstrip('\r\n'))
out['pipelined'] = lines
print(json.dumps(out))
"#;

fn python_available() -> bool {
    std::process::Command::new("python3")
        .arg("-c")
        .arg("import smtplib")
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs the client script; its JSON output is only searched for substrings.
async fn run_client(target: String) -> String {
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("python3")
            .arg("-c")
            .arg(CLIENT)
            .arg(target)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtplib_over_tcp_and_unix_socket() {
    if !python_available() {
        eprintln!("python3 not available; skipped");
        return;
    }
    let site = Site::new();
    site.user("alice");
    site.user("bob");
    site.mailbox("user.bob.Work", Some("bob lrswipkxtecdan"));
    let cfg = Arc::new(LmtpConfig {
        trust_tcp: true,
        ..LmtpConfig::default()
    });
    let ids: Arc<dyn SessionIds> = Arc::new(RandomSessionIds::new("test"));
    let server = Server::new(Bridge::new(4), Notifier::new(), Duration::from_secs(5));
    let sock = site.dir.path().join("socket/lmtp");
    let mut addrs = Vec::new();
    for listen in [
        ListenAddr::Tcp("127.0.0.1:0".parse().unwrap()),
        ListenAddr::Unix(sock.clone()),
    ] {
        let (store, cfg, ids, sendmail) = (
            Arc::clone(&site.store),
            Arc::clone(&cfg),
            Arc::clone(&ids),
            site.sendmail.clone(),
        );
        let spec = ServiceSpec {
            name: "lmtp".into(),
            listen,
            tls: TlsMode::Plain,
            starttls: None,
            max_connections: Some(10),
        };
        let bound = server
            .serve(spec, move |info: &ConnInfo| {
                LmtpSession::new(
                    Arc::clone(&store),
                    Arc::clone(&cfg),
                    sendmail.clone(),
                    Arc::clone(&ids),
                    info,
                )
            })
            .await
            .unwrap();
        addrs.push(bound.to_string());
    }
    for (n, target) in addrs.into_iter().enumerate() {
        let v = run_client(target.clone()).await;
        assert!(v.contains(r#""lhlo": [250, "localhost\n8BITMIME\nENHANCEDSTATUSCODES\nPIPELINING\nSIZE\nCHUNKING\nIGNOREQUOTA\nOk SESSIONID=<test-"#), "{v}");
        assert!(v.contains(r#""rcpt": [250, 550, 250]"#), "{v}");
        assert!(
            v.contains(r#""data": [[250, "2.1.5 Success SESSIONID=<test-"#),
            "{v}"
        );
        assert_eq!(
            v.matches("2.1.5 Success").count(),
            4,
            "2 after DATA, 2 pipelined: {v}"
        );
        assert!(v.contains(r#""250 2.1.0 ok", "250 2.1.5 ok", "250 2.1.5 ok", "354 go ahead", "250 2.1.5 Success"#), "{v}");
        assert!(v.ends_with("\"221 2.0.0 bye\"]}\n"), "{v}");
        // Each run stores one smtplib message and one pipelined message
        // per user; the second run's smtplib message is a duplicate.
        let alice = site.messages("user.alice");
        assert_eq!(alice.len(), 2 + n, "{target}");
        let first = String::from_utf8_lossy(&alice[0]).into_owned();
        assert!(first.contains("Received: from client.example ("), "{first}");
        assert!(
            first.contains("\r\n\r\n.leading dot\r\nbare\r\nlf\r\n"),
            "{first}"
        );
        assert_eq!(site.messages("user.bob").len(), 2 + n, "bob+Work → INBOX");
        assert_eq!(site.messages("user.bob.Work").len(), 0);
    }
    let alice = site.messages("user.alice");
    let last = String::from_utf8_lossy(&alice[2]).into_owned();
    assert!(last.contains("(unix socket)"), "{last}");
    server.shutdown().await;
}
