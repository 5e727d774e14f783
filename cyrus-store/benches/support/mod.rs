//! Shared by the benches: sizes from the environment, a store in a
//! temporary directory, and synthetic messages.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use cyrus_store::mboxname::MailboxName;
use cyrus_store::os::{FsRef, RealFs, SimFs};
use cyrus_store::{AppendRequest, NewMailbox, Store, StoreOptions};

/// A size from the environment variable `name`, else `default`.
pub fn env_size(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// A fixed timestamp, so runs are comparable.
pub const NOW: u32 = 1_795_000_000;

/// A directory for on-disk benches: `$BENCH_DIR` if set (put it on the
/// disk you want to measure; `/tmp` may be a tmpfs where fsync is free),
/// else a fresh temporary directory.
pub fn temp_dir() -> tempfile::TempDir {
    match std::env::var_os("BENCH_DIR") {
        Some(d) => tempfile::tempdir_in(PathBuf::from(d)).expect("temp dir in $BENCH_DIR"),
        None => tempfile::tempdir().expect("temp dir"),
    }
}

/// A store on the real filesystem under `dir`.
pub fn real_store(dir: &std::path::Path) -> Store {
    let fs: FsRef = Arc::new(RealFs::new());
    Store::open(fs, StoreOptions::new(dir.join("lib"), dir.join("spool"))).expect("store opens")
}

/// A store on the simulated (in-memory) filesystem: CPU cost only.
pub fn sim_store() -> Store {
    let fs: FsRef = Arc::new(SimFs::new());
    Store::open(fs, StoreOptions::new("/lib", "/spool")).expect("store opens")
}

/// An internal mailbox name.
pub fn mbox(s: &str) -> MailboxName {
    MailboxName::from_internal(s).expect("valid bench mailbox name")
}

/// Creates `name` with Cyrus's defaults.
pub fn create(store: &Store, name: &MailboxName) {
    store
        .create_mailbox(name, &NewMailbox::default(), NOW)
        .expect("create mailbox");
}

/// A plausible message of about `size` bytes (headers, then body lines).
pub fn message(n: usize, size: usize) -> Vec<u8> {
    let mut m = format!(
        "Return-Path: <alice@example.org>\r\nFrom: Alice <alice@example.org>\r\n\
         To: Bob <bob@example.org>\r\nSubject: benchmark message {n}\r\n\
         Date: Tue, 1 Jul 2025 10:00:00 +0000\r\nMessage-ID: <{n}.bench@example.org>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
    )
    .into_bytes();
    let line = b"The quick brown fox jumps over the lazy dog; 0123456789 abcdefghij\r\n";
    while m.len() < size {
        m.extend_from_slice(line);
    }
    m
}

/// An append request for `data`, no flags.
pub fn req(data: Vec<u8>) -> AppendRequest {
    AppendRequest {
        data,
        flags: Vec::new(),
        internaldate: Some(NOW),
    }
}

/// Fills `name` with `count` messages of `size` bytes in batches of 1000.
pub fn fill(store: &Store, name: &MailboxName, count: usize, size: usize) {
    let mut done = 0;
    while done < count {
        let n = (count - done).min(1000);
        let batch: Vec<AppendRequest> = (done..done + n).map(|i| req(message(i, size))).collect();
        store.append(name, &batch, NOW).expect("fill append");
        done += n;
    }
}
