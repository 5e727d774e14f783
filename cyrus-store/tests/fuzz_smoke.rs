//! The fuzz targets' bodies (`fuzz/src/bodies.rs`) run on stable Rust over
//! seeded random and mutated inputs: valid files written by this crate
//! (twoskip databases, `cyrus.index`, `cyrus.header`, `cyrus.cache`),
//! fixture messages and names, each mutated by bit flips, byte stores,
//! truncation, duplication and splicing. Not a substitute for coverage-
//! guided fuzzing (`cargo +nightly fuzz run <target>`), but it runs in CI.
//!
//! `FUZZ_SMOKE_ITERS` sets the inputs per reader (default 2000).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

#[path = "../../fuzz/src/bodies.rs"]
#[allow(dead_code)]
mod bodies;

use std::path::Path;
use std::sync::Arc;

use cyrus_store::db::{Db, Twoskip, TwoskipOptions};
use cyrus_store::ids::UniqueId;
use cyrus_store::mailbox::{
    CreateSpec, FlagOp, Mailbox, NewMessage, SystemFlags, CACHE_FILE, HEADER_FILE, INDEX_FILE,
};
use cyrus_store::os::{Fs, FsRef, OpenMode, SimFs};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn iters() -> usize {
    std::env::var("FUZZ_SMOKE_ITERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000)
}

/// One random mutation of `seed` (or of a splice of two seeds).
fn mutate(rng: &mut StdRng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut v = seeds[rng.gen_range(0..seeds.len())].clone();
    let rounds = rng.gen_range(1..=4);
    for _ in 0..rounds {
        let len = v.len();
        match rng.gen_range(0..9) {
            0 | 1 if len > 0 => {
                let i = rng.gen_range(0..len);
                v[i] ^= 1 << rng.gen_range(0..8);
            }
            2 if len > 0 => {
                let i = rng.gen_range(0..len);
                v[i] = [0, 0xff, 0x7f, 0x80, b'\n', b'&', b'.', b'('][rng.gen_range(0..8)];
            }
            3 if len > 0 => {
                // An interesting 32-bit big-endian value (lengths, offsets).
                let i = rng.gen_range(0..len);
                let val: u32 = [0, 1, 0xffff_ffff, 0x8000_0000, len as u32, 4][rng.gen_range(0..6)];
                for (k, b) in val.to_be_bytes().iter().enumerate() {
                    if let Some(x) = v.get_mut(i + k) {
                        *x = *b;
                    }
                }
            }
            4 if len > 0 => v.truncate(rng.gen_range(0..len)),
            5 if len > 0 => {
                let a = rng.gen_range(0..len);
                let b = rng.gen_range(a..=len.min(a + 64));
                let chunk = v[a..b].to_vec();
                let at = rng.gen_range(0..=len);
                v.splice(at..at, chunk);
            }
            6 => {
                let other = &seeds[rng.gen_range(0..seeds.len())];
                let cut = rng.gen_range(0..=v.len());
                let from = rng.gen_range(0..=other.len());
                v.truncate(cut);
                v.extend_from_slice(&other[from..]);
            }
            7 if len > 0 => {
                let a = rng.gen_range(0..len);
                let b = rng.gen_range(a..=len);
                v.drain(a..b.min(a + 16));
            }
            _ => {
                let n = rng.gen_range(0..32);
                v.extend((0..n).map(|_| rng.gen::<u8>()));
            }
        }
    }
    v
}

/// Runs `body` over every seed, then over random bytes and mutations.
fn run(name: &str, seeds: &[Vec<u8>], body: fn(&[u8]), salt: u64) {
    let mut rng = StdRng::seed_from_u64(0x00c0_ffee ^ salt);
    for s in seeds {
        body(s);
    }
    let n = iters();
    for i in 0..n {
        let input = if i % 10 == 0 {
            let len = rng.gen_range(0..256);
            (0..len).map(|_| rng.gen::<u8>()).collect()
        } else {
            mutate(&mut rng, seeds)
        };
        let r = std::panic::catch_unwind(|| body(&input));
        if r.is_err() {
            panic!("{name}: input #{i} panicked; input bytes: {input:?}");
        }
    }
}

fn read(fs: &SimFs, path: &Path) -> Vec<u8> {
    fs.open(path, OpenMode::Read).unwrap().read_all().unwrap()
}

/// Files written by real Cyrus 3.6 (`../shared/fixtures`), when present.
fn fixture_files(rel: &[&str]) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/cyrus-3.6/basic");
    rel.iter()
        .filter_map(|r| std::fs::read(root.join(r)).ok())
        .collect()
}

/// Twoskip files written by real Cyrus and by this crate: empty, small,
/// with deletes, and one that is mid-transaction (needs recovery).
fn twoskip_seeds() -> Vec<Vec<u8>> {
    let mut out = fixture_files(&[
        "config/mailboxes.db",
        "config/annotations.db",
        "config/user/uuid/m/s/msitf3xrbtyfrgg8pb7byd36/seen.db",
    ]);
    for n in [0usize, 3, 40] {
        let sim = SimFs::new();
        let fs: FsRef = Arc::new(sim.clone());
        let path = Path::new("/db/seed.db");
        let opts = TwoskipOptions {
            create: true,
            no_compact: true,
            seed: Some(7),
            ..TwoskipOptions::default()
        };
        let mut t = Twoskip::open(fs.clone(), path, opts).unwrap();
        for i in 0..n {
            t.store(format!("key{i:03}").as_bytes(), &vec![b'v'; i % 13])
                .unwrap();
        }
        if n > 3 {
            t.delete(b"key002").unwrap();
            t.store(b"key001", b"replaced").unwrap();
        }
        drop(t);
        out.push(read(&sim, path));
        if n == 3 {
            let mut t = Twoskip::open(fs.clone(), path, opts).unwrap();
            t.begin().unwrap();
            t.store(b"uncommitted", b"x").unwrap();
            out.push(read(&sim, path));
            t.abort().unwrap();
        }
    }
    out
}

/// The three files of a mailbox with a few messages, flags and an expunge.
fn mailbox_seeds() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let sim = SimFs::new();
    let fs: FsRef = Arc::new(sim.clone());
    let dir = Path::new("/spool/m");
    let mut spec = CreateSpec::new(
        "user.fuzz",
        UniqueId::try_from("abcdefghijklmnopqrstuvwx").unwrap(),
        "fuzz\tlrswipkxtecdan\t",
        1_700_000_000,
    );
    spec.quotaroot = Some("user.fuzz".into());
    let mut mb = Mailbox::create(fs, dir, &spec).unwrap();
    let msgs: Vec<NewMessage> = MESSAGES
        .iter()
        .map(|raw| {
            let p = cyrus_store::message::parse(raw.as_bytes());
            NewMessage {
                data: raw.as_bytes().to_vec(),
                header_size: p.header_size(),
                cache: p.cache_items(),
                user_flags: vec!["$Label".into()],
                ..Default::default()
            }
        })
        .collect();
    let uids = mb.append_batch(&msgs, 1_700_000_100).unwrap();
    mb.store_flags(
        &uids[..1],
        FlagOp::Add,
        SystemFlags::DELETED,
        &["$x"],
        1_700_000_200,
    )
    .unwrap();
    mb.expunge(None, Default::default(), 1_700_000_300).unwrap();
    mb.close();
    (
        read(&sim, &dir.join(INDEX_FILE)),
        read(&sim, &dir.join(HEADER_FILE)),
        read(&sim, &dir.join(CACHE_FILE)),
    )
}

const MESSAGES: [&str; 4] = [
    "From: Alice <alice@example.org>\r\nTo: bob@example.org, \"Carol C\" <c@example.org>\r\n\
     Subject: =?utf-8?q?caf=C3=A9?=\r\nDate: Tue, 1 Jul 2025 10:00:00 +0200\r\n\
     Message-ID: <1@example.org>\r\n\r\nHello\r\n",
    "From: a@b\r\nSubject: multipart\r\nMIME-Version: 1.0\r\n\
     Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\npreamble\r\n--XX\r\n\
     Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
     caf=E9\r\n--XX\r\nContent-Type: application/pdf; name*=UTF-8''r%C3%A9sum%C3%A9.pdf\r\n\
     Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--XX\r\n\
     Content-Type: message/rfc822\r\n\r\nFrom: x@y\r\nSubject: inner\r\n\r\ninner body\r\n--XX--\r\n",
    "Subject: bare lf\nFrom: x@y\n\nbody\n",
    "Content-Type: multipart/alternative; boundary=a\r\n\r\n--a\r\nContent-Type: multipart/related; boundary=b\r\n\r\n\
     --b\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n--b--\r\n--a--\r\n",
];

#[test]
fn twoskip_reader() {
    run("twoskip", &twoskip_seeds(), bodies::twoskip, 1);
}

#[test]
fn index_reader() {
    let (index, _, _) = mailbox_seeds();
    // Records alone, tagged with their version byte, as the target reads them.
    let rec = index[160..].to_vec();
    let mut tagged = vec![17 - 6];
    tagged.extend_from_slice(&rec);
    run("index", &[index, tagged], bodies::index, 2);
}

#[test]
fn header_reader() {
    let (_, header, _) = mailbox_seeds();
    let legacy = [
        cyrus_store::mailbox::header::HEADER_MAGIC,
        b"user.fuzz\tabcdefghijklmnopqrstuvwx\n$Label  $x\nfuzz\tlrs\t\n",
    ]
    .concat();
    let mut seeds = vec![header, legacy];
    seeds.extend(fixture_files(&[
        "spool/uuid/3/y/3ymvfknpzwsg21w0ofqy25lc/cyrus.header",
        "spool/uuid/q/t/qtpm498sbm20kjbl61gcodah/cyrus.header",
    ]));
    run("header", &seeds, bodies::header, 3);
}

#[test]
fn cache_reader() {
    let (_, _, cache) = mailbox_seeds();
    // The target takes a two-byte offset first; the first entry is at 4.
    let mut at4 = vec![0, 4];
    at4.extend_from_slice(&cache);
    run("cache", &[at4], bodies::cache, 4);
}

#[test]
fn mboxname_reader() {
    let seeds: Vec<Vec<u8>> = [
        "user.alice.Sent",
        "example.com!user.bob.a^b",
        "DELETED.user.alice.X.6B02EEA4",
        "INBOX/Sent",
        "Other Users/bob/Drafts",
        "Shared Folders/news",
        "INBOX.&AOk-t&AOk-",
        "&ZeVnLIqe-",
        "user\u{1f}alice\u{1f}a.b",
        "example.com\u{1d}user\u{1f}bob",
        "caf\u{e9}/\u{65e5}\u{672c}",
        "&-&-",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    run("mboxname", &seeds, bodies::mboxname, 5);
}

#[test]
fn mime_reader() {
    let seeds: Vec<Vec<u8>> = MESSAGES.iter().map(|m| m.as_bytes().to_vec()).collect();
    run("mime", &seeds, bodies::mime, 6);
}

#[test]
fn store_operation_sequences() {
    // Each input is a whole program of store operations; fewer of them.
    let seeds: Vec<Vec<u8>> = vec![
        // create user.a, append two, flag, expunge, quota, delete child
        vec![
            0, 0, 0, 1, 0, 1, 5, b'h', b'e', b'l', b'l', b'o', 0, 2, 0, 2, 3, 0, 1, 4, 0, 9, 5, 1,
        ],
        vec![
            1, 0, 2, 1, 2, 2, 3, b'a', b'b', b'c', 1, 9, 0, 4, 2, 1, 3, 2, 1, 5, 2, 5, 0,
        ],
        vec![
            0, 0, 4, 1, 4, 0, 0, 0, 0, 4, 4, 0, 1, 4, 2, 200, 0, 0, 0, 5, 4,
        ],
    ];
    let n = iters() / 10;
    let mut rng = StdRng::seed_from_u64(7);
    for s in &seeds {
        bodies::store_ops(s);
    }
    for i in 0..n {
        let input = if i % 4 == 0 {
            let len = rng.gen_range(0..96);
            (0..len).map(|_| rng.gen::<u8>()).collect()
        } else {
            mutate(&mut rng, &seeds)
        };
        let r = std::panic::catch_unwind(|| bodies::store_ops(&input));
        if r.is_err() {
            panic!("store_ops: input #{i} panicked; input bytes: {input:?}");
        }
    }
}
