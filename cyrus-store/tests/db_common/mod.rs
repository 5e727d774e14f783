//! Shared helpers for the `db_*` integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use cyrus_store::db::{Db, Walk};
use cyrus_store::os::{FsRef, RealFs};

/// The Cyrus 3.6 golden fixtures.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/cyrus-3.6")
}

pub fn real_fs() -> FsRef {
    Arc::new(RealFs::new())
}

/// Parses a `*.hex.txt` dump: a comment line, then `key<TAB>value` lines
/// with `\xNN` and `\\` escapes.
pub fn parse_hex_dump(text: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut out = Vec::new();
    // Only the first line is a comment: keys may start with '#'.
    for line in text.split('\n').skip(1).filter(|l| !l.is_empty()) {
        let (k, v) = line.split_once('\t').expect("dump line has a TAB");
        out.push((unescape(k), unescape(v)));
    }
    out
}

fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() && b[i + 1] == b'\\' {
            out.push(b'\\');
            i += 2;
        } else if b[i] == b'\\' && i + 3 < b.len() && b[i + 1] == b'x' {
            let h = std::str::from_utf8(&b[i + 2..i + 4]).expect("hex digits");
            out.push(u8::from_str_radix(h, 16).expect("hex byte"));
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// Every record of `db`, in walk order.
pub fn dump(db: &mut dyn Db) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut out = Vec::new();
    db.foreach(b"", &mut |k, v| {
        out.push((k.to_vec(), v.to_vec()));
        Ok(Walk::Continue)
    })
    .expect("foreach");
    out
}

/// Reads the expected dump at `rel` (relative to the fixtures).
pub fn expected(rel: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    let text = std::fs::read_to_string(fixtures().join(rel)).expect("read dump");
    parse_hex_dump(&text)
}

/// Copies a fixture file into `dir` and returns the copy's path.
pub fn copy_fixture(rel: &str, dir: &Path) -> PathBuf {
    let src = fixtures().join(rel);
    let dst = dir.join(src.file_name().expect("file name"));
    std::fs::copy(&src, &dst).expect("copy fixture");
    let mut perm = std::fs::metadata(&dst).expect("meta").permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perm.set_readonly(false);
    std::fs::set_permissions(&dst, perm).expect("chmod");
    dst
}

/// The single file matching `dir/*/name` glob-ish lookups in the fixture
/// tree (per-user directories have run-specific names).
pub fn find_user_file(user_dir_prefix: &str, name: &str) -> PathBuf {
    let base = fixtures()
        .join("basic/config/user/uuid")
        .join(user_dir_prefix);
    for e in std::fs::read_dir(&base).expect("read_dir") {
        let p = e.expect("entry").path().join(name);
        if p.exists() {
            return p;
        }
    }
    panic!("no {name} under {}", base.display());
}
