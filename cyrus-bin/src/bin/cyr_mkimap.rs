//! cyr_mkimap: create the directories a Cyrus site needs (configdirectory
//! subdirectories, partitions with stage./ and sync./).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use cyrus_bin::tools::{load_config, mkimap};

/// Create the Cyrus directory structure named by imapd.conf.
#[derive(Parser, Debug)]
#[command(name = "cyr_mkimap", version)]
struct Args {
    /// Alternate imapd.conf.
    #[arg(short = 'C', value_name = "imapd.conf")]
    config: Option<PathBuf>,
    /// Print each directory created.
    #[arg(short, long)]
    verbose: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = load_config(args.config.as_deref(), "mkimap").and_then(|conf| mkimap(&conf));
    match result {
        Ok(made) => {
            if args.verbose {
                for d in made {
                    println!("created {}", d.display());
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cyr_mkimap: {e}");
            ExitCode::FAILURE
        }
    }
}
