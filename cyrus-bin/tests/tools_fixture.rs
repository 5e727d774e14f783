//! Our tools on a copy of the site real Cyrus 3.6 wrote: every output
//! must be byte-identical to what Cyrus's own tools printed
//! (`expected/`, command lines in `expected/COMMANDS.tsv`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::{expected, fixture, CyrusTools, Site};

/// Splits the arguments after `-C @ROOT@/etc/imapd.conf` the way the
/// shell did (single quotes only occur in the fixture's commands).
fn args_after_conf(cmd: &str) -> Vec<String> {
    let rest = cmd.split("imapd.conf ").nth(1).unwrap_or_default();
    let rest = rest.split("  #").next().unwrap_or_default();
    let rest = rest.split(" 2>&1").next().unwrap_or_default();
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in rest.trim().chars() {
        match c {
            '\'' => quoted = !quoted,
            ' ' if !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// (expected file, command) rows of COMMANDS.tsv.
fn commands() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(fixture().join("expected/COMMANDS.tsv")).unwrap();
    text.lines()
        .skip(1)
        .filter_map(|l| l.split_once('\t'))
        .map(|(f, c)| (f.to_string(), c.to_string()))
        .collect()
}

fn same(site: &Site, got: &[u8], want: &[u8], what: &str) {
    assert_eq!(
        String::from_utf8_lossy(&site.normalise(got)),
        String::from_utf8_lossy(want),
        "{what}"
    );
}

#[test]
fn mbexamine_matches_cyrus_for_every_mailbox_and_mode() {
    let site = Site::fixture_copy();
    let mut n = 0;
    for (file, cmd) in commands() {
        if !file.starts_with("mbexamine/") {
            continue;
        }
        let args = args_after_conf(&cmd);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (rc, out, err) = site.run("cyr_mbexamine", &args, b"");
        assert_eq!(rc, 0, "{file}: {err}");
        same(&site, &out, &expected(&file), &file);
        n += 1;
    }
    assert_eq!(n, 36, "12 mailboxes x (plain, -q, -c)");
}

#[test]
fn mbexamine_uid_and_errors() {
    let site = Site::fixture_copy();
    let (rc, out, _) = site.run("cyr_mbexamine", &["-u", "2", "user/bob"], b"");
    assert_eq!(rc, 0);
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("> UID:00000002 "), "{text}");
    assert!(!text.contains("> UID:00000001 ") && !text.contains("> UID:00000003 "));
    let (rc, out, err) = site.run("cyr_mbexamine", &["user/nobody"], b"");
    assert_ne!(rc, 0);
    assert!(out.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
    let (rc, out, _) = site.run("cyr_mbexamine", &["-q", "user/alice/*"], b"");
    assert_eq!(rc, 0);
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.matches("CORRECT").count(), 7, "{text}");
}

#[test]
fn mboxlist_dump_matches_cyrus() {
    let site = Site::fixture_copy();
    for (args, file) in [
        (&["-d"][..], "ctl_mboxlist-d.txt"),
        (&["-d", "-y"][..], "ctl_mboxlist-d-y.txt"),
    ] {
        let (rc, out, err) = site.run("cyr_mboxlist", args, b"");
        assert_eq!(rc, 0, "{err}");
        same(&site, &out, &expected(file), file);
    }
    let (rc, out, _) = site.run("cyr_mboxlist", &["-d", "-p", "nowhere"], b"");
    assert_eq!((rc, out.as_slice()), (0, &b"{\n\n}\n"[..]));
}

/// `"mtime": "<digits>"` → `"mtime": "T"`: undump stamps the current time.
fn without_mtime(s: &[u8]) -> String {
    let s = String::from_utf8_lossy(s);
    let mut out = String::new();
    let mut rest: &str = &s;
    while let Some(i) = rest.find("\"mtime\": \"") {
        let (head, tail) = rest.split_at(i + 10);
        out.push_str(head);
        out.push('T');
        rest = tail.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out.push_str(rest);
    out
}

#[test]
fn mboxlist_undump_then_dump_round_trips() {
    let site = Site::fixture_copy();
    let (_, dump, _) = site.run("cyr_mboxlist", &["-d"], b"");
    std::fs::remove_file(site.root().join("lib/mailboxes.db")).unwrap();
    let (rc, _, err) = site.run("cyr_mboxlist", &["-u"], &dump);
    assert_eq!(rc, 0, "{err}");
    let (rc, again, err) = site.run("cyr_mboxlist", &["-d"], b"");
    assert_eq!(rc, 0, "{err}");
    assert_eq!(without_mtime(&again), without_mtime(&dump));
    let (rc, _, err) = site.run("cyr_mboxlist", &["-u"], b"{ not json");
    assert_ne!(rc, 0);
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn quota_reports_match_cyrus_and_nothing_to_fix() {
    let site = Site::fixture_copy();
    let (rc, out, err) = site.run("cyr_quota", &[], b"");
    assert_eq!(rc, 0, "{err}");
    same(&site, &out, &expected("quota.txt"), "quota");
    let (_, out, _) = site.run("cyr_quota", &["-J"], b"");
    same(&site, &out, &expected("quota-J.txt"), "quota -J");
    let (rc, out, err) = site.run("cyr_quota", &["-f", "-n", "-q"], b"");
    assert_eq!(rc, 0);
    let both = [out, err.into_bytes()].concat();
    same(
        &site,
        &both,
        &expected("quota-check.txt"),
        "quota -f -n -q 2>&1",
    );
    let (_, out, _) = site.run("cyr_quota", &["-u", "bob"], b"");
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("user/bob") && !text.contains("user/alice"),
        "{text}"
    );
}

#[test]
fn mbpath_matches_cyrus() {
    let site = Site::fixture_copy();
    let want = String::from_utf8(expected("mbpath.txt")).unwrap();
    let mut got = Vec::new();
    for line in want.lines().filter(|l| l.starts_with("# ")) {
        let name = line.rsplit(' ').next().unwrap();
        got.extend_from_slice(line.as_bytes());
        got.push(b'\n');
        let (rc, out, err) = site.run("cyr_mbpath", &["-a", name], b"");
        assert_eq!(rc, 0, "{name}: {err}");
        got.extend_from_slice(&out);
    }
    same(&site, &got, want.as_bytes(), "mbpath -a");
    let (rc, out, _) = site.run("cyr_mbpath", &["-S", "-u", "bob"], b"");
    assert_eq!(rc, 0);
    same(
        &site,
        &out,
        b"@ROOT@/sieve/uuid/m/s/msitf3xrbtyfrgg8pb7byd36\n",
        "-S -u",
    );
    let (rc, _, err) = site.run("cyr_mbpath", &["user/nobody"], b"");
    assert_ne!(rc, 0);
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn dbtool_show_matches_cyrus() {
    let site = Site::fixture_copy();
    let root = site.root().to_str().unwrap().to_string();
    let mut n = 0;
    for (file, cmd) in commands() {
        if !cmd.contains("cyr_dbtool") || !cmd.trim_end().ends_with(" show") {
            continue;
        }
        let args: Vec<String> = args_after_conf(&cmd)
            .into_iter()
            .map(|a| a.replace("@ROOT@", &root))
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (rc, out, err) = site.run("cyr_dbtool", &args, b"");
        assert_eq!(rc, 0, "{file}: {err}");
        same(&site, &out, &expected(&file), &file);
        n += 1;
    }
    assert!(n >= 8, "only {n} dumps compared");
}

#[test]
fn dbtool_changes_and_checks() {
    let site = Site::fixture_copy();
    let db = site.root().join("lib/new.db");
    let db = db.to_str().unwrap();
    let (rc, _, err) = site.run("cyr_dbtool", &[db, "twoskip", "show"], b"");
    assert_ne!(rc, 0, "missing file without -n");
    assert_eq!(err.lines().count(), 1, "{err}");
    let (rc, _, err) = site.run("cyr_dbtool", &["-n", db, "twoskip", "set", "k", "v"], b"");
    assert_eq!(rc, 0, "{err}");
    let (_, out, _) = site.run("cyr_dbtool", &[db, "twoskip", "set"], b"a\t1\nb\t2\n");
    assert!(out.is_empty());
    site.run("cyr_dbtool", &[db, "twoskip", "delete", "a"], b"");
    let (_, out, _) = site.run("cyr_dbtool", &[db, "twoskip", "get", "k"], b"");
    assert_eq!(out, b"v\n");
    let (_, out, _) = site.run("cyr_dbtool", &[db, "twoskip", "show"], b"");
    assert_eq!(out, b"b\t2\nk\tv\n");
    let (rc, _, _) = site.run("cyr_dbtool", &[db, "twoskip", "repack"], b"");
    assert_eq!(rc, 0);
    let (rc, out, _) = site.run("cyr_dbtool", &[db, "twoskip", "consistent"], b"");
    assert_eq!((rc, out.as_slice()), (0, &b"Yes, consistent\n"[..]));
    let (rc, _, _) = site.run("cyr_dbtool", &[db, "twoskip", "frobnicate"], b"");
    assert_ne!(rc, 0);
}

#[test]
fn ctl_deliver_dump_matches_cyrus() {
    let site = Site::fixture_copy();
    let (rc, out, err) = site.run("cyr_ctl_deliver", &["-d"], b"");
    assert_eq!(rc, 0, "{err}");
    // The first line is the time of the dump.
    let skip = |v: &[u8]| {
        let i = v.iter().position(|&b| b == b'\n').unwrap();
        v[i + 1..].to_vec()
    };
    assert_eq!(
        String::from_utf8_lossy(&skip(&out)),
        String::from_utf8_lossy(&skip(&expected("ctl_deliver-d.txt")))
    );
}

#[test]
fn quota_fix_dry_run_prints_what_cyrus_prints() {
    let Some(tools) = CyrusTools::find() else {
        return;
    };
    let site = Site::fixture_copy();
    let qdb = site.root().join("lib/quotas.db");
    let qdb = qdb.to_str().unwrap();
    let (_, v, _) = site.run(
        "cyr_dbtool",
        &[qdb, "quotalegacy", "get", "user.alice"],
        b"",
    );
    let v = String::from_utf8(v).unwrap();
    let broken = v
        .trim_end()
        .replace("S (240230 ", "S (7 ")
        .replace("M (28 ", "M (3 ");
    assert_ne!(broken, v.trim_end());
    let (rc, _, err) = site.run(
        "cyr_dbtool",
        &[qdb, "quotalegacy", "set", "user.alice", &broken],
        b"",
    );
    assert_eq!(rc, 0, "{err}");
    let (rc, ours, our_err) = site.run("cyr_quota", &["-f", "-n"], b"");
    assert_eq!(rc, 0, "{our_err}");
    let (rc, theirs, their_err) = tools.run(&site, "quota", &["-f", "-n"]);
    assert_eq!(rc, 0, "{their_err}");
    assert_eq!(
        String::from_utf8_lossy(&ours),
        String::from_utf8_lossy(&theirs)
    );
    assert_eq!(our_err, their_err);
    assert_eq!(our_err.lines().count(), 2, "{our_err}");
}

#[test]
fn mbexamine_without_names_walks_users_then_shared_then_deleted() {
    let site = Site::fixture_copy();
    let order = [
        "user.alice",
        "user.alice.#sieve",
        "user.alice.Archive",
        "user.alice.Archive.2024",
        "user.alice.Drafts",
        "user.alice.Entw&APw-rfe",
        "user.alice.Sent",
        "user.alice.a^b",
        "user.bob",
        "user.bob.Work",
        "shared-news",
        "DELETED.user.alice.ToDelete.6B02EEA4",
    ];
    let want: Vec<u8> = order
        .iter()
        .flat_map(|n| expected(&format!("mbexamine/{n}.q.txt")))
        .collect();
    let (rc, out, err) = site.run("cyr_mbexamine", &["-q"], b"");
    assert_eq!(rc, 0, "{err}");
    same(&site, &out, &want, "mbexamine -q (all)");
}

#[test]
fn cyrus_reads_what_our_undump_and_dbtool_wrote() {
    let Some(tools) = CyrusTools::find() else {
        return;
    };
    let site = Site::fixture_copy();
    let (_, dump, _) = site.run("cyr_mboxlist", &["-d"], b"");
    std::fs::remove_file(site.root().join("lib/mailboxes.db")).unwrap();
    let (rc, _, err) = site.run("cyr_mboxlist", &["-u"], &dump);
    assert_eq!(rc, 0, "{err}");
    let (rc, ours, _) = site.run("cyr_mboxlist", &["-d"], b"");
    assert_eq!(rc, 0);
    let (rc, theirs, err) = tools.run(&site, "ctl_mboxlist", &["-d"]);
    assert_eq!(rc, 0, "{err}");
    assert_eq!(
        String::from_utf8_lossy(&theirs),
        String::from_utf8_lossy(&ours)
    );

    let db = site.root().join("lib/tool-test.db");
    let db = db.to_str().unwrap();
    site.run("cyr_dbtool", &["-n", db, "twoskip", "set", "k1", "v1"], b"");
    site.run("cyr_dbtool", &[db, "twoskip", "set"], b"k2\tv2\nk3\t\n");
    site.run("cyr_dbtool", &[db, "twoskip", "delete", "k1"], b"");
    site.run("cyr_dbtool", &[db, "twoskip", "repack"], b"");
    let (rc, out, err) = tools.run(&site, "cyr_dbtool", &[db, "twoskip", "consistent"]);
    assert_eq!(
        (rc, out.as_slice()),
        (0, &b"Yes, consistent\n"[..]),
        "{err}"
    );
    let (_, out, _) = tools.run(&site, "cyr_dbtool", &[db, "twoskip", "show"]);
    assert_eq!(out, b"k2\tv2\nk3\t\n");
}
