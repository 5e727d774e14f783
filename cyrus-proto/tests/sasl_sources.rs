//! Password sources: the password file (round trip, change, delete,
//! atomic replacement) and the saslauthd client against a fake saslauthd.

use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixListener;
use std::thread;

use cyrus_proto::sasl::{
    AuthError, Authenticator, AuthzPolicy, PasswordFile, Saslauthd, ScramHash, Secret,
};

/// Not base64: `-` and `!` are outside its alphabet.
const BOB_PW: &str = "pw-!";

#[test]
fn password_file_round_trip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = PasswordFile::in_configdirectory(dir.path(), AuthzPolicy::default());
    assert_eq!(f.users().expect("empty"), Vec::<String>::new());
    assert!(!f
        .verify_password("bob", &Secret::from(BOB_PW))
        .expect("no file"));

    f.set_password("bob", &Secret::from(BOB_PW), Some(16))
        .expect("set");
    f.set_password("carol@example.com", &Secret::from("c"), Some(16))
        .expect("set");
    assert!(f.verify_password("bob", &Secret::from(BOB_PW)).expect("ok"));
    assert!(!f
        .verify_password("bob", &Secret::from("pw!-2"))
        .expect("ok"));
    assert!(!f.verify_password("bo", &Secret::from(BOB_PW)).expect("ok"));
    assert!(f
        .verify_password("carol@example.com", &Secret::from("c"))
        .expect("ok"));

    // The file holds no password and is private. The password has
    // characters base64 never produces, so no salt or key can contain it.
    let text = std::fs::read_to_string(f.path()).expect("read");
    assert!(!text.contains(BOB_PW));
    let mode = std::fs::metadata(f.path())
        .expect("meta")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);

    // Change: old password stops working, others untouched, order kept.
    f.set_password("bob", &Secret::from("new"), None)
        .expect("change");
    assert!(!f.verify_password("bob", &Secret::from(BOB_PW)).expect("ok"));
    assert!(f.verify_password("bob", &Secret::from("new")).expect("ok"));
    assert_eq!(f.users().expect("users"), ["bob", "carol@example.com"]);
    let creds = f
        .scram_credentials("bob", ScramHash::Sha1)
        .expect("ok")
        .expect("present");
    assert_eq!(creds.iterations(), 4096);

    // Delete.
    assert!(f.delete_user("bob").expect("delete"));
    assert!(!f.delete_user("bob").expect("delete again"));
    assert!(!f.verify_password("bob", &Secret::from("new")).expect("ok"));
    assert_eq!(f.users().expect("users"), ["carol@example.com"]);

    // Bad names are refused; no temp files left behind.
    assert!(matches!(
        f.set_password("a:b", &Secret::from("x"), None),
        Err(AuthError::InvalidUser)
    ));
    assert!(matches!(
        f.set_password("", &Secret::from("x"), None),
        Err(AuthError::InvalidUser)
    ));
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.contains(".tmp.")), "{names:?}");
}

#[test]
fn password_file_keeps_comments_and_reports_corruption() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = PasswordFile::in_configdirectory(dir.path(), AuthzPolicy::default());
    std::fs::write(f.path(), "# managed by cyr_passwd\n\nbroken:scram$1$AA\n").expect("write");
    f.set_password("bob", &Secret::from("pw"), Some(4))
        .expect("set");
    let text = std::fs::read_to_string(f.path()).expect("read");
    assert!(text.starts_with("# managed by cyr_passwd\n\nbroken:scram$1$AA\nbob:scram$4$"));
    match f.verify_password("broken", &Secret::from("x")) {
        Err(AuthError::Corrupt { line, .. }) => assert_eq!(line, 3),
        other => panic!("expected corruption, got {other:?}"),
    }
    // A corrupt line elsewhere does not stop other users.
    assert!(f.verify_password("bob", &Secret::from("pw")).expect("ok"));
}

#[test]
fn concurrent_writers_do_not_lose_updates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = PasswordFile::in_configdirectory(dir.path(), AuthzPolicy::default());
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let f = f.clone();
            thread::spawn(move || {
                for j in 0..3 {
                    f.set_password(&format!("u{i}-{j}"), &Secret::from("pw"), Some(1))
                        .expect("set");
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("writer");
    }
    assert_eq!(f.users().expect("users").len(), 24);
}

/// A fake saslauthd: reads the four counted strings, answers OK for
/// bob/pw with service imap and realm "", NO otherwise; returns what it
/// received.
fn fake_saslauthd(listener: UnixListener, replies: usize) -> thread::JoinHandle<Vec<[String; 4]>> {
    thread::spawn(move || {
        let mut seen = Vec::new();
        for _ in 0..replies {
            let (mut s, _) = listener.accept().expect("accept");
            let mut field = || {
                let mut len = [0u8; 2];
                s.read_exact(&mut len).expect("len");
                let mut buf = vec![0u8; u16::from_be_bytes(len) as usize];
                s.read_exact(&mut buf).expect("data");
                String::from_utf8(buf).expect("utf8")
            };
            let req = [field(), field(), field(), field()];
            let reply: &[u8] = if req[0] == "garbage" {
                b"MAYBE"
            } else if req == ["bob", "pw", "imap", ""] {
                b"OK"
            } else {
                b"NO authentication failed"
            };
            s.write_all(&(reply.len() as u16).to_be_bytes()).expect("w");
            s.write_all(reply).expect("w");
            seen.push(req);
        }
        seen
    })
}

#[test]
fn saslauthd_client() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("mux");
    let server = fake_saslauthd(UnixListener::bind(&path).expect("bind"), 4);
    let client = Saslauthd::new(&path, "imap", AuthzPolicy::default());
    assert!(client
        .verify_password("bob", &Secret::from("pw"))
        .expect("ok"));
    assert!(!client
        .verify_password("bob", &Secret::from("wrong"))
        .expect("no"));
    assert!(!client
        .verify_password("eve", &Secret::from("pw"))
        .expect("no"));
    assert!(matches!(
        client.verify_password("garbage", &Secret::from("pw")),
        Err(AuthError::Unavailable(_))
    ));
    let seen = server.join().expect("server");
    assert_eq!(seen[1], ["bob", "wrong", "imap", ""]);
    assert!(!client.offers_scram());

    // No daemon: unavailable, and the message carries no password.
    let gone = Saslauthd::new(dir.path().join("nope"), "imap", AuthzPolicy::default());
    match gone.verify_password("bob", &Secret::from("topsecret")) {
        Err(e @ AuthError::Unavailable(_)) => assert!(!e.to_string().contains("topsecret")),
        other => panic!("expected unavailable, got {other:?}"),
    }
}

/// The real Cyrus SASL client (`testsaslauthd`) against the fake server
/// above: proves the fake speaks the protocol saslauthd speaks, so the
/// client test above is meaningful. Skipped when the tool is missing.
#[test]
fn real_testsaslauthd_client_against_fake_server() {
    let Some(tool) = ["/usr/sbin/testsaslauthd", "/usr/bin/testsaslauthd"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
    else {
        eprintln!("testsaslauthd not installed; skipped");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("mux");
    let server = fake_saslauthd(UnixListener::bind(&path).expect("bind"), 2);
    let run = |pw: &str| {
        let out = std::process::Command::new(tool)
            .args(["-u", "bob", "-p", pw, "-s", "imap", "-f"])
            .arg(&path)
            .output()
            .expect("run testsaslauthd");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(run("pw").contains("OK"));
    assert!(run("nope").contains("NO"));
    assert_eq!(server.join().expect("server")[0], ["bob", "pw", "imap", ""]);
}

/// Our client against a real saslauthd, when one is pointed to by
/// `CYRUS_TEST_SASLAUTHD_MUX` and accepts `CYRUS_TEST_SASLAUTHD_USER` /
/// `CYRUS_TEST_SASLAUTHD_PASSWORD` for service `imap`.
#[test]
fn real_saslauthd_if_configured() {
    let (Ok(mux), Ok(user), Ok(pw)) = (
        std::env::var("CYRUS_TEST_SASLAUTHD_MUX"),
        std::env::var("CYRUS_TEST_SASLAUTHD_USER"),
        std::env::var("CYRUS_TEST_SASLAUTHD_PASSWORD"),
    ) else {
        return;
    };
    let client = Saslauthd::new(mux, "imap", AuthzPolicy::default());
    assert!(client
        .verify_password(&user, &Secret::from(pw.as_str()))
        .expect("ok"));
    assert!(!client
        .verify_password(&user, &Secret::from(format!("{pw}x")))
        .expect("no"));
}
