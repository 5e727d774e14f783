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
    /// services(5) file for service-name ports.
    #[arg(long, default_value = "/etc/services")]
    services: PathBuf,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let flags = if args.tls {
        vec!["-s".to_string()]
    } else {
        Vec::new()
    };
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
