//! The connection driver: reads bytes, hands them to the session on the
//! blocking bridge, and carries out the session's output steps.

use std::io;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use rustls::ServerConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::watch;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

use super::bridge::{Bridge, BridgeError};
use super::deflate::Deflate;
use super::listen::BoxIo;
use super::session::{Output, Session, Step};

/// Longest a single write may wait for a client that does not read.
const WRITE_TIMEOUT: Duration = Duration::from_secs(120);
/// Longest a TLS handshake may take.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(60);
/// Read buffer size.
const READ_CHUNK: usize = 16 * 1024;

/// The connection's byte stream, before or after TLS.
pub(crate) enum Io {
    Plain(BoxIo),
    Tls(Box<TlsStream<BoxIo>>),
    /// Only while a handshake is being set up.
    Gone,
}

impl Io {
    async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Io::Plain(s) => s.read(buf).await,
            Io::Tls(s) => s.read(buf).await,
            Io::Gone => Ok(0),
        }
    }

    async fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Io::Plain(s) => s.write_all(buf).await,
            Io::Tls(s) => s.write_all(buf).await,
            Io::Gone => Err(io::Error::from(io::ErrorKind::BrokenPipe)),
        }
    }

    async fn flush(&mut self) -> io::Result<()> {
        match self {
            Io::Plain(s) => s.flush().await,
            Io::Tls(s) => s.flush().await,
            Io::Gone => Ok(()),
        }
    }

    async fn close(&mut self) {
        // Errors while closing change nothing for us: the peer is gone.
        let _ = match self {
            Io::Plain(s) => s.shutdown().await,
            Io::Tls(s) => s.shutdown().await,
            Io::Gone => Ok(()),
        };
    }

    /// Runs a server handshake over the plain stream.
    pub(crate) async fn start_tls(&mut self, config: &Arc<ServerConfig>) -> io::Result<()> {
        let plain = match std::mem::replace(self, Io::Gone) {
            Io::Plain(s) => s,
            other => {
                *self = other;
                return Err(io::Error::other("TLS already active"));
            }
        };
        let acceptor = TlsAcceptor::from(Arc::clone(config));
        let tls = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(plain))
            .await
            .map_err(|_| io::Error::from(io::ErrorKind::TimedOut))??;
        *self = Io::Tls(Box::new(tls));
        Ok(())
    }
}

/// Everything a connection shares with its server.
pub(crate) struct ConnCtx {
    pub(crate) bridge: Bridge,
    pub(crate) wake: watch::Receiver<u64>,
    pub(crate) shutdown: watch::Receiver<bool>,
    pub(crate) starttls: Option<Arc<ServerConfig>>,
}

enum Flow {
    Continue,
    Close,
}

/// Runs one session callback on the bridge.
async fn call<S, F>(bridge: &Bridge, mut s: Box<S>, f: F) -> Result<(Box<S>, Output), BridgeError>
where
    S: Session,
    F: FnOnce(&mut S, &mut Output) + Send + 'static,
{
    bridge
        .run(move || {
            let mut out = Output::new();
            f(&mut s, &mut out);
            (s, out)
        })
        .await
}

struct Driver<S: Session> {
    io: Io,
    deflate: Option<Deflate>,
    ctx: ConnCtx,
    session: Option<Box<S>>,
}

impl<S: Session> Driver<S> {
    /// Carries out the steps in order.
    async fn apply(&mut self, out: Output) -> io::Result<Flow> {
        for step in out.into_steps() {
            match step {
                Step::Send(bytes) => {
                    let bytes = match self.deflate.as_mut() {
                        Some(d) => d.deflate(&bytes)?,
                        None => bytes,
                    };
                    tokio::time::timeout(WRITE_TIMEOUT, self.io.write_all(&bytes))
                        .await
                        .map_err(|_| io::Error::from(io::ErrorKind::TimedOut))??;
                }
                Step::StartTls => {
                    self.io.flush().await?;
                    let config =
                        self.ctx.starttls.clone().ok_or_else(|| {
                            io::Error::other("STARTTLS without a TLS configuration")
                        })?;
                    self.io.start_tls(&config).await?;
                    if let Some(s) = self.session.as_mut() {
                        s.tls_started();
                        // Protocols that speak first after the handshake
                        // (ManageSieve re-sends its capabilities).
                        let mut after = Output::new();
                        s.after_tls(&mut after);
                        let bytes = after.sent_bytes();
                        if !bytes.is_empty() {
                            tokio::time::timeout(WRITE_TIMEOUT, self.io.write_all(&bytes))
                                .await
                                .map_err(|_| io::Error::from(io::ErrorKind::TimedOut))??;
                            self.io.flush().await?;
                        }
                    }
                }
                Step::Compress => {
                    self.io.flush().await?;
                    self.deflate = Some(Deflate::new());
                }
                Step::Close => {
                    self.io.flush().await?;
                    self.io.close().await;
                    return Ok(Flow::Close);
                }
            }
        }
        self.io.flush().await?;
        Ok(Flow::Continue)
    }

    /// Runs a callback and applies its output; `false` = stop.
    async fn step<F>(&mut self, f: F) -> bool
    where
        F: FnOnce(&mut S, &mut Output) + Send + 'static,
    {
        let Some(session) = self.session.take() else {
            return false;
        };
        match call(&self.ctx.bridge, session, f).await {
            Ok((s, out)) => {
                self.session = Some(s);
                matches!(self.apply(out).await, Ok(Flow::Continue))
            }
            Err(e) => {
                tracing::error!(error = %e, "session callback failed; closing connection");
                false
            }
        }
    }
}

/// Serves one connection until either side closes it.
pub(crate) async fn drive<S: Session>(io: Io, session: S, ctx: ConnCtx) {
    let mut d = Driver {
        io,
        deflate: None,
        ctx,
        session: Some(Box::new(session)),
    };
    if !d.step(|s, out| s.greeting(SystemTime::now(), out)).await {
        return;
    }
    let mut buf = vec![0u8; READ_CHUNK];
    loop {
        if *d.ctx.shutdown.borrow() {
            d.step(|s, out| s.shutdown(out)).await;
            break;
        }
        let (timeout, poll) = match d.session.as_ref() {
            Some(s) => (s.idle_timeout(), s.poll_interval()),
            None => break,
        };
        let waiting = poll.is_some();
        if waiting {
            // Changes from before the wait started are seen by the first wake.
            d.ctx.wake.borrow_and_update();
        }
        tokio::select! {
            r = d.io.read(&mut buf) => {
                let n = match r {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                let data = match d.deflate.as_mut() {
                    Some(z) => match z.inflate(&buf[..n]) {
                        Ok(v) => v,
                        Err(_) => break,
                    },
                    None => buf[..n].to_vec(),
                };
                if !d.step(move |s, out| s.input(&data, SystemTime::now(), out)).await {
                    break;
                }
            }
            _ = tokio::time::sleep(timeout) => {
                d.step(|s, out| s.timed_out(out)).await;
                break;
            }
            r = d.ctx.wake.changed(), if waiting => {
                if r.is_err() || !d.step(|s, out| s.wake(SystemTime::now(), out)).await {
                    break;
                }
            }
            _ = tokio::time::sleep(poll.unwrap_or(Duration::MAX)), if waiting => {
                if !d.step(|s, out| s.wake(SystemTime::now(), out)).await {
                    break;
                }
            }
            _ = d.ctx.shutdown.changed() => {
                d.step(|s, out| s.shutdown(out)).await;
                break;
            }
        }
    }
    d.io.close().await;
}
