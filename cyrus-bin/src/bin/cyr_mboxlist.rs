//! cyr_mboxlist: dump mailboxes.db as JSON, or load a dump back.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgGroup, Parser};
use cyrus_bin::tools::{load_config, mboxlist_dump, mboxlist_undump, now, ToolError};

/// Dump (-d) or undump (-u) the mailbox list in Cyrus 3.6's JSON format.
#[derive(Parser, Debug)]
#[command(name = "cyr_mboxlist", version)]
#[command(group(ArgGroup::new("op").required(true).args(["dump", "undump"])))]
struct Args {
    /// Alternate imapd.conf.
    #[arg(short = 'C', value_name = "imapd.conf")]
    config: Option<PathBuf>,
    /// Dump mailboxes.db to stdout.
    #[arg(short = 'd')]
    dump: bool,
    /// Load a dump from stdin into mailboxes.db.
    #[arg(short = 'u')]
    undump: bool,
    /// With -d: include intermediate placeholders.
    #[arg(short = 'y', requires = "dump")]
    intermediates: bool,
    /// With -d: only mailboxes on this partition.
    #[arg(short = 'p', value_name = "partition", requires = "dump")]
    partition: Option<String>,
}

fn run(args: &Args) -> Result<(), ToolError> {
    let conf = load_config(args.config.as_deref(), "ctl_mboxlist")?;
    let io = |source| ToolError::Io {
        path: "stdio".into(),
        source,
    };
    if args.dump {
        let text = mboxlist_dump(&conf, args.intermediates, args.partition.as_deref())?;
        let mut so = std::io::stdout().lock();
        so.write_all(text.as_bytes()).map_err(io)?;
        so.flush().map_err(io)?;
    } else {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(io)?;
        mboxlist_undump(&conf, &text, now())?;
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(&Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cyr_mboxlist: {e}");
            ExitCode::FAILURE
        }
    }
}
