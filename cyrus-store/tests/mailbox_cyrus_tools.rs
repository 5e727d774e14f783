//! Real Cyrus 3.6 tools read a mailbox we wrote (and we read what they
//! change). Runs only when `/usr/lib/cyrus/bin/mbexamine` exists and the
//! test runs as root (the tools must run as the `cyrus` user); otherwise
//! it prints why and passes.
//!
//! `mailboxes.db` is made by Cyrus's own `ctl_mboxlist -u` from a JSON
//! dump, so this test does not depend on our twoskip writer.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

#[path = "mailbox_util.rs"]
mod util;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use cyrus_store::ids::{Uid, UniqueId};
use cyrus_store::mailbox::examine_check::FileParse;
use cyrus_store::mailbox::{CreateSpec, ExpungeMode, FlagOp, Mailbox, SystemFlags};
use cyrus_store::mboxname::uuid_dir;
use cyrus_store::os::{FsRef, LockKind, RealFs};

const BIN: &str = "/usr/lib/cyrus/bin";

fn available() -> bool {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false);
    let cyrus = Command::new("id")
        .arg("cyrus")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    Path::new(BIN).join("mbexamine").exists() && root && cyrus
}

struct Instance {
    root: PathBuf,
    conf: PathBuf,
}

impl Instance {
    fn new(tag: &str) -> Instance {
        let root = std::env::temp_dir().join(format!("cyrus-store-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for d in ["etc", "lib/lock", "lib/proc", "lib/db", "spool"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        let conf = root.join("etc/imapd.conf");
        let r = root.display();
        std::fs::write(
            &conf,
            format!(
                "configdirectory: {r}/lib\nproc_path: {r}/lib/proc\nmboxname_lockpath: {r}/lib/lock\n\
                 defaultpartition: default\npartition-default: {r}/spool\nunixhierarchysep: yes\n\
                 altnamespace: yes\nvirtdomains: off\nadmins: cyrus\nsyslog_prefix: cyrus-store-test\n"
            ),
        )
        .unwrap();
        Instance { root, conf }
    }

    fn chown(&self) {
        let ok = Command::new("chown")
            .args(["-R", "cyrus:mail"])
            .arg(&self.root)
            .status()
            .unwrap();
        assert!(ok.success());
    }

    /// Runs a Cyrus tool as the cyrus user; returns (stdout, stderr, success).
    fn tool(&self, name: &str, args: &[&str], stdin: Option<&str>) -> (String, String, bool) {
        self.chown();
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "cyrus", "--"])
            .arg(Path::new(BIN).join(name))
            .arg("-C")
            .arg(&self.conf)
            .args(args);
        if let Some(input) = stdin {
            let f = self.root.join("stdin.txt");
            std::fs::write(&f, input).unwrap();
            cmd.stdin(std::fs::File::open(f).unwrap());
        }
        let out = cmd.output().unwrap();
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            out.status.success(),
        )
    }

    fn register(&self, name: &str, uniqueid: &str, uidvalidity: u32, acl_user: &str) {
        let json = format!(
            "{{\"{name}\": {{\"name\": \"{name}\", \"mtime\": \"1\", \"uidvalidity\": \"{uidvalidity}\", \
             \"createdmodseq\": \"1\", \"foldermodseq\": \"1\", \"mbtype\": \"e\", \"partition\": \"default\", \
             \"acl\": {{\"{acl_user}\": \"lrswipkxtecdan\"}}, \"uniqueid\": \"{uniqueid}\", \"name_history\": []}}}}\n"
        );
        let (out, err, ok) = self.tool("ctl_mboxlist", &["-u"], Some(&json));
        assert!(ok, "ctl_mboxlist -u failed: {out} {err}");
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

#[test]
fn cyrus_mbexamine_reconstruct_and_unexpunge_read_our_mailbox() {
    if !available() {
        eprintln!(
            "skipped: needs root, a cyrus user and {BIN}/mbexamine (Debian cyrus-common 3.6)"
        );
        return;
    }
    let inst = Instance::new("tools");
    let fs: FsRef = Arc::new(RealFs::new());
    let uniqueid = UniqueId::try_from("q7kx2m9vbn4c8d1f6h3j5l0p").unwrap();
    let dir = uuid_dir(&inst.root.join("spool"), &uniqueid);
    let mut spec = CreateSpec::new(
        "user.test",
        uniqueid.clone(),
        "test\tlrswipkxtecdan\t",
        1_795_354_276,
    );
    spec.quotaroot = None;
    let mut mb = Mailbox::create(fs.clone(), &dir, &spec).unwrap();

    // Real messages with the cache items Cyrus computed for them.
    let src = util::open_fixture("spool/uuid/1/h/1h27n4nb8groy211tvj675ss");
    let msgs = util::fixture_messages(&src);
    mb.append_batch(&msgs[..6], 1_795_354_300).unwrap();
    mb.append_batch(&msgs[6..], 1_795_354_301).unwrap();
    mb.store_flags(
        &[Uid(1), Uid(3)],
        FlagOp::Add,
        SystemFlags::ANSWERED,
        &["$ours"],
        1_795_354_400,
    )
    .unwrap();
    mb.store_flags(
        &[Uid(4), Uid(5)],
        FlagOp::Add,
        SystemFlags::DELETED,
        &[],
        1_795_354_401,
    )
    .unwrap();
    mb.expunge(None, ExpungeMode::Delayed, 1_795_354_402)
        .unwrap();
    let uidvalidity = mb.index().uidvalidity.0;
    mb.close();
    inst.register("user.test", uniqueid.as_str(), uidvalidity, "test");

    let ours = Mailbox::open(fs.clone(), &dir, LockKind::Shared).unwrap();
    let want = ours.mbexamine_report("user/test", &dir.display().to_string());
    let want_unexp = ours.unexpunge_report();
    drop(ours);

    let (out, err, ok) = inst.tool("mbexamine", &["user/test"], None);
    assert!(ok, "mbexamine failed: {err}");
    assert_eq!(out, String::from_utf8(want).unwrap(), "mbexamine output");

    let (out, err, ok) = inst.tool("unexpunge", &["-l", "user/test"], None);
    assert!(ok, "unexpunge -l failed: {err}");
    assert_eq!(
        out,
        String::from_utf8(want_unexp).unwrap(),
        "unexpunge -l output"
    );

    let (out, err, ok) = inst.tool("reconstruct", &["-n", "user/test"], None);
    assert!(ok, "reconstruct -n failed: {out} {err}");
    let problems: Vec<&str> = out
        .lines()
        .chain(err.lines())
        .filter(|l| !l.starts_with("user/test"))
        .collect();
    assert!(
        problems.is_empty(),
        "reconstruct -n reports: {problems:?}\n{out}\n{err}"
    );

    let (out, err, ok) = inst.tool("mbexamine", &["-c", "user/test"], None);
    assert!(
        ok && !out.contains("differ") && !out.contains("DIFFER"),
        "mbexamine -c: {out} {err}"
    );

    // Our own unexpunge on a copy, to compare with what Cyrus makes.
    let twin = inst.root.join("twin");
    std::fs::create_dir_all(&twin).unwrap();
    for e in std::fs::read_dir(&dir).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), twin.join(e.file_name())).unwrap();
    }
    let mut ours = Mailbox::open(fs.clone(), &twin, LockKind::Exclusive).unwrap();
    let expunged: Vec<Uid> = ours
        .records()
        .iter()
        .filter(|r| r.is_expunged())
        .map(|r| r.uid)
        .collect();
    ours.unexpunge(&expunged, false, 1_795_360_000).unwrap();

    // Now let Cyrus write: restore everything expunged, then read it back.
    let (out, err, ok) = inst.tool("unexpunge", &["-a", "user/test"], None);
    assert!(ok, "unexpunge -a failed: {out} {err}");
    let back = Mailbox::open(fs.clone(), &dir, LockKind::Shared).unwrap();
    util::check_consistent(&back);
    assert_eq!(back.index().exists as usize, msgs.len());
    // Same records and header as Cyrus, apart from change times (and the
    // sync CRC, which covers them).
    let strip = |mb: &Mailbox| {
        let mut i = mb.index().clone();
        i.sync_crc_basic = 0;
        let recs: Vec<_> = mb
            .records()
            .iter()
            .cloned()
            .map(|mut r| {
                r.last_updated = 0;
                r
            })
            .collect();
        (i, recs)
    };
    assert_eq!(strip(&back), strip(&ours));
    ours.close();
    let (out, _, _) = inst.tool("mbexamine", &["user/test"], None);
    let mine = back.mbexamine_report("user/test", &dir.display().to_string());
    assert_eq!(
        out,
        String::from_utf8(mine).unwrap(),
        "after Cyrus unexpunge -a"
    );
}

#[test]
fn old_index_versions_written_by_cyrus_read_and_extend() {
    if !available() {
        eprintln!(
            "skipped: needs root, a cyrus user and {BIN}/mbexamine (Debian cyrus-common 3.6)"
        );
        return;
    }
    let inst = Instance::new("versions");
    let fs: FsRef = Arc::new(RealFs::new());
    let uniqueid = UniqueId::try_from("v3rs10n5t3st0000000000ab").unwrap();
    let dir = uuid_dir(&inst.root.join("spool"), &uniqueid);
    let spec = CreateSpec::new(
        "user.ver",
        uniqueid.clone(),
        "ver\tlrswipkxtecdan\t",
        1_795_354_276,
    );
    let mut mb = Mailbox::create(fs.clone(), &dir, &spec).unwrap();
    let src = util::open_fixture("spool/uuid/m/s/msitf3xrbtyfrgg8pb7byd36");
    let msgs = util::fixture_messages(&src);
    mb.append_batch(&msgs, 1_795_354_300).unwrap();
    let uidvalidity = mb.index().uidvalidity.0;
    mb.close();
    inst.register("user.ver", uniqueid.as_str(), uidvalidity, "ver");
    let path = dir.display().to_string();
    let mut extra = 0u32;
    for version in [16u32, 15, 14, 13, 12, 17] {
        let (out, err, ok) = inst.tool(
            "reconstruct",
            &["-V", &version.to_string(), "user/ver"],
            None,
        );
        assert!(ok, "reconstruct -V {version}: {out} {err}");
        let mb = Mailbox::open(fs.clone(), &dir, LockKind::Shared).unwrap();
        assert_eq!(mb.index().minor_version, version);
        util::check_consistent_but_annot(&mb);
        let (out, _, _) = inst.tool("mbexamine", &["user/ver"], None);
        assert_eq!(
            out,
            String::from_utf8(mb.mbexamine_report("user/ver", &path)).unwrap(),
            "v{version} read"
        );
        drop(mb);
        // What reconstruct -n says about Cyrus's own file of this version
        // (for v12 it always wants to "update" fields v12 cannot store).
        let (out, err, _) = inst.tool("reconstruct", &["-n", "user/ver"], None);
        let baseline: Vec<String> = out.lines().chain(err.lines()).map(String::from).collect();

        // Append and change flags in that version; Cyrus must agree.
        let mut mb = Mailbox::open(fs.clone(), &dir, LockKind::Exclusive).unwrap();
        extra += 1;
        let mut m = msgs[0].clone();
        m.data
            .extend_from_slice(format!("extra {extra}\r\n").as_bytes());
        let uid = mb.append(&m, 1_795_355_000 + extra).unwrap();
        mb.store_flags(
            &[uid],
            FlagOp::Add,
            SystemFlags::FLAGGED,
            &[],
            1_795_355_100,
        )
        .unwrap();
        util::check_consistent_but_annot(&mb);
        let want = mb.mbexamine_report("user/ver", &path);
        mb.close();
        let (out, _, _) = inst.tool("mbexamine", &["user/ver"], None);
        assert_eq!(
            out,
            String::from_utf8(want).unwrap(),
            "v{version} after our append"
        );
        let (out, err, ok) = inst.tool("reconstruct", &["-n", "user/ver"], None);
        let problems: Vec<&str> = out
            .lines()
            .chain(err.lines())
            .filter(|l| !l.starts_with("user/ver") && !baseline.iter().any(|b| b == l))
            .collect();
        assert!(
            ok && problems.is_empty(),
            "v{version}: reconstruct -n reports {problems:?}"
        );
    }
}

#[test]
fn cyrus_expire_repacks_our_mailbox_and_we_read_the_result() {
    if !available() {
        eprintln!(
            "skipped: needs root, a cyrus user and {BIN}/mbexamine (Debian cyrus-common 3.6)"
        );
        return;
    }
    let inst = Instance::new("expire");
    let fs: FsRef = Arc::new(RealFs::new());
    let uniqueid = UniqueId::try_from("exp1r3t3st00000000000000").unwrap();
    let dir = uuid_dir(&inst.root.join("spool"), &uniqueid);
    let spec = CreateSpec::new(
        "user.exp",
        uniqueid.clone(),
        "exp\tlrswipkxtecdan\t",
        1_795_354_276,
    );
    let mut mb = Mailbox::create(fs.clone(), &dir, &spec).unwrap();
    let src = util::open_fixture("spool/uuid/1/h/1h27n4nb8groy211tvj675ss");
    let msgs = util::fixture_messages(&src);
    mb.append_batch(&msgs, 1_795_354_300).unwrap();
    mb.store_flags(
        &[Uid(2), Uid(5), Uid(9)],
        FlagOp::Add,
        SystemFlags::DELETED,
        &["$x"],
        1_795_354_400,
    )
    .unwrap();
    mb.expunge(None, ExpungeMode::Delayed, 1_795_354_401)
        .unwrap();
    let uidvalidity = mb.index().uidvalidity.0;
    mb.close();
    inst.register("user.exp", uniqueid.as_str(), uidvalidity, "exp");

    // Our own expire on a copy, to compare with what Cyrus makes.
    let twin = inst.root.join("twin");
    std::fs::create_dir_all(&twin).unwrap();
    for e in std::fs::read_dir(&dir).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), twin.join(e.file_name())).unwrap();
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as u32;
    let mut ours = Mailbox::open(fs.clone(), &twin, LockKind::Exclusive).unwrap();
    assert_eq!(ours.expire_expunged(now, now).unwrap(), 3);

    let (out, err, ok) = inst.tool("cyr_expire", &["-X", "0", "-v"], None);
    assert!(ok, "cyr_expire failed: {out} {err}");
    let mb = Mailbox::open(fs.clone(), &dir, LockKind::Shared).unwrap();
    util::check_consistent(&mb);
    assert_eq!(mb.index().generation_no, 1, "Cyrus repacked");
    // Same index and cache as Cyrus, apart from the repack time.
    let mut theirs = mb.index().clone();
    theirs.last_repack_time = ours.index().last_repack_time;
    assert_eq!(&theirs, ours.index());
    assert_eq!(mb.records(), ours.records());
    assert_eq!(
        std::fs::read(dir.join("cyrus.cache")).unwrap(),
        std::fs::read(twin.join("cyrus.cache")).unwrap()
    );
    ours.close();
    assert_eq!(mb.records().len(), msgs.len() - 3);
    assert!(!dir.join("2.").exists());
    let (out, _, _) = inst.tool("mbexamine", &["user/exp"], None);
    assert_eq!(
        out,
        String::from_utf8(mb.mbexamine_report("user/exp", &dir.display().to_string())).unwrap()
    );
    drop(mb);

    // And we keep appending to Cyrus's repacked files.
    let mut mb = Mailbox::open(fs.clone(), &dir, LockKind::Exclusive).unwrap();
    mb.append(&msgs[0], 1_795_354_500).unwrap();
    let want = mb.mbexamine_report("user/exp", &dir.display().to_string());
    mb.close();
    let (out, _, _) = inst.tool("mbexamine", &["user/exp"], None);
    assert_eq!(out, String::from_utf8(want).unwrap());
    let (out, err, ok) = inst.tool("reconstruct", &["-n", "user/exp"], None);
    let problems: Vec<&str> = out
        .lines()
        .chain(err.lines())
        .filter(|l| !l.starts_with("user/exp"))
        .collect();
    assert!(
        ok && problems.is_empty(),
        "reconstruct -n reports {problems:?}"
    );
}

#[test]
fn mbexamine_compare_shows_the_same_differences() {
    if !available() {
        eprintln!(
            "skipped: needs root, a cyrus user and {BIN}/mbexamine (Debian cyrus-common 3.6)"
        );
        return;
    }
    let inst = Instance::new("compare");
    let fs: FsRef = Arc::new(RealFs::new());
    let uniqueid = UniqueId::try_from("c0mpar3t3st0000000000000").unwrap();
    let dir = uuid_dir(&inst.root.join("spool"), &uniqueid);
    let spec = CreateSpec::new(
        "user.cmp",
        uniqueid.clone(),
        "cmp\tlrswipkxtecdan\t",
        1_795_354_276,
    );
    let mut mb = Mailbox::create(fs.clone(), &dir, &spec).unwrap();
    let src = util::open_fixture("spool/uuid/1/h/1h27n4nb8groy211tvj675ss");
    let msgs = util::fixture_messages(&src);
    mb.append_batch(&msgs[..5], 1_795_354_300).unwrap();
    mb.store_flags(
        &[Uid(2)],
        FlagOp::Add,
        SystemFlags::DELETED,
        &[],
        1_795_354_400,
    )
    .unwrap();
    // Record 2 stays (unlinked), its file goes; a stray file 9. appears.
    mb.expunge(None, ExpungeMode::SemiDelayed, 1_795_354_401)
        .unwrap();
    let uidvalidity = mb.index().uidvalidity.0;
    mb.close();
    std::fs::write(dir.join("9."), &msgs[7].data).unwrap();
    std::fs::write(dir.join("3."), &msgs[6].data).unwrap();
    inst.register("user.cmp", uniqueid.as_str(), uidvalidity, "cmp");

    let mb = Mailbox::open(fs.clone(), &dir, LockKind::Shared).unwrap();
    let parse = |bytes: &[u8]| {
        msgs.iter().find(|m| m.data == bytes).map(|m| FileParse {
            sentdate: m.sentdate,
            cache: m.cache.clone(),
        })
    };
    let ours = mb
        .mbexamine_compare_report("user/cmp", &dir.display().to_string(), &parse)
        .unwrap();
    let (out, err, ok) = inst.tool("mbexamine", &["-c", "user/cmp"], None);
    assert!(ok, "mbexamine -c: {err}");
    assert!(
        out.contains("Failed") || out.contains("00000009"),
        "differences shown: {out}"
    );
    assert_eq!(out, String::from_utf8(ours).unwrap());

    let (out, _, _) = inst.tool("mbexamine", &["-q", "user/cmp"], None);
    assert_eq!(
        out,
        String::from_utf8(mb.mbexamine_quota_report("user/cmp").unwrap()).unwrap()
    );
}
