//! A server: services bound to listeners, connection limits, graceful
//! shutdown that lets running commands finish and then drains.

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::ServerConfig;
use tokio::sync::{watch, Semaphore};
use tokio::task::{JoinHandle, JoinSet};

use super::activity::Activity;
use super::bridge::Bridge;
use super::conn::{drive, ConnCtx, Io};
use super::listen::{ListenAddr, Listener};
use super::notify::Notifier;
use super::session::{ConnInfo, Session};

/// Whether a service speaks TLS from the first byte.
#[derive(Clone)]
pub enum TlsMode {
    /// Plain text (STARTTLS may still upgrade).
    Plain,
    /// Implicit TLS (`imaps`, `pop3s`).
    Implicit(Arc<ServerConfig>),
}

impl std::fmt::Debug for TlsMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TlsMode::Plain => "Plain",
            TlsMode::Implicit(_) => "Implicit",
        })
    }
}

/// One service to run.
#[derive(Clone, Debug)]
pub struct ServiceSpec {
    /// Name from `cyrus.conf` (used for logs and service-specific options).
    pub name: String,
    /// Where to listen.
    pub listen: ListenAddr,
    /// Implicit TLS or not.
    pub tls: TlsMode,
    /// Configuration for STARTTLS, when offered.
    pub starttls: Option<Arc<ServerConfig>>,
    /// Most simultaneous connections (`maxchild`); further clients wait in
    /// the listen backlog.
    pub max_connections: Option<usize>,
}

/// Runs services until shut down.
pub struct Server {
    bridge: Bridge,
    notifier: Notifier,
    shutdown: watch::Sender<bool>,
    listeners: Mutex<Vec<JoinHandle<()>>>,
    drain: Duration,
    /// Open connections across all services.
    activity: Arc<Activity>,
}

impl Server {
    /// A server whose blocking work goes through `bridge`; `drain` bounds
    /// how long shutdown waits for open connections.
    pub fn new(bridge: Bridge, notifier: Notifier, drain: Duration) -> Self {
        let (shutdown, _) = watch::channel(false);
        Server {
            bridge,
            notifier,
            shutdown,
            listeners: Mutex::new(Vec::new()),
            drain,
            activity: Activity::new(),
        }
    }

    /// Returns once no connection has been open for `timeout` (Cyrus's
    /// `-T`: a service process exits after waiting that long for a client).
    pub async fn idle_for(&self, timeout: Duration) {
        loop {
            let idle = self.activity.idle();
            if idle >= timeout {
                return;
            }
            let wait = (timeout - idle).max(Duration::from_millis(100));
            tokio::time::sleep(wait.min(Duration::from_secs(1))).await;
        }
    }

    /// The change notifier shared with sessions.
    pub fn notifier(&self) -> &Notifier {
        &self.notifier
    }

    /// Binds `spec.listen` and starts accepting; every connection gets a
    /// session from `make`. Returns the bound address (the real port when
    /// port 0 was asked for).
    pub async fn serve<S, F>(&self, spec: ServiceSpec, make: F) -> io::Result<ListenAddr>
    where
        S: Session,
        F: Fn(&ConnInfo) -> S + Send + Sync + 'static,
    {
        let listener = Listener::bind(&spec.listen).await?;
        let bound = listener.local_addr()?;
        let task = tokio::spawn(accept_loop(
            listener,
            spec,
            Arc::new(make),
            self.bridge.clone(),
            self.notifier.clone(),
            self.shutdown.subscribe(),
            self.drain,
            Arc::clone(&self.activity),
        ));
        self.listeners
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(task);
        tracing::info!(listen = %bound, "listening");
        Ok(bound)
    }

    /// Stops accepting, asks every session to say goodbye between commands,
    /// and waits (up to the drain time) for connections to end.
    pub async fn shutdown(&self) {
        self.shutdown.send_replace(true);
        let tasks: Vec<JoinHandle<()>> = self
            .listeners
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain(..)
            .collect();
        for t in tasks {
            // A listener task that panicked has nothing left to drain.
            let _ = t.await;
        }
    }
}

#[allow(clippy::too_many_arguments)] // one per shared part of the server
async fn accept_loop<S, F>(
    listener: Listener,
    spec: ServiceSpec,
    make: Arc<F>,
    bridge: Bridge,
    notifier: Notifier,
    mut shutdown: watch::Receiver<bool>,
    drain: Duration,
    activity: Arc<Activity>,
) where
    S: Session,
    F: Fn(&ConnInfo) -> S + Send + Sync + 'static,
{
    let permits = spec
        .max_connections
        .map(|n| Arc::new(Semaphore::new(n.max(1))));
    let mut conns = JoinSet::new();
    loop {
        if *shutdown.borrow() {
            break;
        }
        let permit = match &permits {
            Some(p) => tokio::select! {
                p = Arc::clone(p).acquire_owned() => match p {
                    Ok(p) => Some(p),
                    Err(_) => break,
                },
                _ = shutdown.changed() => break,
            },
            None => None,
        };
        let accepted = tokio::select! {
            r = listener.accept() => r,
            _ = shutdown.changed() => break,
        };
        while conns.try_join_next().is_some() {}
        let (io, peer, local) = match accepted {
            Ok(x) => x,
            Err(e) => {
                // Out of descriptors and the like: back off, keep serving.
                tracing::warn!(service = %spec.name, error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let ctx = ConnCtx {
            bridge: bridge.clone(),
            wake: notifier.subscribe(),
            shutdown: shutdown.clone(),
            starttls: spec.starttls.clone(),
        };
        let tls = spec.tls.clone();
        let service = spec.name.clone();
        let make = Arc::clone(&make);
        let open = activity.enter();
        conns.spawn(async move {
            let _permit = permit;
            let _open = open;
            let (io, is_tls) = match tls {
                TlsMode::Plain => (Io::Plain(io), false),
                TlsMode::Implicit(cfg) => {
                    let mut io = Io::Plain(io);
                    if let Err(e) = io.start_tls(&cfg).await {
                        tracing::info!(%service, error = %e, "TLS handshake failed");
                        return;
                    }
                    (io, true)
                }
            };
            let info = ConnInfo {
                service,
                peer,
                local,
                tls: is_tls,
            };
            let session = make(&info);
            drive(io, session, ctx).await;
        });
    }
    drop(listener);
    let drained =
        tokio::time::timeout(drain, async { while conns.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        tracing::warn!(service = %spec.name, "connections still open after drain time; closing");
        conns.abort_all();
    }
}
