//! cyr_timsieved: the ManageSieve daemon (RFC 5804) on its own, without
//! cyr_master.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use cyrus_bin::master::{standalone_main, Program};

/// Serve ManageSieve on one listen address (a host:port, a port or
/// service name, or a unix socket path) until SIGTERM.
#[derive(Parser, Debug)]
#[command(name = "cyr_timsieved", version)]
struct Args {
    /// imapd.conf to use.
    #[arg(short = 'C', value_name = "imapd.conf")]
    config: Option<PathBuf>,
    /// Where to listen.
    #[arg(short = 'l', long, default_value = "127.0.0.1:4190")]
    listen: String,
    /// services(5) file for service-name ports.
    #[arg(long, default_value = "/etc/services")]
    services: PathBuf,
}

fn main() -> ExitCode {
    let args = Args::parse();
    standalone_main(
        "cyr_timsieved",
        args.config.as_deref(),
        Program::Timsieved,
        "sieve",
        &args.listen,
        Vec::new(),
        &args.services,
    )
}
