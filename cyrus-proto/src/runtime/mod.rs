//! The only async code in the project: one tokio driver shared by every
//! protocol. It owns sockets (TCP and unix), TLS (implicit and STARTTLS),
//! COMPRESS=DEFLATE, idle timeouts, connection limits, graceful shutdown and
//! the single bridge through which blocking store work runs.
//!
//! A protocol plugs in by implementing [`Session`]: bytes in, [`Output`]
//! out, time passed in. The driver never interprets protocol bytes.

mod activity;
mod bridge;
mod conn;
mod deflate;
mod listen;
mod notify;
mod server;
mod session;
mod signal;
mod tls;

pub use bridge::{Bridge, BridgeError};
pub use listen::{ListenAddr, PeerAddr};
pub use notify::Notifier;
pub use server::{Server, ServiceSpec, TlsMode};
pub use session::{unix_seconds, ConnInfo, Output, Session, Step};
pub use signal::shutdown_signal;
pub use tls::{load_server_config, TlsError};
