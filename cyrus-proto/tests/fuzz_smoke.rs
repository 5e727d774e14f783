//! The protocol fuzz targets' bodies (`fuzz/src/proto_bodies.rs`) run on
//! stable Rust over seeded random and mutated inputs: the client lines of
//! the IMAP, LMTP and POP3 transcripts, Sieve scripts and the Cyrus fixture
//! messages, each mutated by bit flips, interesting bytes, truncation,
//! duplication and splicing. Not a substitute for coverage-guided fuzzing
//! (`cargo +nightly fuzz run <target>` in `fuzz/`), but it runs in CI.
//!
//! `FUZZ_SMOKE_ITERS` sets the inputs per target (default 300).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

#[path = "../../fuzz/src/proto_bodies.rs"]
mod proto_bodies;

use std::path::Path;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn iters() -> usize {
    std::env::var("FUZZ_SMOKE_ITERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300)
}

/// One random mutation of a seed (or of a splice of two).
fn mutate(rng: &mut StdRng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut v = seeds[rng.gen_range(0..seeds.len())].clone();
    for _ in 0..rng.gen_range(1..=4) {
        let len = v.len();
        match rng.gen_range(0..8) {
            0 | 1 if len > 0 => {
                let i = rng.gen_range(0..len);
                v[i] ^= 1 << rng.gen_range(0..8);
            }
            2 if len > 0 => {
                let i = rng.gen_range(0..len);
                const BYTES: &[u8] = b"\0\xff\r\n{}()[]\"\\*%~+-0123456789 .:;";
                v[i] = BYTES[rng.gen_range(0..BYTES.len())];
            }
            3 if len > 0 => v.truncate(rng.gen_range(0..len)),
            4 if len > 0 => {
                let a = rng.gen_range(0..len);
                let b = rng.gen_range(a..=len.min(a + 64));
                let piece = v[a..b].to_vec();
                let at = rng.gen_range(0..=v.len());
                v.splice(at..at, piece);
            }
            5 => {
                let other = &seeds[rng.gen_range(0..seeds.len())];
                let cut = rng.gen_range(0..=v.len());
                let from = rng.gen_range(0..=other.len());
                v.truncate(cut);
                v.extend_from_slice(&other[from..]);
            }
            6 => {
                // A literal announcement with a random length.
                let at = rng.gen_range(0..=v.len());
                let lit = format!(" {{{}}}\r\n", rng.gen_range(0..100_000u32));
                v.splice(at..at, lit.into_bytes());
            }
            _ => {
                let at = rng.gen_range(0..=v.len());
                let n = rng.gen_range(0..16);
                let junk: Vec<u8> = (0..n).map(|_| rng.gen()).collect();
                v.splice(at..at, junk);
            }
        }
    }
    v
}

/// The client lines of every transcript in `dir`, one seed per file.
fn transcript_seeds(dir: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut seeds = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        let mut seed = Vec::new();
        for l in text.lines() {
            if let Some(c) = l.strip_prefix("C: ") {
                seed.extend_from_slice(c.as_bytes());
                seed.extend_from_slice(b"\r\n");
            }
        }
        if !seed.is_empty() {
            seeds.push(seed);
        }
    }
    assert!(!seeds.is_empty(), "no transcripts in {}", dir.display());
    seeds
}

fn fixture_messages() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/cyrus-3.6/basic/messages");
    let mut v: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| std::fs::read(e.ok()?.path()).ok())
                .collect()
        })
        .unwrap_or_default();
    v.push(b"From: a@example.org\r\nSubject: money\r\nMessage-ID: <x@y>\r\n\r\nbody\r\n".to_vec());
    v
}

fn run(name: &str, seeds: &[Vec<u8>], prefix: &dyn Fn(&mut StdRng) -> Vec<u8>, body: fn(&[u8])) {
    let mut rng = StdRng::seed_from_u64(0x5eed ^ name.len() as u64);
    for s in seeds {
        let mut input = prefix(&mut rng);
        input.extend_from_slice(s);
        body(&input);
    }
    for i in 0..iters() {
        let mut input = prefix(&mut rng);
        input.extend(mutate(&mut rng, seeds));
        let result = std::panic::catch_unwind(|| body(&input));
        if result.is_err() {
            panic!(
                "{name}: input {i} panicked: {:?}",
                String::from_utf8_lossy(&input)
            );
        }
    }
}

fn mode_byte(rng: &mut StdRng) -> Vec<u8> {
    vec![rng.gen()]
}

fn nothing(_: &mut StdRng) -> Vec<u8> {
    Vec::new()
}

#[test]
fn imap_command_decoder() {
    run(
        "imap_command",
        &transcript_seeds("tests/transcripts/imap"),
        &nothing,
        proto_bodies::imap_command,
    );
}

#[test]
fn imap_session_machine() {
    run(
        "imap_session",
        &transcript_seeds("tests/transcripts/imap"),
        &mode_byte,
        proto_bodies::imap_session,
    );
}

#[test]
fn lmtp_session_machine() {
    let mut seeds = transcript_seeds("tests/transcripts/lmtp");
    seeds.extend(fixture_messages().into_iter().map(|mut m| {
        m.extend_from_slice(b"\r\n.\r\nQUIT\r\n");
        m
    }));
    run(
        "lmtp_session",
        &seeds,
        &mode_byte,
        proto_bodies::lmtp_session,
    );
}

#[test]
fn pop3_session_machine() {
    let mut seeds = transcript_seeds("tests/transcripts/pop3");
    seeds.push(
        b"RETR 1\r\nTOP 2 1\r\nDELE 3\r\nRSET\r\nDELE 1\r\nUIDL\r\nLIST\r\nQUIT\r\n".to_vec(),
    );
    run(
        "pop3_session",
        &seeds,
        &mode_byte,
        proto_bodies::pop3_session,
    );
}

const SCRIPTS: &[&str] = &[
    "require [\"fileinto\", \"variables\"];\nif header :matches \"Subject\" \"*\" { set \"s\" \"${1}\"; fileinto \"INBOX.${s}\"; } else { keep; }",
    "require \"vacation\";\nvacation :days 1 :addresses [\"a@b.c\"] text:\r\nAway\r\n..\r\n.\r\n;",
    "if anyof (size :over 10K, not exists \"From\", address :all :is \"to\" \"x@y\") { discard; stop; }",
    "require [\"editheader\", \"imap4flags\"];\naddheader :last \"X-A\" \"b\"; setflag \"\\\\Seen\"; # comment\n/* block */ keep :flags \"x\";",
];

#[test]
fn sieve_parser() {
    let seeds: Vec<Vec<u8>> = SCRIPTS.iter().map(|s| s.as_bytes().to_vec()).collect();
    run("sieve_parse", &seeds, &nothing, proto_bodies::sieve_parse);
}

#[test]
fn sieve_interpreter() {
    let messages = fixture_messages();
    // The fixed scripts of the target (first byte 0..3) over mutated
    // messages, and scripts from the input (first byte 255).
    run(
        "sieve_eval",
        &messages,
        &|rng: &mut StdRng| vec![rng.gen_range(0..3u8)],
        proto_bodies::sieve_eval,
    );
    let mut joined = Vec::new();
    for s in SCRIPTS {
        for m in messages.iter().take(3) {
            let mut v = s.as_bytes().to_vec();
            v.push(0);
            v.extend_from_slice(m);
            joined.push(v);
        }
    }
    run(
        "sieve_eval",
        &joined,
        &|_: &mut StdRng| vec![255],
        proto_bodies::sieve_eval,
    );
}
