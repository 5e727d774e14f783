//! Interoperability with the real Cyrus 3.6 `cyr_dbtool` (Debian
//! `cyrus-common`): files we write must read back identically through
//! Cyrus, pass its `consistent`, and the reverse. Skipped, with a notice,
//! when the tool is not installed.

mod db_common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use cyrus_store::db::{open, Db, DbBackend, OpenFlags, Twoskip, TwoskipOptions};
use db_common::*;

struct Tool {
    exe: PathBuf,
    /// `runuser -u cyrus --` when we are root: Cyrus tools refuse to open
    /// databases as root.
    prefix: Vec<String>,
    conf: PathBuf,
    dir: tempfile::TempDir,
}

fn tool() -> Option<Tool> {
    let exe = ["/usr/lib/cyrus/bin/cyr_dbtool", "/usr/sbin/cyr_dbtool"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())?;
    let uid = Command::new("id").arg("-u").output().ok()?;
    let prefix = if String::from_utf8_lossy(&uid.stdout).trim() == "0" {
        let has_cyrus = Command::new("id")
            .args(["-u", "cyrus"])
            .output()
            .ok()?
            .status
            .success();
        if !has_cyrus {
            return None;
        }
        vec!["runuser".into(), "-u".into(), "cyrus".into(), "--".into()]
    } else {
        Vec::new()
    };
    let dir = tempfile::tempdir().ok()?;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).ok()?;
    let confdir = dir.path().join("conf");
    std::fs::create_dir(&confdir).ok()?;
    std::fs::set_permissions(&confdir, std::fs::Permissions::from_mode(0o777)).ok()?;
    let conf = dir.path().join("imapd.conf");
    std::fs::write(&conf, format!("configdirectory: {}\n", confdir.display())).ok()?;
    Some(Tool {
        exe,
        prefix,
        conf,
        dir,
    })
}

macro_rules! tool_or_skip {
    () => {
        match tool() {
            Some(t) => t,
            None => {
                eprintln!("NOTICE: cyr_dbtool not installed (Debian cyrus-common); skipping");
                return;
            }
        }
    };
}

impl Tool {
    fn run(&self, db: &Path, backend: &str, args: &[&[u8]]) -> Vec<u8> {
        self.run_with(db, backend, args, &[], b"")
    }

    fn run_with(
        &self,
        db: &Path,
        backend: &str,
        args: &[&[u8]],
        opts: &[&str],
        stdin: &[u8],
    ) -> Vec<u8> {
        use std::io::Write;
        use std::os::unix::ffi::OsStrExt;
        // Our rewrites (checkpoint, flat commit) create files owned by the
        // test's user; let the cyrus user open them read-write.
        Command::new("chmod")
            .args(["-R", "a+rwX"])
            .arg(self.dir.path())
            .status()
            .expect("chmod");
        let mut cmd = if self.prefix.is_empty() {
            Command::new(&self.exe)
        } else {
            let mut c = Command::new(&self.prefix[0]);
            c.args(&self.prefix[1..]).arg(&self.exe);
            c
        };
        cmd.arg("-C")
            .arg(&self.conf)
            .args(opts)
            .arg(db)
            .arg(backend);
        for a in args {
            cmd.arg(std::ffi::OsStr::from_bytes(a));
        }
        cmd.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("run cyr_dbtool");
        if let Some(mut i) = child.stdin.take() {
            i.write_all(stdin).expect("stdin");
        }
        let out = child.wait_with_output().expect("wait cyr_dbtool");
        assert!(
            out.status.success(),
            "cyr_dbtool {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

fn share(p: &Path) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o666)).expect("chmod");
}

fn show_bytes(records: &[(Vec<u8>, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (k, v) in records {
        out.extend_from_slice(k);
        out.push(b'\t');
        out.extend_from_slice(v);
        out.push(b'\n');
    }
    out
}

fn opts() -> TwoskipOptions {
    TwoskipOptions {
        create: true,
        seed: Some(42),
        ..TwoskipOptions::default()
    }
}

/// Deterministic printable-ish bytes without TAB, LF or NUL, so the
/// `show` output is unambiguous.
fn bytes(seed: u32, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            match (x % 250) as u8 + 1 {
                b'\t' | b'\n' => b'x',
                b => b,
            }
        })
        .collect()
}

#[test]
fn twoskip_we_write_cyrus_reads() {
    let t = tool_or_skip!();
    let path = t.path("ours.db");
    let mut db = Twoskip::open(real_fs(), &path, opts()).expect("open");
    share(&path);
    for i in 0..400u32 {
        // Mostly batched (fsyncs are slow), some autocommits.
        if i % 100 == 0 && i < 300 {
            db.begin().expect("begin");
        }
        db.store(
            &bytes(i, 1 + (i as usize % 30)),
            &bytes(i + 7, i as usize % 90),
        )
        .expect("store");
        if i % 100 == 99 && db.in_transaction() {
            db.commit().expect("commit");
        }
    }
    db.begin().expect("begin");
    for i in (0..400u32).step_by(3) {
        db.delete(&bytes(i, 1 + (i as usize % 30))).expect("delete");
    }
    db.store(b"overwritten", b"old").expect("store");
    db.store(b"overwritten", b"new").expect("store");
    db.commit().expect("commit");
    db.store(&vec![b'K'; 70_000], b"long key")
        .expect("long key");
    db.store(b"big", &bytes(99, 80_000)).expect("big value");
    let want = dump(&mut db);
    assert_eq!(t.run(&path, "twoskip", &[b"show"]), show_bytes(&want));
    assert_eq!(
        t.run(&path, "twoskip", &[b"consistent"]),
        b"Yes, consistent\n"
    );
    db.repack().expect("repack");
    share(&path);
    assert_eq!(t.run(&path, "twoskip", &[b"show"]), show_bytes(&want));
    assert_eq!(
        t.run(&path, "twoskip", &[b"consistent"]),
        b"Yes, consistent\n"
    );
    assert_eq!(t.run(&path, "twoskip", &[b"get", b"overwritten"]), b"new\n");
}

#[test]
fn twoskip_cyrus_writes_we_read() {
    let t = tool_or_skip!();
    let path = t.path("theirs.db");
    let mut db = Twoskip::open(real_fs(), &path, opts()).expect("open");
    share(&path);
    db.store(b"alpha", b"1").expect("store");
    db.store(b"beta", b"2").expect("store");
    t.run(&path, "twoskip", &[b"set", b"gamma", b"3"]);
    t.run(&path, "twoskip", &[b"set", b"alpha", b"one"]);
    t.run(&path, "twoskip", &[b"delete", b"beta"]);
    let want = vec![
        (b"alpha".to_vec(), b"one".to_vec()),
        (b"gamma".to_vec(), b"3".to_vec()),
    ];
    db.consistent().expect("consistent");
    assert_eq!(dump(&mut db), want);
    let gen = db.generation().expect("gen");
    t.run(&path, "twoskip", &[b"repack"]);
    // Our open handle notices the file Cyrus renamed over it.
    assert_eq!(db.generation().expect("gen"), gen + 1);
    assert_eq!(dump(&mut db), want);
    db.store(b"delta", b"4").expect("store after cyrus repack");
    db.consistent().expect("consistent");
    assert_eq!(t.run(&path, "twoskip", &[b"get", b"delta"]), b"4\n");
}

/// Cyrus grows the file well past what our open handle has mapped (and,
/// past twice its repack size, checkpoints it into a new file); every
/// value it wrote reads back through our handle.
#[test]
fn cyrus_grows_and_replaces_the_file_under_our_open_handle() {
    let t = tool_or_skip!();
    let path = t.path("growing.db");
    let mut db = Twoskip::open(real_fs(), &path, opts()).expect("open");
    share(&path);
    db.store(b"first", b"ours").expect("store");
    assert_eq!(db.fetch(b"first").expect("fetch"), Some(b"ours".to_vec()));
    let gen = db.generation().expect("gen");
    let n = 48u32;
    // A leading letter: a value starting with '-' would be an option.
    let value = |i: u32| [b"v".as_slice(), &bytes(i, 9000)].concat();
    for i in 0..n {
        let key = format!("cyrus{i:03}");
        t.run(&path, "twoskip", &[b"set", key.as_bytes(), &value(i)]);
    }
    for i in 0..n {
        let key = format!("cyrus{i:03}");
        let got = db.fetch(key.as_bytes()).expect("fetch");
        assert!(got == Some(value(i)), "{key}");
    }
    assert_eq!(db.fetch(b"first").expect("fetch"), Some(b"ours".to_vec()));
    assert!(db.generation().expect("gen") > gen, "Cyrus checkpointed");
    db.consistent().expect("consistent");
}

#[test]
fn cyrus_recovers_our_interrupted_transaction() {
    let t = tool_or_skip!();
    let path = t.path("live.db");
    let mut db = Twoskip::open(real_fs(), &path, opts()).expect("open");
    for i in 0..100u32 {
        db.store(format!("key{i:03}").as_bytes(), &bytes(i, 20))
            .expect("store");
    }
    let committed = dump(&mut db);
    db.begin().expect("begin");
    for i in 0..100u32 {
        db.store(
            format!("key{:03}", (i * 7) % 100).as_bytes(),
            b"uncommitted",
        )
        .expect("store");
        db.store(format!("new{i:03}").as_bytes(), b"uncommitted")
            .expect("store");
        db.delete(format!("key{:03}", (i * 3) % 100).as_bytes())
            .expect("delete");
    }
    // Snapshot the file as a crash would leave it: DIRTY, half a txn.
    let copy = t.path("crashed.db");
    std::fs::write(&copy, std::fs::read(&path).expect("read")).expect("write");
    share(&copy);
    db.abort().expect("abort");
    assert_eq!(t.run(&copy, "twoskip", &[b"show"]), show_bytes(&committed));
    assert_eq!(
        t.run(&copy, "twoskip", &[b"consistent"]),
        b"Yes, consistent\n"
    );
}

#[test]
fn flat_and_quotalegacy_we_write_cyrus_reads() {
    let t = tool_or_skip!();
    let path = t.path("sub.db");
    let mut db = open(
        real_fs(),
        &path,
        DbBackend::Flat,
        OpenFlags {
            create: true,
            ..OpenFlags::default()
        },
    )
    .expect("open");
    share(&path);
    for k in [
        "NINBOX\x1fSent",
        "\x1fVER\x1f",
        "NINBOX\x1fa.b",
        "NINBOX\x1fa-b",
        "NINBOX",
    ] {
        db.store(k.as_bytes(), if k.starts_with('\x1f') { b"2" } else { b"" })
            .expect("store");
    }
    let want = dump(&mut *db);
    assert_eq!(t.run(&path, "flat", &[b"show"]), show_bytes(&want));

    let qdb = t.path("quotas.db");
    let mut q = open(
        real_fs(),
        &qdb,
        DbBackend::QuotaLegacy,
        OpenFlags {
            create: true,
            ..OpenFlags::default()
        },
    )
    .expect("open");
    q.store(b"user.alice", b"%(S (1 2) M (3 4))")
        .expect("store");
    q.store(b"user.zed", b"%(S (5 6))").expect("store");
    q.store(b"shared", b"%(S (7 8))").expect("store");
    let want = dump(&mut *q);
    assert_eq!(t.run(&qdb, "quotalegacy", &[b"show"]), show_bytes(&want));
}

#[test]
fn skiplist_cyrus_writes_we_read_including_its_log() {
    let t = tool_or_skip!();
    let path = t.path("conv.db");
    for (k, v) in [("a", "1"), ("c", "3"), ("b", "2"), ("dd", "44")] {
        t.run_with(
            &path,
            "skiplist",
            &[b"set", k.as_bytes(), v.as_bytes()],
            &["-n"],
            b"",
        );
    }
    t.run(&path, "skiplist", &[b"delete", b"c"]);
    // One process, several transactions: they stay in the log section
    // (ADD, DELETE and COMMIT records after logstart).
    t.run_with(
        &path,
        "skiplist",
        &[b"batch"],
        &[],
        b"SET {1+}\r\ne {1+}\r\n5\nSET {1+}\r\nf {2+}\r\n66\nDELETE {1+}\r\na\nSET {2+}\r\ndd {1+}\r\nX\n",
    );
    let ro = OpenFlags {
        read_only: true,
        ..OpenFlags::default()
    };
    let mut db = open(real_fs(), &path, DbBackend::Twoskip, ro).expect("open");
    assert_eq!(db.backend(), DbBackend::Skiplist);
    let ours = dump(&mut *db);
    assert_eq!(
        ours,
        vec![
            (b"b".to_vec(), b"2".to_vec()),
            (b"dd".to_vec(), b"X".to_vec()),
            (b"e".to_vec(), b"5".to_vec()),
            (b"f".to_vec(), b"66".to_vec()),
        ]
    );
    assert_eq!(t.run(&path, "skiplist", &[b"show"]), show_bytes(&ours));
}
