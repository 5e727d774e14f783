//! A site written by us, read by the real Cyrus 3.6 tools: they must find
//! nothing to fix and report the same contents we wrote.

#![allow(clippy::unwrap_used)]

mod support;

use cyrus_store::quota::QuotaResource;
use cyrus_store::{AppendRequest, NewMailbox};
use support::{fixture_message, mbox, CyrusTools, Site};

const NOW: u32 = 1_795_000_000;

fn build_site() -> Site {
    let site = Site::new();
    let s = &site.store;
    for n in [
        "user.alice",
        "user.alice.Sent",
        "user.alice.Archive",
        "user.alice.a^b",
        "user.bob",
        "shared-news",
    ] {
        s.create_mailbox(&mbox(n), &NewMailbox::default(), NOW)
            .unwrap();
    }
    s.set_quota(
        &mbox("user.alice"),
        &[
            (QuotaResource::Storage, Some(100_000)),
            (QuotaResource::Message, Some(500)),
        ],
    )
    .unwrap();
    let inbox = mbox("user.alice");
    let msgs: Vec<AppendRequest> = [
        "01-lmtp-alice-plain-ascii.eml",
        "03-lmtp-alice-rfc2047.eml",
        "05-lmtp-alice-multipart-mixed-pdf-rfc2231.eml",
        "06-lmtp-alice-nested-rfc822.eml",
        "12-lmtp-alice-200k.eml",
    ]
    .iter()
    .map(|n| AppendRequest {
        data: fixture_message(n),
        flags: if n.starts_with("01") {
            vec!["\\Seen".into(), "$label1".into()]
        } else {
            vec![]
        },
        internaldate: Some(1_704_067_200),
    })
    .collect();
    s.append(&inbox, &msgs, NOW).unwrap();
    s.append(
        &mbox("user.alice.Sent"),
        &[AppendRequest {
            data: fixture_message("34-append-alice-Sent-reply.eml"),
            flags: vec!["\\Seen".into()],
            internaldate: None,
        }],
        NOW,
    )
    .unwrap();
    s.append(
        &mbox("shared-news"),
        &[AppendRequest {
            data: fixture_message("38-append-shared-news-1.eml"),
            ..Default::default()
        }],
        NOW,
    )
    .unwrap();
    site.store
        .delete_mailbox(&mbox("user.alice.Archive"), 0x6B02_EEA4)
        .unwrap();
    site.store
        .rename_mailbox(
            &mbox("user.alice.a^b"),
            &mbox("user.alice.Renamed"),
            NOW + 5,
        )
        .unwrap();
    site
}

#[test]
fn cyrus_tools_accept_our_store() {
    let Some(tools) = CyrusTools::find() else {
        return;
    };
    let site = build_site();
    let conf = site.write_imapd_conf();
    let conf = conf.to_str().unwrap();
    tools.adopt(site.root());
    let lib = site.root().join("lib");

    let (rc, out, err) = tools.run(
        "cyr_dbtool",
        &[
            "-C",
            conf,
            lib.join("mailboxes.db").to_str().unwrap(),
            "twoskip",
            "consistent",
        ],
    );
    assert_eq!((rc, out.trim()), (0, "Yes, consistent"), "{err}");

    let (rc, out, err) = tools.run("chk_cyrus", &["-C", conf]);
    assert_eq!(rc, 0, "{err}");
    assert_eq!(out, "", "chk_cyrus found missing files: {out}\n{err}");

    // Report-only reconstruct lists the mailboxes it checked and nothing else.
    let (rc, out, err) = tools.run(
        "reconstruct",
        &["-C", conf, "-n", "-r", "-G", "-u", "alice", "bob"],
    );
    assert_eq!(rc, 0, "{err}");
    let mut lines: Vec<&str> = out
        .lines()
        .chain(err.lines())
        .filter(|l| !l.trim().is_empty())
        .collect();
    lines.sort_unstable();
    assert_eq!(
        lines,
        [
            "DELETED/user/alice/Archive/6B02EEA4",
            "user/alice",
            "user/alice/Renamed",
            "user/alice/Sent",
            "user/bob",
        ],
        "reconstruct -n reported changes:\n{out}\n{err}"
    );

    for (name, messages) in [
        ("user/alice", 5),
        ("user/alice/Sent", 1),
        ("shared-news", 1),
    ] {
        let (rc, out, err) = tools.run("mbexamine", &["-C", conf, "-q", name]);
        assert_eq!(rc, 0, "{err}");
        assert!(
            out.contains("Mailbox has CORRECT total quota usage"),
            "{name}: {out}{err}"
        );
        let (rc, out, err) = tools.run("mbexamine", &["-C", conf, "-c", name]);
        assert_eq!(rc, 0, "{err}");
        assert!(
            !out.to_lowercase().contains("missing") && !out.contains("differ"),
            "{name}: {out}"
        );
        let (rc, out, err) = tools.run("mbexamine", &["-C", conf, name]);
        assert_eq!(rc, 0, "{err}");
        assert!(
            out.contains(&format!("Number of Messages: {messages} ")),
            "{name}: {out}"
        );
    }

    let (rc, out, err) = tools.run("quota", &["-C", conf]);
    assert_eq!(rc, 0, "{err}");
    let alice = out
        .lines()
        .find(|l| l.contains("user/alice"))
        .unwrap_or_else(|| panic!("{out}"));
    let used_kib = site
        .store
        .quota(&mbox("user.alice"))
        .unwrap()
        .unwrap()
        .used(QuotaResource::Storage)
        / 1024;
    assert!(
        alice.contains("100000") && alice.contains(&used_kib.to_string()),
        "{out}"
    );

    let (rc, out, err) = tools.run("ctl_mboxlist", &["-C", conf, "-d"]);
    assert_eq!(rc, 0, "{err}");
    for n in [
        "user.alice.Sent",
        "user.alice.Renamed",
        "shared-news",
        "DELETED.user.alice.Archive.6B02EEA4",
    ] {
        assert!(
            out.contains(&format!("\"{n}\"")),
            "{n} missing from ctl_mboxlist -d:\n{out}"
        );
    }
}
