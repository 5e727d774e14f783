//! Golden test: every message file in the Cyrus 3.6 fixture spool is
//! parsed, and the ten cache items plus HEADER_SIZE, SENTDATE, GMTIME and
//! the cache CRC are compared with what real Cyrus wrote to cyrus.cache
//! and cyrus.index (expunged records included).

use cyrus_store::mailbox::CacheItems;
use cyrus_store::message::parse;
use std::path::{Path, PathBuf};

const ITEM_NAMES: [&str; 10] = [
    "ENVELOPE",
    "BODYSTRUCTURE",
    "BODY",
    "SECTION",
    "HEADERS",
    "FROM",
    "TO",
    "CC",
    "BCC",
    "SUBJECT",
];

fn fixture_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/cyrus-3.6/basic")
}

/// Every mailbox directory that has a cyrus.index.
fn mailbox_dirs() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mbex = fixture_root().join("expected/mbexamine");
    let mut entries: Vec<_> = std::fs::read_dir(&mbex)
        .expect("mbexamine dir")
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(".c.txt") || name.ends_with(".q.txt") {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).expect("read mbexamine");
        for line in text.lines() {
            if let Some(p) = line.trim().strip_prefix("Path to mailbox: @ROOT@/spool/") {
                let dir = fixture_root().join("spool").join(p);
                if dir.join("cyrus.index").exists() && dir.join("cyrus.cache").exists() {
                    out.push(dir);
                }
            }
        }
    }
    out
}

fn be32(b: &[u8], off: usize) -> u32 {
    u32::from_be_bytes([b[off], b[off + 1], b[off + 2], b[off + 3]])
}

/// Split one cache record into its ten items.
fn cache_record(cache: &[u8], off: usize) -> Vec<Vec<u8>> {
    let (items, _) = CacheItems::decode_at(cache, off as u64, std::path::Path::new("cyrus.cache"))
        .expect("cache record");
    items.as_array().iter().map(|i| i.to_vec()).collect()
}

fn show(b: &[u8]) -> String {
    let mut s = String::new();
    for &c in b {
        if (0x20..0x7f).contains(&c) {
            s.push(c as char);
        } else {
            s.push_str(&format!("\\x{c:02x}"));
        }
    }
    s
}

#[test]
fn golden_cache_items_match_cyrus() {
    let dirs = mailbox_dirs();
    assert!(!dirs.is_empty(), "no fixture mailboxes found");
    let mut checked = 0usize;
    let mut failures = Vec::new();
    for dir in dirs {
        let index = std::fs::read(dir.join("cyrus.index")).expect("index");
        let cache = std::fs::read(dir.join("cyrus.cache")).expect("cache");
        let start = be32(&index, 12) as usize;
        let recsize = be32(&index, 16) as usize;
        let n = be32(&index, 20) as usize;
        for r in 0..n {
            let rec = &index[start + r * recsize..start + (r + 1) * recsize];
            let uid = be32(rec, 0);
            let file = dir.join(format!("{uid}."));
            let raw = std::fs::read(&file).expect("message file");
            let parsed = parse(&raw);
            let items = parsed.cache_items();
            let expected = cache_record(&cache, be32(rec, 24) as usize);
            let ours = items.as_array();
            let who = format!(
                "{}",
                file.strip_prefix(fixture_root()).unwrap_or(&file).display()
            );
            for i in 0..10 {
                if ours[i] != expected[i].as_slice() {
                    failures.push(format!(
                        "{who} {}:\n   cyrus: {}\n   ours:  {}",
                        ITEM_NAMES[i],
                        show(&expected[i]),
                        show(ours[i])
                    ));
                }
            }
            let (sent, gm) = parsed.index_dates(be32(rec, 4));
            let fields = [
                ("HEADER_SIZE", be32(rec, 16), parsed.header_size()),
                ("SENTDATE", be32(rec, 8), sent),
                ("GMTIME", be32(rec, 20), gm),
                ("SIZE", be32(rec, 12), parsed.size),
                (
                    "CACHE_CRC",
                    be32(rec, 104),
                    crc32fast::hash(&items.encode()),
                ),
            ];
            for (name, want, got) in fields {
                if want != got {
                    failures.push(format!("{who} {name}: cyrus {want} ours {got}"));
                }
            }
            checked += 1;
        }
    }
    eprintln!(
        "checked {checked} index records, {} mismatches",
        failures.len()
    );
    for f in &failures {
        eprintln!("{f}");
    }
    assert!(
        checked >= 30,
        "expected to check every fixture message, got {checked}"
    );
    assert!(failures.is_empty(), "{} mismatches", failures.len());
}

/// The real imapd's FETCH ENVELOPE / BODYSTRUCTURE / BODY answers (in
/// `expected/imap/<mailbox>.txt`) contain exactly our items.
#[test]
fn golden_imap_fetch_matches() {
    let root = fixture_root();
    let mut checked = 0usize;
    let mut failures = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(root.join("expected/mbexamine"))
        .expect("mbexamine dir")
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(".c.txt") || name.ends_with(".q.txt") {
            continue;
        }
        let Ok(imap) = std::fs::read(root.join("expected/imap").join(&name)) else {
            continue;
        };
        let text = std::fs::read_to_string(e.path()).expect("read mbexamine");
        let Some(dir) = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("Path to mailbox: @ROOT@/spool/"))
        else {
            continue;
        };
        let dir = root.join("spool").join(dir);
        // Only UIDs that the server listed (expunged ones are not fetched).
        let mut uids: Vec<u32> = text
            .lines()
            .filter_map(|l| l.split("> UID:").nth(1))
            .filter_map(|r| r.split_whitespace().next())
            .filter_map(|u| u.parse().ok())
            .collect();
        uids.dedup();
        for uid in uids {
            let raw = std::fs::read(dir.join(format!("{uid}."))).expect("message file");
            let c = parse(&raw).cache_items();
            for (label, item) in [
                ("ENVELOPE ", &c.envelope()),
                ("BODYSTRUCTURE ", &c.bodystructure()),
                ("BODY ", &c.body()),
            ] {
                let mut needle = label.as_bytes().to_vec();
                needle.extend_from_slice(item);
                if !imap.windows(needle.len()).any(|w| w == needle.as_slice()) {
                    failures.push(format!(
                        "{name} UID {uid}: {label}not found: {}",
                        show(item)
                    ));
                }
            }
            checked += 1;
        }
    }
    eprintln!(
        "checked {checked} FETCH answers, {} mismatches",
        failures.len()
    );
    for f in &failures {
        eprintln!("{f}");
    }
    assert!(checked >= 25, "checked only {checked}");
    assert!(failures.is_empty(), "{} mismatches", failures.len());
}
