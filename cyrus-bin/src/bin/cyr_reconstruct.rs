//! cyr_reconstruct: rebuild mailbox metadata (cyrus.header, cyrus.index,
//! cyrus.cache) from the message files, like Cyrus's `reconstruct`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use cyrus_bin::tools::{load_config, reconstruct, ReconstructRequest};

/// Reconstruct mailboxes from their spool files.
#[derive(Parser, Debug)]
#[command(name = "cyr_reconstruct", version)]
struct Args {
    /// Alternate imapd.conf.
    #[arg(short = 'C', value_name = "imapd.conf")]
    config: Option<PathBuf>,
    /// Recurse into the children of each named mailbox.
    #[arg(short = 'r')]
    recursive: bool,
    /// Scan the spool for mailboxes that mailboxes.db lacks.
    #[arg(short = 'f')]
    scan_spool: bool,
    /// Report what would be fixed; write nothing.
    #[arg(short = 'n')]
    dry_run: bool,
    /// Re-parse every message file (recompute GUIDs and cache records).
    #[arg(short = 'G')]
    reparse_all: bool,
    /// Only mailboxes on this partition.
    #[arg(short = 'p', value_name = "partition")]
    partition: Option<String>,
    /// Ignore the existing index records; rebuild them from the files.
    #[arg(short = 'x')]
    ignore_index: bool,
    /// The arguments are userids.
    #[arg(short = 'u')]
    users: bool,
    /// Do not print the name of each mailbox checked.
    #[arg(short = 'q')]
    quiet: bool,
    /// Mailboxes (or userids with -u); none means every mailbox.
    #[arg(value_name = "mailbox")]
    args: Vec<String>,
}

fn main() -> ExitCode {
    let a = Args::parse();
    let req = ReconstructRequest {
        recursive: a.recursive,
        scan_spool: a.scan_spool,
        dry_run: a.dry_run,
        reparse_all: a.reparse_all,
        ignore_index: a.ignore_index,
        partition: a.partition,
        users: a.users,
        quiet: a.quiet,
        args: a.args,
    };
    let result = load_config(a.config.as_deref(), "reconstruct").and_then(|conf| {
        reconstruct(
            &conf,
            &req,
            &mut std::io::stdout().lock(),
            &mut std::io::stderr().lock(),
        )
    });
    match result {
        Ok(s) if s.failed == 0 => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("cyr_reconstruct: {e}");
            ExitCode::FAILURE
        }
    }
}
