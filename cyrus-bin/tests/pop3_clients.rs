//! `cyr_pop3d` with Python's poplib: USER/PASS, STAT, LIST, UIDL, RETR,
//! TOP, DELE and QUIT over plain TCP, then the store shows the DELEted
//! message expunged and the RETRieved one `\Seen` (`popuseimapflags`);
//! STLS and implicit TLS (`-s`) log in too. Skipped, with a notice, when
//! python3 is missing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod daemon;
use daemon::Daemon;

use std::path::{Path, PathBuf};
use std::process::Command;

use cyrus_store::mailbox::SystemFlags;
use cyrus_store::mboxname::MailboxName;
use cyrus_store::os::{LockKind, RealFs};
use cyrus_store::{AppendRequest, NewMailbox, Store, Uid};

fn have_python() -> bool {
    Command::new("python3")
        .arg("-c")
        .arg("import poplib")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn site(dir: &Path) -> (PathBuf, Store) {
    let r = dir.display();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    std::fs::write(dir.join("server.crt"), cert.cert.pem()).unwrap();
    std::fs::write(dir.join("server.key"), cert.key_pair.serialize_pem()).unwrap();
    let conf = dir.join("imapd.conf");
    std::fs::write(
        &conf,
        format!(
            "configdirectory: {r}/lib\npartition-default: {r}/spool\n\
             servername: pop.example\nsasl_pwcheck_method: alwaystrue\nallowplaintext: yes\n\
             sasl_mech_list: PLAIN LOGIN\nunixhierarchysep: yes\naltnamespace: yes\n\
             popuseimapflags: yes\n\
             tls_server_cert: {r}/server.crt\ntls_server_key: {r}/server.key\n"
        ),
    )
    .unwrap();
    let opts =
        cyrus_bin::config::store_options(&cyrus_bin::config::ImapdConf::load(&conf).unwrap())
            .unwrap();
    let store = Store::open(std::sync::Arc::new(RealFs::new()), opts).unwrap();
    let inbox = MailboxName::from_internal("user.bob").unwrap();
    store
        .create_mailbox(&inbox, &NewMailbox::default(), 1_795_000_000)
        .unwrap();
    for (i, body) in ["hello", ".starts with a dot", "third"].iter().enumerate() {
        let t = 1_795_000_100 + i as u32;
        store
            .append(
                &inbox,
                &[AppendRequest {
                    data: format!("Subject: m{i}\r\nFrom: a@example.com\r\n\r\n{body}\r\n")
                        .into_bytes(),
                    flags: Vec::new(),
                    internaldate: Some(t),
                }],
                t,
            )
            .unwrap();
    }
    (conf, store)
}

fn poplib(port: u16, mode: &str) -> serde_json::Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/pop3_client.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(port.to_string())
        .arg(mode)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "poplib {mode} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn poplib_session_then_the_store_shows_its_effects() {
    if !have_python() {
        eprintln!("skipped: python3 with poplib not found");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (conf, store) = site(dir.path());
    let bin = env!("CARGO_BIN_EXE_cyr_pop3d");
    let d = Daemon::start(bin, &conf, &[]);
    let v = poplib(d.port, "plain");
    let welcome = v["welcome"].as_str().unwrap();
    assert!(
        welcome.starts_with("+OK pop.example Cyrus POP3 ") && welcome.ends_with("server ready"),
        "{welcome}"
    );
    let capa: Vec<&str> = v["capa"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    for c in [
        "SASL",
        "STLS",
        "TOP",
        "UIDL",
        "USER",
        "PIPELINING",
        "RESP-CODES",
    ] {
        assert!(capa.contains(&c), "{c} in {capa:?}");
    }
    assert!(v["pass"]
        .as_str()
        .unwrap()
        .starts_with("+OK Mailbox locked and ready SESSIONID=<"));
    let stat = &v["stat"];
    assert_eq!(stat[0], 3);
    let list: Vec<String> = v["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_string())
        .collect();
    let sizes: Vec<u64> = list
        .iter()
        .map(|l| l.split(' ').nth(1).unwrap().parse().unwrap())
        .collect();
    assert_eq!(stat[1].as_u64().unwrap(), sizes.iter().sum::<u64>());
    let inbox = MailboxName::from_internal("user.bob").unwrap();
    let uidvalidity = {
        let (_, mbox) = store.open_mailbox(&inbox, LockKind::Shared).unwrap();
        mbox.index().uidvalidity.0
    };
    assert_eq!(
        v["uidl"][0].as_str().unwrap(),
        format!("1 {uidvalidity}.1"),
        "UIDL is <uidvalidity>.<uid>"
    );
    assert_eq!(
        v["uidl1"].as_str().unwrap(),
        format!("+OK 1 {uidvalidity}.1")
    );
    let retr: Vec<&str> = v["retr1"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert_eq!(
        retr,
        vec!["Subject: m0", "From: a@example.com", "", "hello"]
    );
    let top: Vec<&str> = v["top2"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert_eq!(top, vec!["Subject: m1", "From: a@example.com", ""]);
    assert_eq!(v["dele3"], "+OK message deleted");
    assert_eq!(v["quit"], "+OK");

    let (_, mbox) = store.open_mailbox(&inbox, LockKind::Shared).unwrap();
    let rec = |u: u32| mbox.record(Uid(u)).unwrap().clone();
    assert!(rec(3).is_expunged(), "DELEted message expunged at QUIT");
    assert!(
        rec(1).system_flags.contains(SystemFlags::SEEN),
        "RETR sets \\Seen"
    );
    assert!(
        !rec(2).system_flags.contains(SystemFlags::SEEN),
        "TOP does not"
    );
    assert!(mbox.index().pop3_last_login > 1_795_000_000);
    drop(mbox);

    // A second session sees two messages; STLS works.
    let v = poplib(d.port, "stls");
    assert_eq!(v["stls"], "+OK Begin TLS negotiation now");
    let capa_tls = v["capa_tls"].as_array().unwrap();
    assert!(!capa_tls.iter().any(|c| c == "STLS"), "{capa_tls:?}");
    assert_eq!(v["stat"][0], 2);
    d.stop();

    // Implicit TLS, as `pop3d -s`.
    let d = Daemon::start(bin, &conf, &["-s"]);
    let v = poplib(d.port, "pop3s");
    assert_eq!(v["stat"][0], 2);
    d.stop();
}
