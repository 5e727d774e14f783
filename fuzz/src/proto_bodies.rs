//! Fuzz target bodies for `cyrus-proto`: the IMAP command decoders, the
//! IMAP, LMTP and POP3 session machines over a store on `SimFs`, and the Sieve
//! parser and interpreter. Shared by the `cargo fuzz` binaries and by the
//! stable smoke test `cyrus-proto/tests/fuzz_smoke.rs` (by `#[path]`), so
//! it depends only on `cyrus_proto`, `cyrus_store`, `imap_codec` and `std`.
//!
//! Each panics only on a real bug: a decoder or session that panics or
//! loops, a session that writes something that is not a protocol line.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use cyrus_proto::imap::{decode_ext_command, Event, Framer, ImapConfig, ImapSession, Limits};
use cyrus_proto::lmtp::{
    CountingSessionIds, LmtpConfig, LmtpSession, OutgoingMessage, Sendmail, SessionIds,
};
use cyrus_proto::pop3::{Pop3Config, Pop3Session};
use cyrus_proto::runtime::{ConnInfo, Output, PeerAddr, Session};
use cyrus_proto::sasl::{random_mock_key, AlwaysTrue, AuthzPolicy, PlaintextPolicy, SaslConfig};
use cyrus_proto::sieve::{CompileOptions, EvalOptions, NoHost, ParsedMessage, Script};
use cyrus_store::mboxname::MailboxName;
use cyrus_store::os::{FsRef, SimFs};
use cyrus_store::{AppendRequest, NewMailbox, Store, StoreOptions};
use imap_codec::decode::Decoder;
use imap_codec::CommandCodec;

const NOW: u64 = 1_795_000_000;

fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(NOW)
}

/// One IMAP message through both decoders, as the session tries them.
fn decode_imap(msg: &[u8]) {
    if let Some(Ok(m)) = decode_ext_command(msg) {
        let _ = (
            m.command.name(),
            m.command.by_sequence(),
            m.command.delivers(),
        );
    }
    let _ = CommandCodec::default().decode(msg);
}

/// The IMAP command decoder: the input framed into messages (lines with
/// literals, small limits), each through our extension grammar and
/// imap-codec; the raw input too.
pub fn imap_command(data: &[u8]) {
    let mut framer = Framer::new(Limits {
        max_line: 4096,
        max_literal: 16 * 1024,
    });
    for ev in framer.push(data) {
        if let Event::Message(m) = ev {
            decode_imap(&m);
        }
    }
    decode_imap(data);
}

/// A store on `SimFs` with `user.alice` (three messages) and
/// `user.alice.Sub`, and `user.bob`.
fn sim_store() -> Arc<Store> {
    let fs: FsRef = Arc::new(SimFs::new());
    let store = Store::open(fs, StoreOptions::new("/lib", "/spool")).expect("store on SimFs");
    for n in ["user.alice", "user.alice.Sub", "user.bob"] {
        let name = MailboxName::from_internal(n).expect("fixed name");
        store
            .create_mailbox(&name, &NewMailbox::default(), NOW as u32)
            .expect("create on SimFs");
    }
    let inbox = MailboxName::from_internal("user.alice").expect("fixed name");
    let msgs: Vec<AppendRequest> = [
        &b"From: a@example.org\r\nSubject: one\r\n\r\nbody one\r\n"[..],
        b"From: b@example.org\r\nSubject: two\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\npart\r\n--x--\r\n",
        b"Subject: three\r\n\r\n",
    ]
    .iter()
    .map(|d| AppendRequest {
        data: d.to_vec(),
        flags: vec!["\\Seen".into()],
        internaldate: Some(NOW as u32),
    })
    .collect();
    store
        .append(&inbox, &msgs, NOW as u32)
        .expect("append on SimFs");
    Arc::new(store)
}

/// Checks that a session wrote whole lines only.
fn whole_lines(out: &Output, what: &str) {
    let sent = out.sent_bytes();
    assert!(
        sent.is_empty() || sent.ends_with(b"\r\n"),
        "{what} sent a partial line: {:?}",
        String::from_utf8_lossy(&sent[sent.len().saturating_sub(80)..])
    );
}

/// The IMAP session fed arbitrary bytes, in chunks whose sizes come from
/// the first byte; bit 0 of it chooses a session already logged in as
/// alice with INBOX selected, or one before login.
pub fn imap_session(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let store = sim_store();
    let sasl = SaslConfig::new(
        Some("PLAIN LOGIN"),
        PlaintextPolicy::Allowed,
        random_mock_key(),
    );
    let config = ImapConfig {
        limits: Limits {
            max_line: 8 * 1024,
            max_literal: 64 * 1024,
        },
        ..ImapConfig::default()
    };
    let mut s = ImapSession::new(
        store,
        Arc::new(sasl),
        Arc::new(AlwaysTrue::new(AuthzPolicy::new(vec![], vec![]))),
        config,
        ConnInfo {
            service: "imap".into(),
            peer: PeerAddr::Unix,
            local: None,
            tls: false,
        },
    );
    let mut out = Output::new();
    s.greeting(now(), &mut out);
    if mode & 1 == 1 {
        let mut out = Output::new();
        s.input(b"a LOGIN alice pw\r\nb SELECT INBOX\r\n", now(), &mut out);
        whole_lines(&out, "IMAP login");
    }
    let chunk = 1 + usize::from(mode >> 1);
    for piece in rest.chunks(chunk) {
        let mut out = Output::new();
        s.input(piece, now(), &mut out);
        whole_lines(&out, "IMAP");
        if out.closes() {
            return;
        }
    }
    let mut out = Output::new();
    s.wake(now(), &mut out);
    whole_lines(&out, "IMAP wake");
}

/// Accepts outgoing mail (Sieve redirect, vacation) and drops it.
struct NoMail;

impl Sendmail for NoMail {
    fn send(&self, _msg: &OutgoingMessage) -> Result<(), String> {
        Ok(())
    }
}

/// The LMTP session fed arbitrary bytes in chunks (sizes from the first
/// byte; bit 0 of it starts with a valid LHLO/MAIL/RCPT so DATA is
/// reached). Every reply line is `NNN` then `-` or a space.
pub fn lmtp_session(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let ids: Arc<dyn SessionIds> = Arc::new(CountingSessionIds::new("fuzz"));
    let config = LmtpConfig {
        max_message_size: Some(64 * 1024),
        ..LmtpConfig::default()
    };
    let mut s = LmtpSession::new(
        sim_store(),
        Arc::new(config),
        Arc::new(NoMail),
        ids,
        &ConnInfo {
            service: "lmtp".into(),
            peer: PeerAddr::Unix,
            local: None,
            tls: false,
        },
    );
    let mut all = Vec::new();
    let mut out = Output::new();
    s.greeting(now(), &mut out);
    all.extend(out.sent_bytes());
    let feed = |s: &mut LmtpSession, bytes: &[u8], all: &mut Vec<u8>| -> bool {
        let mut out = Output::new();
        s.input(bytes, now(), &mut out);
        whole_lines(&out, "LMTP");
        all.extend(out.sent_bytes());
        !out.closes()
    };
    if mode & 1 == 1
        && !feed(
            &mut s,
            b"LHLO fuzz\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<alice>\r\nDATA\r\n",
            &mut all,
        )
    {
        return;
    }
    let chunk = 1 + usize::from(mode >> 1);
    for piece in rest.chunks(chunk) {
        if !feed(&mut s, piece, &mut all) {
            break;
        }
    }
    for line in all.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let ok = line.len() >= 4
            && line[..3].iter().all(u8::is_ascii_digit)
            && matches!(line[3], b' ' | b'-')
            && line.ends_with(b"\r");
        assert!(
            ok,
            "not an LMTP reply line: {:?}",
            String::from_utf8_lossy(line)
        );
    }
}

/// The POP3 session fed arbitrary bytes in chunks (sizes from the first
/// byte; bit 0 of it logs in as alice first, so the transaction commands
/// run on her three messages). Every burst of output is whole lines and
/// starts with a status (`+OK`, `-ERR`, or an AUTH challenge `+ `).
pub fn pop3_session(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let sasl = SaslConfig::new(
        Some("PLAIN LOGIN"),
        PlaintextPolicy::Allowed,
        random_mock_key(),
    );
    let config = Pop3Config {
        max_line: 1024,
        use_imap_flags: mode & 2 == 2,
        ..Pop3Config::default()
    };
    let mut s = Pop3Session::new(
        sim_store(),
        Arc::new(sasl),
        Arc::new(AlwaysTrue::new(AuthzPolicy::new(vec![], vec![]))),
        Arc::new(config),
        Arc::new(CountingSessionIds::new("fuzz")),
        &ConnInfo {
            service: "pop3".into(),
            peer: PeerAddr::Unix,
            local: None,
            tls: false,
        },
    );
    let feed = |s: &mut Pop3Session, bytes: &[u8]| -> bool {
        let mut out = Output::new();
        s.input(bytes, now(), &mut out);
        whole_lines(&out, "POP3");
        let sent = out.sent_bytes();
        assert!(
            sent.is_empty()
                || sent.starts_with(b"+OK")
                || sent.starts_with(b"-ERR ")
                || sent.starts_with(b"+ "),
            "not a POP3 status: {:?}",
            String::from_utf8_lossy(&sent[..sent.len().min(80)])
        );
        !out.closes()
    };
    let mut out = Output::new();
    s.greeting(now(), &mut out);
    if mode & 1 == 1 && !feed(&mut s, b"USER alice\r\nPASS pw\r\n") {
        return;
    }
    let chunk = 1 + usize::from(mode >> 2);
    for piece in rest.chunks(chunk) {
        if !feed(&mut s, piece) {
            return;
        }
    }
}

/// The Sieve parser and compiler: arbitrary text compiles or fails; what
/// compiles round-trips through its stored form; arbitrary bytes as a
/// stored form load or fail.
pub fn sieve_parse(data: &[u8]) {
    let opts = CompileOptions::default();
    let src = String::from_utf8_lossy(data);
    if let Ok(s) = Script::compile(&src, &opts) {
        let bytes = s.to_bytes();
        let back = Script::from_bytes(&bytes, &opts).expect("a compiled script loads");
        assert_eq!(back, s, "compiled form round trip");
        assert_eq!(back.to_bytes(), bytes);
    }
    let _ = Script::from_bytes(data, &opts);
}

/// Scripts the interpreter target runs over arbitrary messages.
const SCRIPTS: &[&str] = &[
    "require [\"fileinto\", \"imap4flags\", \"variables\", \"body\", \"envelope\", \"relational\", \"comparator-i;ascii-numeric\"];\n\
     if header :matches \"Subject\" \"*a*b*\" { set \"x\" \"${1}${2}\"; fileinto \"INBOX.${x}\"; }\n\
     if body :text :contains \"money\" { addflag \"\\\\Flagged\"; }\n\
     if address :domain :is [\"from\", \"to\"] \"example.org\" { keep; }\n\
     if envelope :localpart :matches \"from\" \"*\" { set \"s\" \"${1}\"; }\n\
     if header :count \"ge\" :comparator \"i;ascii-numeric\" \"Received\" \"3\" { discard; }",
    "require [\"editheader\", \"variables\", \"enotify\", \"date\", \"index\", \"regex\", \"subaddress\", \"encoded-character\", \"relational\"];\n\
     if header :regex \"Subject\" \"^(.*) (.*)$\" { set :upper \"t\" \"${2}\"; }\n\
     addheader \"X-Seen\" \"yes\"; deleteheader :index 1 \"Received\";\n\
     if address :user \"to\" \"alice\" { notify \"mailto:alice@example.org\"; }\n\
     if date :is \"date\" \"year\" \"2026\" { keep; }\n\
     if header :contains \"Subject\" \"${hex:41}\" { stop; }\n\
     if currentdate :value \"ge\" \"hour\" \"00\" { stop; }",
    "require [\"vacation\", \"duplicate\", \"reject\", \"copy\"];\n\
     if duplicate :header \"Message-ID\" { discard; stop; }\n\
     if exists \"X-Spam\" { reject \"no\"; }\n\
     vacation :days 3 :subject \"away\" \"I am away\";\n\
     redirect :copy \"other@example.org\";",
];

/// The Sieve interpreter: the first byte picks a script (or, past the
/// fixed ones, the text up to the first NUL is the script); the rest is
/// the message.
pub fn sieve_eval(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let opts = CompileOptions::default();
    let (script, msg) = match SCRIPTS.get(usize::from(pick)) {
        Some(src) => (
            Script::compile(src, &opts).expect("the fixed scripts compile"),
            rest,
        ),
        None => {
            let cut = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
            let Ok(s) = Script::compile(&String::from_utf8_lossy(&rest[..cut]), &opts) else {
                return;
            };
            (s, rest.get(cut + 1..).unwrap_or_default())
        }
    };
    let parsed = ParsedMessage::parse(msg, Some("sender@example.org"), Some("alice@example.org"));
    let eval = EvalOptions {
        user: "alice".into(),
        user_addresses: vec!["alice@example.org".into()],
        ..EvalOptions::default()
    };
    let _ = script.evaluate(&parsed, &NoHost, &eval);
}
