//! cyr_ctl_deliver: dump the duplicate-delivery database (deliver.db).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use cyrus_bin::tools::{deliver_dump, load_config, now, open_store};

/// Dump deliver.db (-d) as Cyrus's ctl_deliver does.
#[derive(Parser, Debug)]
#[command(name = "cyr_ctl_deliver", version)]
struct Args {
    /// Alternate imapd.conf.
    #[arg(short = 'C', value_name = "imapd.conf")]
    config: Option<PathBuf>,
    /// Dump the database.
    #[arg(short = 'd', required = true)]
    dump: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = load_config(args.config.as_deref(), "ctl_deliver")
        .and_then(|conf| open_store(&conf))
        .and_then(|store| deliver_dump(&store, now()));
    match result {
        Ok(out) if args.dump => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cyr_ctl_deliver: {e}");
            ExitCode::FAILURE
        }
    }
}
