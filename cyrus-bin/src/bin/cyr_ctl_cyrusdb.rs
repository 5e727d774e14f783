//! cyr_ctl_cyrusdb: database recovery at start-up (-r) and checkpoints
//! (-c) (Cyrus `ctl_cyrusdb`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgGroup, Parser};
use cyrus_bin::tools::{ctl_cyrusdb, load_config, now, open_store, CyrusDbAction};

/// Recover (-r) or checkpoint (-c) the Cyrus databases.
#[derive(Parser, Debug)]
#[command(name = "cyr_ctl_cyrusdb", version)]
#[command(group(ArgGroup::new("op").required(true).args(["recover", "checkpoint"])))]
struct Args {
    /// Alternate imapd.conf.
    #[arg(short = 'C', value_name = "imapd.conf")]
    config: Option<PathBuf>,
    /// Recover the databases (run once at start-up).
    #[arg(short = 'r')]
    recover: bool,
    /// Checkpoint: archive copies into db.backup1 (db.backup1 → db.backup2).
    #[arg(short = 'c')]
    checkpoint: bool,
    /// With -r: skip the clean-up of stage files and reserved mailboxes.
    #[arg(short = 'x', conflicts_with = "checkpoint")]
    no_cleanup: bool,
    /// Print what was done.
    #[arg(short = 'v')]
    verbose: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let action = if args.recover {
        CyrusDbAction::Recover {
            cleanup: !args.no_cleanup,
        }
    } else {
        CyrusDbAction::Checkpoint
    };
    let result = load_config(args.config.as_deref(), "ctl_cyrusdb")
        .and_then(|conf| open_store(&conf))
        .and_then(|store| ctl_cyrusdb(&store, action, now()));
    match result {
        Ok(out) => {
            if args.verbose {
                eprint!("{}", out.verbose);
            }
            eprint!("{}", out.errors);
            if out.errors.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("cyr_ctl_cyrusdb: {e}");
            ExitCode::FAILURE
        }
    }
}
