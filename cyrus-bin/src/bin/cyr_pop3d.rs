//! cyr_pop3d: the POP3 daemon (RFC 1939) on its own, without cyr_master.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use cyrus_bin::master::{standalone_main, Program};

/// Serve POP3 on one listen address (a host:port, a port or service name,
/// or a unix socket path) until SIGTERM.
#[derive(Parser, Debug)]
#[command(name = "cyr_pop3d", version)]
struct Args {
    /// imapd.conf to use.
    #[arg(short = 'C', value_name = "imapd.conf")]
    config: Option<PathBuf>,
    /// Where to listen.
    #[arg(short = 'l', long, default_value = "127.0.0.1:110")]
    listen: String,
    /// Implicit TLS from the first byte (pop3s), as `pop3d -s`.
    #[arg(short = 's')]
    tls: bool,
    /// services(5) file for service-name ports.
    #[arg(long, default_value = "/etc/services")]
    services: PathBuf,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let (name, flags) = if args.tls {
        ("pop3s", vec!["-s".to_string()])
    } else {
        ("pop3", Vec::new())
    };
    standalone_main(
        "cyr_pop3d",
        args.config.as_deref(),
        Program::Pop3d,
        name,
        &args.listen,
        flags,
        &args.services,
    )
}
