//! cyr_lmtpd: the LMTP daemon on its own, without cyr_master.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use cyrus_bin::master::{run_standalone, Program};
use cyrus_bin::tools::DEFAULT_CONFIG;

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
    let mut flags = Vec::new();
    if args.trusted {
        flags.push("-a".to_string());
    }
    let conf = args
        .config
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG));
    let result = run_standalone(
        &conf,
        Program::Lmtpd,
        "lmtp",
        &args.listen,
        flags,
        &args.services,
        &mut |name, addr| println!("cyr_lmtpd: {name} listening on {addr}"),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cyr_lmtpd: {e}");
            ExitCode::FAILURE
        }
    }
}
