//! The shared runtime driven as a client would: a small line protocol over
//! TCP and unix sockets, with STARTTLS, implicit TLS, COMPRESS, IDLE-style
//! wakes, idle timeout, connection limits and graceful shutdown.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use cyrus_proto::runtime::{
    load_server_config, Bridge, ConnInfo, ListenAddr, Notifier, Output, Server, ServiceSpec,
    Session, TlsMode,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpStream, UnixStream};

/// A toy line protocol exercising every driver feature.
struct LineSession {
    buf: Vec<u8>,
    idle: bool,
    notifier: Notifier,
    timeout: Duration,
}

impl Session for LineSession {
    fn greeting(&mut self, _now: SystemTime, out: &mut Output) {
        out.send("* OK hello\r\n");
    }

    fn input(&mut self, data: &[u8], _now: SystemTime, out: &mut Output) {
        self.buf.extend_from_slice(data);
        while let Some(pos) = self.buf.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.buf.drain(..=pos).collect();
            let line = String::from_utf8_lossy(&line).trim_end().to_string();
            match line.as_str() {
                "STARTTLS" => {
                    out.send("OK begin TLS\r\n");
                    out.start_tls();
                    self.buf.clear(); // no plaintext injection
                    return;
                }
                "COMPRESS" => {
                    out.send("OK compressing\r\n");
                    out.compress();
                }
                "QUIT" => {
                    out.send("BYE\r\n");
                    out.close();
                    return;
                }
                "IDLE" => {
                    self.idle = true;
                    out.send("+ idling\r\n");
                }
                "DONE" => {
                    self.idle = false;
                    out.send("OK idle done\r\n");
                }
                "NOTIFY" => {
                    self.notifier.notify();
                    out.send("OK notified\r\n");
                }
                "SLOW" => {
                    std::thread::sleep(Duration::from_millis(300));
                    out.send("OK slow\r\n");
                }
                other => out.send(format!("ECHO {other}\r\n")),
            }
        }
    }

    fn wake(&mut self, _now: SystemTime, out: &mut Output) {
        if self.idle {
            out.send("* WOKE\r\n");
        }
    }

    fn idle_timeout(&self) -> Duration {
        self.timeout
    }

    fn poll_interval(&self) -> Option<Duration> {
        self.idle.then_some(Duration::from_secs(3600))
    }

    fn timed_out(&mut self, out: &mut Output) {
        out.send("* BYE timeout\r\n");
    }

    fn shutdown(&mut self, out: &mut Output) {
        out.send("* BYE shutting down\r\n");
    }
}

fn server() -> Server {
    Server::new(Bridge::new(8), Notifier::new(), Duration::from_secs(5))
}

fn spec(listen: ListenAddr) -> ServiceSpec {
    ServiceSpec {
        name: "test".into(),
        listen,
        tls: TlsMode::Plain,
        starttls: None,
        max_connections: None,
    }
}

async fn start(srv: &Server, mut spec: ServiceSpec, timeout: Duration) -> ListenAddr {
    let notifier = srv.notifier().clone();
    if let ListenAddr::Tcp(_) = spec.listen {
        spec.listen = ListenAddr::Tcp("127.0.0.1:0".parse().expect("addr"));
    }
    srv.serve(spec, move |_info: &ConnInfo| LineSession {
        buf: Vec::new(),
        idle: false,
        notifier: notifier.clone(),
        timeout,
    })
    .await
    .expect("serve")
}

struct Client<S> {
    r: BufReader<S>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Client<S> {
    async fn line(&mut self) -> String {
        let mut s = String::new();
        tokio::time::timeout(Duration::from_secs(10), self.r.read_line(&mut s))
            .await
            .expect("reply in time")
            .expect("read");
        s
    }
    async fn send(&mut self, s: &str) {
        self.r
            .get_mut()
            .write_all(s.as_bytes())
            .await
            .expect("write");
    }
    async fn cmd(&mut self, s: &str) -> String {
        self.send(&format!("{s}\r\n")).await;
        self.line().await
    }
}

async fn tcp(addr: &ListenAddr) -> Client<TcpStream> {
    let ListenAddr::Tcp(a) = addr else {
        panic!("not tcp")
    };
    Client {
        r: BufReader::new(TcpStream::connect(a).await.expect("connect")),
    }
}

#[tokio::test]
async fn echo_over_tcp_and_unix() {
    let srv = server();
    let addr = start(
        &srv,
        spec(ListenAddr::Tcp("127.0.0.1:0".parse().expect("a"))),
        Duration::from_secs(30),
    )
    .await;
    let mut c = tcp(&addr).await;
    assert_eq!(c.line().await, "* OK hello\r\n");
    // two commands in one packet, answered in order
    c.send("one\r\ntwo\r\n").await;
    assert_eq!(c.line().await, "ECHO one\r\n");
    assert_eq!(c.line().await, "ECHO two\r\n");
    // a command split over packets
    c.send("thr").await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(c.cmd("ee").await, "ECHO three\r\n");
    assert_eq!(c.cmd("QUIT").await, "BYE\r\n");
    assert_eq!(c.line().await, "", "closed after BYE");

    let dir = tempfile::tempdir().expect("tempdir");
    let sock = dir.path().join("sock/lmtp");
    start(
        &srv,
        spec(ListenAddr::Unix(sock.clone())),
        Duration::from_secs(30),
    )
    .await;
    let mut u = Client {
        r: BufReader::new(UnixStream::connect(&sock).await.expect("unix connect")),
    };
    assert_eq!(u.line().await, "* OK hello\r\n");
    assert_eq!(u.cmd("hi").await, "ECHO hi\r\n");
    srv.shutdown().await;
}

fn tls_material(dir: &std::path::Path) -> (Arc<rustls::ServerConfig>, tokio_rustls::TlsConnector) {
    let ck = rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("cert");
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    std::fs::write(&cert, ck.cert.pem()).expect("write cert");
    std::fs::write(&key, ck.key_pair.serialize_pem()).expect("write key");
    let server_cfg = load_server_config(&cert, &key).expect("server config");
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_file(&cert).expect("pem"))
        .expect("root");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let client_cfg = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    (
        server_cfg,
        tokio_rustls::TlsConnector::from(Arc::new(client_cfg)),
    )
}

#[tokio::test]
async fn starttls_then_implicit_tls() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (server_cfg, connector) = tls_material(dir.path());
    let srv = server();
    let mut s = spec(ListenAddr::Tcp("127.0.0.1:0".parse().expect("a")));
    s.starttls = Some(Arc::clone(&server_cfg));
    let addr = start(&srv, s, Duration::from_secs(30)).await;
    let mut c = tcp(&addr).await;
    c.line().await;
    // "injected" is sent in the same packet as STARTTLS and must be dropped
    c.send("STARTTLS\r\ninjected\r\n").await;
    assert_eq!(c.line().await, "OK begin TLS\r\n");
    let plain = c.r.into_inner();
    let name = ServerName::try_from("localhost").expect("name");
    let tls = connector
        .connect(name.clone(), plain)
        .await
        .expect("handshake");
    let mut t = Client {
        r: BufReader::new(tls),
    };
    assert_eq!(t.cmd("secret").await, "ECHO secret\r\n");

    let mut s = spec(ListenAddr::Tcp("127.0.0.1:0".parse().expect("a")));
    s.tls = TlsMode::Implicit(server_cfg);
    let ListenAddr::Tcp(a) = start(&srv, s, Duration::from_secs(30)).await else {
        panic!()
    };
    let tcp = TcpStream::connect(a).await.expect("connect");
    let tls = connector
        .connect(name, tcp)
        .await
        .expect("implicit handshake");
    let mut t = Client {
        r: BufReader::new(tls),
    };
    assert_eq!(t.line().await, "* OK hello\r\n");
    assert_eq!(t.cmd("x").await, "ECHO x\r\n");
    srv.shutdown().await;
}

#[tokio::test]
async fn compress_deflate_both_ways() {
    use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress};
    let srv = server();
    let addr = start(
        &srv,
        spec(ListenAddr::Tcp("127.0.0.1:0".parse().expect("a"))),
        Duration::from_secs(30),
    )
    .await;
    let mut c = tcp(&addr).await;
    c.line().await;
    assert_eq!(c.cmd("COMPRESS").await, "OK compressing\r\n");
    let mut stream = c.r.into_inner();
    let mut z = Compress::new(Compression::default(), false);
    let mut out = Vec::with_capacity(256);
    z.compress_vec(b"zipped\r\n", &mut out, FlushCompress::Sync)
        .expect("deflate");
    stream.write_all(&out).await.expect("write");
    let mut raw = vec![0u8; 256];
    let n = tokio::time::timeout(
        Duration::from_secs(5),
        tokio::io::AsyncReadExt::read(&mut stream, &mut raw),
    )
    .await
    .expect("in time")
    .expect("read");
    let mut inflate = Decompress::new(false);
    let mut plain = Vec::with_capacity(256);
    inflate
        .decompress_vec(&raw[..n], &mut plain, FlushDecompress::Sync)
        .expect("inflate");
    assert_eq!(plain, b"ECHO zipped\r\n");
    srv.shutdown().await;
}

#[tokio::test]
async fn idle_wakes_on_notify_from_another_connection() {
    let srv = server();
    let addr = start(
        &srv,
        spec(ListenAddr::Tcp("127.0.0.1:0".parse().expect("a"))),
        Duration::from_secs(30),
    )
    .await;
    let mut idler = tcp(&addr).await;
    idler.line().await;
    assert_eq!(idler.cmd("IDLE").await, "+ idling\r\n");
    let mut other = tcp(&addr).await;
    other.line().await;
    assert_eq!(other.cmd("NOTIFY").await, "OK notified\r\n");
    assert_eq!(idler.line().await, "* WOKE\r\n");
    assert_eq!(idler.cmd("DONE").await, "OK idle done\r\n");
    srv.shutdown().await;
}

#[tokio::test]
async fn idle_timeout_says_goodbye() {
    let srv = server();
    let addr = start(
        &srv,
        spec(ListenAddr::Tcp("127.0.0.1:0".parse().expect("a"))),
        Duration::from_millis(200),
    )
    .await;
    let mut c = tcp(&addr).await;
    c.line().await;
    assert_eq!(c.line().await, "* BYE timeout\r\n");
    assert_eq!(c.line().await, "");
    srv.shutdown().await;
}

#[tokio::test]
async fn connection_limit_queues_the_next_client() {
    let srv = server();
    let mut s = spec(ListenAddr::Tcp("127.0.0.1:0".parse().expect("a")));
    s.max_connections = Some(1);
    let addr = start(&srv, s, Duration::from_secs(30)).await;
    let mut first = tcp(&addr).await;
    first.line().await;
    let mut second = tcp(&addr).await;
    let mut greeting = String::new();
    let waited = tokio::time::timeout(
        Duration::from_millis(300),
        second.r.read_line(&mut greeting),
    )
    .await;
    assert!(
        waited.is_err(),
        "second client must wait while the first is connected"
    );
    assert_eq!(first.cmd("QUIT").await, "BYE\r\n");
    assert_eq!(second.line().await, "* OK hello\r\n");
    srv.shutdown().await;
}

#[tokio::test]
async fn shutdown_lets_a_running_command_finish() {
    let srv = server();
    let addr = start(
        &srv,
        spec(ListenAddr::Tcp("127.0.0.1:0".parse().expect("a"))),
        Duration::from_secs(30),
    )
    .await;
    let mut c = tcp(&addr).await;
    c.line().await;
    c.send("SLOW\r\n").await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let stop = srv.shutdown();
    let (_, first) = tokio::join!(stop, c.line());
    assert_eq!(first, "OK slow\r\n");
    assert_eq!(c.line().await, "* BYE shutting down\r\n");
    assert_eq!(c.line().await, "");
}
