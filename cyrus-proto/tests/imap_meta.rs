//! ACL, QUOTA and METADATA across sessions of different users, and read
//! back by the real Cyrus 3.6 tools (`cyr_dbtool`, `quota`,
//! `ctl_mboxlist`) when they are installed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod imap_support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use cyrus_proto::imap::ImapSession;
use imap_support::{feed, greet, Site};

/// A logged-in session of `user` on `site`.
fn login(site: &Site, user: &str) -> ImapSession {
    let mut s = site.session(Site::config());
    greet(&mut s);
    let out = say(&mut s, &format!("L LOGIN {user} pass"));
    assert!(out.contains("L OK"), "{out}");
    s
}

/// Sends one command line; returns everything the server answered.
fn say(s: &mut ImapSession, line: &str) -> String {
    String::from_utf8(feed(s, format!("{line}\r\n").as_bytes())).unwrap()
}

#[test]
fn acl_grants_and_revokes_across_users() {
    let site = Site::new();
    let mut alice = login(&site, "alice");
    let mut bob = login(&site, "bob");
    assert!(say(&mut alice, "a1 CREATE Team").contains("a1 OK"));
    // Without rights bob cannot see it at all.
    assert_eq!(
        say(&mut bob, "b1 MYRIGHTS \"Other Users/alice/Team\""),
        "b1 NO [NONEXISTENT] Mailbox does not exist\r\n"
    );
    assert_eq!(
        say(&mut alice, "a2 SETACL Team bob lr"),
        "a2 OK Completed\r\n"
    );
    assert_eq!(
        say(&mut bob, "b2 MYRIGHTS \"Other Users/alice/Team\""),
        "* MYRIGHTS \"Other Users/alice/Team\" lr\r\nb2 OK Completed\r\n"
    );
    assert!(say(&mut bob, "b3 LIST \"\" \"Other Users/alice/*\"")
        .contains("* LIST (\\HasNoChildren) \"/\" \"Other Users/alice/Team\"\r\n"));
    // Visible but without `a`: NOPERM for GETACL and SETACL.
    assert_eq!(
        say(&mut bob, "b4 GETACL \"Other Users/alice/Team\""),
        "b4 NO [NOPERM] Permission denied\r\n"
    );
    assert_eq!(
        say(&mut bob, "b5 SETACL \"Other Users/alice/Team\" bob lrswi"),
        "b5 NO [NOPERM] Permission denied\r\n"
    );
    assert!(say(&mut bob, "b6 SELECT \"Other Users/alice/Team\"").contains("b6 OK"));
    // A negative right takes away what a positive entry grants.
    assert_eq!(
        say(&mut alice, "a3 SETACL Team -bob r"),
        "a3 OK Completed\r\n"
    );
    assert_eq!(
        say(&mut bob, "b7 MYRIGHTS \"Other Users/alice/Team\""),
        "* MYRIGHTS \"Other Users/alice/Team\" l\r\nb7 OK Completed\r\n"
    );
    assert_eq!(
        say(&mut alice, "a4 DELETEACL Team bob"),
        "a4 OK Completed\r\n"
    );
    assert_eq!(
        say(&mut bob, "b8 MYRIGHTS \"Other Users/alice/Team\""),
        "b8 NO [NONEXISTENT] Mailbox does not exist\r\n"
    );
    // The admin sees every ACL and may change it.
    let mut admin = login(&site, "cyrus");
    assert_eq!(
        say(&mut admin, "c1 GETACL user/alice/Team"),
        "* ACL user/alice/Team alice lrswipkxtecdan -bob r\r\nc1 OK Completed\r\n"
    );
    assert_eq!(
        say(&mut admin, "c2 SETACL user/alice/Team anyone lrs"),
        "c2 OK Completed\r\n"
    );
    assert_eq!(
        say(&mut bob, "b9 MYRIGHTS \"Other Users/alice/Team\""),
        "* MYRIGHTS \"Other Users/alice/Team\" ls\r\nb9 OK Completed\r\n"
    );
}

#[test]
fn quota_set_by_admin_is_seen_and_enforced() {
    let site = Site::new();
    let mut admin = login(&site, "cyrus");
    let mut alice = login(&site, "alice");
    assert_eq!(
        say(&mut alice, "a1 GETQUOTAROOT INBOX"),
        "* QUOTAROOT INBOX\r\na1 OK Completed\r\n"
    );
    assert_eq!(
        say(&mut admin, "c1 SETQUOTA user/alice (STORAGE 1)"),
        "c1 OK Completed\r\n"
    );
    assert_eq!(
        say(&mut alice, "a2 GETQUOTAROOT INBOX"),
        "* QUOTAROOT INBOX INBOX\r\n* QUOTA INBOX (STORAGE 0 1)\r\na2 OK Completed\r\n"
    );
    // 600 bytes fit in 1 KiB, another 600 do not.
    let msg = format!("Subject: q\r\n\r\n{}\r\n", "x".repeat(584));
    assert_eq!(msg.len(), 600);
    let append = |s: &mut ImapSession, tag: &str| {
        say(
            s,
            &format!("{tag} APPEND INBOX {{{}+}}\r\n{msg}", msg.len()),
        )
    };
    assert!(append(&mut alice, "a3").contains("a3 OK"));
    let out = append(&mut alice, "a4");
    assert!(out.starts_with("a4 NO [OVERQUOTA]"), "{out}");
    assert_eq!(
        say(&mut admin, "c2 GETQUOTA user/alice"),
        "* QUOTA user/alice (STORAGE 0 1)\r\nc2 OK Completed\r\n"
    );
    // Mailbox annotations count toward X-ANNOTATION-STORAGE (KiB), as in
    // Cyrus; replacing a value gives its bytes back.
    assert_eq!(
        say(
            &mut admin,
            "c3 SETQUOTA user/alice (X-ANNOTATION-STORAGE 10)"
        ),
        "c3 OK Completed\r\n"
    );
    let big = "v".repeat(3000);
    let out = say(
        &mut alice,
        &format!("a5 SETMETADATA INBOX (/private/comment {{3000+}}\r\n{big})"),
    );
    assert_eq!(out, "a5 OK Completed\r\n");
    assert_eq!(
        say(&mut admin, "c4 GETQUOTA user/alice"),
        "* QUOTA user/alice (X-ANNOTATION-STORAGE 2 10)\r\nc4 OK Completed\r\n"
    );
    assert_eq!(
        say(&mut alice, "a6 SETMETADATA INBOX (/private/comment \"x\")"),
        "a6 OK Completed\r\n"
    );
    assert_eq!(
        say(&mut admin, "c5 GETQUOTA user/alice"),
        "* QUOTA user/alice (X-ANNOTATION-STORAGE 0 10)\r\nc5 OK Completed\r\n"
    );
    // Past the limit the value is refused and nothing is stored.
    assert_eq!(
        say(
            &mut admin,
            "c6 SETQUOTA user/alice (X-ANNOTATION-STORAGE 2)"
        ),
        "c6 OK Completed\r\n"
    );
    let out = say(
        &mut alice,
        &format!("a7 SETMETADATA INBOX (/shared/comment {{3000+}}\r\n{big})"),
    );
    assert_eq!(out, "a7 NO [OVERQUOTA] Over quota\r\n");
    assert_eq!(
        say(&mut alice, "a8 GETMETADATA INBOX /shared/comment"),
        "* METADATA INBOX (\"/shared/comment\" NIL)\r\na8 OK Completed\r\n"
    );
}

/// The real tools, run as the `cyrus` user when we are root.
fn tool(name: &str, args: &[&str]) -> Option<(i32, Vec<u8>, String)> {
    let exe = PathBuf::from("/usr/lib/cyrus/bin").join(name);
    if !exe.exists() {
        eprintln!("NOTICE: Cyrus tools not installed (Debian cyrus-common); skipping");
        return None;
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let mut cmd = if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "cyrus", "--"]).arg(&exe);
        c
    } else {
        Command::new(&exe)
    };
    let out = cmd.args(args).output().unwrap();
    Some((
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

fn write_conf(root: &Path) -> PathBuf {
    let conf = root.join("imapd.conf");
    std::fs::write(
        &conf,
        format!(
            "configdirectory: {0}/lib\ndefaultpartition: default\npartition-default: {0}/spool\n\
             unixhierarchysep: yes\naltnamespace: yes\nadmins: cyrus\n",
            root.display()
        ),
    )
    .unwrap();
    conf
}

#[test]
fn cyrus_tools_read_what_imap_wrote() {
    let site = Site::new();
    let mut alice = login(&site, "alice");
    let mut admin = login(&site, "cyrus");
    assert!(say(&mut alice, "a1 CREATE Sent (USE (\\Sent))").contains("a1 OK"));
    assert_eq!(
        say(&mut alice, "a2 SETACL Sent bob lrs"),
        "a2 OK Completed\r\n"
    );
    assert_eq!(
        say(
            &mut alice,
            "a3 SETMETADATA Sent (/shared/comment \"sent-mail\")"
        ),
        "a3 OK Completed\r\n"
    );
    assert_eq!(
        say(&mut admin, "c1 SETMETADATA \"\" (/shared/motd \"hi all\")"),
        "c1 OK Completed\r\n"
    );
    assert_eq!(
        say(
            &mut admin,
            "c2 SETQUOTA user/alice (STORAGE 500 MESSAGE 40)"
        ),
        "c2 OK Completed\r\n"
    );
    drop((alice, admin));

    let root = site.dir.path();
    let conf = write_conf(root);
    let conf = conf.to_str().unwrap();
    let Some(_) = tool("cyr_dbtool", &["-h"]) else {
        return;
    };
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
    let owned = Command::new("chown")
        .args(["-R", "cyrus:mail"])
        .arg(root)
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        owned
            || Command::new("id")
                .arg("-u")
                .output()
                .is_ok_and(|o| o.stdout != b"0\n")
    );

    let annots = root.join("lib/annotations.db");
    let (rc, out, err) = tool(
        "cyr_dbtool",
        &[
            "-C",
            conf,
            annots.to_str().unwrap(),
            "twoskip",
            "consistent",
        ],
    )
    .unwrap();
    assert_eq!(
        (rc, String::from_utf8_lossy(&out).trim()),
        (0, "Yes, consistent"),
        "{err}"
    );
    let (rc, out, err) = tool(
        "cyr_dbtool",
        &["-C", conf, annots.to_str().unwrap(), "twoskip", "show"],
    )
    .unwrap();
    assert_eq!(rc, 0, "{err}");
    let has = |needle: &[u8]| out.windows(needle.len()).any(|w| w == needle);
    // Cyrus keys: <uniqueid>\0<entry>\0<userid>\0 (owner as [.OwNeR.]).
    assert!(
        has(b"\0/comment\0\0\t"),
        "{}",
        String::from_utf8_lossy(&out)
    );
    assert!(has(b"sent-mail\0text/plain\0"));
    assert!(has(b"\0/specialuse\0[.OwNeR.]\0\t"));
    assert!(has(b"\\Sent\0text/plain\0"));
    assert!(has(b"\0/motd\0\0\t"));

    let (rc, out, err) = tool("quota", &["-C", conf]).unwrap();
    let out = String::from_utf8_lossy(&out);
    assert_eq!(rc, 0, "{err}");
    let line = out
        .lines()
        .find(|l| l.contains("STORAGE") && l.contains("user/alice"))
        .unwrap_or_else(|| panic!("no STORAGE line in\n{out}"));
    assert!(line.trim_start().starts_with("500 "), "{line}");
    assert!(out
        .lines()
        .any(|l| l.contains("MESSAGE") && l.trim_start().starts_with("40 ")));

    // `quota -f` recounts usage from the mailboxes: annotation bytes
    // included, it finds nothing to fix.
    let (rc, out, err) = tool("quota", &["-C", conf, "-f"]).unwrap();
    let out = String::from_utf8_lossy(&out);
    assert_eq!(rc, 0, "{err}");
    assert!(
        !err.contains("usage was") && !err.contains("-->"),
        "quota -f fixed usage:\n{out}\n{err}"
    );

    let (rc, out, err) = tool("ctl_mboxlist", &["-C", conf, "-d"]).unwrap();
    let out = String::from_utf8_lossy(&out);
    assert_eq!(rc, 0, "{err}");
    let sent = out
        .lines()
        .find(|l| l.contains("user.alice.Sent"))
        .unwrap_or_else(|| panic!("no user.alice.Sent in\n{out}"));
    assert!(sent.contains("bob") && sent.contains("lrs"), "{sent}");
}
