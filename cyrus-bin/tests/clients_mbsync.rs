//! mbsync (isync) against `cyr_imapd`: a Maildir of 200 generated
//! messages (plus a subfolder) goes up to the server over STARTTLS, byte
//! for byte; comes back down into an empty second Maildir; a second run
//! with no changes changes nothing; flag changes on either side meet.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod daemon;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use daemon::{have, Imap, TestSite};

const COUNT: usize = 200;
const ARCHIVED: usize = 5;

/// Message `i` as a Maildir file holds it (LF line ends).
fn message(i: usize) -> Vec<u8> {
    let mut m = format!(
        "From: Sender {i} <s{i}@example.org>\nTo: alice@example.org\n\
         Subject: message number {i}\nMessage-ID: <mbsync-{i}@example.org>\n\
         Date: Sun, 22 Nov 2026 12:{:02}:00 +0000\n",
        i % 60
    );
    match i % 4 {
        0 => m.push_str(
            "MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"b\"\n\n\
             --b\nContent-Type: text/plain\n\nplain part\n--b\n\
             Content-Type: text/html\n\n<p>html part</p>\n--b--\n",
        ),
        1 => m.push_str(
            "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\
             Content-Transfer-Encoding: 8bit\n\nGrüße, ça va? 日本語\n",
        ),
        2 => {
            m.push('\n');
            for l in 0..200 {
                m.push_str(&format!("line {l} of a longer body {}\n", "x".repeat(40)));
            }
        }
        _ => m.push_str(&format!("\nshort body {i}\n")),
    }
    m.into_bytes()
}

/// Maildir flags of message `i` at the start.
fn initial_flags(i: usize) -> &'static str {
    match (i % 5, i % 7) {
        (0, 0) => "FS",
        (0, _) => "S",
        (_, 0) => "F",
        _ => "",
    }
}

fn crlf(data: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(data.len() + data.len() / 20);
    for &b in data {
        if b == b'\n' {
            v.push(b'\r');
        }
        v.push(b);
    }
    v
}

/// `data` without the one `X-TUID: <12 chars>` header line mbsync puts
/// into every message it copies (its way to find the copy again should the
/// other side not say the new UID); everything else must be untouched.
fn without_tuid(data: &[u8]) -> Vec<u8> {
    let Some(at) = data.windows(9).position(|w| w == b"\nX-TUID: ") else {
        panic!("mbsync adds X-TUID to the messages it copies; not found");
    };
    let start = at + 1;
    let end = start
        + data[start..]
            .iter()
            .position(|&b| b == b'\n')
            .expect("X-TUID line ends")
        + 1;
    let value = &data[start + 8..end];
    let value = value.strip_suffix(b"\n").unwrap_or(value);
    let value = value.strip_suffix(b"\r").unwrap_or(value);
    assert_eq!(value.len(), 12, "X-TUID value");
    let mut v = data[..start].to_vec();
    v.extend_from_slice(&data[end..]);
    v
}

fn make_maildir(dir: &Path) {
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
}

/// Writes the generated messages into a new Maildir tree at `root`.
fn populate(root: &Path) {
    let inbox = root.join("INBOX");
    make_maildir(&inbox);
    for i in 0..COUNT {
        let name = format!("{}.M{i}P1.gen:2,{}", 1_795_000_000 + i, initial_flags(i));
        std::fs::write(inbox.join("cur").join(name), message(i)).unwrap();
    }
    let archive = root.join("Archive");
    make_maildir(&archive);
    for i in COUNT..COUNT + ARCHIVED {
        let name = format!("{}.M{i}P1.gen:2,S", 1_795_000_000 + i);
        std::fs::write(archive.join("cur").join(name), message(i)).unwrap();
    }
}

/// Every message file of the Maildir folder `dir`: Message-ID number →
/// (file name, contents).
fn maildir(dir: &Path) -> BTreeMap<usize, (String, Vec<u8>)> {
    let mut out = BTreeMap::new();
    for sub in ["cur", "new"] {
        let Ok(rd) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for e in rd {
            let e = e.unwrap();
            let data = std::fs::read(e.path()).unwrap();
            let text = String::from_utf8_lossy(&data);
            let n = text
                .split("Message-ID: <mbsync-")
                .nth(1)
                .and_then(|r| r.split('@').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("no Message-ID in {}", e.path().display()));
            let prev = out.insert(n, (e.file_name().to_string_lossy().into_owned(), data));
            assert!(prev.is_none(), "message {n} twice in {}", dir.display());
        }
    }
    out
}

/// Maildir flags in a file name (`…:2,FS`).
fn file_flags(name: &str) -> String {
    name.rsplit_once(":2,")
        .map(|(_, f)| f.to_string())
        .unwrap_or_default()
}

/// `UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])` on
/// `mailbox`: Message-ID number → IMAP flags, as mbsync maps them.
fn server_flags(imap: &mut Imap, mailbox: &str) -> BTreeMap<usize, String> {
    let sel = imap.cmd(&format!("EXAMINE {mailbox}"));
    assert!(sel.contains(" OK "), "{sel}");
    let all = imap.cmd("FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])");
    let mut out = BTreeMap::new();
    for item in all.split("* ").skip(1) {
        let Some(flags) = item
            .split("FLAGS (")
            .nth(1)
            .and_then(|f| f.split(')').next())
        else {
            continue;
        };
        let Some(n) = item
            .split("<mbsync-")
            .nth(1)
            .and_then(|r| r.split('@').next())
            .and_then(|n| n.parse().ok())
        else {
            continue;
        };
        let mut f = String::new();
        if flags.contains("\\Flagged") {
            f.push('F');
        }
        if flags.contains("\\Seen") {
            f.push('S');
        }
        out.insert(n, f);
    }
    out
}

struct Sync {
    config: PathBuf,
}

impl Sync {
    /// An mbsync configuration with one channel per near Maildir tree.
    fn new(site: &TestSite, port: u16, nears: &[(&str, &Path)]) -> Sync {
        let mut text = format!(
            "IMAPAccount server\nHost 127.0.0.1\nPort {port}\nUser alice\nPass secret\n\
             SSLType STARTTLS\nCertificateFile {}\nAuthMechs LOGIN\n\n\
             IMAPStore far\nAccount server\n\n",
            site.cert().display()
        );
        for (name, root) in nears {
            text.push_str(&format!(
                "MaildirStore {name}\nPath {0}/\nInbox {0}/INBOX\nSubFolders Verbatim\n\n\
                 Channel {name}\nFar :far:\nNear :{name}:\nPatterns *\nSync All\n\
                 Create Both\nExpunge Both\nSyncState *\n\n",
                root.display()
            ));
        }
        let config = site.root().join("mbsyncrc");
        std::fs::write(&config, text).unwrap();
        Sync { config }
    }

    /// Runs `mbsync channel`; returns its output, failing the test unless
    /// it exits 0.
    fn run(&self, channel: &str) -> String {
        let out = Command::new("mbsync")
            .arg("-c")
            .arg(&self.config)
            .arg(std::env::var("MBSYNC_FLAGS").unwrap_or_else(|_| "-V".into()))
            .arg(channel)
            .output()
            .expect("run mbsync");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.status.success(),
            "mbsync {channel}: {:?}\n{text}",
            out.status
        );
        text
    }
}

#[test]
fn mbsync_round_trip_and_flag_sync() {
    if !have("mbsync") {
        return;
    }
    let site = TestSite::new(&["alice"]);
    let imapd = site.imapd(&[]);
    let one = site.root().join("mail1");
    let two = site.root().join("mail2");
    populate(&one);
    std::fs::create_dir_all(&two).unwrap();
    let sync = Sync::new(&site, imapd.port, &[("one", &one), ("two", &two)]);

    // 1. Up: every message arrives byte for byte (CRLF line ends on the
    // IMAP side), with its flags; the subfolder is created.
    sync.run("one");
    let stored = site.messages("user.alice");
    assert_eq!(stored.len(), COUNT, "all messages on the server");
    let mut seen = std::collections::BTreeSet::new();
    for (_, data) in &stored {
        let text = String::from_utf8_lossy(data).into_owned();
        let n: usize = text
            .split("<mbsync-")
            .nth(1)
            .and_then(|r| r.split('@').next())
            .and_then(|n| n.parse().ok())
            .expect("message id");
        let data = &without_tuid(data);
        assert!(
            *data == crlf(&message(n)),
            "message {n} byte for byte:\n{}\n---- expected ----\n{}",
            String::from_utf8_lossy(data),
            String::from_utf8_lossy(&crlf(&message(n)))
        );
        assert!(seen.insert(n), "message {n} stored twice");
    }
    let archived = site.messages("user.alice.Archive");
    assert_eq!(archived.len(), ARCHIVED, "subfolder created and filled");
    let mut imap = Imap::login(imapd.port, "alice");
    let flags = server_flags(&mut imap, "INBOX");
    assert_eq!(flags.len(), COUNT);
    for (n, f) in &flags {
        assert_eq!(f, initial_flags(*n), "flags of message {n} on the server");
    }

    // 2. Down into an empty Maildir: the same messages and flags.
    sync.run("two");
    let down = maildir(&two.join("INBOX"));
    assert_eq!(down.len(), COUNT);
    for (n, (name, data)) in &down {
        let data = &without_tuid(data);
        assert!(
            *data == message(*n),
            "message {n} back down:\n{}\n---- expected ----\n{}",
            String::from_utf8_lossy(data),
            String::from_utf8_lossy(&message(*n))
        );
        assert_eq!(file_flags(name), initial_flags(*n), "flags of {name}");
    }
    assert_eq!(maildir(&two.join("Archive")).len(), ARCHIVED);

    // 3. Nothing changed: a second run changes nothing on either side.
    let before_server = site.messages("user.alice");
    let before_one = maildir(&one.join("INBOX"));
    let before_flags = server_flags(&mut imap, "INBOX");
    sync.run("one");
    sync.run("two");
    assert_eq!(
        site.messages("user.alice"),
        before_server,
        "server unchanged"
    );
    assert_eq!(maildir(&one.join("INBOX")), before_one, "Maildir unchanged");
    assert_eq!(server_flags(&mut imap, "INBOX"), before_flags);

    // 4. Flags change on both sides: Maildir one marks 1..=20 seen,
    // the server flags 100..=119 (by UID = position, as uploaded).
    let mut expect: BTreeMap<usize, String> = before_flags.clone();
    for (n, (name, _)) in &before_one {
        if (1..=20).contains(n) && !name.ends_with('S') {
            let dir = one.join("INBOX/cur");
            // "S" sorts after "F": appending keeps the flags in order.
            let renamed = format!("{name}S");
            std::fs::rename(dir.join(name), dir.join(&renamed)).unwrap();
            expect.get_mut(n).unwrap().push('S');
        }
    }
    let sel = imap.cmd("SELECT INBOX");
    assert!(sel.contains(" OK "), "{sel}");
    let mut by_uid = BTreeMap::new();
    for (uid, data) in &site.messages("user.alice") {
        let text = String::from_utf8_lossy(data);
        let n: usize = text
            .split("<mbsync-")
            .nth(1)
            .and_then(|r| r.split('@').next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        by_uid.insert(n, *uid);
    }
    for n in 100..120 {
        let r = imap.cmd(&format!(
            "UID STORE {} +FLAGS.SILENT (\\Flagged)",
            by_uid[&n]
        ));
        assert!(r.contains(" OK "), "{r}");
        let f = expect.get_mut(&n).unwrap();
        if !f.contains('F') {
            f.insert(0, 'F');
        }
    }
    imap.cmd("CLOSE");
    sync.run("one");
    sync.run("two");
    assert_eq!(server_flags(&mut imap, "INBOX"), expect, "server flags");
    for root in [&one, &two] {
        let files = maildir(&root.join("INBOX"));
        assert_eq!(files.len(), COUNT);
        for (n, (name, _)) in files {
            assert_eq!(
                file_flags(&name),
                expect[&n],
                "{}: flags of message {n}",
                root.display()
            );
        }
    }
    let _ = imap.cmd("LOGOUT");
}
