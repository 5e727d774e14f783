//! cyr_lmtpd: the LMTP daemon on its own, without cyr_master.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use cyrus_bin::master::{standalone_main, Program};

/// Serve LMTP on one listen address (a host:port, a port or service
/// name, or a unix socket path) until SIGTERM.
#[derive(Parser, Debug)]
#[command(name = "cyr_lmtpd", version)]
struct Args {
    /// imapd.conf to use.
    #[arg(short = 'C', value_name = "imapd.conf")]
    config: Option<PathBuf>,
    /// Treat TCP clients as authenticated (trusted MTA on loopback).
    #[arg(short = 'a')]
    trusted: bool,
    /// Where to listen.
    #[arg(short = 'l', long, default_value = "127.0.0.1:2003")]
    listen: String,
    /// services(5) file for service-name ports.
    #[arg(long, default_value = "/etc/services")]
    services: PathBuf,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let flags = if args.trusted {
        vec!["-a".to_string()]
    } else {
        Vec::new()
    };
    standalone_main(
        "cyr_lmtpd",
        args.config.as_deref(),
        Program::Lmtpd,
        "lmtp",
        &args.listen,
        flags,
        &args.services,
    )
}
