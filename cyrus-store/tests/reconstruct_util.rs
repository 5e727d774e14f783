//! Helpers shared by the reconstruct tests (included with `#[path]`; as its
//! own test target it has no tests).
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cyrus_store::ids::Uid;
use cyrus_store::mailbox::{CacheItems, IndexRecord, Mailbox};
use cyrus_store::os::{FsRef, LockKind, RealFs};
use cyrus_store::reconstruct::{self, MailboxContext, Options, Report};

/// The fixture root (`shared/fixtures/cyrus-3.6/basic`).
pub fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/cyrus-3.6/basic")
}

/// alice's INBOX in the fixture (25 message files, 7 expunged records).
pub const INBOX: &str = "spool/uuid/1/h/1h27n4nb8groy211tvj675ss";

/// Every fixture mailbox directory, relative to the fixture root.
pub fn fixture_mailboxes() -> Vec<String> {
    let mut out = Vec::new();
    let uuid = fixture().join("spool/uuid");
    for c1 in std::fs::read_dir(&uuid).unwrap() {
        for c2 in std::fs::read_dir(c1.unwrap().path()).unwrap() {
            for d in std::fs::read_dir(c2.unwrap().path()).unwrap() {
                let p = d.unwrap().path();
                out.push(p.strip_prefix(fixture()).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

/// A writable copy of a fixture mailbox directory.
pub struct Copy {
    pub tmp: tempfile::TempDir,
    pub dir: PathBuf,
}

impl Copy {
    pub fn of(rel: &str) -> Copy {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("mbox");
        copy_dir(&fixture().join(rel), &dir);
        Copy { tmp, dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

/// Copies the files of `from` into a new directory `to`, writable.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            let dst = to.join(e.file_name());
            std::fs::copy(e.path(), &dst).unwrap();
            std::fs::set_permissions(&dst, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
    }
}

pub fn real_fs() -> FsRef {
    Arc::new(RealFs::new())
}

/// Every file of a directory with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

pub const NOW: u32 = 1_800_000_000;

pub fn opts() -> Options {
    Options {
        now: NOW,
        ..Options::default()
    }
}

pub fn dry() -> Options {
    Options {
        dry_run: true,
        ..opts()
    }
}

/// Runs reconstruct on `dir` with no mailboxes.db entry.
pub fn run(dir: &Path, o: &Options) -> Report {
    reconstruct::mailbox_in_dir(&real_fs(), dir, "user/alice", &MailboxContext::default(), o)
        .unwrap()
}

pub fn open(dir: &Path) -> Mailbox {
    Mailbox::open(real_fs(), dir, LockKind::Shared).unwrap()
}

/// Records by UID with their cache entries (when readable).
pub fn contents(mb: &Mailbox) -> BTreeMap<Uid, (IndexRecord, Option<CacheItems>)> {
    mb.records()
        .iter()
        .map(|r| (r.uid, (r.clone(), mb.read_cache(r).ok())))
        .collect()
}

/// A record without the fields that a rewritten cache file moves.
pub fn sans_cache_pos(r: &IndexRecord) -> IndexRecord {
    let mut r = r.clone();
    r.cache_offset = 0;
    r
}

pub fn messages(report: &Report) -> Vec<String> {
    report.findings.iter().map(|f| f.message.clone()).collect()
}
