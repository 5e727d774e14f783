//! Differential session against the running real Cyrus 3.6 anchor
//! (`../shared/anchors/`, 127.0.0.1:21143, alice/pass): the same fixture
//! messages are APPENDed (same flags and internal dates) to a scratch
//! mailbox `wt-clients-diff` there and in our session, then the same
//! LIST, LSUB, STATUS, SELECT, FETCH ENVELOPE/BODYSTRUCTURE/BODY[...]
//! commands go to both and the answers are compared line for line.
//!
//! Allowed differences (normalised before comparing), each a value the
//! server chooses, not a behaviour: `UIDVALIDITY`, `MAILBOXID`, and
//! modseq numbers (`HIGHESTMODSEQ`, `MODSEQ`), which depend on each
//! server's history.
//!
//! Skipped, with a printed reason, only when the anchor does not answer;
//! `.ci/run` starts it when running as root.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod imap_support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use imap_support::{feed, fixture_dir, greet, Site};

const ANCHOR: &str = "127.0.0.1:21143";
const MAILBOX: &str = "wt-clients-diff";

/// A blocking IMAP client for the anchor.
struct Anchor {
    r: BufReader<TcpStream>,
}

impl Anchor {
    fn connect() -> Option<Anchor> {
        let addr = ANCHOR.parse().unwrap();
        let s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut a = Anchor {
            r: BufReader::new(s),
        };
        let mut g = String::new();
        a.r.read_line(&mut g).ok()?;
        g.starts_with("* OK").then_some(a)
    }

    /// Sends `cmd` (a whole command, literals included, CRLF-terminated)
    /// whose tag is `tag`; returns every byte up to and including the
    /// tagged line.
    fn run(&mut self, tag: &str, cmd: &[u8]) -> Vec<u8> {
        self.r.get_mut().write_all(cmd).unwrap();
        let mut all = Vec::new();
        loop {
            let mut line = Vec::new();
            self.r.read_until(b'\n', &mut line).unwrap();
            assert!(!line.is_empty(), "anchor closed the connection");
            all.extend_from_slice(&line);
            if let Some(n) = literal_len(&line) {
                let mut lit = vec![0; n];
                self.r.read_exact(&mut lit).unwrap();
                all.extend_from_slice(&lit);
                continue;
            }
            if line.starts_with(format!("{tag} ").as_bytes()) {
                return all;
            }
        }
    }
}

fn literal_len(line: &[u8]) -> Option<usize> {
    let l = std::str::from_utf8(line).ok()?.trim_end();
    let inner = l.strip_suffix('}')?;
    inner.rsplit_once('{')?.1.parse().ok()
}

fn crlf(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 64);
    for (i, &c) in data.iter().enumerate() {
        if c == b'\n' && (i == 0 || data[i - 1] != b'\r') {
            out.push(b'\r');
        }
        out.push(c);
    }
    out
}

/// Replaces the number (or parenthesised value) after each `key`.
fn blank_after(text: &str, key: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(key) {
        out.push_str(&rest[..i + key.len()]);
        rest = &rest[i + key.len()..];
        let end = if rest.starts_with('(') {
            rest.find(')').map_or(rest.len(), |e| e + 1)
        } else {
            rest.find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(rest.len())
        };
        out.push('_');
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Cyrus's timing note on a tagged completion: ` (0.001 sec)` or
/// ` (5 msgs in 0.000 secs)`.
fn drop_timing(text: &str) -> String {
    text.split_inclusive("\r\n")
        .map(|l| {
            let Some(open) = l.rfind(" (") else {
                return l.to_string();
            };
            let tail = &l[open..];
            if tail.contains(" sec") && tail.ends_with(")\r\n") {
                format!("{}\r\n", &l[..open])
            } else {
                l.to_string()
            }
        })
        .collect()
}

/// Response codes of capabilities we do not advertise (URLAUTH,
/// ANNOTATE-EXPERIMENT-1): Cyrus sends them on SELECT.
const NOT_OFFERED: &[&str] = &[
    "* OK [URLMECH INTERNAL] Ok\r\n",
    "* OK [ANNOTATIONS 65536] Ok\r\n",
];

/// The allowed differences, blanked.
fn normalise(resp: &[u8]) -> String {
    let mut t = drop_timing(&String::from_utf8_lossy(resp));
    for line in NOT_OFFERED {
        t = t.replace(line, "");
    }
    for key in ["UIDVALIDITY ", "MAILBOXID ", "HIGHESTMODSEQ ", "MODSEQ "] {
        t = blank_after(&t, key);
    }
    t
}

/// The fixture messages used (CRLF line ends), with APPEND flags.
fn messages() -> Vec<(Vec<u8>, &'static str)> {
    let dir = fixture_dir().join("messages");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".eml"))
        .collect();
    names.sort();
    let flags = [
        "(\\Seen)",
        "()",
        "(\\Flagged $Forwarded)",
        "(\\Answered \\Seen)",
    ];
    names
        .iter()
        .take(12)
        .enumerate()
        .map(|(i, n)| {
            (
                crlf(&std::fs::read(dir.join(n)).unwrap()),
                flags[i % flags.len()],
            )
        })
        .collect()
}

/// The compared session: (tag, command line).
fn session() -> Vec<(String, String)> {
    let m = MAILBOX;
    [
        format!("LIST \"\" \"{m}*\""),
        format!("LIST \"\" \"{m}/%\""),
        format!("LSUB \"\" \"{m}*\""),
        format!("STATUS {m} (MESSAGES RECENT UIDNEXT UNSEEN)"),
        format!("STATUS {m}/sub (MESSAGES UIDNEXT UNSEEN)"),
        format!("SELECT {m}"),
        "FETCH 1:* (FLAGS INTERNALDATE RFC822.SIZE UID)".into(),
        "FETCH 1:* (ENVELOPE)".into(),
        "FETCH 1:* (BODYSTRUCTURE)".into(),
        "FETCH 1:* (BODY)".into(),
        "FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT FROM DATE)])".into(),
        "FETCH 1:6 (BODY.PEEK[HEADER])".into(),
        "FETCH 1:6 (BODY.PEEK[TEXT])".into(),
        "FETCH 1:* (BODY.PEEK[1])".into(),
        "FETCH 1:* (BODY.PEEK[1.MIME])".into(),
        "FETCH 1:* (BODY.PEEK[2])".into(),
        "FETCH 1:* (BODY.PEEK[]<0.200>)".into(),
        "UID FETCH 1:* (BODY.PEEK[HEADER.FIELDS.NOT (RECEIVED)])".into(),
        "FETCH 2 (BODY[TEXT])".into(),
        "FETCH 2 (FLAGS)".into(),
        "UID SEARCH UNSEEN".into(),
        "CLOSE".into(),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, c)| (format!("d{i}"), c))
    .collect()
}

/// Creates the scratch mailboxes and appends the messages; `send` runs
/// one tagged command.
fn set_up(send: &mut dyn FnMut(&str, &[u8]) -> Vec<u8>) {
    let m = MAILBOX;
    // A leftover of an interrupted run goes first.
    send("x1", format!("x1 DELETE {m}/sub\r\n").as_bytes());
    send("x2", format!("x2 DELETE {m}\r\n").as_bytes());
    for (tag, cmd) in [
        ("c1", format!("c1 CREATE {m}\r\n")),
        ("c2", format!("c2 CREATE {m}/sub\r\n")),
        ("c3", format!("c3 SUBSCRIBE {m}\r\n")),
    ] {
        let r = send(tag, cmd.as_bytes());
        assert!(
            r.windows(tag.len() + 3)
                .any(|w| w == format!("{tag} OK").as_bytes()),
            "{cmd}: {}",
            String::from_utf8_lossy(&r)
        );
    }
    for (i, (data, flags)) in messages().iter().enumerate() {
        let tag = format!("a{i}");
        let mut cmd = format!(
            "{tag} APPEND {m} {flags} \"22-Nov-2026 12:{:02}:00 +0000\" {{{}+}}\r\n",
            i,
            data.len()
        )
        .into_bytes();
        cmd.extend_from_slice(data);
        cmd.extend_from_slice(b"\r\n");
        let r = send(&tag, &cmd);
        assert!(
            r.windows(tag.len() + 3)
                .any(|w| w == format!("{tag} OK").as_bytes()),
            "APPEND {i}: {}",
            String::from_utf8_lossy(&r)
        );
    }
}

fn tear_down(send: &mut dyn FnMut(&str, &[u8]) -> Vec<u8>) {
    send("z0", format!("z0 UNSUBSCRIBE {MAILBOX}\r\n").as_bytes());
    send("z1", format!("z1 DELETE {MAILBOX}/sub\r\n").as_bytes());
    send("z2", format!("z2 DELETE {MAILBOX}\r\n").as_bytes());
}

#[test]
fn same_session_same_answers_as_real_cyrus() {
    let Some(mut anchor) = Anchor::connect() else {
        println!(
            "SKIP: the Cyrus anchor on {ANCHOR} does not answer \
             (start it with ../shared/anchors/cyrus-up.sh as root)"
        );
        return;
    };
    let r = anchor.run("l", b"l LOGIN alice pass\r\n");
    assert!(r.starts_with(b"l OK") || r.windows(4).any(|w| w == b"l OK"));

    let site = Site::new();
    let mut ours = site.session(Site::config());
    greet(&mut ours);
    feed(&mut ours, b"l LOGIN alice pass\r\n");

    set_up(&mut |tag, cmd| anchor.run(tag, cmd));
    set_up(&mut |_, cmd| feed(&mut ours, cmd));

    let mut diffs = Vec::new();
    let mut compared = 0;
    for (tag, cmd) in session() {
        let line = format!("{tag} {cmd}\r\n");
        let theirs = normalise(&anchor.run(&tag, line.as_bytes()));
        let mine = normalise(&feed(&mut ours, line.as_bytes()));
        compared += 1;
        if theirs != mine {
            let cut = |x: &str| x.chars().take(3000).collect::<String>();
            let d = format!(
                "== {cmd}\n-- cyrus:\n{}\n-- ours:\n{}",
                cut(&theirs),
                cut(&mine)
            );
            diffs.push(d);
        }
    }

    tear_down(&mut |tag, cmd| anchor.run(tag, cmd));
    let _ = anchor.run("o", b"o LOGOUT\r\n");
    assert!(compared > 20);
    assert!(
        diffs.is_empty(),
        "{} of {compared} commands answered differently:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}
