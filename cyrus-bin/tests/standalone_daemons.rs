//! `cyr_imapd` and `cyr_lmtpd` run on their own (no master): an LMTP
//! delivery to one is read back over IMAP from the other; both stop on
//! SIGTERM with exit status 0.

mod daemon;
use daemon::Daemon;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

struct Conn {
    r: BufReader<TcpStream>,
}

impl Conn {
    fn open(port: u16) -> Conn {
        let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        Conn {
            r: BufReader::new(s),
        }
    }
    fn line(&mut self) -> String {
        let mut l = String::new();
        self.r.read_line(&mut l).expect("read line");
        l
    }
    fn send(&mut self, s: &str) {
        self.r.get_mut().write_all(s.as_bytes()).expect("write");
    }
}

#[test]
fn lmtpd_delivers_and_imapd_serves() {
    let dir = tempfile::tempdir().expect("tempdir");
    let conf = dir.path().join("imapd.conf");
    std::fs::write(
        &conf,
        format!(
            "configdirectory: {0}/lib\npartition-default: {0}/spool\nservername: solo.example\n\
             allowplaintext: yes\nsasl_pwcheck_method: alwaystrue\n",
            dir.path().display()
        ),
    )
    .expect("conf");
    let opts =
        cyrus_bin::config::store_options(&cyrus_bin::config::ImapdConf::load(&conf).expect("load"))
            .expect("opts");
    let store = cyrus_store::Store::open(std::sync::Arc::new(cyrus_store::os::RealFs::new()), opts)
        .expect("store");
    store
        .create_mailbox(
            &cyrus_store::mboxname::MailboxName::from_internal("user.zoe").expect("name"),
            &cyrus_store::NewMailbox::default(),
            1_795_000_000,
        )
        .expect("inbox");
    drop(store);

    let lmtpd = Daemon::start(env!("CARGO_BIN_EXE_cyr_lmtpd"), &conf, &["-a"]);
    let lport = lmtpd.port;
    let mut l = Conn::open(lport);
    assert!(l.line().starts_with("220 "), "greeting");
    l.send("LHLO client.example\r\n");
    while l.line().starts_with("250-") {}
    l.send("MAIL FROM:<x@example.org>\r\nRCPT TO:<zoe>\r\nRCPT TO:<nobody>\r\nDATA\r\n");
    assert!(l.line().starts_with("250"), "MAIL");
    assert!(l.line().starts_with("250"), "RCPT zoe");
    // Cyrus's long form: "550-" continuation lines, then "550 5.1.1 …".
    let mut last = l.line();
    while last.starts_with("550-") {
        last = l.line();
    }
    assert!(last.starts_with("550 5.1.1"), "RCPT nobody: {last}");
    assert!(l.line().starts_with("354"), "DATA");
    l.send("Subject: solo\r\nMessage-ID: <solo@example.org>\r\n\r\nbody\r\n.\r\n");
    assert!(
        l.line().starts_with("250 2.1.5"),
        "one reply for the one accepted recipient"
    );
    l.send("QUIT\r\n");
    assert!(lmtpd.stop().success());

    let imapd = Daemon::start(env!("CARGO_BIN_EXE_cyr_imapd"), &conf, &[]);
    let iport = imapd.port;
    let mut i = Conn::open(iport);
    assert!(
        i.line().contains("solo.example"),
        "greeting names the server"
    );
    i.send("a LOGIN zoe anything\r\n");
    assert!(i.line().starts_with("a OK"));
    i.send("b SELECT INBOX\r\n");
    let mut exists = String::new();
    loop {
        let l = i.line();
        if l.ends_with("EXISTS\r\n") {
            exists = l.clone();
        }
        if l.starts_with("b ") {
            assert!(l.starts_with("b OK"), "{l}");
            break;
        }
    }
    assert_eq!(exists, "* 1 EXISTS\r\n");
    i.send("c FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]\r\n");
    let mut text = String::new();
    loop {
        let l = i.line();
        text.push_str(&l);
        if l.starts_with("c ") {
            break;
        }
    }
    assert!(text.contains("Subject: solo"), "{text}");
    i.send("d LOGOUT\r\n");
    let mut rest = String::new();
    let _ = i.r.read_to_string(&mut rest);
    assert!(rest.contains("d OK"), "{rest}");
    assert!(imapd.stop().success());
}
