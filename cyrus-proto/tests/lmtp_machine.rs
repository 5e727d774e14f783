//! The LMTP machine on its own, over a fake backend: no store, no
//! sockets, time passed in.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::SystemTime;

use cyrus_proto::lmtp::{
    Backend, CountingSessionIds, Incoming, LmtpConfig, Machine, MailParams, Peer, Status,
};
use cyrus_proto::runtime::Output;

#[derive(Default)]
struct Fake {
    delivered: Vec<(Vec<u8>, Vec<String>)>,
}

impl Backend for Fake {
    type Rcpt = String;

    fn verify(&mut self, address: &str, _iq: bool, _m: &MailParams) -> Result<String, Status> {
        if address.starts_with("full") {
            Err(Status::OverQuota)
        } else {
            Ok(address.to_string())
        }
    }

    fn deliver(&mut self, msg: &Incoming<'_, String>, _now: SystemTime) -> Vec<Status> {
        self.delivered.push((msg.raw.to_vec(), msg.rcpts.to_vec()));
        msg.rcpts
            .iter()
            .map(|r| {
                if r.starts_with("fail") {
                    Status::SystemError
                } else {
                    Status::Ok
                }
            })
            .collect()
    }
}

fn machine(cfg: LmtpConfig) -> Machine<Fake> {
    Machine::new(
        Fake::default(),
        Arc::new(cfg),
        Arc::new(CountingSessionIds::new("m")),
        Peer {
            authenticated: true,
            tls: false,
        },
    )
}

fn feed(m: &mut Machine<Fake>, input: &[u8]) -> (String, Output) {
    let mut out = Output::new();
    m.input(input, SystemTime::UNIX_EPOCH, &mut out);
    (String::from_utf8(out.sent_bytes()).unwrap(), out)
}

#[test]
fn byte_by_byte_equals_one_packet() {
    let input = b"LHLO a\r\nMAIL FROM:<x@y>\r\nRCPT TO:<a@b>\r\nRCPT TO:<fail@b>\r\nDATA\r\nS: x\r\n\r\n..y\r\n.\r\nQUIT\r\n";
    let mut whole = machine(LmtpConfig::default());
    let (all, out) = feed(&mut whole, input);
    assert!(out.closes());
    let mut bytes = machine(LmtpConfig::default());
    let mut pieces = String::new();
    for b in input {
        pieces.push_str(&feed(&mut bytes, &[*b]).0);
    }
    assert_eq!(all, pieces);
    assert!(
        all.ends_with(
            "250 2.1.5 Success SESSIONID=<m-2>\r\n451 4.3.0 System I/O error\r\n221 2.0.0 bye\r\n"
        ),
        "{all}"
    );
    assert_eq!(whole.backend().delivered[0].0, b"S: x\r\n\r\n.y\r\n");
    assert!(whole.is_closed());
    // Nothing is processed after QUIT.
    assert_eq!(feed(&mut whole, b"NOOP\r\n").0, "");
}

#[test]
fn long_lines_are_refused_and_bounded() {
    let mut m = machine(LmtpConfig {
        max_line: 16,
        ..LmtpConfig::default()
    });
    let (r, _) = feed(&mut m, &[b'x'; 100]);
    assert_eq!(r, "");
    let (r, _) = feed(&mut m, b"yyy\r\nNOOP\r\n");
    assert_eq!(r, "500 5.5.2 Line too long\r\n250 2.0.0 ok\r\n");
}

#[test]
fn over_quota_at_rcpt_then_no_recipients() {
    let mut m = machine(LmtpConfig::default());
    let (r, _) = feed(&mut m, b"MAIL FROM:<>\r\nRCPT TO:<full@x>\r\nDATA\r\n");
    assert_eq!(
        r,
        "250 2.1.0 ok\r\n452 4.2.2 Over quota SESSIONID=<m-1>\r\n503 5.5.1 No recipients\r\n"
    );
    assert!(m.backend().delivered.is_empty());
}

#[test]
fn bdat_without_chunking_is_skipped_and_keeps_the_transaction() {
    let mut m = machine(LmtpConfig {
        chunking: false,
        ..LmtpConfig::default()
    });
    let (r, _) = feed(
        &mut m,
        b"MAIL FROM:<>\r\nRCPT TO:<a@b>\r\nBDAT 6\r\nNOOP\r\nDATA\r\nx: y\r\n.\r\n",
    );
    assert_eq!(
        r,
        "250 2.1.0 ok\r\n250 2.1.5 ok\r\n500 5.5.2 Syntax error\r\n354 go ahead\r\n250 2.1.5 Success SESSIONID=<m-1>\r\n"
    );
}
