//! cyr_deliver into a fresh site, then our other tools and (when
//! installed) the real Cyrus 3.6 tools on the result: `chk_cyrus`,
//! `reconstruct -n` and `quota -f -n` must find nothing, and Cyrus's
//! `mbexamine`, `ctl_mboxlist -d` and `quota` must print what ours print.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use cyrus_bin::config::ImapdConf;
use cyrus_bin::tools::open_store;
use cyrus_store::mboxname::MailboxName;
use cyrus_store::quota::QuotaResource;
use cyrus_store::NewMailbox;
use support::{fixture, CyrusTools, Site};

const NOW: u32 = 1_795_000_000;

fn message(name: &str) -> Vec<u8> {
    std::fs::read(fixture().join("messages").join(name)).unwrap()
}

/// A fresh site with alice (INBOX, Archive; quota) and bob.
fn site(extra: &str) -> Site {
    let site = Site::fresh(extra);
    let conf = ImapdConf::load(&site.conf()).unwrap();
    let store = open_store(&conf).unwrap();
    for n in ["user.alice", "user.alice.Archive", "user.bob"] {
        let name = MailboxName::from_internal(n).unwrap();
        store
            .create_mailbox(&name, &NewMailbox::default(), NOW)
            .unwrap();
    }
    store
        .set_quota(
            &MailboxName::from_internal("user.alice").unwrap(),
            &[(QuotaResource::Storage, Some(10_000))],
        )
        .unwrap();
    site
}

fn text(v: &[u8]) -> String {
    String::from_utf8_lossy(v).into_owned()
}

fn messages_in(site: &Site, mailbox: &str) -> usize {
    let (rc, out, err) = site.run("cyr_mbexamine", &[mailbox], b"");
    assert_eq!(rc, 0, "{err}");
    text(&out).matches("> UID:").count()
}

#[test]
fn deliver_stores_crlf_and_suppresses_duplicates() {
    let site = site("");
    let msg = message("11-lmtp-alice-bare-lf.eml");
    assert!(!msg.contains(&b'\r'));
    let (rc, _, err) = site.run("cyr_deliver", &["alice", "bob"], &msg);
    assert_eq!(rc, 0, "{err}");
    let (_, out, _) = site.run("cyr_mbexamine", &["user/alice"], b"");
    let report = text(&out);
    assert!(report.contains("Number of Messages: 1 "), "{report}");
    assert!(report.contains("Subjct>"), "{report}");
    assert_eq!(messages_in(&site, "user/bob"), 1);
    let (_, out, _) = site.run("cyr_mbpath", &["user/alice"], b"");
    let dir = text(&out).trim().to_string();
    let stored = std::fs::read(format!("{dir}/1.")).unwrap();
    assert_eq!(
        stored.len(),
        msg.len() + msg.iter().filter(|&&b| b == b'\n').count()
    );
    assert!(stored.windows(2).all(|w| w[1] != b'\n' || w[0] == b'\r'));

    // The same Message-ID again: dropped for both, and deliver.db says so.
    let (rc, _, err) = site.run("cyr_deliver", &["alice", "bob"], &msg);
    assert_eq!(rc, 0, "{err}");
    assert_eq!(messages_in(&site, "user/alice"), 1);
    let (_, out, _) = site.run("cyr_ctl_deliver", &["-d"], b"");
    assert!(text(&out).ends_with("got 2 entries\n"), "{}", text(&out));

    // -m: alice may post to her Archive; anonymous may not (INBOX).
    let other = message("01-lmtp-alice-plain-ascii.eml");
    let (rc, _, err) = site.run(
        "cyr_deliver",
        &["-m", "Archive", "-a", "alice", "alice"],
        &other,
    );
    assert_eq!(rc, 0, "{err}");
    assert_eq!(messages_in(&site, "user/alice/Archive"), 1);
    let third = message("02-lmtp-alice-utf8-8bit.eml");
    site.run(
        "cyr_deliver",
        &["-m", "Archive", "-r", "x@example.org", "alice"],
        &third,
    );
    assert_eq!(messages_in(&site, "user/alice"), 2);
    let stored = std::fs::read(format!("{dir}/2.")).unwrap();
    assert!(stored.starts_with(b"Return-Path: <x@example.org>\r\n"));
}

#[test]
fn recipients_with_detail_downcase_and_shared_folders() {
    // On a copy of the fixture: lmtp_downcase_rcpt is on; alice's Archive
    // gives bob only lrs; shared-news gives anyone lr and bob p.
    let site = Site::fixture_copy();
    let msg = message("31-lmtp-bob-attachment.eml");
    let before = messages_in(&site, "user/alice/Archive");
    let (rc, _, err) = site.run("cyr_deliver", &["-a", "alice", "ALICE+Archive"], &msg);
    assert_eq!(rc, 0, "{err}");
    assert_eq!(messages_in(&site, "user/alice/Archive"), before + 1);
    // As in the fixture scenario: the anonymous poster falls back to INBOX,
    // and shared-folder delivery without p is refused.
    let inbox = messages_in(&site, "user/alice");
    let other = message("36-append-alice-Drafts-draft.eml");
    let (rc, _, err) = site.run("cyr_deliver", &["alice+Archive"], &other);
    assert_eq!(rc, 0, "{err}");
    assert_eq!(messages_in(&site, "user/alice"), inbox + 1);
    let news = messages_in(&site, "shared-news");
    let (rc, _, err) = site.run("cyr_deliver", &["+shared-news"], &msg);
    assert_ne!(rc, 0);
    assert!(err.contains("Permission denied"), "{err}");
    let (rc, _, err) = site.run("cyr_deliver", &["-a", "bob", "+shared-news"], &msg);
    assert_eq!(rc, 0, "{err}");
    assert_eq!(messages_in(&site, "shared-news"), news + 1);

    // Cyrus's checks on the changed site say what they said on the
    // original (reconstruct -n reports only the mailboxes it walked).
    let Some(tools) = CyrusTools::find() else {
        return;
    };
    for (args, file) in [
        (
            &["-n", "-r", "-G", "-u", "alice", "bob"][..],
            "reconstruct-n.txt",
        ),
        (
            &["-n", "-r", "-G", "shared-news"][..],
            "reconstruct-n-shared.txt",
        ),
    ] {
        let (rc, out, err) = tools.run(&site, "reconstruct", args);
        assert_eq!(rc, 0, "{err}");
        let both = [out, err.into_bytes()].concat();
        assert_eq!(text(&both), text(&support::expected(file)), "{file}");
    }
    let (rc, out, err) = tools.run(&site, "chk_cyrus", &[]);
    assert_eq!((rc, text(&out).as_str()), (0, ""), "{err}");
    let (rc, out, err) = tools.run(&site, "quota", &["-f", "-n", "-q"]);
    assert_eq!((rc, text(&out).as_str(), err.as_str()), (0, "", ""));
}

#[test]
fn unknown_user_and_bad_message_fail() {
    let site = site("");
    let msg = message("01-lmtp-alice-plain-ascii.eml");
    let (rc, _, err) = site.run("cyr_deliver", &["nosuch"], &msg);
    assert_ne!(rc, 0);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("nosuch") && err.contains("does not exist"),
        "{err}"
    );
    let (rc, _, err) = site.run("cyr_deliver", &["alice"], b"no header block\n\nbody\n");
    assert_ne!(rc, 0);
    assert!(err.contains("invalid header"), "{err}");
    // A failing recipient does not stop the others.
    let (rc, _, _) = site.run("cyr_deliver", &["nosuch", "bob"], &msg);
    assert_ne!(rc, 0);
    assert_eq!(messages_in(&site, "user/bob"), 1);
}

#[test]
fn missing_configdirectory_is_reported_not_created() {
    let site = Site::empty();
    let lib = site.root().join("nowhere");
    std::fs::write(
        site.conf(),
        format!(
            "configdirectory: {}\npartition-default: {}/spool\n",
            lib.display(),
            lib.display()
        ),
    )
    .unwrap();
    let (rc, _, err) = site.run("cyr_quota", &[], b"");
    assert_ne!(rc, 0);
    assert!(err.contains("does not exist"), "{err}");
    assert!(!lib.exists());
}

#[test]
fn over_quota_fails_unless_q() {
    // alice's root allows 10 000 KiB; the 200 KiB message fits, so shrink
    // the limit to 1 KiB first.
    let site = site("");
    let conf = ImapdConf::load(&site.conf()).unwrap();
    let store = open_store(&conf).unwrap();
    store
        .set_quota(
            &MailboxName::from_internal("user.alice").unwrap(),
            &[(QuotaResource::Storage, Some(1))],
        )
        .unwrap();
    drop(store);
    let msg = message("12-lmtp-alice-200k.eml");
    let (rc, _, err) = site.run("cyr_deliver", &["alice"], &msg);
    assert_ne!(rc, 0);
    assert!(err.contains("Over quota"), "{err}");
    assert_eq!(messages_in(&site, "user/alice"), 0);
    let (rc, _, err) = site.run("cyr_deliver", &["-q", "alice"], &msg);
    assert_eq!(rc, 0, "{err}");
    assert_eq!(messages_in(&site, "user/alice"), 1);
    // The usage was counted: nothing for quota -f to fix.
    let (_, _, err) = site.run("cyr_quota", &["-f", "-n", "-q"], b"");
    assert_eq!(err, "");
}

#[test]
fn autocreate_post_creates_inbox_with_quota() {
    let site = site("autocreate_post: yes\nautocreate_quota: 2000\n");
    let msg = message("01-lmtp-alice-plain-ascii.eml");
    let (rc, _, err) = site.run("cyr_deliver", &["carol"], &msg);
    assert_eq!(rc, 0, "{err}");
    assert_eq!(messages_in(&site, "user/carol"), 1);
    let (_, out, _) = site.run("cyr_quota", &["user/carol"], b"");
    assert!(text(&out).contains("    2000 "), "{}", text(&out));
}

#[test]
fn quota_fix_repairs_wrong_usage() {
    let site = site("");
    let msg = message("05-lmtp-alice-multipart-mixed-pdf-rfc2231.eml");
    site.run("cyr_deliver", &["alice"], &msg);
    let qdb = site.root().join("lib/quotas.db");
    let qdb = qdb.to_str().unwrap();
    let (_, value, _) = site.run(
        "cyr_dbtool",
        &[qdb, "quotalegacy", "get", "user.alice"],
        b"",
    );
    let value = text(&value).trim_end().to_string();
    let i = value.find("S (").unwrap() + 3;
    let j = i + value[i..].find(' ').unwrap();
    let real: i64 = value[i..j].parse().unwrap();
    let broken = format!("{}7{}", &value[..i], &value[j..]);
    let (rc, _, err) = site.run(
        "cyr_dbtool",
        &[qdb, "quotalegacy", "set", "user.alice", &broken],
        b"",
    );
    assert_eq!(rc, 0, "{err}");
    // As Cyrus: the fixes go to stderr, and -q drops the report.
    let (rc, out, err) = site.run("cyr_quota", &["-f", "-n", "-q"], b"");
    assert_eq!(rc, 0);
    let want = format!("user.alice: STORAGE usage was 7, now {real}\n");
    assert_eq!((text(&out).as_str(), err.as_str()), ("", want.as_str()));
    let (_, _, err) = site.run("cyr_quota", &["-f", "-q"], b"");
    assert_eq!(err, want);
    let (_, _, err) = site.run("cyr_quota", &["-f", "-n", "-q"], b"");
    assert_eq!(err, "", "fixed");
}

#[test]
fn cyrus_tools_accept_a_site_our_tools_changed() {
    let Some(tools) = CyrusTools::find() else {
        return;
    };
    let site = site("");
    for (m, users) in [
        ("01-lmtp-alice-plain-ascii.eml", &["alice", "bob"][..]),
        ("11-lmtp-alice-bare-lf.eml", &["alice"][..]),
        ("12-lmtp-alice-200k.eml", &["bob"][..]),
        ("06-lmtp-alice-nested-rfc822.eml", &["alice"][..]),
    ] {
        let (rc, _, err) = site.run("cyr_deliver", users, &message(m));
        assert_eq!(rc, 0, "{m}: {err}");
    }
    let (rc, _, err) = site.run(
        "cyr_deliver",
        &["-m", "Archive", "-a", "alice", "alice"],
        &message("02-lmtp-alice-utf8-8bit.eml"),
    );
    assert_eq!(rc, 0, "{err}");
    let (rc, _, err) = site.run("cyr_quota", &["-f", "-q"], b"");
    assert_eq!(rc, 0, "{err}");

    let (rc, out, err) = tools.run(&site, "chk_cyrus", &[]);
    assert_eq!(rc, 0, "{err}");
    assert_eq!(text(&out), "", "chk_cyrus found missing files; {err}");

    let (rc, out, err) = tools.run(
        &site,
        "reconstruct",
        &["-n", "-r", "-G", "-u", "alice", "bob"],
    );
    assert_eq!(rc, 0, "{err}");
    let mut lines: Vec<String> = text(&out)
        .lines()
        .chain(err.lines())
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    lines.sort_unstable();
    assert_eq!(
        lines,
        ["user/alice", "user/alice/Archive", "user/bob"],
        "reconstruct -n reported changes"
    );

    let (rc, out, err) = tools.run(&site, "quota", &["-f", "-n", "-q"]);
    assert_eq!((rc, text(&out).as_str()), (0, ""), "quota -f -n: {err}");

    // Differential: Cyrus's tools print what ours print.
    for (tool, ours, args) in [
        ("quota", "cyr_quota", &[][..]),
        ("quota", "cyr_quota", &["-J"][..]),
        ("ctl_mboxlist", "cyr_mboxlist", &["-d"][..]),
        ("mbexamine", "cyr_mbexamine", &["user/alice"][..]),
        ("mbexamine", "cyr_mbexamine", &["user/alice/Archive"][..]),
        ("mbexamine", "cyr_mbexamine", &["user/bob"][..]),
        ("mbexamine", "cyr_mbexamine", &["-q", "user/bob"][..]),
        ("mbexamine", "cyr_mbexamine", &["-c", "user/alice"][..]),
        ("mbpath", "cyr_mbpath", &["-a", "user/alice/Archive"][..]),
    ] {
        let (rc, want, err) = tools.run(&site, tool, args);
        assert_eq!(rc, 0, "{tool} {args:?}: {err}");
        let (rc, got, err) = site.run(ours, args, b"");
        assert_eq!(rc, 0, "{ours} {args:?}: {err}");
        assert_eq!(text(&got), text(&want), "{ours} {args:?}");
    }
}
