//! The site files of imapd(8) through the IMAP session: `msg/motd` after
//! the greeting, `msg/shutdown` turning logged-in non-admins away, and
//! the `log/<user>/` telemetry log (without the login's credentials).

mod imap_support;

use cyrus_proto::imap::{ImapConfig, SiteFiles};
use cyrus_proto::runtime::{Output, Session};
use imap_support::{feed, greet, now, Site};

fn config(site: &Site, admins: &[&str]) -> ImapConfig {
    ImapConfig {
        site_files: SiteFiles {
            config_dir: Some(site.dir.path().join("lib")),
            admins: admins.iter().map(|s| s.to_string()).collect(),
            telemetry_by_session_id: false,
        },
        ..Site::config()
    }
}

fn write(site: &Site, rel: &str, text: &str) {
    let p = site.dir.path().join("lib").join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

fn text(b: Vec<u8>) -> String {
    String::from_utf8(b).expect("utf8")
}

#[test]
fn motd_first_line_follows_the_greeting() {
    let site = Site::new();
    let mut s = site.session(config(&site, &[]));
    let g = text(greet(&mut s));
    assert_eq!(g.lines().count(), 1, "no motd file, no alert: {g}");
    write(
        &site,
        "msg/motd",
        "[[Welcome] to the test site\r\nsecond line\n",
    );
    let mut s = site.session(config(&site, &[]));
    let g = text(greet(&mut s));
    let lines: Vec<&str> = g.split_inclusive("\r\n").collect();
    assert!(lines[0].starts_with("* OK [CAPABILITY "), "{g}");
    // Leading '[' are dropped (Cyrus: the text cannot forge a code).
    assert_eq!(lines[1], "* OK [ALERT] Welcome] to the test site\r\n");
    assert_eq!(lines.len(), 2);
}

#[test]
fn shutdown_file_turns_logged_in_users_away() {
    let site = Site::new();
    write(&site, "msg/shutdown", "Down for maintenance\nignored\n");
    let mut s = site.session(config(&site, &["bob"]));
    greet(&mut s);
    // Before login nothing happens (Cyrus checks once a user is known).
    let r = text(feed(&mut s, b"a CAPABILITY\r\n"));
    assert!(r.ends_with("a OK Completed\r\n"), "{r}");
    let mut out = Output::new();
    s.input(b"b LOGIN alice pw\r\nc NOOP\r\n", now(), &mut out);
    let r = text(out.sent_bytes());
    assert!(r.starts_with("b OK "), "{r}");
    assert!(
        r.ends_with("* BYE [ALERT] Down for maintenance\r\n"),
        "BYE right after the login, nothing after it: {r}"
    );
    assert!(!r.contains("c OK"), "{r}");
    assert!(out.closes(), "the connection closes");

    // An admin may still log in and work.
    let mut s = site.session(config(&site, &["bob"]));
    greet(&mut s);
    let r = text(feed(&mut s, b"b LOGIN bob pw\r\nc NOOP\r\n"));
    assert!(!r.contains("BYE"), "{r}");
    assert!(r.ends_with("c OK Completed\r\n"), "{r}");

    // The per-service file wins over the general one.
    write(&site, "msg/shutdown.imap", "[imap only\n");
    let mut s = site.session(config(&site, &[]));
    greet(&mut s);
    let r = text(feed(&mut s, b"b LOGIN alice pw\r\n"));
    assert!(r.ends_with("* BYE [ALERT] imap only\r\n"), "{r}");
}

#[test]
fn telemetry_logs_the_session_after_login_without_credentials() {
    let site = Site::new();
    std::fs::create_dir_all(site.dir.path().join("lib/log/alice")).expect("mkdir");
    let mut s = site.session(config(&site, &[]));
    greet(&mut s);
    feed(&mut s, b"a LOGIN alice sekrit-password\r\n");
    let r = text(feed(&mut s, b"b SELECT INBOX\r\n"));
    assert!(r.contains("b OK"), "{r}");
    feed(&mut s, b"c LOGOUT\r\n");
    let file = site
        .dir
        .path()
        .join(format!("lib/log/alice/imap-{}", std::process::id()));
    let log = std::fs::read_to_string(&file).expect("telemetry file named <service>-<pid>");
    assert!(log.starts_with("---------- alice "), "{log}");
    assert!(
        !log.contains("sekrit"),
        "the password never reaches it: {log}"
    );
    assert!(!log.contains("a LOGIN"), "{log}");
    // The login's answer (sent after the log started), then the rest.
    assert!(log.contains(">a OK [CAPABILITY "), "{log}");
    assert!(log.contains("<1795000000<b SELECT INBOX\r\n"), "{log}");
    assert!(log.contains(">1795000000>* 0 EXISTS\r\n"), "{log}");
    assert!(log.contains("c OK"), "{log}");

    // AUTHENTICATE: the SASL response is not logged either.
    let mut s = site.session(config(&site, &[]));
    greet(&mut s);
    // base64 of "\0alice\0sekrit2"
    let r = text(feed(
        &mut s,
        b"d AUTHENTICATE PLAIN AGFsaWNlAHNla3JpdDI=\r\ne NOOP\r\n",
    ));
    assert!(r.contains("d OK"), "{r}");
    let log = std::fs::read_to_string(&file).expect("same file, appended");
    assert_eq!(log.matches("---------- alice ").count(), 2, "{log}");
    assert!(!log.contains("AGFsaWNl"), "{log}");

    // No directory for bob: no file.
    let mut s = site.session(config(&site, &[]));
    greet(&mut s);
    feed(&mut s, b"a LOGIN bob pw\r\nb NOOP\r\n");
    assert!(!site.dir.path().join("lib/log/bob").exists());
}
