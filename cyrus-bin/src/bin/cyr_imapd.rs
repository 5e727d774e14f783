//! cyr_imapd: the IMAP daemon on its own, without cyr_master.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use cyrus_bin::master::{standalone_main, Program};

/// Serve IMAP on one listen address (a host:port, a port or service
/// name, or a unix socket path) until SIGTERM.
#[derive(Parser, Debug)]
#[command(name = "cyr_imapd", version)]
struct Args {
    /// imapd.conf to use.
    #[arg(short = 'C', value_name = "imapd.conf")]
    config: Option<PathBuf>,
    /// Implicit TLS (imaps): needs tls_server_cert and tls_server_key.
    #[arg(short = 's')]
    tls: bool,
    /// Where to listen.
    #[arg(short = 'l', long, default_value = "127.0.0.1:1143")]
    listen: String,
    /// Exit once no client has been connected for this many seconds
    /// (Cyrus's reuse timeout; 0 = never).
    #[arg(short = 'T', value_name = "timeout")]
    reuse_timeout: Option<u64>,
    /// Run `debug_command` from imapd.conf first (Cyrus: attach an
    /// external debugger).
    #[arg(short = 'D')]
    debugger: bool,
    /// services(5) file for service-name ports.
    #[arg(long, default_value = "/etc/services")]
    services: PathBuf,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut flags = if args.tls {
        vec!["-s".to_string()]
    } else {
        Vec::new()
    };
    if let Some(t) = args.reuse_timeout {
        flags.extend(["-T".to_string(), t.to_string()]);
    }
    if args.debugger {
        flags.push("-D".to_string());
    }
    standalone_main(
        "cyr_imapd",
        args.config.as_deref(),
        Program::Imapd,
        "imap",
        &args.listen,
        flags,
        &args.services,
    )
}
