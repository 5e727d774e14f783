//! `cyr_loadgen`: drives running IMAP/LMTP servers over the wire and
//! prints throughput and latency per operation, with ratios against the
//! first target. Not part of `cargo test`; see `benches/README.md`.

mod client;
mod error;
mod idle;
mod imap;
mod lmtp;
mod report;
mod stats;
mod target;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use target::Target;

#[derive(Parser, Debug)]
#[command(name = "cyr_loadgen", version)]
struct Args {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// N connections, each: LOGIN, SELECT of its own scratch mailbox, then
    /// FETCH / STORE / SEARCH / APPEND in turn for D seconds.
    Imap {
        /// `name=host:port[,user,pass]`, repeatable; the first is the base.
        #[arg(long = "target", required = true)]
        targets: Vec<Target>,
        /// Concurrent connections per target.
        #[arg(long, default_value_t = 8)]
        connections: usize,
        /// Seconds of load per target.
        #[arg(long, default_value_t = 10)]
        duration: u64,
        /// Messages put into each scratch mailbox before the clock starts.
        #[arg(long, default_value_t = 50)]
        seed_messages: usize,
    },
    /// N parallel LMTP senders delivering M messages in all.
    Lmtp {
        /// `name=host:port[,user,pass]` (LMTP port; user = recipient, pass
        /// = IMAP password used for the clean-up), repeatable.
        #[arg(long = "target", required = true)]
        targets: Vec<Target>,
        /// IMAP port of each target, in the same order (for the clean-up
        /// of the delivered messages); none = no clean-up.
        #[arg(long = "imap-port")]
        imap_ports: Vec<u16>,
        /// Parallel senders.
        #[arg(long, default_value_t = 8)]
        senders: usize,
        /// Messages in all.
        #[arg(long, default_value_t = 2000)]
        messages: usize,
        /// Size of each message body in bytes.
        #[arg(long, default_value_t = 2048)]
        size: usize,
    },
    /// Opens many IDLE sessions and reports the server's resident memory
    /// growth per connection (from /proc/<pid>/status).
    Idle {
        /// `name=host:port[,user,pass]`, repeatable.
        #[arg(long = "target", required = true)]
        targets: Vec<Target>,
        /// Connections per target.
        #[arg(long, default_value_t = 1000)]
        connections: usize,
        /// Processes whose VmRSS is summed, per target in the same order:
        /// a comma-separated list of pids and/or process names (`imapd`:
        /// every process of that name, as Cyrus forks one per client).
        #[arg(long = "pid", required = true)]
        pids: Vec<String>,
    },
}

fn main() -> ExitCode {
    let args = Args::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cyr_loadgen: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(async {
        match args.command {
            Cmd::Imap {
                targets,
                connections,
                duration,
                seed_messages,
            } => imap::run(&targets, connections, duration, seed_messages).await,
            Cmd::Lmtp {
                targets,
                imap_ports,
                senders,
                messages,
                size,
            } => lmtp::run(&targets, &imap_ports, senders, messages, size).await,
            Cmd::Idle {
                targets,
                connections,
                pids,
            } => idle::run(&targets, connections, &pids).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cyr_loadgen: {e}");
            ExitCode::FAILURE
        }
    }
}
