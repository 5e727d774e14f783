//! A real client: the IMAP session served by the shared runtime on
//! 127.0.0.1:0 and driven by Python's imaplib (`tests/clients/
//! imap_client.py`): login, list, create, select, append, fetch, store,
//! search, IDLE woken by another connection, expunge, logout.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod imap_support;

use std::path::Path;
use std::time::Duration;

use cyrus_proto::imap::{ImapConfig, ImapSession};
use cyrus_proto::runtime::load_server_config;
use cyrus_proto::runtime::{Bridge, ConnInfo, ListenAddr, Notifier, Server, ServiceSpec, TlsMode};
use cyrus_proto::sasl::PlaintextPolicy;
use imap_support::Site;

/// Runs a client script against `addr`; panics with its output on failure.
async fn run_script(name: &str, addr: ListenAddr) {
    let ListenAddr::Tcp(a) = addr else {
        panic!("tcp")
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/clients")
        .join(name);
    let (ip, port) = (a.ip().to_string(), a.port().to_string());
    let out = tokio::time::timeout(
        Duration::from_secs(60),
        tokio::task::spawn_blocking(move || {
            std::process::Command::new("python3")
                .arg(script)
                .arg(ip)
                .arg(port)
                .output()
        }),
    )
    .await
    .expect("client finished in time")
    .unwrap()
    .unwrap();
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("all good"),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs client script `script` against a plain-text server on a fresh
/// site; skipped with a notice without python3.
async fn run_plain(script: &str) {
    if std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("NOTICE: python3 not installed; skipping");
        return;
    }
    let site = Site::new();
    let srv = Server::new(Bridge::new(8), Notifier::new(), Duration::from_secs(2));
    let notifier = srv.notifier().clone();
    let store = site.store.clone();
    let sessions = site_sessions(store, notifier);
    let addr = srv
        .serve(
            ServiceSpec {
                name: "imap".into(),
                listen: ListenAddr::Tcp("127.0.0.1:0".parse().unwrap()),
                tls: TlsMode::Plain,
                starttls: None,
                max_connections: None,
            },
            move |info: &ConnInfo| sessions(info),
        )
        .await
        .unwrap();
    run_script(script, addr).await;
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_imaplib_starttls() {
    if std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("NOTICE: python3 not installed; skipping");
        return;
    }
    let site = Site::new();
    let ck = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let (cert, key) = (
        site.dir.path().join("cert.pem"),
        site.dir.path().join("key.pem"),
    );
    std::fs::write(&cert, ck.cert.pem()).unwrap();
    std::fs::write(&key, ck.key_pair.serialize_pem()).unwrap();
    let tls = load_server_config(&cert, &key).unwrap();
    let srv = Server::new(Bridge::new(8), Notifier::new(), Duration::from_secs(2));
    let sessions = sessions_with(
        site.store.clone(),
        srv.notifier().clone(),
        PlaintextPolicy::RequireEncryption,
        true,
    );
    let addr = srv
        .serve(
            ServiceSpec {
                name: "imap".into(),
                listen: ListenAddr::Tcp("127.0.0.1:0".parse().unwrap()),
                tls: TlsMode::Plain,
                starttls: Some(tls),
                max_connections: None,
            },
            move |info: &ConnInfo| sessions(info),
        )
        .await
        .unwrap();
    run_script("imap_starttls.py", addr).await;
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_imaplib_session() {
    run_plain("imap_client.py").await;
}

/// CONDSTORE/QRESYNC/OBJECTID through imaplib; the same script passes
/// against real Cyrus 3.6 (`imap_condstore.py 127.0.0.1 21143 alice pass`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_imaplib_condstore() {
    run_plain("imap_condstore.py").await;
}

/// Builds sessions as cyr_imapd would: one store, one SASL config, the
/// server's notifier for IDLE.
fn site_sessions(
    store: std::sync::Arc<cyrus_store::Store>,
    notifier: Notifier,
) -> impl Fn(&ConnInfo) -> ImapSession + Send + Sync + 'static {
    sessions_with(store, notifier, PlaintextPolicy::Allowed, false)
}

/// Sessions under a given `allowplaintext` and STARTTLS offer.
fn sessions_with(
    store: std::sync::Arc<cyrus_store::Store>,
    notifier: Notifier,
    plaintext: PlaintextPolicy,
    starttls: bool,
) -> impl Fn(&ConnInfo) -> ImapSession + Send + Sync + 'static {
    use cyrus_proto::sasl::{random_mock_key, AlwaysTrue, AuthzPolicy, SaslConfig};
    let sasl = std::sync::Arc::new(SaslConfig::new(
        Some("PLAIN LOGIN"),
        plaintext,
        random_mock_key(),
    ));
    let auth = std::sync::Arc::new(AlwaysTrue::new(AuthzPolicy::new(vec![], vec![])));
    move |info: &ConnInfo| {
        ImapSession::new(
            store.clone(),
            sasl.clone(),
            auth.clone(),
            ImapConfig {
                notifier: notifier.clone(),
                starttls,
                ..Site::config()
            },
            info.clone(),
        )
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_imaplib_acl_quota_metadata() {
    run_plain("imap_meta.py").await;
}
